"""The fast engine under ``helpers/kmeans.py``: one Lloyd pass over X, in blocks, on threads.

``helpers/kmeans.py`` is the algorithm. Once per iteration its loop makes one call here,
``Lloyd.step``, which does the assignment and the update together in one pass over X and
gives back the labels and the new centroids: the same answer as ``assign`` then ``update``
(tests check it), only faster and in bounded memory. Notebook 11 (making it fast) builds
each piece and measures it:

====================================  ==============================================
notebook 11, section                  here
====================================  ==============================================
2. the dot-product identity           ``augment``: ``[x, 1] . [-2c, ||c||^2]`` is
                                      ``||c||^2 - 2 x.c``, all pairs in one product
3. blocks of rows                     ``nearest_in_chunk``: one (rows, k) buffer, reused
4. the update without a loop          ``cluster_sums``: bincount or a sparse product
5. float32                            every array keeps X's dtype
6. threads                            ``map_chunks``: a chunk of rows per thread
7. prepare once                       ``Lloyd(X)``: ``[x - mean, 1]`` made once per fit
8. where the rest of the time goes    ``fused_pass``: labels, sums and counts per chunk
empty clusters (notebook 01)          ``farthest_first`` and ``fill_empty``
10. skip what cannot change           ``helpers/bounds.py``: ``Hamerly``, ``Auto``
====================================  ==============================================

Sizes and threads are arguments (``n_threads``, ``chunk_rows``, ``block_rows``); their
defaults come from the constants below and from ``default_threads``. Inner functions
assume checked input: the checks happen once, in ``helpers/kmeans.py``.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np

BLOCK_FLOATS = 2**18  # numbers in one distance block: 2 MiB in float64, fits in cache
CHUNK_FLOATS = 2**20  # numbers in one thread's chunk of X: 8 MiB in float64
MIN_ROWS = 4096  # below this many rows per chunk, a thread costs more than it saves
THREADS_VARIABLE = "KMEANS_THREADS"  # environment variable: how many threads to use


# --------------------------------------------------------------------------- threads
def default_threads() -> int:
    """Threads to use: ``$KMEANS_THREADS`` if set, else the cores this process may run on."""
    value = os.environ.get(THREADS_VARIABLE)
    if value is not None:
        if not value.strip().isdecimal() or int(value) < 1:
            raise ValueError(f"{THREADS_VARIABLE} must be an integer >= 1, got {value!r}")
        return int(value)
    try:
        return len(os.sched_getaffinity(0))  # respects taskset, cgroups' cpusets
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _helpers_pool(n: int) -> ThreadPoolExecutor:
    """A shared pool with at least ``n`` threads (made, or made larger, on first need)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool._max_workers < n:
            _pool = ThreadPoolExecutor(n, thread_name_prefix="kmeans")
        return _pool


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
    first to try, until its ``with`` block ends); our limit is entered and left by
    different threads, so it frees that right before each change and after it."""
    try:
        from threadpoolctl import OpenBLASController
    except ImportError:
        return
    if hasattr(OpenBLASController, "clear_controlling_thread"):
        OpenBLASController.clear_controlling_thread(force=True)


@contextmanager
def blas_on_one_thread():
    """Hold BLAS to one thread while our own threads run (else they fight for the cores).

    BLAS's thread count is one setting for the whole process, so concurrent fits share
    one limit: the first to enter sets it, the last to leave restores what was there, also
    when Ctrl-C arrives while the limit is being set (the counts are noted first).
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


def map_chunks(fn, n: int, rows: int, n_threads: int | None = None) -> list:
    """``[fn(start, stop) for each chunk of rows]``, the chunks shared out over threads.

    The calling thread works too: it and ``n_threads - 1`` pool threads each take the
    next chunk not yet taken until none is left. NumPy's matrix product, argmin and
    bincount release Python's GIL, so the chunks really run at the same time.
    """
    starts = range(0, n, rows)
    threads = min(n_threads or default_threads(), len(starts))
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
    with blas_on_one_thread():
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


def rows_per_chunk(d: int, n: int, n_threads: int) -> int:
    """Rows per thread task: about CHUNK_FLOATS numbers of X, but small enough that the n
    rows give every thread a chunk (and never under MIN_ROWS)."""
    return max(MIN_ROWS, min(CHUNK_FLOATS // (d + 1), -(-n // n_threads)))


def rows_per_block(k: int) -> int:
    """Rows per distance block: a (rows, k) distance matrix of about BLOCK_FLOATS numbers."""
    return max(256, BLOCK_FLOATS // max(1, k))


# --------------------------------------------------------------------------- magnitudes
def column_range(X: np.ndarray, width: int = 1024):
    """The smallest and the largest value of every column of X: two arrays (n_features,).

    ``X.min(axis=0)`` walks a tall, narrow array row by row, a few numbers at a time. Here
    X is viewed as a wide array instead, ``m`` consecutive rows side by side (a reshape of
    the same memory, no copy), whose columns NumPy reduces many numbers at a time; the
    ``m`` results per feature then reduce to one. The same values, faster for a few
    features (measured on 1,000,000 rows: 30 ms against 109 ms for 16 features, 5 ms
    against 108 ms for 2), and with no temporary array.
    """
    n, d = X.shape
    m = max(1, width // d)  # rows side by side
    bulk = n - n % m
    if d > 16 or bulk == 0 or not X.flags.c_contiguous:  # (a reshape would copy)
        return X.min(axis=0), X.max(axis=0)
    wide = X[:bulk].reshape(bulk // m, m * d)
    low = wide.min(axis=0).reshape(m, d).min(axis=0)
    high = wide.max(axis=0).reshape(m, d).max(axis=0)
    if bulk < n:
        low = np.minimum(low, X[bulk:].min(axis=0))
        high = np.maximum(high, X[bulk:].max(axis=0))
    return low, high


def safe_scale(X: np.ndarray, *others) -> float:
    """A power of two to divide X (and ``others``: centroids, a start) by, or 1.0.

    1.0 unless the numbers are so large that squares and sums of squares would overflow
    X's float type, or the differences between points so small that their squares would
    underflow (float64: beyond about 1e149, below about 1e-149). Dividing by a power of two
    is exact, and so is every product and sum after it up to the same power of two: the
    run on ``X / scale`` gives the labels of X, without infinities or lost ties."""
    low, high = column_range(X)  # no |X| temporary
    spread = 2 * float((0.5 * high - 0.5 * low).max())  # halves: no overflow near the top
    top = max([float(high.max()), -float(low.min())] + [float(np.abs(a).max()) for a in others])
    info = np.finfo(X.dtype)
    small, large = 2.0 ** (info.minexp // 2 + 16), 2.0 ** (info.maxexp // 2 - 16)
    if top > large:
        size = top  # squares would overflow
    elif 0 < spread < small and top <= large * spread:
        size = spread  # squared differences would underflow (and top stays in range)
    elif 0 < top < small:
        size = top
    else:
        return 1.0  # (so that safe_scale(X / scale, ...) is 1.0: no second rescaling)
    return float(np.ldexp(1.0, np.frexp(size)[1] - 1))  # size / scale lies in [1, 2)


def round_shift(mean, low, high) -> np.ndarray:
    """Where to centre data before the identity: the mean of each feature, rounded to a
    multiple of a power of two near 2**-20 of the feature's range (the low end itself for
    a constant feature).

    Near enough to the mean for accuracy far from the origin, and round enough that, for
    data on a grid (integers, say), ``x - shift`` is exact: then distances that are equal
    stay equal, and ties go to the lowest index as the plain argmin of exact distances.
    That holds in float64; float32's 24 bits cannot hold the products of such numbers
    exactly, and exact ties there are broken by rounding (as by any float32 identity).
    """
    mean, low, high = (np.asarray(a, dtype=np.float64) for a in (mean, low, high))
    spread = high - low
    step = np.ldexp(1.0, np.frexp(spread)[1] - 21)
    return np.where(spread > 0, np.round(mean / step) * step, low)


def centring_shift(X: np.ndarray) -> np.ndarray:
    """``round_shift`` of the rows of X, in X's dtype, shape (n_features,).

    The mean is summed in float64 by ``einsum``, which adds the columns without a
    temporary, faster than ``X.mean(axis=0)`` on a tall array (measured on 1,000,000 x 16:
    15 ms against 48 ms)."""
    mean = np.einsum("ij->j", X, dtype=np.float64) / len(X)
    return round_shift(mean, *column_range(X)).astype(X.dtype)


# --------------------------------------------------------------------------- the identity
def augment(centroids: np.ndarray, dtype) -> np.ndarray:
    """``[-2 c, ||c||^2]`` per row: with a column of ones appended to x, one matrix product
    gives ``||c||^2 - 2 x.c`` for every pair, the part of ``||x - c||^2`` that depends on c.

    Returns an array of shape (k, n_features + 1)."""
    c_sq = np.einsum("ij,ij->i", centroids, centroids)
    return np.hstack([-2.0 * centroids, c_sq[:, None]]).astype(dtype, copy=False)


def centred_with_ones(X: np.ndarray, shift) -> np.ndarray:
    """``[x - shift, 1]`` for every row of X, shape (n_samples, n_features + 1), X's dtype.

    Centring keeps the identity accurate far from the origin (notebook 01)."""
    n, d = X.shape
    out = np.empty((n, d + 1), dtype=X.dtype)
    np.subtract(X, shift, out=out[:, :d])
    out[:, d] = 1.0
    return out


def nearest_in_chunk(xa, c_aug, with_dist: bool, block_rows: int | None = None):
    """Labels (and squared distances) of the rows of one prepared chunk.

    ``xa`` holds ``[x - shift, 1]`` per row, ``c_aug`` is ``augment`` of the centred
    centroids. The chunk is walked a block of rows at a time through one reused (rows, k)
    buffer. Ties go to the lowest index, as with scikit-learn.

    Returns
    -------
    labels : ndarray of shape (rows,)
    sq_dist : ndarray of shape (rows,), or None unless ``with_dist``
    """
    n, k = len(xa), len(c_aug)
    labels = np.empty(n, dtype=np.intp)
    sq = np.empty(n, dtype=xa.dtype) if with_dist else None
    rows = min(n, block_rows or rows_per_block(k))
    buffer = np.empty((rows, k), dtype=xa.dtype)
    c_aug_t = c_aug.T
    for i in range(0, n, rows):
        xb = xa[i : i + rows]
        d = np.matmul(xb, c_aug_t, out=buffer[: len(xb)])  # ||c||^2 - 2 x.c, (rows, k)
        lb = d.argmin(axis=1, out=labels[i : i + rows])
        if with_dist:
            x = xb[:, :-1]
            sq[i : i + rows] = d[np.arange(len(d)), lb] + np.einsum("ij,ij->i", x, x)
    if with_dist:
        np.maximum(sq, 0, out=sq)  # rounding can dip just below zero
    return labels, sq


def nearest_centroid(X, centroids, shift=None, *, n_threads=None, chunk_rows=None, block_rows=None):
    """Nearest centroid of every row of X and the squared distance to it, in bounded memory.

    ``shift`` is subtracted from the rows of X and from the centroids before the identity
    is used; by default ``centring_shift`` of X, the data's mean as in the core's
    ``assign``. (The centroids' mean would be pulled away from the points by one far
    centroid, an empty cluster's say, and cost accuracy in float32.) Extra memory: a chunk
    and a block per thread.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    centroids : ndarray of shape (k, n_features)
    shift : ndarray of shape (n_features,), optional

    Returns
    -------
    labels : ndarray of shape (n_samples,); ties go to the lowest index
    sq_dist : ndarray of shape (n_samples,), never negative
    """
    n, d = X.shape
    shift = centring_shift(X) if shift is None else shift
    c_aug = augment(centroids - shift, X.dtype)
    threads = n_threads or default_threads()
    labels = np.empty(n, dtype=np.intp)
    sq_dist = np.empty(n, dtype=X.dtype)

    def work(start, stop):
        xa = centred_with_ones(X[start:stop], shift)
        labels[start:stop], sq_dist[start:stop] = nearest_in_chunk(xa, c_aug, True, block_rows)

    map_chunks(work, n, chunk_rows or rows_per_chunk(d, n, threads), threads)
    return labels, sq_dist


def sq_dist_to(X: np.ndarray, point: np.ndarray, *, n_threads=None) -> np.ndarray:
    """``||x - point||^2`` for every row of X, shape (n_samples,), float64.

    From the differences themselves (exact anywhere), a block of rows at a time on threads:
    the heavy pass of each k-means++ draw."""
    out = np.empty(X.shape[0])

    def work(start, stop):
        diff = X[start:stop] - point
        out[start:stop] = np.einsum("ij,ij->i", diff, diff)

    map_chunks(work, X.shape[0], max(1, BLOCK_FLOATS // X.shape[1]), n_threads)
    return out


# --------------------------------------------------------------------------- the update
def cluster_sums(xb: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Sum of the rows of ``xb`` in each cluster, shape (k, n_features), in float64.

    Measured (notebook 11, section 4): one weighted ``bincount`` per feature is faster up
    to about 4 features; beyond that, a product with the sparse (k, rows) one-hot matrix of
    the labels wins, by more the more features. Neither loops over clusters in Python.
    """
    rows, d = xb.shape
    if d <= 4:
        return np.stack([np.bincount(labels, weights=xb[:, j], minlength=k) for j in range(d)], 1)
    import scipy.sparse as sp

    onehot = sp.csr_matrix((np.ones(rows, xb.dtype), labels, np.arange(rows + 1)), shape=(rows, k))
    return np.asarray(onehot.T @ xb, dtype=np.float64)


def farthest_first(sq_dist: np.ndarray, m: int) -> np.ndarray:
    """Indices of the ``m`` largest ``sq_dist`` (and any tied with the last), largest
    first, ties to the lowest index: the order of a stable sort, without sorting all n."""
    m = min(len(sq_dist), m)
    threshold = np.partition(sq_dist, len(sq_dist) - m)[len(sq_dist) - m]
    candidates = np.flatnonzero(sq_dist >= threshold)
    return candidates[np.lexsort((candidates, -sq_dist[candidates]))]


def fill_empty(empty, points, point_labels, sums, counts, point_weights=None) -> list:
    """Move the first usable candidate point into each empty cluster (in place); return
    the ``(candidate index, cluster)`` pairs moved.

    ``points`` (and their clusters ``point_labels``) come farthest from their centroid
    first. A point that is the last one left in its cluster is skipped (moving it would
    empty that cluster); that skips at most one point per cluster, so ``len(empty) + k``
    candidates always suffice. (Rows are indexed as ``a[i, ...]`` so that ``points`` and
    ``sums`` may be arrays of any array-API library, see ``helpers.scale.array_api``.)

    With ``point_weights`` (all positive), ``sums`` and ``counts`` are weighted: a point
    moves with its weight, and "the last one left" means its cluster would keep no weight.
    """
    far = iter(range(points.shape[0]))
    moved = []
    for cluster in empty:
        if point_weights is None:
            i = next((i for i in far if counts[point_labels[i]] > 1), None)
            weight = 1
        else:
            i = next((i for i in far if counts[point_labels[i]] > point_weights[i]), None)
            weight = None if i is None else point_weights[i]
        if i is None:  # cannot happen with k <= n finite points; never a bare StopIteration
            raise RuntimeError("fill_empty: fewer candidate points than empty clusters")
        old = int(point_labels[i])
        point = points[i, ...] if point_weights is None else weight * points[i, ...]
        sums[old, ...] -= point
        counts[old] -= weight
        sums[int(cluster), ...] = point
        counts[cluster] = weight
        moved.append((i, int(cluster)))
    return moved


# --------------------------------------------------------------------------- one pass
def fused_pass(
    Xa, centroids, *, with_inertia=True, n_threads=None, chunk_rows=None, block_rows=None,
    weights=None,
):
    """Assignment and per-cluster sums in one pass: each chunk of X is read once.

    Parameters
    ----------
    Xa : ndarray of shape (n_samples, n_features + 1), ``[x - shift, 1]`` per row
    centroids : ndarray of shape (k, n_features), centred the same way (``c - shift``)
    weights : ndarray of shape (n_samples,), optional: sample weights (float64)

    Returns
    -------
    labels : ndarray of shape (n_samples,)
    sums : ndarray of shape (k, n_features), float64: per-cluster sums of ``x - shift``
        (weighted: of ``w (x - shift)``)
    counts : ndarray of shape (k,), int; weighted: the sum of the weights, float64
    inertia : float (from the identity, weighted), or None unless ``with_inertia``
    """
    n, k = Xa.shape[0], centroids.shape[0]
    threads = n_threads or default_threads()
    labels = np.empty(n, dtype=np.intp)
    c_aug = augment(centroids, Xa.dtype)

    def work(start, stop):
        xa = Xa[start:stop]
        lb, sq = nearest_in_chunk(xa, c_aug, with_inertia, block_rows)
        labels[start:stop] = lb
        if weights is not None:  # weighted rows (a copy of the chunk); the ones become w
            w = weights[start:stop]
            total = float(w @ sq) if with_inertia else 0.0
            return cluster_sums(xa * w[:, None], lb, k), total
        total = float(sq.sum(dtype=np.float64)) if with_inertia else 0.0
        # Summing the whole chunk, its column of ones too, gives the counts for free.
        return cluster_sums(xa, lb, k), total

    rows = chunk_rows or rows_per_chunk(Xa.shape[1] - 1, n, threads)
    parts = map_chunks(work, n, rows, threads)
    sums = np.sum([p[0] for p in parts], axis=0)
    counts = sums[:, -1].astype(np.intp) if weights is None else sums[:, -1].copy()
    inertia = sum(p[1] for p in parts) if with_inertia else None
    return labels, sums[:, :-1], counts, inertia


class Lloyd:
    """X prepared once for a whole fit (notebook 11, section 7), then one call per iteration.

    Holds ``[x - shift, 1]`` for every row, with ``shift`` near the mean
    (``centring_shift``): one copy of X, as scikit-learn also makes. It works in those
    centred coordinates; what it returns is in X's own coordinates.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64, checked
    sample_weight : ndarray of shape (n_samples,), optional, checked (finite, >= 0): means,
        counts and inertia become weighted; an empty cluster (no weight) takes the farthest
        point of positive weight
    n_threads, chunk_rows, block_rows : int, optional; defaults from this module
    """

    def __init__(self, X, *, sample_weight=None, n_threads=None, chunk_rows=None,
                 block_rows=None):
        self.shift = centring_shift(X)
        self.Xa = centred_with_ones(X, self.shift)
        self.weights = sample_weight
        self.dtype = X.dtype
        self.sizes = dict(n_threads=n_threads or default_threads(), block_rows=block_rows)
        self.sizes["chunk_rows"] = chunk_rows
        self._last = (None, None)  # (centroids returned, the same centred): see _centred

    def _centred(self, centroids):
        """``centroids - shift``; for the centroids the last step returned, the exact
        centred values it computed, so no digits are lost on the way back and forth."""
        given, centred = self._last
        if centroids is given:
            return centred
        return (centroids - self.shift).astype(self.dtype)

    def step(self, centroids, with_inertia=True):
        """One Lloyd iteration: ``update(X, assign(X, centroids), centroids)``, fused.

        Returns
        -------
        labels : ndarray of shape (n_samples,), nearest centroid of every row
        new_centroids : ndarray of shape (k, n_features), means of the clusters; an empty
            cluster takes the point farthest from its own centroid
        inertia : float of ``(centroids, labels)``, or None unless ``with_inertia``
        moved : ndarray of shape (m, 2), ``[row, cluster]`` of each point moved into an
            empty cluster (m = 0 almost always)
        """
        c = self._centred(centroids)
        w = self.weights
        labels, sums, counts, score = fused_pass(
            self.Xa, c, with_inertia=with_inertia, weights=w, **self.sizes
        )
        empty = np.flatnonzero(counts == 0)
        moved = np.empty((0, 2), dtype=np.intp)
        if len(empty):  # rare: exact distances to their own centroid, farthest first
            x = self.Xa[:, :-1]
            diff = x - c[labels]
            distance = np.einsum("ij,ij->i", diff, diff)
            if w is not None:  # never a row of zero weight: it would bring 0/0
                distance = np.where(w > 0, distance, -1.0)
            far = farthest_first(distance, len(empty) + len(c))
            pairs = fill_empty(empty, x[far], labels[far], sums, counts,
                               None if w is None else w[far])
            moved = np.array([(far[i], cluster) for i, cluster in pairs], dtype=np.intp)
        new = (sums / counts[:, None]).astype(self.dtype)
        new_centroids = new + self.shift
        self._last = (new_centroids, new)
        return labels, new_centroids, score, moved

    def assign(self, centroids) -> np.ndarray:
        """Nearest centroid of every row, shape (n_samples,)."""
        c_aug = augment(self._centred(centroids), self.dtype)
        labels = np.empty(len(self.Xa), dtype=np.intp)

        def work(start, stop):
            labels[start:stop] = nearest_in_chunk(
                self.Xa[start:stop], c_aug, False, self.sizes["block_rows"]
            )[0]

        self._map(work)
        return labels

    def inertia(self, centroids, labels) -> float:
        """Sum of squared distances of every row to its centroid (weighted, with weights),
        from the differences themselves (exact to rounding), a chunk at a time."""
        c = self._centred(centroids)

        def work(start, stop):
            diff = self.Xa[start:stop, :-1] - c[labels[start:stop]]
            if self.weights is not None:
                return float(self.weights[start:stop] @ np.einsum("ij,ij->i", diff, diff))
            return float(np.einsum("ij,ij->", diff, diff, dtype=np.float64))

        return float(sum(self._map(work)))

    def _map(self, work):
        n, d1 = self.Xa.shape
        threads = self.sizes["n_threads"]
        rows = self.sizes["chunk_rows"] or rows_per_chunk(d1 - 1, n, threads)
        return map_chunks(work, n, rows, threads)
