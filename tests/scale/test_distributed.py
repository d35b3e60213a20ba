"""helpers.scale.distributed on a small dask.distributed LocalCluster (2 worker processes)."""

import re
from pathlib import Path

import dask
import numpy as np
import pytest

import helpers
from helpers.scale import distributed as dk  # the dask extra is part of the test set

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # a LocalCluster of worker processes


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster:
        with Client(cluster) as client:
            yield client


@pytest.fixture(scope="module")
def blobs(client):
    X = dk.make_blobs_dask(6_000, 5, centers=6, rows=1_000, std=2.0, seed=3).persist()
    return X, X.compute()


def test_same_answer_as_the_in_memory_core_from_the_same_start(blobs):
    X, X_local = blobs
    C0 = X_local[[0, 1000, 2000, 3000, 4000, 5000]]
    result = dk.dask_kmeans(X, 6, init=C0, tol=0)
    centroids, labels = helpers.kmeans(X_local, 6, init=C0, tol=0)
    assert result.n_iter == len(helpers.kmeans_steps(X_local, 6, init=C0, tol=0))
    np.testing.assert_allclose(result.centroids, centroids, rtol=1e-10, atol=1e-10)
    np.testing.assert_array_equal(result.labels.compute(), labels)
    assert result.inertia == pytest.approx(helpers.inertia(X_local, centroids, labels), rel=1e-9)


def test_same_answer_with_tol_and_max_iter(blobs):
    X, X_local = blobs
    C0 = X_local[:6]
    for kwargs in ({"tol": 1e-3}, {"tol": 0, "max_iter": 3}):
        result = dk.dask_kmeans(X, 6, init=C0, **kwargs)
        centroids, labels = helpers.kmeans(X_local, 6, init=C0, **kwargs)
        np.testing.assert_allclose(result.centroids, centroids, rtol=1e-10, atol=1e-10)
        # the inertia belongs to the centroids returned, also when stopped by max_iter
        assert result.inertia == pytest.approx(
            helpers.inertia(X_local, centroids, labels), rel=1e-9
        )


def test_empty_clusters_are_filled_as_in_memory(blobs):
    X, X_local = blobs
    C0 = np.vstack([X_local[:4], [[500.0] * 5, [-500.0] * 5]])  # two far centroids: empty
    result = dk.dask_kmeans(X, 6, init=C0, tol=0, max_iter=1)
    step = helpers.kmeans_steps(X_local, 6, init=C0, tol=0, max_iter=1)[0]
    assert np.all(np.bincount(step.labels, minlength=6)[4:] == 0)  # two clusters were empty
    assert np.all(np.isfinite(result.centroids))
    np.testing.assert_allclose(result.centroids, step.new_centroids, rtol=1e-10, atol=1e-10)


def test_kmeans_parallel_init_is_seeded_and_good(blobs):
    X, X_local = blobs
    a = dk.kmeans_parallel_init(X, 6, seed=1)
    b = dk.kmeans_parallel_init(X, 6, seed=1)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (6, 5) and len(np.unique(a, axis=0)) == 6
    best = helpers.kmeans(X_local, 6, n_init=10, seed=0)
    best_cost = helpers.inertia(X_local, *best)
    start_cost = helpers.inertia(X_local, a, helpers.assign(X_local, a))
    assert start_cost < 2 * best_cost  # a start near the optimum, before any Lloyd step


def test_default_init_is_kmeans_parallel(blobs):
    X, X_local = blobs
    result = dk.dask_kmeans(X, 6, seed=2)
    best = helpers.inertia(X_local, *helpers.kmeans(X_local, 6, n_init=10, seed=0))
    assert result.inertia < 1.1 * best


def test_bad_input_raises_clear_errors(blobs):
    X, X_local = blobs
    with pytest.raises(ValueError, match=r"X must be a 2-D dask array chunked by rows only"):
        dk.dask_kmeans(X_local, 3)
    with pytest.raises(ValueError, match=r"chunked by rows only"):
        dk.dask_kmeans(X.rechunk((1_000, 2)), 3)
    with pytest.raises(ValueError, match=r"init must be 'k-means\|\|' or an array"):
        dk.dask_kmeans(X, 3, init="k-means++")
    with pytest.raises(ValueError, match=r"init array must have shape \(k, n_features\)=\(3, 5\)"):
        dk.dask_kmeans(X, 3, init=np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"k must be an integer in \[1, n_samples=6000\]"):
        dk.kmeans_parallel_init(X, 0)
    with pytest.raises(ValueError, match=r"oversampling must be a finite number > 0, got 0"):
        dk.kmeans_parallel_init(X, 3, oversampling=0)


SMALL = np.random.RandomState(0).randint(0, 20, size=(60, 2)).astype(float)
WITH_NAN = SMALL.copy()
WITH_NAN[7, 1] = np.nan
WITH_INF = SMALL.copy()
WITH_INF[3, 0] = -np.inf


@pytest.mark.parametrize(
    "data, kwargs",
    [
        (WITH_NAN, {}),
        (WITH_INF, {}),
        (SMALL.astype(complex), {}),
        (SMALL.astype("timedelta64[s]"), {}),
        (SMALL[:, :1].ravel(), {}),
        (SMALL[:0], {}),
        (SMALL, {"k": 0}),
        (SMALL, {"k": 61}),
        (SMALL, {"k": 2.5}),
        (SMALL, {"tol": float("nan")}),
        (SMALL, {"tol": -1}),
        (SMALL, {"max_iter": 0}),
        (SMALL, {"seed": 2**32}),
        (SMALL, {"seed": -1}),
        (SMALL, {"init": np.zeros((2, 2))}),
        (SMALL, {"init": np.full((3, 2), np.nan)}),
    ],
)
def test_dask_refuses_what_the_core_refuses_with_the_same_message(data, kwargs):
    import dask.array as da

    kwargs = {"k": 3, "init": SMALL[:3]} | kwargs
    k = kwargs.pop("k")
    with pytest.raises(ValueError) as core:
        helpers.kmeans(data, k, **kwargs)
    with dask.config.set(scheduler="synchronous"), pytest.raises(ValueError) as on_dask:
        dk.dask_kmeans(da.from_array(data, chunks=20), k, **kwargs)
    assert str(on_dask.value) == str(core.value)


def test_dask_errors_never_end_an_iteration_silently():
    # A bare StopIteration inside map() used to end it: the results vanished with no error.
    import dask.array as da

    with dask.config.set(scheduler="synchronous"), pytest.raises(ValueError, match="NaN"):
        list(map(lambda X: dk.dask_kmeans(X, 3, init=SMALL[:3]), [da.from_array(WITH_NAN)]))


@pytest.mark.parametrize(
    "data", [SMALL.astype(int), SMALL.astype(np.float32), SMALL * 1e154, SMALL * 1e-170]
)
def test_dask_accepts_what_the_core_accepts_with_the_same_answer(data):
    import dask.array as da

    init = data[[0, 20, 40]]
    centroids, labels = helpers.kmeans(data, 3, init=init, tol=0)
    with dask.config.set(scheduler="synchronous"):
        result = dk.dask_kmeans(da.from_array(data, chunks=(17, -1)), 3, init=init, tol=0)
        np.testing.assert_array_equal(result.labels.compute(), labels)
    np.testing.assert_allclose(
        result.centroids, centroids, rtol=1e-5 if data.dtype == np.float32 else 1e-12
    )
    assert result.centroids.dtype == centroids.dtype


def test_a_worker_killed_during_a_fit_still_gives_the_in_memory_answer():
    import os
    import signal
    import threading
    import time

    import dask.array as da
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster:
        with Client(cluster) as client:  # a cluster of its own: one of its workers dies
            # Uniform data: 40 slow iterations (seconds), made on the workers by a seeded
            # graph, so Dask can make a lost chunk again exactly as it was.
            X = da.random.RandomState(3).uniform(size=(20_000, 4), chunks=(2_500, 4)).persist()
            X_local = X.compute()
            C0 = X_local[:16]
            pids = list(client.run(os.getpid).values())
            result = {}
            fit = threading.Thread(
                target=lambda: result.update(r=dk.dask_kmeans(X, 16, init=C0, tol=0, max_iter=40))
            )
            fit.start()
            time.sleep(0.5)
            assert fit.is_alive()  # the kill comes during the fit
            os.kill(pids[0], signal.SIGKILL)  # its chunks are lost: Dask recomputes them
            fit.join(timeout=120)
            assert not fit.is_alive()
            centroids, labels = helpers.kmeans(X_local, 16, init=C0, tol=0, max_iter=40)
            assert result["r"].n_iter == 40
            np.testing.assert_allclose(result["r"].centroids, centroids, rtol=1e-10)
            np.testing.assert_array_equal(result["r"].labels.compute(), labels)


def test_only_the_scaling_chapter_needs_dask():
    pattern = re.compile(r"^\s*(import dask|from dask)", re.M)
    for path in sorted((ROOT / "helpers").rglob("*.py")):
        if path.name != "distributed.py":
            assert not pattern.search(path.read_text()), path.name
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        uses = bool(
            re.search(r"import dask|from dask|helpers.scale import distributed", path.read_text())
        )
        assert uses == path.name.endswith("_scaling_out.ipynb"), path.name  # by title


def test_float32_stays_float32_and_agrees_to_its_rounding(blobs):
    X, X_local = blobs
    X32, X32_local = X.astype(np.float32), X_local.astype(np.float32)
    C0 = X32_local[[0, 1000, 2000, 3000, 4000, 5000]]
    result = dk.dask_kmeans(X32, 6, init=C0, tol=0, max_iter=10)
    centroids, _ = helpers.kmeans(X32_local, 6, init=C0, tol=0, max_iter=10)
    assert result.centroids.dtype == np.float32
    np.testing.assert_allclose(result.centroids, centroids, rtol=1e-4, atol=1e-4)


def test_weighted_lloyd_equals_lloyd_on_repeated_points():
    rng = np.random.RandomState(0)
    points = rng.normal(size=(40, 3))
    weights = rng.randint(1, 5, size=40).astype(float)
    start = points[:4].copy()
    repeated = np.repeat(points, weights.astype(int), axis=0)
    expected, _ = helpers.kmeans(repeated, 4, init=start, tol=0)
    np.testing.assert_allclose(dk.weighted_lloyd(points, weights, start), expected, rtol=1e-12)


def test_kmeans_parallel_sampling_draws_about_l_points_per_round(blobs):
    X, X_local = blobs
    candidate = X_local[:1]
    phi = float(((X_local - candidate) ** 2).sum())
    counts = [
        sum(len(s) for s in dk._map(dk.chunk_sample, X, candidate, 12.0, phi, seed))
        for seed in range(20)
    ]
    # sum over rows of min(1, l d^2 / phi) is l = 12 when no probability reaches 1
    assert np.all(12.0 * ((X_local - candidate) ** 2).sum(axis=1) / phi < 1)
    assert 10 < np.mean(counts) < 14


def test_dask_empty_and_unknown_chunks_and_float32_starts():
    import dask.array as da

    X = np.random.RandomState(0).normal(size=(30, 2))
    with dask.config.set(scheduler="synchronous"):
        result = dk.dask_kmeans(da.from_array(X, chunks=((0, 10, 20), (2,))), 2, init=X[:2], tol=0)
        np.testing.assert_allclose(result.centroids, helpers.kmeans(X, 2, init=X[:2], tol=0)[0])
        D = da.from_array(X, chunks=10)
        with pytest.raises(
            ValueError, match=r"X has chunks of unknown size .*compute_chunk_sizes"
        ):
            dk.dask_kmeans(D[D[:, 0] > -1e9], 4)
        start = dk.kmeans_parallel_init(da.from_array(X.astype(np.float32), chunks=10), 3)
        assert start.dtype == np.float32


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("rows", [30, 11])
def test_labels_do_not_depend_on_the_chunking(seed, rows):
    # 150 rows of 3 distinct points, k=4: two centroids end on one point, a tie within
    # rounding. Each chunk once centred on its own mean, so identical rows in different
    # chunks broke the tie differently; every chunk now uses the fit's shift.
    import dask.array as da

    rng = np.random.RandomState(seed)
    points = rng.uniform(-1, 1, size=(3, 2)).round(1)
    X = points[rng.permutation(np.repeat(np.arange(3), 50))]
    with dask.config.set(scheduler="synchronous"):
        result = dk.dask_kmeans(da.from_array(X, chunks=(rows, -1)), 4, seed=seed, tol=0)
        labels = result.labels.compute()
    np.testing.assert_array_equal(labels, helpers.assign(X, result.centroids))
    for p in points:  # identical rows, one label
        assert len(np.unique(labels[(X == p).all(axis=1)])) == 1


def test_float32_ties_break_as_the_core_breaks_them():
    # Dask's float32 mean of these rows (accumulated in float32) once gave another shift
    # than the core's, and 37 tied rows took the other label.
    import dask.array as da

    off = np.float32(1884.1952)
    X = (np.r_[np.zeros(74), np.full(37, 6.0), np.full(6, 10.0)].astype(np.float32) + off)[:, None]
    start = np.array([[2.0], [10.0]], np.float32) + off
    with dask.config.set(scheduler="synchronous"):
        result = dk.dask_kmeans(da.from_array(X, chunks=(39, -1)), 2, init=start, tol=0)
        np.testing.assert_array_equal(result.labels.compute(), helpers.assign(X, result.centroids))
