"""K-Means from scratch: the core every notebook imports.

Lloyd's algorithm, one function per step:

1. ``init_centroids`` -- k distinct random rows (``"random"``) or ``kmeans_pp_init``;
2. ``assign``         -- index of the nearest centroid for every point;
3. ``update``         -- each centroid moves to the mean of its points;
4. ``lloyd_steps``    -- repeats 2-3 and yields every iteration, until nothing changes;
5. ``kmeans``         -- checks the input once, runs ``n_init`` starts, keeps the best.

For speed, ``lloyd_steps`` runs 2 and 3 together with ``lloyd_step``: one pass over X in
blocks of rows, on threads (``helpers/blocks.py`` explains both ideas in a paragraph).
``assign`` and ``update`` are the same steps one at a time, for reading and for tests.

Inner steps assume validated input (finite 2-D float arrays of matching widths), as
scikit-learn's inner loops do; only ``kmeans``, ``kmeans_steps`` and the public
``assign``/``inertia``/``kmeans_pp_init`` check what they are given.

Empty clusters (one policy, as scikit-learn's): a centroid that loses all its points
moves onto the point farthest from its own centroid, which leaves that point's cluster.
No centroid is ever NaN.
"""

from __future__ import annotations

import numbers
import warnings
from typing import Iterator, NamedTuple

import numpy as np

from helpers import blocks
from helpers.blocks import (
    augment,
    centred_block,
    cluster_sums,
    map_blocks,
    rows_per_block,
    rows_per_chunk,
)

__all__ = [
    "Step",
    "assign",
    "check_data",
    "inertia",
    "init_centroids",
    "kmeans",
    "kmeans_pp_init",
    "kmeans_steps",
    "lloyd_steps",
    "nearest_centroid",
    "update",
]


class Step(NamedTuple):
    """One iteration of Lloyd's algorithm, as yielded by ``lloyd_steps``.

    ``labels`` assigns every point to its nearest centroid in ``centroids``; ``inertia``
    scores that pair; ``new_centroids`` are the means of the clusters ``labels`` defines.
    """

    iteration: int
    centroids: np.ndarray  # (k, n_features), used for this assignment
    labels: np.ndarray  # (n_samples,)
    inertia: float | None  # objective of (centroids, labels); None if not asked for
    new_centroids: np.ndarray  # (k, n_features), after the update step


# --------------------------------------------------------------------------- validation
def check_data(X, name: str = "X") -> np.ndarray:
    """Return ``X`` as a finite 2-D float array, or raise a ``ValueError`` saying why.

    float32 stays float32; every other numeric dtype (int, bool, float16) becomes float64.
    """
    X = np.asarray(X)
    if X.dtype == object or not (
        np.issubdtype(X.dtype, np.number) or np.issubdtype(X.dtype, np.bool_)
    ):
        raise ValueError(f"{name} must hold numbers, got dtype {X.dtype}")
    if np.iscomplexobj(X):
        raise ValueError(f"{name} must hold real numbers, got dtype {X.dtype}")
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_features), got shape {X.shape}"
        )
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} must not be empty, got shape {X.shape}")
    X = X.astype(np.float32 if X.dtype == np.float32 else np.float64, copy=False)
    finite = np.isfinite(X)
    if not finite.all():
        row = int(np.flatnonzero(~finite.all(axis=1))[0])
        raise ValueError(f"{name} contains NaN or infinity (row {row})")
    return X


def _check_int(value, name: str, low: int, high: int | None = None, high_name: str = ""):
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if ok and value >= low and (high is None or value <= high):
        return int(value)
    allowed = f"[{low}, {high_name}={high}]" if high is not None else f">= {low}"
    raise ValueError(
        f"{name} must be an integer {'in ' if high is not None else ''}{allowed}, got {value!r}"
    )


def _check_seed(seed) -> np.random.RandomState:
    if isinstance(seed, np.random.RandomState):
        return seed
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0:
        return np.random.RandomState(int(seed))
    raise ValueError(f"seed must be a non-negative integer, got {seed!r}")


# --------------------------------------------------------------------------- the steps
def _assign_chunk(xa, c_aug, with_dist):
    """Labels (and squared distances) of the rows of a centred chunk; see ``nearest_centroid``.

    ``xa`` holds ``[x - shift, 1]`` per row (``centred_block``). The chunk is walked a block
    of rows at a time through one reused distance buffer (no fresh array per block).
    """
    n, k = len(xa), len(c_aug)
    labels = np.empty(n, dtype=np.intp)
    sq = np.empty(n, dtype=xa.dtype) if with_dist else None
    rows = min(n, rows_per_block(k))
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


def nearest_centroid(X: np.ndarray, centroids: np.ndarray, shift=None):
    """Nearest centroid of every point, and the squared distance to it.

    Uses ``||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2``: one matrix product per block of
    rows instead of an (n, k, d) array of differences. ``||x||^2`` is the same for every
    centroid, so the argmin needs only ``||c||^2 - 2 x.c``. The identity loses precision
    when the data sit far from the origin, so every chunk of rows is centred first:
    ``shift`` is subtracted from the rows of X (the centroids must be given centred
    already); by default it is the mean of the centroids, which are then centred here too.
    Extra memory stays a few MiB per thread whatever the size of X.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    centroids : ndarray of shape (k, n_features)
    shift : ndarray of shape (n_features,), optional

    Returns
    -------
    labels : ndarray of shape (n_samples,), int
        Ties go to the lowest index, as with scikit-learn.
    sq_dist : ndarray of shape (n_samples,)
        Squared distance to the nearest centroid (never negative).
    """
    if shift is None:
        shift = centroids.mean(axis=0)
        centroids = centroids - shift
    n = X.shape[0]
    labels = np.empty(n, dtype=np.intp)
    sq_dist = np.empty(n, dtype=X.dtype)
    c_aug = augment(centroids, X.dtype)

    def work(start, stop):
        xa = centred_block(X, start, stop, shift)
        labels[start:stop], sq_dist[start:stop] = _assign_chunk(xa, c_aug, True)

    map_blocks(work, n, rows_per_chunk(X.shape[1], n))
    return labels, sq_dist


def lloyd_step(Xa: np.ndarray, centroids: np.ndarray, with_inertia=True):
    """One Lloyd iteration, assignment and update fused: each chunk of X is read once.

    For every chunk of rows: the nearest centroid of each row (as ``nearest_centroid``),
    then the chunk's per-cluster sums and counts (as ``update``); the chunk results are
    added up at the end.

    Parameters
    ----------
    Xa : ndarray of shape (n_samples, n_features + 1)
        The data prepared once per run: ``centred_block(X, 0, n, shift)``, that is
        ``[x - shift, 1]`` per row (scikit-learn also centres a copy of X once per fit).
    centroids : ndarray of shape (k, n_features)
        In the same centred coordinates (``c - shift``).

    Returns
    -------
    labels : ndarray of shape (n_samples,)
    sums : ndarray of shape (k, n_features), float64, per-cluster sums of X - shift
    counts : ndarray of shape (k,)
    inertia : float, or None if ``with_inertia`` is False
    """
    n, k = Xa.shape[0], centroids.shape[0]
    labels = np.empty(n, dtype=np.intp)
    c_aug = augment(centroids, Xa.dtype)

    def work(start, stop):
        xa = Xa[start:stop]
        lb, sq = _assign_chunk(xa, c_aug, with_inertia)
        labels[start:stop] = lb
        total = float(sq.sum(dtype=np.float64)) if with_inertia else 0.0
        # Summing the whole chunk, its column of ones too, gives the counts for free.
        return cluster_sums(xa, lb, k), total

    parts = map_blocks(work, n, rows_per_chunk(Xa.shape[1] - 1, n))
    sums = np.sum([p[0] for p in parts], axis=0)
    counts = sums[:, -1].astype(np.intp)
    return labels, sums[:, :-1], counts, (sum(p[1] for p in parts) if with_inertia else None)


def assign(X, centroids) -> np.ndarray:
    """Index of the nearest centroid (squared Euclidean distance) for every point.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    centroids : array-like of shape (k, n_features)

    Returns
    -------
    labels : ndarray of shape (n_samples,)

    Examples
    --------
    >>> assign([[0, 0], [9, 9], [1, 0]], [[0, 0], [10, 10]])
    array([0, 1, 0])
    """
    X = check_data(X)
    centroids = check_data(centroids, "centroids").astype(X.dtype, copy=False)
    if centroids.shape[1] != X.shape[1]:
        raise ValueError(
            f"centroids must have n_features={X.shape[1]} columns like X, "
            f"got shape {centroids.shape}"
        )
    return nearest_centroid(X, centroids)[0]  # centres the blocks: safe far from the origin


def inertia(X, centroids, labels) -> float:
    """Sum of squared distances from every point to its assigned centroid.

    Computed from the differences themselves (not the dot-product identity), so it is
    exact to rounding wherever the data sit.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    centroids : array-like of shape (k, n_features)
    labels : array-like of shape (n_samples,), ints in [0, k)

    Examples
    --------
    >>> inertia([[0, 0], [2, 0], [10, 0]], [[1, 0], [10, 0]], [0, 0, 1])
    2.0
    """
    X, centroids, labels = np.asarray(X), np.asarray(centroids), np.asarray(labels)
    total = 0.0
    block = max(1, blocks.BLOCK_FLOATS // max(1, X.shape[1]))
    for start in range(0, len(X), block):
        diff = X[start : start + block] - centroids[labels[start : start + block]]
        total += float(np.einsum("ij,ij->", diff, diff, dtype=np.float64))
    return total


def farthest_first(sq_dist: np.ndarray, m: int) -> np.ndarray:
    """Indices of the ``m`` largest ``sq_dist`` (and any tied with the last), largest
    first, ties to the lowest index; without sorting all of them."""
    m = min(len(sq_dist), m)
    threshold = np.partition(sq_dist, len(sq_dist) - m)[len(sq_dist) - m]
    candidates = np.flatnonzero(sq_dist >= threshold)
    return candidates[np.lexsort((candidates, -sq_dist[candidates]))]


def fill_empty(empty, points, point_labels, sums, counts) -> None:
    """Move the first usable candidate point into each empty cluster (in place).

    ``points`` (and their clusters ``point_labels``) come farthest from their centroid
    first. A point that is the last one left in its cluster is skipped (moving it would
    empty that cluster); that skips at most one point per cluster, so ``len(empty) + k``
    candidates always suffice. (Rows are indexed as ``a[i, ...]`` so that ``points`` and
    ``sums`` may be arrays of any array-API library, see ``helpers.array_api``.)
    """
    far = iter(range(points.shape[0]))
    for cluster in empty:
        i = next(i for i in far if counts[point_labels[i]] > 1)
        old = int(point_labels[i])
        sums[old, ...] -= points[i, ...]
        counts[old] -= 1
        sums[int(cluster), ...] = points[i, ...]
        counts[cluster] = 1


def _relocate_empty(X, labels, sums, counts, centroids, shift) -> None:
    """Give every empty cluster the point farthest from its own centroid (in place).

    That point leaves its old cluster (never the last one of it). ``sums`` are sums of
    ``X - shift`` and ``centroids`` are centred the same way.
    """
    empty = np.flatnonzero(counts == 0)
    if not len(empty):
        return
    diff = X - shift - centroids[labels]  # exact distances; this happens rarely
    far = farthest_first(np.einsum("ij,ij->i", diff, diff), len(empty) + len(centroids))
    fill_empty(empty, X[far] - shift, labels[far], sums, counts)


def update(X: np.ndarray, labels: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Move every centroid to the mean of the points assigned to it.

    An empty cluster's centroid moves onto the point farthest from its own centroid
    (scikit-learn's policy), and that point leaves its old cluster's mean.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    labels : ndarray of shape (n_samples,)
        Output of ``nearest_centroid`` for ``centroids``.
    centroids : ndarray of shape (k, n_features)
        The centroids ``labels`` were computed from (used only for empty clusters).

    Returns
    -------
    new_centroids : ndarray of shape (k, n_features)
    """
    k = centroids.shape[0]
    sums = cluster_sums(X, labels, k)  # no Python loop over clusters
    counts = np.bincount(labels, minlength=k)
    _relocate_empty(X, labels, sums, counts, centroids, 0.0)
    return (sums / counts[:, None]).astype(X.dtype)


# --------------------------------------------------------------------------- initialisation
def _kmeans_pp(X: np.ndarray, k: int, rng: np.random.RandomState, weights=None) -> np.ndarray:
    """D^2 sampling, unchecked. Keeps a running minimum distance: O(n k d) in total.

    With ``weights`` (one per row, as for k-means|| candidates), every draw is
    proportional to ``weight * D^2``, the first to the weights alone."""
    n = X.shape[0]
    centroids = np.empty((k, X.shape[1]), dtype=X.dtype)
    first = rng.randint(n) if weights is None else rng.choice(n, p=weights / weights.sum())
    centroids[0] = X[first]
    closest = _sq_dist_to(X, centroids[0])
    for j in range(1, k):
        score = closest if weights is None else closest * weights
        total = score.sum()
        if total > 0:
            i = rng.choice(n, p=score / total)
        else:  # every point already coincides with a centre: any point will do
            i = rng.randint(n)
        centroids[j] = X[i]
        np.minimum(closest, _sq_dist_to(X, centroids[j]), out=closest)
    return centroids


def _sq_dist_to(X: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Squared distance of every row of X to one point c, shape (n_samples,), float64.

    From the differences themselves (exact anywhere), a block of rows at a time so the
    temporary stays small."""
    out = np.empty(X.shape[0])
    rows = max(1, blocks.BLOCK_FLOATS // X.shape[1])

    def work(start, stop):
        diff = X[start:stop] - c
        out[start:stop] = np.einsum("ij,ij->i", diff, diff)

    map_blocks(work, X.shape[0], rows)
    return out


def kmeans_pp_init(X, k: int, seed=0) -> np.ndarray:
    """K-Means++ initialisation (Arthur & Vassilvitskii, 2007).

    The first centre is a uniformly random point; each next one is a point drawn with
    probability proportional to its squared distance to the nearest centre chosen so far
    (D^2 sampling), so the centres spread out. Draws the same points as the course text's
    version for the same seed, in O(n k d) instead of O(n k^2 d).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    k : int, number of centres, 1 <= k <= n_samples
    seed : int or numpy.random.RandomState

    Returns
    -------
    centroids : ndarray of shape (k, n_features), rows of X
    """
    X = check_data(X)
    k = _check_int(k, "k", 1, X.shape[0], "n_samples")
    return _kmeans_pp(X, k, _check_seed(seed))


def init_centroids(X: np.ndarray, k: int, init, rng: np.random.RandomState) -> np.ndarray:
    """Initial centroids, unchecked: ``"random"``, ``"k-means++"`` or a given array.

    ``"random"`` picks k distinct rows with ``rng.choice(n, k, replace=False)``, exactly
    as the course text does.
    """
    if isinstance(init, str) and init == "random":
        return X[rng.choice(X.shape[0], k, replace=False)].copy()
    if isinstance(init, str) and init == "k-means++":
        return _kmeans_pp(X, k, rng)
    return np.array(init, dtype=X.dtype)


# --------------------------------------------------------------------------- the loop
def lloyd_steps(
    X: np.ndarray,
    centroids: np.ndarray,
    max_iter: int = 300,
    tol: float = 0.0,
    *,
    with_inertia: bool = True,
) -> Iterator[Step]:
    """Run Lloyd's algorithm from ``centroids``, yielding every iteration.

    Stops after the iteration whose assignment equals the previous one (the centroids
    can no longer move), when the centroids move less than ``tol`` (sum of squared
    shifts, absolute), or after ``max_iter`` iterations. Internally the work is done on
    one copy of X centred on its mean (accurate distances far from the origin; made once,
    as scikit-learn does, so that no iteration copies X again); the steps are given back
    in X's own coordinates. Unchecked: see ``kmeans_steps``.

    Yields
    ------
    Step
        ``(iteration, centroids, labels, inertia, new_centroids)``; ``inertia`` is None
        when ``with_inertia`` is False (it then costs nothing).
    """
    shift = X.mean(axis=0)
    Xa = centred_block(X, 0, len(X), shift)  # one centred copy, [x - shift, 1] per row
    c = (centroids - shift).astype(X.dtype)
    labels_old = None
    for it in range(max_iter):
        labels, sums, counts, score = lloyd_step(Xa, c, with_inertia)
        _relocate_empty(X, labels, sums, counts, c, shift)
        new = (sums / counts[:, None]).astype(X.dtype)
        yield Step(it, centroids if it == 0 else c + shift, labels, score, new + shift)
        if labels_old is not None and np.array_equal(labels, labels_old):
            return
        if ((new - c) ** 2).sum() <= tol:
            return
        c, labels_old = new, labels


def _tolerance(X: np.ndarray, tol: float) -> float:
    """scikit-learn's convention: ``tol`` is relative to the mean variance of the features."""
    return float(np.var(X, axis=0).mean() * tol) if tol > 0 else 0.0


def _run(X: np.ndarray, centroids: np.ndarray, max_iter: int, tol: float):
    """One start, to convergence. Returns (centroids, labels, inertia, n_iter)."""
    previous = None
    for step in lloyd_steps(X, centroids, max_iter, tol, with_inertia=False):
        converged = previous is not None and np.array_equal(step.labels, previous)
        previous = step.labels
    centroids, labels = step.new_centroids, step.labels
    if not converged:  # stopped on tol or max_iter: make the labels match the centroids
        labels = nearest_centroid(X, centroids)[0]
    return centroids, labels, inertia(X, centroids, labels), step.iteration + 1


def _check_params(X, k, init, n_init, max_iter, tol, seed):
    X = check_data(X)
    n, d = X.shape
    k = _check_int(k, "k", 1, n, "n_samples")
    if isinstance(init, str):
        if init not in ("random", "k-means++"):
            raise ValueError(
                f"init must be 'random', 'k-means++' or an array of shape (k, n_features)="
                f"{(k, d)}, got {init!r}"
            )
    else:
        arr = np.asarray(init)
        if arr.shape != (k, d):
            raise ValueError(
                f"init array must have shape (k, n_features)={(k, d)}, got shape {arr.shape}"
            )
        init = check_data(arr, "init")
    n_init = _check_int(n_init, "n_init", 1)
    max_iter = _check_int(max_iter, "max_iter", 1)
    if not isinstance(tol, numbers.Real) or isinstance(tol, bool) or not (0 <= tol < np.inf):
        raise ValueError(f"tol must be a finite number >= 0, got {tol!r}")
    rng = _check_seed(seed)
    return X, k, init, n_init, max_iter, float(tol), rng


def kmeans_steps(X, k, *, init="k-means++", max_iter=300, tol=0.0, seed=0) -> list[Step]:
    """Every iteration of one K-Means run, for animations and convergence plots.

    Same arguments as ``kmeans`` (one start). The last step's ``new_centroids`` are the
    final centroids; its ``labels`` the final assignment once converged.

    Returns
    -------
    steps : list of Step
    """
    X, k, init, _, max_iter, tol, rng = _check_params(X, k, init, 1, max_iter, tol, seed)
    c0 = init_centroids(X, k, init, rng)
    return list(lloyd_steps(X, c0, max_iter, _tolerance(X, tol)))


def kmeans(X, k, *, init="k-means++", n_init=10, max_iter=300, tol=1e-4, seed=0):
    """K-Means clustering: the best of ``n_init`` runs of Lloyd's algorithm.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        float32 stays float32; other numbers are computed in float64.
    k : int
        Number of clusters, 1 <= k <= n_samples.
    init : {"k-means++", "random"} or array-like of shape (k, n_features)
        ``"random"`` picks k distinct rows. With an array, a single run is made.
    n_init : int
        Number of starts; the one with the lowest inertia is returned.
    max_iter : int
        Maximum number of iterations per start.
    tol : float
        Stop when the centroids move less than ``tol`` times the mean feature variance
        (sum of squared shifts), as scikit-learn. ``tol=0`` iterates until the
        assignment stops changing.
    seed : int or numpy.random.RandomState
        All random choices come from one generator made from it.

    Returns
    -------
    centroids : ndarray of shape (k, n_features)
    labels : ndarray of shape (n_samples,)

    Examples
    --------
    >>> X = [[0, 0], [0, 1], [10, 10], [10, 11]]
    >>> centroids, labels = kmeans(X, 2, seed=0)
    >>> sorted(centroids.tolist())
    [[0.0, 0.5], [10.0, 10.5]]
    """
    X, k, init, n_init, max_iter, tol, rng = _check_params(X, k, init, n_init, max_iter, tol, seed)
    if not isinstance(init, str):
        n_init = 1  # the same start would give the same result every time
    tol_abs = _tolerance(X, tol)
    best = None
    for _ in range(n_init):
        result = _run(X, init_centroids(X, k, init, rng), max_iter, tol_abs)
        if best is None or result[2] < best[2]:
            best = result
    centroids, labels = best[0], best[1]
    n_used = np.count_nonzero(np.bincount(labels, minlength=k))
    if n_used < k:
        warnings.warn(
            f"only {n_used} of k={k} clusters hold points: X has fewer than k distinct "
            "points, so some centroids sit on the same point",
            stacklevel=2,
        )
    return centroids, labels
