"""The bounded engine (Hamerly) and the automatic choice: Lloyd's labels at every iteration,
its centroids to rounding, empty clusters and weights included (fractional ones too),
fewer distances, and memory within Lloyd's plus the per-row state."""

import tracemalloc

import numpy as np
import pytest

import helpers
from helpers import bounds, engine
from helpers.kmeans import lloyd_steps
from tests.datasets import LARGE, SMALL, dataset, start


def run(X, C0, engine_class, max_iter=300, **kwargs):
    fast = engine_class(X, **kwargs)
    return list(lloyd_steps(X, C0, max_iter, 0.0, with_inertia=False, engine=fast)), fast


def assert_same_run(steps, reference, X):
    assert len(steps) == len(reference)
    rtol = 1e-5 if X.dtype == np.float32 else 1e-9
    for ours, theirs in zip(steps, reference):
        np.testing.assert_array_equal(ours.labels, theirs.labels)
        np.testing.assert_array_equal(ours.moved, theirs.moved)
        np.testing.assert_allclose(ours.new_centroids, theirs.new_centroids, rtol=rtol,
                                   atol=rtol * np.abs(X).max())


LOW = dict(switch_below=0.5, bounds_from_rows=0)  # auto's switch on small data too


@pytest.mark.parametrize(
    "engine_class, kwargs",
    [(bounds.Hamerly, {}), (bounds.Auto, {}), (bounds.Auto, LOW)],
    ids=["hamerly", "auto", "auto switching early"],
)
@pytest.mark.parametrize("name", SMALL + LARGE)
def test_every_iteration_equals_lloyd(name, engine_class, kwargs):
    X, k = dataset(name)
    C0 = start(X, k)
    reference, _ = run(X, C0, engine.Lloyd)
    steps, fast = run(X, C0, engine_class, **kwargs)
    assert_same_run(steps, reference, X)
    assert len(fast.computed) == len(steps)


def test_auto_switches_above_its_size_and_gives_up_on_noise():
    # Clustered data above 10,000 rows: Lloyd passes, then bounded steps to the end.
    X, k = dataset("large blobs 5-D, k=10")
    steps, auto = run(X, start(X, k), bounds.Auto)
    n = len(X)
    assert auto.computed[0] == n and auto.mode == "bounds"
    assert sum(auto.computed) < 0.5 * n * len(steps)
    # Noise: the bounded steps check too many rows, and it goes back to Lloyd for good.
    X, k = dataset("large uniform noise 8-D, k=16")
    reference, _ = run(X, start(X, k), engine.Lloyd, max_iter=60)
    steps, auto = run(X, start(X, k), bounds.Auto, max_iter=60, back_above=0.05)
    n = len(X)
    assert auto.mode == "lloyd for good"
    switched = [i for i, rows in enumerate(auto.computed) if rows < n]
    assert switched and auto.computed[-1] == n and len(auto.computed) > switched[-1] + 1
    assert_same_run(steps, reference, X)


def test_bounds_skip_most_distances_on_clustered_data():
    X, k = dataset("blobs 16-D, k=20")
    steps, fast = run(X, start(X, k), bounds.Hamerly)
    assert fast.computed[0] == len(X)  # the first step computes everything
    assert sum(fast.computed) < 0.3 * len(X) * len(steps)


def test_empty_clusters_follow_lloyds_rule():
    X, _ = dataset("blobs 2-D, k=8")
    C0 = np.vstack([X[:7], [[1e3, 1e3]]])  # the last centroid wins no point
    reference, _ = run(X, C0, engine.Lloyd)
    assert len(reference[0].moved) == 1
    for engine_class in (bounds.Hamerly, bounds.Auto):
        steps, _ = run(X, C0, engine_class)
        assert_same_run(steps, reference, X)


def test_weights_as_lloyd():
    X, k = dataset("blobs 2-D, k=8")
    w = np.random.RandomState(0).randint(0, 4, size=len(X)).astype(float)
    C0 = X[w > 0][:k]
    reference, _ = run(X, C0, engine.Lloyd, sample_weight=w)
    steps, _ = run(X, C0, bounds.Hamerly, sample_weight=w)
    assert_same_run(steps, reference, X)


def test_a_cluster_emptied_by_fractional_weights_is_seen_as_empty():
    # Its running weight would end at about 2e-16, not 0, and it was never seen as empty:
    # Hamerly returned a centroid no point belongs to. Members are counted in integers.
    X = np.array([[0.0], [0.1], [0.2], [5.0], [5.1], [10.0]])
    w = np.array([0.1, 0.2, 0.3, 0.7, 0.1, 0.3])
    C0 = np.array([[0.1], [2.0], [5.0], [10.0]])  # the cluster at 2.0 loses its points
    for engine_class in (bounds.Hamerly, bounds.Auto):
        steps, _ = run(X, C0, engine_class, sample_weight=w, **(
            LOW if engine_class is bounds.Auto else {}))
        reference, _ = run(X, C0, engine.Lloyd, sample_weight=w)
        assert_same_run(steps, reference, X)
        final = steps[-1]
        assert np.all(np.bincount(final.updated_labels, minlength=4) > 0)


@pytest.mark.parametrize("algorithm", ["hamerly", "auto"])
def test_kmeans_by_name_gives_lloyds_answer(algorithm):
    X, k = dataset("large blobs 5-D, k=10")
    c, labels = helpers.kmeans(X, k, n_init=2, seed=0, algorithm=algorithm)
    c_l, labels_l = helpers.kmeans(X, k, n_init=2, seed=0, algorithm="lloyd")
    np.testing.assert_array_equal(labels, labels_l)
    np.testing.assert_allclose(c, c_l, rtol=1e-9, atol=1e-9)


def test_unknown_algorithm_is_a_value_error():
    with pytest.raises(ValueError, match="algorithm must be one of 'lloyd', 'hamerly', 'auto', got 'elkan'"):
        helpers.kmeans(np.arange(10.0).reshape(5, 2), 2, algorithm="elkan")


def test_half_gaps_need_no_k_by_k_by_d_temporary():
    # 2,000 centroids in 32-D: a (k, k, d) array of differences would be 1 GB.
    c = np.random.RandomState(0).normal(size=(2000, 32))
    tracemalloc.start()
    half = bounds.half_gaps(c)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 * 2000 * 2000 * 8
    sample = np.sqrt(((c[:50, None] - c[None]) ** 2).sum(axis=2))
    np.fill_diagonal(sample[:, :50], np.inf)
    np.testing.assert_allclose(half[:50], 0.5 * sample.min(axis=1), rtol=1e-9)


def _peak_of_fit(X, k, algorithm):
    tracemalloc.start()
    helpers.kmeans(X, k, init=X[:k], max_iter=12, tol=0, algorithm=algorithm, n_threads=2)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


@pytest.mark.parametrize("kind", ["clustered", "noise"])
def test_bounded_fits_need_only_their_per_row_state_beyond_lloyds_memory(kind):
    # 200,000 x 16: Lloyd's peak, plus a label and two bounds per row (24 bytes), plus 8 MB.
    rng = np.random.RandomState(0)
    if kind == "clustered":
        centres = rng.uniform(-10, 10, size=(64, 16))
        X = centres[rng.randint(64, size=200_000)] + rng.normal(size=(200_000, 16))
    else:
        X = rng.uniform(size=(200_000, 16))
    lloyd = _peak_of_fit(X, 64, "lloyd")
    allowed = lloyd + 24 * len(X) + 8e6
    for algorithm in ("hamerly", "auto"):
        assert _peak_of_fit(X, 64, algorithm) <= allowed, algorithm


def test_half_gaps_need_only_a_block_of_the_k_by_k_matrix():
    c = np.random.RandomState(0).uniform(size=(4000, 2))
    diff = np.sqrt(((c[:, None] - c[None]) ** 2).sum(axis=2))
    np.fill_diagonal(diff, np.inf)
    tracemalloc.start()
    gaps = bounds.half_gaps(c)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    np.testing.assert_allclose(gaps, 0.5 * diff.min(axis=1), rtol=1e-6, atol=1e-9)
    assert peak < 10  # MB; the whole (k, k) matrix and one temporary took 256
