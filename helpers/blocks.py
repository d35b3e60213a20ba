"""The speed machinery of the core: blocks of rows, run on threads.

Two ideas, each a sentence:

- **Blocks.** Distances are computed for a block of rows at a time, so the (rows, k)
  distance matrix stays a few MiB (it fits in the CPU cache, and memory stays bounded
  whatever n is) instead of n x k numbers at once. Each thread takes a larger *chunk* of
  rows (a few MiB of X) and works through it block by block, so per-call overheads (a
  sparse matrix per chunk, thread hand-offs) are paid rarely.
- **Threads.** NumPy's matrix product, argmin and bincount release Python's GIL, so
  blocks can run on several threads at once, one per core. BLAS is held to one thread
  meanwhile, or each of our threads would start its own BLAS threads and fight for cores.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar

import numpy as np
import scipy.sparse as sp

BLOCK_FLOATS = 2**18  # numbers in one distance matrix: 2 MiB in float64, fits in cache
CHUNK_FLOATS = 2**20  # numbers in one thread's centred chunk of X: 8 MiB in float64
MIN_ROWS = 4096  # below this many rows per chunk, starting threads costs more than it saves
N_THREADS = os.cpu_count() or 1

_pool = None
_controller = None
_thread_limit = ContextVar("thread_limit", default=None)  # per thread: see limited_threads


def n_threads() -> int:
    """Threads the core may use here: ``N_THREADS``, unless ``limited_threads`` says fewer."""
    limit = _thread_limit.get()
    return N_THREADS if limit is None else min(limit, N_THREADS)


@contextmanager
def limited_threads(n: int):
    """Within this block, in this thread only, the core uses at most ``n`` threads.

    For callers that are parallel already, such as the tasks of a Dask worker: each task
    then runs the core on its own thread instead of starting more.
    """
    token = _thread_limit.set(n)
    try:
        yield
    finally:
        _thread_limit.reset(token)


def rows_per_block(k: int) -> int:
    """Rows per distance block: a (rows, k) distance matrix of about BLOCK_FLOATS numbers."""
    return max(256, BLOCK_FLOATS // max(1, k))


def rows_per_chunk(d: int, n: int) -> int:
    """Rows per thread task: a chunk of about CHUNK_FLOATS numbers of X, but small enough
    that the n rows give every thread a chunk (and never under MIN_ROWS)."""
    return max(MIN_ROWS, min(CHUNK_FLOATS // (d + 1), -(-n // n_threads())))


def _single_threaded_blas():
    global _controller
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # threadpoolctl comes with scikit-learn; without it, just run
        return nullcontext()
    if _controller is None:
        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")


def map_blocks(fn, n: int, rows: int) -> list:
    """``[fn(start, stop) for each block of rows]``, on ``N_THREADS`` threads if > 1 block.

    The calling thread works too: it and ``N_THREADS - 1`` pool threads each take the
    next block not yet taken until none is left (so a slow block delays no one else).
    """
    global _pool
    starts = range(0, n, rows)
    threads = n_threads()
    if len(starts) == 1 or threads == 1:
        return [fn(s, min(s + rows, n)) for s in starts]
    if _pool is None:
        _pool = ThreadPoolExecutor(max(1, N_THREADS - 1))
    results = [None] * len(starts)
    todo = iter(range(len(starts)))
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                i = next(todo, None)
            if i is None:
                return
            results[i] = fn(starts[i], min(starts[i] + rows, n))

    with _single_threaded_blas():
        helpers = [_pool.submit(worker) for _ in range(min(threads, len(starts)) - 1)]
        worker()
        for future in helpers:
            future.result()  # re-raises a helper's error here
    return results


def augment(centroids: np.ndarray, dtype) -> np.ndarray:
    """``[-2 c, ||c||^2]`` per row: with a column of ones appended to x, one matrix product
    gives ``||c||^2 - 2 x.c`` for every pair, the part of ``||x - c||^2`` that depends on c."""
    c_sq = np.einsum("ij,ij->i", centroids, centroids)
    return np.hstack([-2.0 * centroids, c_sq[:, None]]).astype(dtype, copy=False)


def centred_block(X: np.ndarray, start: int, stop: int, shift) -> np.ndarray:
    """Rows ``start:stop`` of ``X - shift``, with a column of ones appended, shape (rows, d+1)."""
    d = X.shape[1]
    out = np.empty((stop - start, d + 1), dtype=X.dtype)
    np.subtract(X[start:stop], shift, out=out[:, :d])
    out[:, d] = 1.0
    return out


def cluster_sums(xb: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Sum of the rows of ``xb`` in each cluster, shape (k, d), in float64.

    Measured (benchmarks/): one weighted ``bincount`` per feature is fastest for a couple
    of features; beyond that, a product with the sparse (k, rows) one-hot matrix of the
    labels wins by 5x or more. Neither loops over clusters in Python.
    """
    rows, d = xb.shape
    if d <= 4:
        return np.stack([np.bincount(labels, weights=xb[:, j], minlength=k) for j in range(d)], 1)
    onehot = sp.csr_matrix((np.ones(rows, xb.dtype), labels, np.arange(rows + 1)), shape=(rows, k))
    return np.asarray(onehot.T @ xb, dtype=np.float64)
