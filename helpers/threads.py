"""Threads for the engine: how many, one shared pool, chunks of rows, and BLAS held to one.

NumPy's matrix product, argmin and bincount release Python's GIL, so chunks of rows can
run on threads at the same time (notebook 13, section 6). Two rules keep that fast and
the answers repeatable:

- **BLAS on one thread.** OpenBLAS would start its own threads inside every product, and
  they would fight ours for the cores. A fit holds BLAS to one thread once, for all its
  starts and steps (``blas_on_one_thread``; scikit-learn does it around each start's
  Lloyd run); a call outside a fit that runs on threads holds it for that call.
- **Chunks that do not depend on the thread count.** ``rows_per_chunk`` looks only at the
  data's shape, and results come back in chunk order, so their sums are added in the same
  order whatever the number of threads: 1, 2 or 3 threads give bit-identical answers.

The number of threads is the ``n_threads`` argument of ``kmeans``, ``KMeans`` and the
engines; without it, ``$KMEANS_THREADS``, else every core this process may run on.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

CHUNK_FLOATS = 2**20  # numbers of X in one thread's chunk: 8 MiB in float64
MIN_ROWS = 4096  # below this many rows per chunk, a thread costs more than it saves
CHUNKS_PER_PASS = 8  # medium data: about this many chunks, whatever the thread count
THREADS_VARIABLE = "KMEANS_THREADS"  # environment variable: how many threads to use


def default_threads(n_threads: int | None = None) -> int:
    """Threads to use: ``n_threads`` if given, else ``$KMEANS_THREADS`` if set, else the
    cores this process may run on."""
    if n_threads is not None:
        return n_threads
    value = os.environ.get(THREADS_VARIABLE)
    if value is not None:
        if not value.strip().isdecimal() or int(value) < 1:
            raise ValueError(f"{THREADS_VARIABLE} must be an integer >= 1, got {value!r}")
        return int(value)
    try:
        return len(os.sched_getaffinity(0))  # respects taskset, cgroups' cpusets
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def rows_per_chunk(d: int, n: int) -> int:
    """Rows per thread task, from the data's shape only: about ``CHUNKS_PER_PASS`` chunks,
    none over ``CHUNK_FLOATS`` numbers (for fewer than 256 features) or under ``MIN_ROWS``
    rows."""
    return max(MIN_ROWS, min(CHUNK_FLOATS // (d + 1), -(-n // CHUNKS_PER_PASS)))


# --------------------------------------------------------------------------- the pool
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _helpers_pool(n: int) -> ThreadPoolExecutor:
    """A shared pool with at least ``n`` threads (made on first need; a smaller one is
    shut down when a larger one replaces it)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool._max_workers < n:
            old, _pool = _pool, ThreadPoolExecutor(n, thread_name_prefix="kmeans")
            if old is not None:
                old.shutdown(wait=False)  # its threads end once their work is done
        return _pool


def map_chunks(fn, n: int, rows: int, n_threads: int | None = None) -> list:
    """``[fn(start, stop) for each chunk of rows]``, in chunk order, shared out over threads.

    The calling thread works too: it and ``n_threads - 1`` pool threads each take the
    next chunk not yet taken until none is left. BLAS is held to one thread meanwhile.
    """
    starts = range(0, n, rows)
    threads = min(default_threads(n_threads), len(starts))
    if threads <= 1:
        return [fn(s, min(s + rows, n)) for s in starts]
    results = [None] * len(starts)
    todo = iter(range(len(starts)))
    lock = threading.Lock()
    stop = threading.Event()  # set when the caller fails or is interrupted (Ctrl-C)

    def worker():
        while not stop.is_set():
            with lock:
                i = next(todo, None)
            if i is None:
                return
            results[i] = fn(starts[i], min(starts[i] + rows, n))

    pool = _helpers_pool(threads - 1)
    with blas_on_one_thread():  # (a fit holds it already: then this only counts a user)
        helpers = [pool.submit(worker) for _ in range(threads - 1)]
        try:
            worker()
        finally:
            stop.set()  # on an error here, the helpers finish their chunk and stop
            for future in helpers:
                future.exception()  # wait: no thread works on after this call returns
        for future in helpers:
            future.result()  # re-raises a helper's error here
    return results


# --------------------------------------------------------------------------- BLAS
_blas_lock = threading.Lock()
_blas_users = 0
_blas_limiter = None
_blas_controller = None


def _threadpool_controller():
    """threadpoolctl's view of the BLAS libraries loaded (made once), or False without it."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # it comes with scikit-learn; without it, BLAS is left alone
        return False
    return ThreadpoolController()


def _free_blas_setting():
    """threadpoolctl lets only one thread at a time change OpenBLAS's thread count (the
    first to try, until its ``with`` block ends); our limit may be entered and left by
    different threads (concurrent fits share it), so it frees that right around each
    change."""
    try:
        from threadpoolctl import OpenBLASController
    except ImportError:
        return
    if hasattr(OpenBLASController, "clear_controlling_thread"):
        OpenBLASController.clear_controlling_thread(force=True)


@contextmanager
def blas_on_one_thread():
    """Hold BLAS to one thread while our own threads run (else they fight for the cores).

    BLAS's thread count is one setting for the whole process, so concurrent users share
    one limit: the first to enter sets it, the last to leave restores what was there, also
    when Ctrl-C arrives while the limit is being set (the counts are noted first). Entering
    while the limit is held costs only a counter.
    """
    global _blas_users, _blas_limiter, _blas_controller
    entered, noted = False, None
    try:
        with _blas_lock:
            if _blas_users == 0:
                if _blas_controller is None:
                    _blas_controller = _threadpool_controller()
                if _blas_controller is not False:
                    libraries = _blas_controller.select(user_api="blas").lib_controllers
                    noted = [(lib, lib.num_threads) for lib in libraries]
                    _free_blas_setting()
                    _blas_limiter = _blas_controller.limit(limits=1, user_api="blas")
            _blas_users += 1
            entered = True
        yield
    finally:
        with _blas_lock:
            _blas_users -= 1 if entered else 0
            if _blas_users == 0 and _blas_limiter is not None:
                _free_blas_setting()
                _blas_limiter.restore_original_limits()
                _free_blas_setting()
                _blas_limiter = None
            elif _blas_users == 0 and noted is not None:  # interrupted inside limit()
                _free_blas_setting()
                for library, threads in noted:
                    library.set_num_threads(threads)
                _free_blas_setting()
