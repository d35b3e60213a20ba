"""helpers/engine.py, the fast pass: the same answers as the plain assign and update,
with any block size and thread count (passed as arguments, never patched)."""

import threading

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

import helpers
from helpers import engine


def blobs(n=3000, centers=6, d=5, seed=0, offset=0.0):
    X, _ = make_blobs(n_samples=n, centers=centers, n_features=d, random_state=seed)
    return X + offset


@pytest.mark.parametrize("offset", [0.0, 1e6])
def test_a_step_equals_assign_then_update(offset):
    X = blobs(2000, 5, 3, seed=2, offset=offset)  # far from the origin too: centred inside
    C = X[:5].copy()
    labels, new, score, moved = engine.Lloyd(X).step(C)
    assert moved.shape == (0, 2)  # no empty cluster here
    np.testing.assert_array_equal(labels, helpers.assign(X, C))
    np.testing.assert_allclose(new, helpers.update(X, labels, C), rtol=1e-12)
    assert score == pytest.approx(helpers.inertia(X, C, labels), rel=1e-9)


def test_a_step_fills_empty_clusters_as_update_does():
    # Integer points (many equal distances), 6 of 8 centroids far away: 6 empty clusters.
    X = np.random.RandomState(3).randint(0, 4, size=(60, 2)).astype(float)
    C = np.array([[0.5, 1.5], [2.5, 1.5]] + [[100.0, 100.0]] * 6)
    labels, new, _, moved = engine.Lloyd(X).step(C)
    assert np.all(np.bincount(labels, minlength=8)[2:] == 0)
    np.testing.assert_allclose(new, helpers.update(X, labels, C), rtol=1e-12)
    np.testing.assert_array_equal(moved[:, 1], np.arange(2, 8))  # one point into each
    np.testing.assert_array_equal(new[moved[:, 1]], X[moved[:, 0]])  # centroid = that point
    assert np.isfinite(new).all()


@pytest.mark.parametrize(
    "sizes",
    [
        dict(n_threads=1),
        dict(n_threads=3, chunk_rows=100, block_rows=7),  # 30 chunks of many blocks each
        dict(n_threads=4, chunk_rows=37, block_rows=2),  # 82 chunks of two-row blocks
    ],
)
def test_any_sizes_and_threads_give_the_same_answer(sizes):
    X = blobs()
    C0 = X[:6]
    one = helpers.kmeans(X, 6, init=C0, tol=0)
    fast = engine.Lloyd(X, **sizes)
    steps = list(helpers.lloyd_steps(X, C0, fast=fast))
    np.testing.assert_array_equal(steps[-1].labels, one[1])
    np.testing.assert_allclose(steps[-1].new_centroids, one[0], rtol=1e-12)
    sk = KMeans(6, init=C0, n_init=1, tol=0, algorithm="lloyd").fit(X)
    np.testing.assert_array_equal(steps[-1].labels, sk.labels_)


def test_final_assign_and_inertia_of_the_prepared_data():
    X = blobs(offset=1e8)
    C = X[10:16]
    fast = engine.Lloyd(X, n_threads=2, chunk_rows=500)
    np.testing.assert_array_equal(fast.assign(C), helpers.assign(X, C))
    labels = fast.assign(C)
    assert fast.inertia(C, labels) == pytest.approx(helpers.inertia(X, C, labels), rel=1e-9)


def test_map_chunks_keeps_order_and_raises_a_threads_error():
    assert engine.map_chunks(lambda a, b: (a, b), 10, 3, n_threads=3) == [
        (0, 3),
        (3, 6),
        (6, 9),
        (9, 10),
    ]

    def fail_on_last(start, stop):
        if stop == 10:
            raise RuntimeError("chunk 9:10 failed")
        return start

    with pytest.raises(RuntimeError, match="chunk 9:10 failed"):
        engine.map_chunks(fail_on_last, 10, 3, n_threads=3)


def test_one_thread_stays_on_the_calling_thread():
    seen = set()

    def record(start, stop):
        seen.add(threading.get_ident())
        return start

    assert engine.map_chunks(record, 100, 10, n_threads=1) == list(range(0, 100, 10))
    assert seen == {threading.get_ident()}


def test_default_threads_follow_affinity_and_the_environment(monkeypatch):
    import os

    monkeypatch.delenv(engine.THREADS_VARIABLE, raising=False)
    assert engine.default_threads() == len(os.sched_getaffinity(0))
    monkeypatch.setenv(engine.THREADS_VARIABLE, "3")
    assert engine.default_threads() == 3
    monkeypatch.setenv(engine.THREADS_VARIABLE, "zero")
    with pytest.raises(ValueError, match=r"KMEANS_THREADS must be an integer >= 1, got 'zero'"):
        engine.default_threads()


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
    # Centred on the centroids' mean, one centroid at 1,000 (an empty cluster's) moved the
    # centre 15 units from these points and mislabelled 26 of 200,000 rows in float32 and, of
    # these 20,000 rows, 3 (the same shift, below). Centred on the data's mean, none.
    X = np.random.RandomState(0).normal(size=(20_000, 16)).astype(np.float32)
    C = X[:64].copy()
    C[0] = 1000.0
    labels, _ = engine.nearest_centroid(X, C)
    np.testing.assert_array_equal(labels, exact_labels(X, C))
    off_centre, _ = engine.nearest_centroid(X, C, engine.centring_shift(C))
    assert (off_centre != exact_labels(X, C)).sum() > 0  # what the data's mean avoids


def test_cluster_sums_both_ways_equal_a_loop():
    rng = np.random.RandomState(0)
    for d in (2, 9):  # bincount per feature, then the sparse product
        X = rng.normal(size=(500, d))
        labels = rng.randint(0, 7, 500)
        expected = np.array([X[labels == j].sum(axis=0) for j in range(7)])
        np.testing.assert_allclose(engine.cluster_sums(X, labels, 7), expected, rtol=1e-12)


def test_blas_limit_is_restored_after_a_threaded_pass():
    from threadpoolctl import threadpool_info

    def blas_threads():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    before = blas_threads()
    inside = []
    engine.map_chunks(lambda a, b: inside.append(blas_threads()), 8, 1, n_threads=2)
    assert all(t == [1] * len(before) for t in inside)
    assert blas_threads() == before


def _blas_threads():
    from threadpoolctl import threadpool_info

    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


def test_fits_on_several_threads_at_once_give_the_sequential_answers():
    # BLAS's thread count is one setting for the process: concurrent fits share one limit
    # and the last to finish restores it (it stayed at 1 when each restored its own).
    from threadpoolctl import OpenBLASController

    datasets = [blobs(20_000, 8, 8, seed=s) for s in range(4)]
    before = _blas_threads()
    # As in a fresh process: no thread owns OpenBLAS's setting yet (threadpoolctl lets
    # only one thread at a time change it; a pytest run may have left the main one as owner)
    OpenBLASController.clear_controlling_thread(force=True)
    for _ in range(3):
        results = [None] * len(datasets)

        def fit(i, results=results):
            results[i] = helpers.kmeans(datasets[i], 8, n_init=2, seed=1)

        threads = [threading.Thread(target=fit, args=(i,)) for i in range(len(datasets))]
        [t.start() for t in threads]
        [t.join() for t in threads]
        assert _blas_threads() == before
        sequential = [helpers.kmeans(X, 8, n_init=2, seed=1) for X in datasets]
        for (c, labels), (c_seq, labels_seq) in zip(results, sequential):
            np.testing.assert_array_equal(labels, labels_seq)
            np.testing.assert_array_equal(c, c_seq)
        assert _blas_threads() == before


def test_an_interrupted_fit_leaves_blas_as_it_was():
    import _thread

    X = blobs(300_000, 64, 16, seed=5)
    before = _blas_threads()
    timer = threading.Timer(0.5, _thread.interrupt_main)  # Ctrl-C, half a second in
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            helpers.kmeans(X, 64, n_init=5, tol=0, seed=0)  # several seconds of work
    finally:
        timer.cancel()
    assert _blas_threads() == before
    assert engine._blas_users == 0  # nothing left holding the limit
    small = blobs(2000, 4, 2)
    np.testing.assert_array_equal(  # and the engine still works
        helpers.kmeans(small, 4, seed=0)[1], helpers.kmeans(small, 4, seed=0)[1]
    )


def test_threads_variable_refuses_what_is_not_a_plain_integer(monkeypatch):
    for value in ("\u00b2", "0", "-1", "2.5"):
        monkeypatch.setenv(engine.THREADS_VARIABLE, value)
        with pytest.raises(ValueError, match=r"KMEANS_THREADS must be an integer >= 1"):
            engine.default_threads()


@pytest.mark.parametrize("n", [1, 2, 63, 64, 65, 255, 256, 257, 1001, 4097, 100_003])
@pytest.mark.parametrize("d", [1, 2, 8, 16, 17])
def test_column_range_is_the_columns_min_and_max(n, d):
    X = np.random.RandomState(n + d).normal(size=(n, d))
    low, high = engine.column_range(X)
    np.testing.assert_array_equal(low, X.min(axis=0))
    np.testing.assert_array_equal(high, X.max(axis=0))


def test_column_range_keeps_the_dtype_and_a_nan():
    X = np.random.RandomState(0).normal(size=(5000, 3)).astype(np.float32)
    X[4321, 1] = np.nan
    low, high = engine.column_range(X)
    assert low.dtype == high.dtype == np.float32
    assert np.isnan(low[1]) and np.isnan(high[1]) and np.isfinite(low[[0, 2]]).all()
    np.testing.assert_array_equal(engine.column_range(X[:, ::2])[0], X[:, ::2].min(axis=0))
