"""Invariants of the core, on data sets that hypothesis generates (and shrinks on failure).

The test command runs the quick "ci" profile: a fixed seed and few examples, seconds in
all. ``KMEANS_HYPOTHESIS=long python3 run.py test tests/test_properties.py`` runs many more.

Two kinds of data: integer grids (duplicates and exact ties, where the arithmetic is exact
enough for ties to stay ties), and continuous data (random normal blobs, where ties have
probability zero, so permuting, shifting or scaling cannot flip a tie either).
"""

import os
import warnings
from fractions import Fraction

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sklearn.cluster import KMeans
from sklearn.metrics import pairwise_distances_argmin
from sklearn.metrics import silhouette_samples as sk_silhouette_samples

import helpers
from helpers import bounds, engine

settings.register_profile(
    "ci",
    max_examples=25,
    derandomize=True,  # the same examples on every run
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("long", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("KMEANS_HYPOTHESIS", "ci"))


@st.composite
def grids(draw, sizes=tuple(range(2, 31))):
    """Integer points in a small box: many duplicates and exact ties; a start of k distinct
    points of the grid (not necessarily rows of X), so that points can be equally far."""
    n = draw(st.sampled_from(sizes))
    d = draw(st.integers(1, 3))
    cells = st.integers(-4, 4)
    X = np.array(draw(st.lists(st.lists(cells, min_size=d, max_size=d), min_size=n, max_size=n)))
    k = draw(st.integers(1, min(5, n)))
    C0 = draw(
        st.lists(st.lists(cells, min_size=d, max_size=d), min_size=k, max_size=k, unique_by=tuple)
    )
    return X.astype(float), np.array(C0, dtype=float)


@st.composite
def blobs(draw, max_n=60):
    """Random normal blobs (no ties), a start of k rows, and a seed for anything else."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.RandomState(seed)
    n, d, k = draw(st.integers(8, max_n)), draw(st.integers(1, 4)), draw(st.integers(1, 6))
    centres = rng.uniform(-10, 10, size=(draw(st.integers(1, 6)), d))
    X = centres[rng.randint(len(centres), size=n)] + rng.normal(size=(n, d))
    return X, X[rng.choice(n, min(k, n), replace=False)], rng


def sklearn_lloyd(X, C0):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "fewer distinct points than clusters" and the like
        return KMeans(len(C0), init=C0, n_init=1, tol=0, algorithm="lloyd").fit(X)


def ours(X, C0, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # fewer distinct points than k
        return helpers.kmeans(X, len(C0), init=C0, tol=0, **kwargs)


def exact_sq_distances(X, C):
    """Squared distances computed exactly, in fractions: ties are ties."""
    return [
        [sum((Fraction(x) - Fraction(c)) ** 2 for x, c in zip(row, c_row)) for c_row in C]
        for row in X
    ]


@given(grids())
def test_exact_ties_go_to_the_lowest_index_as_in_sklearn(problem):
    X, C0 = problem
    exact = np.array(
        [min(range(len(C0)), key=row.__getitem__) for row in exact_sq_distances(X, C0)]
    )
    np.testing.assert_array_equal(pairwise_distances_argmin(X, C0), exact)  # scikit-learn's argmin
    np.testing.assert_array_equal(helpers.assign(X, C0), exact)  # the plain step
    fast = engine.Lloyd(X)
    fast.start(C0)
    np.testing.assert_array_equal(fast.step().labels, exact)  # the engine's step


def near_tie_or_move(X, steps):
    """Whether any step after the first met two centroids equally far from a point (to
    1e-12, in exact arithmetic on the float centroids: rounding may break such a tie
    either way) or had an empty cluster to fill (with several points equally far, where
    scikit-learn's choice, by np.argpartition, is arbitrary)."""
    for step in steps:
        if np.bincount(step.labels, minlength=len(step.centroids)).min() == 0:
            return True
        if step.iteration == 0:
            continue  # integer start: exact in both
        for row in exact_sq_distances(X, step.centroids):
            best, second = sorted(row)[:2] if len(row) > 1 else (row[0], None)
            if second is not None and second - best <= Fraction(1, 10**12) * (1 + second):
                return True
    return False


@given(grids(sizes=(2, 4, 8, 16, 32)))
def test_same_run_as_sklearn_on_integer_grids_where_both_are_exact(problem):
    # With a power-of-two number of integer points the mean is exact, and so is every
    # distance from the integer start: the first assignment's ties are exact in both.
    X, C0 = problem
    steps = helpers.kmeans_steps(X, len(C0), init=C0, tol=0)
    assume(not near_tie_or_move(X, steps))
    centroids, labels = ours(X, C0)
    sk = sklearn_lloyd(X, C0)
    np.testing.assert_array_equal(labels, sk.labels_)
    np.testing.assert_allclose(centroids, sk.cluster_centers_, rtol=1e-12, atol=1e-12)


@given(blobs(), st.sampled_from([0.0, 1e3, -1e6]), st.sampled_from([1.0, 2.0**-20, 1e3]))
def test_same_labels_as_sklearn_on_blobs_at_moderate_offsets_and_scales(problem, offset, scale):
    X, C0, _ = problem
    X, C0 = X * scale + offset, C0 * scale + offset
    centroids, labels = ours(X, C0)
    sk = sklearn_lloyd(X, C0)
    np.testing.assert_array_equal(labels, sk.labels_)
    np.testing.assert_allclose(centroids, sk.cluster_centers_, rtol=1e-9, atol=1e-9 * scale)


@given(st.one_of(grids(), blobs().map(lambda p: p[:2])))
def test_the_objective_never_increases_half_step_by_half_step(problem):
    X, C0 = problem
    steps = helpers.kmeans_steps(X, len(C0), init=C0, tol=0)
    scores = []
    for step in steps:  # after the assignment, then after the update
        scores.append(helpers.inertia(X, step.centroids, step.labels))
        scores.append(helpers.inertia(X, step.new_centroids, step.updated_labels))
    allowance = 1e-12 * max(scores[0], 1.0)  # the same sum, added in another order
    assert np.all(np.diff(scores) <= allowance)


@given(
    st.one_of(grids(), blobs().map(lambda p: p[:2])),
    st.sampled_from([1.0, 1e-300, 1e-150, 1e150, 1e300]),
    st.sampled_from([0.0, 1e9]),
    st.booleans(),
)
def test_finite_input_never_gives_nan_or_infinity(problem, scale, offset, float32):
    X, C0 = problem
    with np.errstate(over="ignore"):  # 1e9 * 1e300, or 1e150 in float32: not finite input
        X, C0 = X * scale + offset * scale, C0 * scale + offset * scale
        if float32:
            X, C0 = X.astype(np.float32), C0.astype(np.float32)
    assume(np.isfinite(X).all() and np.isfinite(C0).all())
    for centroids, labels in (ours(X, C0), ours(X, C0, max_iter=1)):
        assert np.isfinite(centroids).all()
        assert labels.min() >= 0 and labels.max() < len(C0)
    steps = helpers.kmeans_steps(X, len(C0), init=C0, tol=0)
    assert all(np.isfinite(s.new_centroids).all() for s in steps)


@given(blobs())
def test_permuting_the_rows_permutes_the_labels(problem):
    X, C0, rng = problem
    order = rng.permutation(len(X))
    _, labels = ours(X, C0)
    _, permuted = ours(X[order], C0)
    np.testing.assert_array_equal(permuted, labels[order])


@given(blobs(), st.sampled_from([1e-6, 0.37, 2.0, 1e5]), st.sampled_from([0.0, -3.5, 1e4]))
def test_translating_or_scaling_data_and_start_together_keeps_the_labels(problem, a, b):
    X, C0, _ = problem
    _, labels = ours(X, C0)
    _, moved = ours(a * X + b, a * C0 + b)
    np.testing.assert_array_equal(moved, labels)


@given(blobs())
def test_silhouette_equals_sklearn(problem):
    X, _, rng = problem
    labels = rng.randint(0, 3, size=len(X))
    assume(2 <= len(np.unique(labels)) <= len(X) - 1)  # defined for 2 to n - 1 clusters
    np.testing.assert_allclose(
        helpers.silhouette_samples(X, labels), sk_silhouette_samples(X, labels), atol=1e-10
    )


@given(blobs(), st.data())
def test_dask_equals_the_in_memory_core_for_any_chunking(problem, data):
    import dask
    import dask.array as da

    from helpers.scale import distributed as dk

    X, C0, _ = problem
    rows = data.draw(st.integers(1, len(X)), label="rows per chunk")
    centroids, labels = ours(X, C0)
    with dask.config.set(scheduler="synchronous"):
        result = dk.dask_kmeans(da.from_array(X, chunks=(rows, -1)), len(C0), init=C0, tol=0)
        dask_labels = result.labels.compute()
    np.testing.assert_array_equal(dask_labels, labels)
    np.testing.assert_array_equal(dask_labels, helpers.assign(X, result.centroids))
    np.testing.assert_allclose(result.centroids, centroids, rtol=1e-10, atol=1e-10)


@given(blobs(max_n=400), st.data())
def test_every_engine_on_any_chunks_blocks_and_threads_gives_the_plain_run(problem, data):
    # Sizes as parameters: many chunks on several threads, blocks of a few rows, the
    # automatic switch on from the start: every step's labels equal the plain loop's.
    X, C0, _ = problem
    n = len(X)
    sizes = dict(
        n_threads=data.draw(st.integers(1, 3), label="threads"),
        chunk_rows=data.draw(st.integers(1, n), label="rows per chunk"),
        block_rows=data.draw(st.integers(1, n), label="rows per block"),
    )
    plain = list(helpers.lloyd_steps(X, C0))
    for fast in (engine.Lloyd(X, **sizes), bounds.Hamerly(X, **sizes),
                 bounds.Auto(X, switch_below=1.0, bounds_from_rows=0, **sizes)):
        steps = list(helpers.lloyd_steps(X, C0, engine=fast))
        assert len(steps) == len(plain)
        for ours_step, plain_step in zip(steps, plain):
            np.testing.assert_array_equal(ours_step.labels, plain_step.labels)
            np.testing.assert_allclose(ours_step.new_centroids, plain_step.new_centroids,
                                       rtol=1e-9, atol=1e-9)


@given(blobs(max_n=200), st.data())
def test_fractional_weights_keep_centroids_in_the_data_and_every_engine_agrees(problem, data):
    # Random fractional weights, some zero, and a start with empty clusters (a centroid far
    # off): every centroid inside the data's bounding box, the same answer with every
    # weight times a constant, and the bounded engines equal to Lloyd's.
    X, C0, rng = problem
    assume(len(C0) >= 2)
    w = np.round(rng.uniform(size=len(X)), 1) * (rng.uniform(size=len(X)) > 0.2)
    assume(np.count_nonzero(w) >= len(C0))
    C0 = C0.copy()
    C0[-1] = X.max(axis=0) + 100.0  # wins no point: an empty cluster to fill
    factor = data.draw(st.sampled_from([2.0**-30, 3.0, 1e-7, 1e200]), label="weights times")
    runs = {}
    for algorithm in ("lloyd", "hamerly", "auto"):
        runs[algorithm] = ours(X, C0, sample_weight=w, algorithm=algorithm)
    centroids, labels = runs["lloyd"]
    low, high = X.min(axis=0), X.max(axis=0)
    assert np.all(centroids >= low - 1e-9 * (1 + np.abs(low)))
    assert np.all(centroids <= high + 1e-9 * (1 + np.abs(high)))
    for algorithm in ("hamerly", "auto"):
        np.testing.assert_array_equal(runs[algorithm][1], labels)
        np.testing.assert_allclose(runs[algorithm][0], centroids, rtol=1e-9, atol=1e-9)
    scaled_centroids, scaled_labels = ours(X, C0, sample_weight=w * factor)
    np.testing.assert_array_equal(scaled_labels, labels)
    np.testing.assert_allclose(scaled_centroids, centroids, rtol=1e-12, atol=1e-12)
