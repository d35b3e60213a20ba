"""The engines: what runs one iteration of the loop in ``helpers/kmeans.py``.

An **engine** is any object with two methods (``Engine`` below spells them out):

- ``start(centroids)``: begin a run at these centroids;
- ``step(with_inertia=True) -> Pass``: one iteration from the current centroids: the
  labels (nearest centroid of every point), the new centroids (the clusters' means), the
  inertia of (centroids, labels) and the points moved into empty clusters. The engine then
  holds the new centroids, and the next ``step`` starts from them.

Its state is its own, held explicitly: nothing is recognised by identity, and a caller who
wants to start again calls ``start``. The plainest engine, ``helpers.kmeans.Plain``, is
literally ``update(X, assign(X, c), c)``, the loop you wrote in notebook 01 (with
``helpers.update``, which moves an empty cluster's centroid to the farthest point where
notebook 01's rule keeps it); ``lloyd_steps``
runs it unless told otherwise. The others give the same answer faster:

============  ==================================================================  ======
engine        how                                                                 where
============  ==================================================================  ======
``Lloyd``     the assignment and the update in one pass over X, in blocks of      here
              rows, on threads (notebook 13, sections 2-8)
``Hamerly``   Lloyd's step, skipping the distances that the triangle inequality   bounds
              rules out (notebook 13, section 10)
``Auto``      ``Lloyd`` while many points change cluster, ``Hamerly`` once few    bounds
              do, back to ``Lloyd`` if the bounds stop paying
============  ==================================================================  ======

A new engine (Elkan's bounds, say) is one class with these two methods; ``kmeans`` takes
the class as its ``algorithm``. How the fast pass is built (notebook 13):

====================================  ==============================================
notebook 13, section                  here
====================================  ==============================================
2. the dot-product identity           ``augment``: ``[x, 1] . [-2c, ||c||^2]`` is
                                      ``||c||^2 - 2 x.c``, all pairs in one product
3. blocks of rows                     ``nearest_in_chunk``: one (rows, k) buffer, reused
4. the update without a loop          ``cluster_sums``: bincount or a sparse product
5. float32                            X keeps its dtype; sums are added in float64
6. threads                            ``helpers/threads.py``: a chunk of rows per thread
7. prepare once                       ``Prepared``: ``[x - shift, 1]`` made once per fit
8. where the rest of the time goes    ``fused_pass``: labels, sums and counts per chunk
empty clusters (notebook 02)          ``relocate`` and ``fill_empty``
10. skip what cannot change           ``helpers/bounds.py``: ``Hamerly``, ``Auto``
====================================  ==============================================

Sizes and threads are arguments (``n_threads``, ``chunk_rows``, ``block_rows``); chunks
depend on the data's shape only, so within a fit (BLAS held to one thread) any thread
count gives bit-identical answers. Inner
functions assume checked input in safe units: the checks and the rescaling happen once, in
``helpers/kmeans.py`` (``helpers/validation.py``, ``helpers/numerics.py``).
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

import numpy as np

from helpers.numerics import centring_shift
from helpers.threads import default_threads, map_chunks, rows_per_chunk

BLOCK_FLOATS = 2**18  # numbers in one distance block: 2 MiB in float64, fits in cache
NO_MOVES = np.empty((0, 2), dtype=np.intp)


class Pass(NamedTuple):
    """What one engine step gives back."""

    labels: np.ndarray  # (n,), nearest centroid of every point (ties: the lowest index)
    new_centroids: np.ndarray  # (k, d), the clusters' means after the update
    inertia: float | None  # of (centroids, labels); None unless asked for
    moved: np.ndarray  # (m, 2): [row, cluster] of each point moved into an empty cluster


class Engine(Protocol):
    """The interface ``lloyd_steps`` runs on; see the module's docstring."""

    def start(self, centroids: np.ndarray) -> None:
        """Begin a run at ``centroids``, shape (k, n_features)."""

    def step(self, with_inertia: bool = True) -> Pass:
        """One iteration from the current centroids; then hold the new ones."""


def rows_per_block(k: int) -> int:
    """Rows per distance block: a (rows, k) distance matrix of about BLOCK_FLOATS numbers."""
    return max(256, BLOCK_FLOATS // max(1, k))


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
    rows = min(max(n, 1), block_rows or rows_per_block(k))
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
    is used; by default ``centring_shift`` of X, the middle of the data as in the core's
    ``assign``. (The centroids' mean would be pulled away from the points by one far
    centroid, an empty cluster's say, and cost accuracy in float32.) Extra memory: a chunk
    and a block per thread.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), in safe units
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
    labels = np.empty(n, dtype=np.intp)
    sq_dist = np.empty(n, dtype=X.dtype)

    def work(start, stop):
        xa = centred_with_ones(X[start:stop], shift)
        labels[start:stop], sq_dist[start:stop] = nearest_in_chunk(xa, c_aug, True, block_rows)

    map_chunks(work, n, chunk_rows or rows_per_chunk(d, n), n_threads)
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


def sum_sq_distances(X, centroids, labels, weights=None, *, n_threads=None) -> float:
    """The inertia: ``sum_i w_i ||x_i - c_{labels_i}||^2``, from the differences themselves
    (exact to rounding anywhere), a chunk of rows at a time (no copy of X)."""
    n, d = X.shape

    def work(start, stop):
        diff = X[start:stop] - centroids[labels[start:stop]]
        if weights is None:
            return float(np.einsum("ij,ij->", diff, diff, dtype=np.float64))
        return float(weights[start:stop] @ np.einsum("ij,ij->i", diff, diff, dtype=np.float64))

    return float(sum(map_chunks(work, n, rows_per_chunk(d, n), n_threads)))


# --------------------------------------------------------------------------- the update
def cluster_sums(xb: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Sum of the rows of ``xb`` in each cluster, shape (k, n_features), added in float64
    (also for float32 rows).

    Measured (notebook 13, section 4): one weighted ``bincount`` per column is faster for
    a few columns, a product with the sparse (k, rows) one-hot matrix of the labels for
    more, by more the more columns; where they cross moves with the machine. Up to 4
    columns (the prepared rows' column of ones included) this takes bincount, a rule that
    errs toward it. Neither loops over clusters in Python.
    """
    rows, d = xb.shape
    if d <= 4:
        return np.stack([np.bincount(labels, weights=xb[:, j], minlength=k) for j in range(d)], 1)
    import scipy.sparse as sp

    onehot = sp.csr_matrix((np.ones(rows), labels, np.arange(rows + 1)), shape=(rows, k))
    return np.asarray(onehot.T @ xb.astype(np.float64, copy=False))  # float64 sums


def farthest_first(sq_dist: np.ndarray, m: int) -> np.ndarray:
    """Indices of the ``m`` largest ``sq_dist`` (and any tied with the last), largest
    first, ties to the lowest index: the order of a stable sort, without sorting all n."""
    m = min(len(sq_dist), m)
    threshold = np.partition(sq_dist, len(sq_dist) - m)[len(sq_dist) - m]
    candidates = np.flatnonzero(sq_dist >= threshold)
    return candidates[np.lexsort((candidates, -sq_dist[candidates]))]


def fill_empty(empty, points, point_labels, sums, counts, members=None, point_weights=None):
    """Move the first usable candidate point into each empty cluster (in place); return
    the ``(candidate index, cluster)`` pairs moved.

    ``points`` (and their clusters ``point_labels``) come farthest from their centroid
    first. A point may leave its cluster only if another point of positive weight stays
    there: ``members`` counts those points per cluster, in integers, so the rule is exact
    (it defaults to ``counts``, which are such integers without weights). Points of weight
    0 never move. That skips at most one point per cluster, so ``len(empty) + k``
    candidates always suffice. (Rows are indexed as ``a[i, ...]`` so that ``points`` and
    ``sums`` may be arrays of any array-API library, see ``helpers.scale.array_api``.)

    With ``point_weights``, ``sums`` and ``counts`` are weighted: a point moves with its
    weight.
    """
    members = counts if members is None else members
    far = iter(range(points.shape[0]))
    moved = []
    for cluster in empty:
        usable = (
            i for i in far
            if members[point_labels[i]] > 1 and (point_weights is None or point_weights[i] > 0)
        )
        i = next(usable, None)
        if i is None:  # cannot happen with k <= n finite points; never a bare StopIteration
            raise RuntimeError("fill_empty: fewer candidate points than empty clusters")
        old, weight = int(point_labels[i]), 1 if point_weights is None else point_weights[i]
        point = points[i, ...] if point_weights is None else weight * points[i, ...]
        sums[old, ...] -= point
        counts[old] -= weight
        sums[int(cluster), ...] = point
        counts[cluster] = weight
        if members is not counts:
            members[old] -= 1
            members[cluster] = 1
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

    rows = chunk_rows or rows_per_chunk(Xa.shape[1] - 1, n)
    parts = map_chunks(work, n, rows, n_threads)  # in chunk order: a fixed order of sums
    sums = np.sum([p[0] for p in parts], axis=0)
    counts = sums[:, -1].astype(np.intp) if weights is None else sums[:, -1].copy()
    inertia = sum(p[1] for p in parts) if with_inertia else None
    return labels, sums[:, :-1], counts, inertia


class Prepared:
    """X made ready once for a whole fit (notebook 13, section 7), shared by its engines.

    Holds ``[x - shift, 1]`` for every row, with ``shift`` in the middle of the data
    (``centring_shift``): one copy of X, as scikit-learn also makes. Engines work in these
    centred coordinates and return centroids in X's own.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64, checked, safe units
    sample_weight : ndarray of shape (n_samples,), optional, checked and relative
        (``numerics.relative_weights``)
    n_threads, chunk_rows, block_rows : int, optional; defaults from this module and
        ``helpers/threads.py``
    """

    def __init__(self, X, sample_weight=None, *, n_threads=None, chunk_rows=None,
                 block_rows=None):
        n, d = X.shape
        self.shift = centring_shift(X)
        self.Xa = centred_with_ones(X, self.shift)
        self.weights = sample_weight
        self.dtype = X.dtype
        self.n_threads = default_threads(n_threads)
        self.chunk_rows = chunk_rows or rows_per_chunk(d, n)
        self.block_rows = block_rows

    def __len__(self) -> int:
        return len(self.Xa)

    def centred(self, centroids) -> np.ndarray:
        """``centroids - shift``, in X's dtype."""
        return (np.asarray(centroids) - self.shift).astype(self.dtype)

    def map(self, work) -> list:
        """``work(start, stop)`` for every chunk of rows, on threads, results in order."""
        return map_chunks(work, len(self.Xa), self.chunk_rows, self.n_threads)

    def members(self, labels, k: int) -> np.ndarray:
        """Points of positive weight in each cluster, as integers, shape (k,)."""
        w = self.weights

        def work(a, b):
            return np.bincount(labels[a:b] if w is None else labels[a:b][w[a:b] > 0], minlength=k)

        return np.sum(self.map(work), axis=0)


def prepared(X, sample_weight=None, **sizes) -> Prepared:
    """``X`` itself if it is ``Prepared`` already (engines that share it), else prepared."""
    return X if isinstance(X, Prepared) else Prepared(X, sample_weight, **sizes)


def relocate(data: Prepared, c, labels, sums, counts, empty) -> np.ndarray:
    """The empty clusters' rule (notebook 02): each takes the point farthest from its own
    centroid, among those whose cluster keeps another point of positive weight. Changes
    ``sums`` and ``counts`` in place; returns ``[row, cluster]`` per point moved."""
    k, w = len(c), data.weights
    distance = np.empty(len(data))

    def work(start, stop):  # exact distances to the own centroid, a chunk at a time
        diff = data.Xa[start:stop, :-1] - c[labels[start:stop]]
        distance[start:stop] = np.einsum("ij,ij->i", diff, diff)

    data.map(work)
    if w is not None:
        distance[w == 0] = -1.0  # a point of no weight never fills a cluster
    far = farthest_first(distance, len(empty) + k)
    pairs = fill_empty(empty, data.Xa[far, :-1], labels[far], sums, counts,
                       data.members(labels, k), None if w is None else w[far])
    return np.array([(far[i], cluster) for i, cluster in pairs], dtype=np.intp)


class Lloyd:
    """Lloyd's iteration as one fused pass over the prepared X, in chunks, on threads:
    ``update(X, assign(X, c), c)`` (tests check it), faster and in bounded memory.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), checked and in safe units, or a
        ``Prepared`` to share with other engines
    sample_weight : ndarray of shape (n_samples,), optional, checked and relative: means,
        counts and inertia become weighted; an empty cluster (no weight) takes the
        farthest point of positive weight
    n_threads, chunk_rows, block_rows : int, optional
    """

    def __init__(self, X, *, sample_weight=None, n_threads=None, chunk_rows=None,
                 block_rows=None):
        self.data = prepared(X, sample_weight, n_threads=n_threads, chunk_rows=chunk_rows,
                             block_rows=block_rows)
        self.c = None  # the current centroids, centred (c - shift)
        self.computed = []  # rows whose distances each step computed: all of them

    def start(self, centroids) -> None:
        self.c = self.data.centred(centroids)

    def start_centred(self, c) -> None:
        """Begin at centroids already centred (``c - shift``): another engine on the same
        ``Prepared`` X hands over (``bounds.Auto``, an empty cluster in ``bounds.Hamerly``)."""
        self.c = c

    def step(self, with_inertia: bool = True) -> Pass:
        data, c = self.data, self.c
        labels, sums, counts, score = fused_pass(
            data.Xa, c, with_inertia=with_inertia, weights=data.weights,
            n_threads=data.n_threads, chunk_rows=data.chunk_rows, block_rows=data.block_rows,
        )
        empty = np.flatnonzero(counts == 0)  # exact: sums of weights >= 0, or integers
        moved = relocate(data, c, labels, sums, counts, empty) if len(empty) else NO_MOVES
        self.c = (sums / counts[:, None]).astype(data.dtype)
        self.computed.append(len(labels))
        return Pass(labels, self.c + data.shift, score, moved)


def make_engine(engine_class, X, sample_weight=None, n_threads=None):
    """``engine_class(X, sample_weight=..., n_threads=...)``, the way ``kmeans`` makes its
    engine; a ``ValueError`` naming ``algorithm`` when a class of one's own cannot be made
    that way."""
    try:
        return engine_class(X, sample_weight=sample_weight, n_threads=n_threads)
    except TypeError as error:
        if engine_class.__module__.startswith("helpers."):
            raise
        raise ValueError(f"algorithm {engine_class.__name__} could not be made as "
                         f"algorithm(X, sample_weight=..., n_threads=...): {error}") from error
