"""helpers/threads.py: chunks in order, errors from threads, BLAS held to one thread and
given back (also to concurrent fits and after Ctrl-C), the pool, the thread count."""

import os
import threading

import numpy as np
import pytest

import helpers
from helpers import bounds, threads
from tests.datasets import dataset


def _blas_threads():
    from threadpoolctl import threadpool_info

    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


def test_map_chunks_keeps_order_and_raises_a_threads_error():
    assert threads.map_chunks(lambda a, b: (a, b), 10, 3, n_threads=3) == [
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
        threads.map_chunks(fail_on_last, 10, 3, n_threads=3)


def test_one_thread_stays_on_the_calling_thread():
    seen = set()

    def record(start, stop):
        seen.add(threading.get_ident())
        return start

    assert threads.map_chunks(record, 100, 10, n_threads=1) == list(range(0, 100, 10))
    assert seen == {threading.get_ident()}


def test_chunks_depend_on_the_shape_only():
    # Same chunks for any thread count: sums are added in the same order (bit-identical).
    assert threads.rows_per_chunk(8, 120_000) == 15_000
    assert threads.rows_per_chunk(8, 1000) == threads.MIN_ROWS
    assert threads.rows_per_chunk(16, 10**7) == threads.CHUNK_FLOATS // 17


def test_default_threads_follow_the_argument_affinity_and_the_environment(monkeypatch):
    monkeypatch.delenv(threads.THREADS_VARIABLE, raising=False)
    assert threads.default_threads() == len(os.sched_getaffinity(0))
    assert threads.default_threads(5) == 5
    monkeypatch.setenv(threads.THREADS_VARIABLE, "3")
    assert threads.default_threads() == 3
    assert threads.default_threads(1) == 1  # the argument wins
    for value in ("zero", "\u00b2", "0", "-1", "2.5"):
        monkeypatch.setenv(threads.THREADS_VARIABLE, value)
        with pytest.raises(ValueError, match=r"KMEANS_THREADS must be an integer >= 1, got"):
            threads.default_threads()


def test_a_pool_replaced_by_a_larger_one_is_shut_down():
    threads.map_chunks(lambda a, b: a, 8, 1, n_threads=2)
    small = threads._helpers_pool(1)
    larger = threads._helpers_pool(small._max_workers + 2)
    assert larger is not small and small._shutdown
    assert threads._helpers_pool(1) is larger  # large enough: kept


def test_blas_limit_is_restored_after_a_threaded_pass():
    before = _blas_threads()
    inside = []
    threads.map_chunks(lambda a, b: inside.append(_blas_threads()), 8, 1, n_threads=2)
    assert all(t == [1] * len(before) for t in inside)
    assert _blas_threads() == before


@pytest.mark.parametrize("algorithm", ["lloyd", "hamerly", "auto"])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_every_step_of_a_fit_runs_with_blas_on_one_thread(monkeypatch, algorithm, n_threads):
    # The bounded steps too, and a fit on one thread: our threads or none, never BLAS's.
    seen = []
    original = bounds.two_nearest

    def spy(*args, **kwargs):
        seen.append(_blas_threads())
        return original(*args, **kwargs)

    monkeypatch.setattr(bounds, "two_nearest", spy)
    X, k = dataset("large blobs 5-D, k=10")
    before = _blas_threads()
    helpers.kmeans(X, k, n_init=1, seed=0, algorithm=algorithm, n_threads=n_threads)
    assert all(t == [1] * len(before) for t in seen)
    assert (len(seen) > 0) == (algorithm != "lloyd")
    assert _blas_threads() == before


def test_a_fit_sets_the_blas_limit_once(monkeypatch):
    calls = []
    original = threads._free_blas_setting
    monkeypatch.setattr(threads, "_free_blas_setting", lambda: calls.append(1) or original())
    X, k = dataset("large blobs 5-D, k=10")
    helpers.kmeans(X, k, n_init=3, seed=0, algorithm="auto", n_threads=2)
    assert len(calls) == 3  # once to set the limit, twice around restoring it


def test_fits_on_several_threads_at_once_give_the_sequential_answers():
    # BLAS's thread count is one setting for the process: concurrent fits share one limit
    # and the last to finish restores it (it stayed at 1 when each restored its own).
    from sklearn.datasets import make_blobs
    from threadpoolctl import OpenBLASController

    datasets = [make_blobs(20_000, 8, centers=8, random_state=s)[0] for s in range(4)]
    before = _blas_threads()
    # As in a fresh process: no thread owns OpenBLAS's setting yet (threadpoolctl lets
    # only one thread at a time change it; a pytest run may have left the main one as owner)
    OpenBLASController.clear_controlling_thread(force=True)
    for _ in range(3):
        results = [None] * len(datasets)

        def fit(i, results=results):
            results[i] = helpers.kmeans(datasets[i], 8, n_init=2, seed=1)

        workers = [threading.Thread(target=fit, args=(i,)) for i in range(len(datasets))]
        [t.start() for t in workers]
        [t.join() for t in workers]
        assert _blas_threads() == before
        sequential = [helpers.kmeans(X, 8, n_init=2, seed=1) for X in datasets]
        for (c, labels), (c_seq, labels_seq) in zip(results, sequential):
            np.testing.assert_array_equal(labels, labels_seq)
            np.testing.assert_array_equal(c, c_seq)
        assert _blas_threads() == before


def test_an_interrupted_fit_leaves_blas_as_it_was():
    import _thread

    from sklearn.datasets import make_blobs

    X = make_blobs(300_000, 16, centers=64, random_state=5)[0]
    before = _blas_threads()
    timer = threading.Timer(0.5, _thread.interrupt_main)  # Ctrl-C, half a second in
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            helpers.kmeans(X, 64, n_init=5, tol=0, seed=0)  # several seconds of work
    finally:
        timer.cancel()
    assert _blas_threads() == before
    assert threads._blas_users == 0  # nothing left holding the limit
    small = X[:2000, :2]
    np.testing.assert_array_equal(  # and the engine still works
        helpers.kmeans(small, 4, seed=0)[1], helpers.kmeans(small, 4, seed=0)[1]
    )
