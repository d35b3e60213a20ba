"""K-Means from scratch: the core every notebook imports.

Lloyd's algorithm, one function per step:

1. ``init_centroids`` -- k distinct random rows (``"random"``) or ``kmeans_pp_init``;
2. ``assign``         -- index of the nearest centroid for every point;
3. ``update``         -- each centroid moves to the mean of its points;
4. ``lloyd_steps``    -- repeats 2-3 and yields every iteration, until nothing changes;
5. ``kmeans``         -- checks the input once, runs ``n_init`` starts, keeps the best.

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

# Rows per block in the distance computation: keeps the (block, k) distance matrix near
# 2 MiB whatever n is, so memory stays bounded on millions of points.
_BLOCK_FLOATS = 2**18


class Step(NamedTuple):
    """One iteration of Lloyd's algorithm, as yielded by ``lloyd_steps``.

    ``labels`` assigns every point to its nearest centroid in ``centroids``; ``inertia``
    scores that pair; ``new_centroids`` are the means of the clusters ``labels`` defines.
    """

    iteration: int
    centroids: np.ndarray  # (k, n_features), used for this assignment
    labels: np.ndarray  # (n_samples,)
    inertia: float  # objective of (centroids, labels)
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
def nearest_centroid(X: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest centroid of every point, and the squared distance to it.

    Uses ``||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2``: one matrix product per block of
    rows instead of an (n, k, d) array of differences. ``||x||^2`` is the same for every
    centroid, so the argmin needs only ``||c||^2 - 2 x.c``. The identity loses precision
    when the data sit far from the origin, so callers centre the data first (``kmeans``
    does; the public ``assign`` does it for you).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    centroids : ndarray of shape (k, n_features)

    Returns
    -------
    labels : ndarray of shape (n_samples,), int
        Ties go to the lowest index, as with scikit-learn.
    sq_dist : ndarray of shape (n_samples,)
        Squared distance to the nearest centroid (never negative).
    """
    n, k = X.shape[0], centroids.shape[0]
    labels = np.empty(n, dtype=np.intp)
    sq_dist = np.empty(n, dtype=X.dtype)
    c_sq = np.einsum("ij,ij->i", centroids, centroids)
    block = max(1, _BLOCK_FLOATS // k)
    for start in range(0, n, block):
        xb = X[start : start + block]
        d = xb @ centroids.T  # (block, k)
        d *= -2.0
        d += c_sq
        lb = d.argmin(axis=1)
        labels[start : start + block] = lb
        x_sq = np.einsum("ij,ij->i", xb, xb)
        sq_dist[start : start + block] = d[np.arange(len(xb)), lb] + x_sq
    np.maximum(sq_dist, 0, out=sq_dist)  # rounding can dip just below zero
    return labels, sq_dist


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
    shift = centroids.mean(axis=0)  # centre both: guards the identity against large offsets
    return nearest_centroid(X - shift, centroids - shift)[0]


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
    block = max(1, _BLOCK_FLOATS // max(1, X.shape[1]))
    for start in range(0, len(X), block):
        diff = X[start : start + block] - centroids[labels[start : start + block]]
        total += float(np.einsum("ij,ij->", diff, diff, dtype=np.float64))
    return total


def update(
    X: np.ndarray, labels: np.ndarray, centroids: np.ndarray, sq_dist: np.ndarray | None = None
) -> np.ndarray:
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
    sq_dist : ndarray of shape (n_samples,), optional
        Squared distance of each point to its centroid; recomputed if not given.

    Returns
    -------
    new_centroids : ndarray of shape (k, n_features)
    """
    k, d = centroids.shape
    counts = np.bincount(labels, minlength=k).astype(X.dtype)
    # Per-cluster sums: one weighted bincount per feature, no Python loop over clusters.
    sums = np.empty((k, d), dtype=X.dtype)
    for j in range(d):
        sums[:, j] = np.bincount(labels, weights=X[:, j], minlength=k)
    empty = np.flatnonzero(counts == 0)
    if len(empty):
        if sq_dist is None:
            sq_dist = np.einsum("ij,ij->i", X - centroids[labels], X - centroids[labels])
        # Farthest points first (stable sort: ties go to the lowest index), skipping a
        # point that is the last one left in its cluster, which would empty that one.
        far = iter(np.argsort(-sq_dist, kind="stable"))
        for cluster in empty:
            i = next(i for i in far if counts[labels[i]] > 1)
            sums[labels[i]] -= X[i]
            counts[labels[i]] -= 1
            sums[cluster] = X[i]
            counts[cluster] = 1
    return sums / counts[:, None]


# --------------------------------------------------------------------------- initialisation
def _kmeans_pp(X: np.ndarray, k: int, rng: np.random.RandomState) -> np.ndarray:
    """D^2 sampling, unchecked. Keeps a running minimum distance: O(n k d) in total."""
    n = X.shape[0]
    centroids = np.empty((k, X.shape[1]), dtype=X.dtype)
    centroids[0] = X[rng.randint(n)]
    closest = ((X - centroids[0]) ** 2).sum(axis=1)
    for j in range(1, k):
        total = closest.sum()
        if total > 0:
            i = rng.choice(n, p=closest / total)
        else:  # every point already coincides with a centre: any point will do
            i = rng.randint(n)
        centroids[j] = X[i]
        np.minimum(closest, ((X - centroids[j]) ** 2).sum(axis=1), out=closest)
    return centroids


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
    X: np.ndarray, centroids: np.ndarray, max_iter: int = 300, tol: float = 0.0
) -> Iterator[Step]:
    """Run Lloyd's algorithm from ``centroids``, yielding every iteration.

    Stops after the iteration whose assignment equals the previous one (the centroids
    can no longer move), when the centroids move less than ``tol`` (sum of squared
    shifts, absolute), or after ``max_iter`` iterations. Unchecked: see ``kmeans_steps``.

    Yields
    ------
    Step
        ``(iteration, centroids, labels, inertia, new_centroids)``.
    """
    labels_old = None
    for it in range(max_iter):
        labels, sq_dist = nearest_centroid(X, centroids)
        new = update(X, labels, centroids, sq_dist)
        yield Step(it, centroids, labels, inertia(X, centroids, labels), new)
        if labels_old is not None and np.array_equal(labels, labels_old):
            return
        if ((new - centroids) ** 2).sum() <= tol:
            return
        centroids, labels_old = new, labels


def _tolerance(X: np.ndarray, tol: float) -> float:
    """scikit-learn's convention: ``tol`` is relative to the mean variance of the features."""
    return float(np.var(X, axis=0).mean() * tol) if tol > 0 else 0.0


def _run(X: np.ndarray, centroids: np.ndarray, max_iter: int, tol: float):
    """One start, to convergence. Returns (centroids, labels, inertia, n_iter)."""
    previous = None
    for step in lloyd_steps(X, centroids, max_iter, tol):
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
    shift = X.mean(axis=0)  # centred like kmeans, so both compute the same
    c0 = init_centroids(X, k, init, rng)
    steps = [
        s._replace(centroids=s.centroids + shift, new_centroids=s.new_centroids + shift)
        for s in lloyd_steps(X - shift, c0 - shift, max_iter, _tolerance(X, tol))
    ]
    steps[0] = steps[0]._replace(centroids=c0)  # exactly the starting rows, no round trip
    return steps


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
    # Centre the data once: the distance identity is then accurate even for data far
    # from the origin (timestamps, map coordinates). Centroids are shifted back at the end.
    shift = X.mean(axis=0)
    Xc = X - shift
    tol_abs = _tolerance(X, tol)
    best = None
    for _ in range(n_init):
        c0 = init_centroids(X, k, init, rng) - shift
        result = _run(Xc, c0, max_iter, tol_abs)
        if best is None or result[2] < best[2]:
            best = result
    centroids, labels = best[0] + shift, best[1]
    n_used = len(np.unique(labels))
    if n_used < k:
        warnings.warn(
            f"only {n_used} of k={k} clusters hold points: X has fewer than k distinct "
            "points, so some centroids sit on the same point",
            stacklevel=2,
        )
    return centroids, labels
