"""helpers/engine.py: the engine interface and the fast Lloyd pass. The same answers as the
plain ``update(X, assign(X, c), c)``, with any block size and thread count (arguments,
never patched), bit-identical with 1, 2 and 3 threads; a new engine is one class."""

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

import helpers
from helpers import engine
from helpers.kmeans import Plain, lloyd_steps
from helpers.numerics import round_shift
from tests.datasets import SMALL, dataset, start


def one_step(fast, C, with_inertia=True):
    fast.start(C)
    return fast.step(with_inertia)


@pytest.mark.parametrize("offset", [0.0, 1e6])
def test_a_step_equals_assign_then_update(offset):
    X, _ = make_blobs(n_samples=2000, centers=5, n_features=3, random_state=2)
    X = X + offset  # far from the origin too: centred inside
    C = X[:5].copy()
    labels, new, score, moved = one_step(engine.Lloyd(X), C)
    assert moved.shape == (0, 2)  # no empty cluster here
    np.testing.assert_array_equal(labels, helpers.assign(X, C))
    np.testing.assert_allclose(new, helpers.update(X, labels, C), rtol=1e-12)
    assert score == pytest.approx(helpers.inertia(X, C, labels), rel=1e-9)


def test_a_step_fills_empty_clusters_as_update_does():
    # Integer points (many equal distances), 6 of 8 centroids far away: 6 empty clusters.
    X = np.random.RandomState(3).randint(0, 4, size=(60, 2)).astype(float)
    C = np.array([[0.5, 1.5], [2.5, 1.5]] + [[100.0, 100.0]] * 6)
    labels, new, _, moved = one_step(engine.Lloyd(X), C)
    assert np.all(np.bincount(labels, minlength=8)[2:] == 0)
    np.testing.assert_allclose(new, helpers.update(X, labels, C), rtol=1e-12)
    np.testing.assert_array_equal(moved[:, 1], np.arange(2, 8))  # one point into each
    np.testing.assert_array_equal(new[moved[:, 1]], X[moved[:, 0]])  # centroid = that point
    np.testing.assert_array_equal(one_step(Plain(X), C).moved, moved)  # as the plain engine
    assert np.isfinite(new).all()


@pytest.mark.parametrize("name", SMALL)
def test_the_plain_engine_and_kmeans_lloyd_give_the_same_run(name):
    # lloyd_steps on its default engine (the loop as a learner writes it) and kmeans with
    # algorithm="lloyd" (the fast pass): the same labels, and centroids to rounding.
    X, k = dataset(name)
    C0 = start(X, k)
    plain = list(lloyd_steps(X, C0))
    centroids, labels, n_iter = helpers.kmeans(X, k, init=C0, tol=0, return_n_iter=True)
    assert n_iter == len(plain)
    np.testing.assert_array_equal(labels, plain[-1].labels)
    rtol = 1e-5 if X.dtype == np.float32 else 1e-10
    np.testing.assert_allclose(centroids, plain[-1].new_centroids, rtol=rtol,
                               atol=rtol * np.abs(X).max())


@pytest.mark.parametrize(
    "sizes",
    [
        dict(n_threads=1),
        dict(n_threads=3, chunk_rows=100, block_rows=7),  # 30 chunks of many blocks each
        dict(n_threads=4, chunk_rows=37, block_rows=2),  # 82 chunks of two-row blocks
    ],
)
def test_any_sizes_and_threads_give_the_same_answer(sizes):
    X, _ = make_blobs(n_samples=3000, centers=6, n_features=5, random_state=0)
    C0 = X[:6]
    one = helpers.kmeans(X, 6, init=C0, tol=0)
    steps = list(lloyd_steps(X, C0, engine=engine.Lloyd(X, **sizes)))
    np.testing.assert_array_equal(steps[-1].labels, one[1])
    np.testing.assert_allclose(steps[-1].new_centroids, one[0], rtol=1e-12)
    sk = KMeans(6, init=C0, n_init=1, tol=0, algorithm="lloyd").fit(X)
    np.testing.assert_array_equal(steps[-1].labels, sk.labels_)


@pytest.mark.parametrize("algorithm", ["lloyd", "hamerly", "auto"])
def test_one_two_and_three_threads_give_bit_identical_runs(algorithm):
    # float32 over several chunks, the sparse sums (d > 4): the sums are added in float64
    # and in chunk order, so the thread count changes nothing (it once changed n_iter).
    X = make_blobs(40_000, 8, centers=12, cluster_std=4.0, random_state=0)[0].astype(np.float32)
    C0 = start(X, 12, seed=1)
    runs = [helpers.kmeans(X, 12, init=C0, tol=0, max_iter=60, algorithm=algorithm,
                           n_threads=t, return_n_iter=True) for t in (1, 2, 3)]
    for centroids, labels, n_iter in runs[1:]:
        np.testing.assert_array_equal(labels, runs[0][1])
        np.testing.assert_array_equal(centroids, runs[0][0])
        assert n_iter == runs[0][2]


def test_cluster_sums_add_float32_rows_in_float64():
    # Both ways (bincount per feature, the sparse product): 2**24 + 1 is lost in float32.
    for d in (2, 8):
        X = np.ones((3, d), dtype=np.float32)
        X[0] = 2.0**24
        sums = engine.cluster_sums(X, np.zeros(3, dtype=np.intp), 1)
        assert sums.dtype == np.float64 and sums[0, 0] == 2.0**24 + 2


def test_cluster_sums_both_ways_equal_a_loop():
    rng = np.random.RandomState(0)
    for d in (2, 9):  # bincount per feature, then the sparse product
        X = rng.normal(size=(500, d))
        labels = rng.randint(0, 7, 500)
        expected = np.array([X[labels == j].sum(axis=0) for j in range(7)])
        np.testing.assert_allclose(engine.cluster_sums(X, labels, 7), expected, rtol=1e-12)


def test_a_new_engine_is_one_class():
    # A complete engine, as a learner might write one: a for-loop over points. kmeans runs
    # it by passing the class; the answer is Lloyd's.
    class LoopEngine:
        def __init__(self, X, *, sample_weight=None, n_threads=None):
            self.X, self.c = X, None

        def start(self, centroids):
            self.c = np.array(centroids)

        def step(self, with_inertia=True):
            X, c = self.X, self.c
            labels = np.array([np.argmin(((c - x) ** 2).sum(axis=1)) for x in X])
            new = np.array([X[labels == j].mean(axis=0) if (labels == j).any() else c[j]
                            for j in range(len(c))])
            score = float(((X - c[labels]) ** 2).sum()) if with_inertia else None
            self.c = new
            return engine.Pass(labels, new, score, engine.NO_MOVES)

    X, k = dataset("iris, k=3")
    ours = helpers.kmeans(X, k, n_init=3, seed=0, algorithm=LoopEngine)
    lloyd = helpers.kmeans(X, k, n_init=3, seed=0, algorithm="lloyd")
    np.testing.assert_array_equal(ours[1], lloyd[1])
    np.testing.assert_allclose(ours[0], lloyd[0], rtol=1e-12)


def test_the_engine_holds_its_state_explicitly():
    # A copy of the centroids is the same start: nothing is recognised by identity.
    X, k = dataset("blobs 2-D, k=8")
    C = start(X, k)
    fast = engine.Lloyd(X)
    fast.start(C)
    first = fast.step()
    fast.start(C.copy())
    again = fast.step()
    np.testing.assert_array_equal(first.labels, again.labels)
    np.testing.assert_array_equal(first.new_centroids, again.new_centroids)
    second = fast.step()  # from first.new_centroids, held by the engine
    np.testing.assert_array_equal(second.labels, helpers.assign(X, first.new_centroids))


def test_farthest_first_is_a_stable_sort_of_the_largest():
    d = np.array([1.0, 5.0, 3.0, 5.0, 0.0, 3.0])
    np.testing.assert_array_equal(engine.farthest_first(d, 3), [1, 3, 2, 5])  # ties kept
    np.testing.assert_array_equal(engine.farthest_first(d, 6), np.argsort(-d, kind="stable"))


def test_naive_identity_fails_far_from_origin():
    # Why the centring matters: without it, the identity mislabels shifted data.
    X, _ = helpers.course_data()
    C, labels = helpers.kmeans(X, 4, seed=0)
    naive, _ = engine.nearest_centroid(X + 1e9, C + 1e9, shift=np.zeros(2))  # no centring
    assert (naive != labels).mean() > 0.1
    guarded, _ = engine.nearest_centroid(X + 1e9, C + 1e9)  # centred on the data's mean
    np.testing.assert_array_equal(guarded, labels)


def exact_labels(X, C):
    """Nearest centroid from direct float64 differences: no identity, no rounding to speak of."""
    X, C = X.astype(np.float64), C.astype(np.float64)
    return np.argmin(((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2), axis=1)


def test_one_far_centroid_costs_no_accuracy_in_float32():
    # Centred on the centroids' mean, one centroid at 1,000 (an empty cluster's) moves the
    # centre 15 units from these points and mislabels a few of them in float32. Centred
    # in the data's middle (centring_shift), none.
    X = np.random.RandomState(0).normal(size=(20_000, 16)).astype(np.float32)
    C = X[:64].copy()
    C[0] = 1000.0
    labels, _ = engine.nearest_centroid(X, C)
    np.testing.assert_array_equal(labels, exact_labels(X, C))
    centroids_mean = round_shift(C.mean(axis=0), C.min(axis=0), C.max(axis=0)).astype(C.dtype)
    off_centre, _ = engine.nearest_centroid(X, C, centroids_mean)
    assert (off_centre != exact_labels(X, C)).sum() > 0  # what the data's middle avoids


def test_one_far_outlier_does_not_pull_the_centre_away_from_the_points():
    # One point at 1e12 pulls the data's mean to 5e8; centred there, the identity's
    # rounding swamped the distances between the other 2,000 points (848 wrong labels).
    # The median of evenly spaced rows stays among them.
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(size=(1000, 2)), rng.normal(size=(1000, 2)) + [3, 0], [[1e12, 1e12]]])
    C = np.array([[0.0, 0.0], [3.0, 0.0], [1e12, 1e12]])
    np.testing.assert_array_equal(helpers.assign(X, C), exact_labels(X, C))
    mean_centred, _ = engine.nearest_centroid(X, C, X.mean(axis=0))
    assert (mean_centred != exact_labels(X, C)).sum() > 100  # what the mean did
    centroids, _ = helpers.kmeans(X, 3, init=C, tol=0)
    np.testing.assert_allclose(centroids[:2], [X[:1000].mean(axis=0), X[1000:2000].mean(axis=0)], atol=0.2)
