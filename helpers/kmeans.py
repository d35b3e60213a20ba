"""K-Means from scratch: the algorithm as notebook 01 builds it, one function per step.

1. ``init_centroids``  k distinct random rows, or ``kmeans_pp_init`` (D^2 sampling);
2. ``assign``          the nearest centroid of every point;
3. ``update``          every centroid to the mean of its points;
4. ``lloyd_steps``     repeat 2 and 3, yield every iteration, stop when nothing changes;
5. ``kmeans``          check the input once, run ``n_init`` starts, keep the best.

Inside the loop, steps 2 and 3 run as one call to the engine (``helpers/engine.py``):
the same arithmetic on blocks of rows and on threads, in one pass over X. Notebook 11
builds it; the tests check that it gives what ``assign`` and ``update`` give.

An empty cluster (one that wins no point) takes the point farthest from its own centroid,
as in scikit-learn; that point leaves its old cluster. No centroid is ever NaN.
"""

from __future__ import annotations

import warnings
from typing import Iterator, NamedTuple

import numpy as np

from helpers import bounds, engine
from helpers.validation import (
    check_centroids,
    check_choice,
    check_data,
    check_int,
    check_kmeans_params,
    check_labels,
    check_sample_weight,
    check_seed,
)


class Step(NamedTuple):
    """One iteration of Lloyd's algorithm, as ``lloyd_steps`` yields it."""

    iteration: int
    centroids: np.ndarray  # (k, n_features), the ones this assignment used
    labels: np.ndarray  # (n_samples,), nearest centroid of every point
    inertia: float | None  # of (centroids, labels); None when not asked for
    new_centroids: np.ndarray  # (k, n_features), means of the clusters after the update
    converged: bool  # labels equal the previous iteration's: nothing can move any more
    moved: np.ndarray  # (m, 2): [row, cluster] of points the update moved to empty clusters

    @property
    def updated_labels(self) -> np.ndarray:
        """The clusters ``new_centroids`` are the means of: ``labels``, with the points
        moved into empty clusters in their new clusters (almost always just ``labels``)."""
        if not len(self.moved):
            return self.labels
        labels = self.labels.copy()
        labels[self.moved[:, 0]] = self.moved[:, 1]
        return labels


def assign(X, centroids) -> np.ndarray:
    """Index of the nearest centroid (squared Euclidean distance) for every point.

    Uses ``||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2`` after centring both near the data's
    mean, which keeps the identity accurate far from the origin (notebook 01). Ties go to
    the lowest index.

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
    centroids = check_centroids(centroids, X)
    scale = engine.safe_scale(X, centroids)  # 1.0 unless squares would over- or underflow
    if scale != 1.0:
        return assign(X / scale, centroids / scale)
    shift = engine.centring_shift(X)  # the mean, rounded so that ties stay exact
    Xc, C = X - shift, centroids - shift
    distances = np.sum(C**2, axis=1) - 2 * Xc @ C.T  # (n, k); ||x||^2 is the same for all c
    return np.argmin(distances, axis=1)


def update(X, labels, centroids, sample_weight=None) -> np.ndarray:
    """Move every centroid to the mean of the points assigned to it.

    An empty cluster's centroid moves onto the point farthest from its own centroid, and
    that point leaves its old cluster (never the last point of one).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    labels : ndarray of shape (n_samples,), from ``assign(X, centroids)``
    centroids : ndarray of shape (k, n_features), only used for empty clusters
    sample_weight : ndarray of shape (n_samples,), optional
        Weighted means; a cluster with no weight is empty, and takes the farthest point of
        positive weight.

    Returns
    -------
    new_centroids : ndarray of shape (k, n_features)

    Examples
    --------
    >>> update(np.array([[0.0], [2.0], [10.0]]), np.array([0, 0, 1]), np.zeros((2, 1)))
    array([[ 1.],
           [10.]])
    """
    X = check_data(X)
    centroids = check_centroids(centroids, X)
    k, d = centroids.shape
    check_int(k, "the number of centroids k", 1, len(X), "n_samples")
    labels = check_labels(labels, X, k)
    w = check_sample_weight(sample_weight, X, k)
    scale = engine.safe_scale(X, centroids)
    if scale != 1.0:
        return in_units(update(X / scale, labels, centroids / scale, w), X / scale, scale)
    w = np.ones(len(X)) if w is None else w  # every point counts once
    counts = np.bincount(labels, weights=w, minlength=k)  # the weight in each cluster
    sums = np.stack([np.bincount(labels, weights=w * X[:, j], minlength=k) for j in range(d)], 1)
    empty = np.flatnonzero(counts == 0)
    if len(empty):
        distance = np.sum((X - centroids[labels]) ** 2, axis=1)
        distance[w == 0] = -1.0  # a point of no weight never fills a cluster
        farthest = iter(np.argsort(-distance, kind="stable"))  # ties: the lowest index first
        for j in empty:
            i = next(i for i in farthest if counts[labels[i]] > w[i])  # leaves weight behind
            sums[labels[i]] -= w[i] * X[i]
            counts[labels[i]] -= w[i]
            sums[j], counts[j] = w[i] * X[i], w[i]
    return (sums / counts[:, None]).astype(X.dtype)


def inertia(X, centroids, labels, sample_weight=None) -> float:
    """Sum of squared distances from every point to its assigned centroid (each times its
    weight, with ``sample_weight``).

    From the differences themselves (not the identity): exact to rounding anywhere.

    Examples
    --------
    >>> inertia([[0, 0], [2, 0], [10, 0]], [[1, 0], [10, 0]], [0, 0, 1])
    2.0
    """
    X = check_data(X)
    centroids = check_centroids(centroids, X)
    labels = check_labels(labels, X, len(centroids))
    w = check_sample_weight(sample_weight, X)
    scale = engine.safe_scale(X, centroids)  # the sum may still exceed float64: then inf
    diff = (X - centroids[labels]) / scale
    if w is not None:
        return float(w @ np.sum(diff**2, axis=1, dtype=np.float64)) * scale * scale
    return float(np.sum(diff**2, dtype=np.float64)) * scale * scale  # inf if beyond float64


def kmeans_pp(X: np.ndarray, k: int, rng: np.random.RandomState, weights=None) -> np.ndarray:
    """D^2 sampling (unchecked; see ``kmeans_pp_init``). With ``weights`` (one per row),
    every draw is proportional to ``weight * D^2``, the first to the weights alone."""
    n = X.shape[0]
    first = rng.randint(n) if weights is None else rng.choice(n, p=weights / weights.sum())
    centroids = [X[first]]
    closest = engine.sq_dist_to(X, centroids[0])  # D(x)^2 for every x, so far
    for _ in range(1, k):
        score = closest if weights is None else closest * weights
        total = score.sum()
        if total > 0:
            i = rng.choice(n, p=score / total)
        else:  # every point sits on a centre already: any point (of positive weight)
            i = rng.randint(n) if weights is None else rng.choice(n, p=weights / weights.sum())
        centroids.append(X[i])
        np.minimum(closest, engine.sq_dist_to(X, X[i]), out=closest)  # a running minimum
    return np.array(centroids, dtype=X.dtype)


def kmeans_pp_init(X, k: int, seed=0) -> np.ndarray:
    """K-Means++ initialisation (Arthur & Vassilvitskii, 2007).

    The first centre is a uniformly random point; each next one is drawn with probability
    proportional to its squared distance to the nearest centre chosen so far. Draws the
    same points as the course text's version for the same seed, in O(n k d) instead of
    O(n k^2 d) (notebook 04).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    k : int, 1 <= k <= n_samples
    seed : int or numpy.random.RandomState

    Returns
    -------
    centroids : ndarray of shape (k, n_features), rows of X
    """
    X = check_data(X)
    k, rng = check_int(k, "k", 1, X.shape[0], "n_samples"), check_seed(seed)
    scale = engine.safe_scale(X)
    return kmeans_pp(X / scale, k, rng) * scale if scale != 1.0 else kmeans_pp(X, k, rng)


def init_centroids(X: np.ndarray, k: int, init, rng: np.random.RandomState, weights=None):
    """Initial centroids (unchecked): ``"random"`` picks k distinct rows exactly as the
    course text does, ``"k-means++"`` samples them, an array is used as it is.

    With ``weights`` (not all equal), rows are drawn in proportion to their weight: a row
    of weight 0 is never drawn. Equal weights draw as no weights do."""
    if weights is not None and np.all(weights == weights[0]):
        weights = None  # the same draws as without weights
    if isinstance(init, str) and init == "random":
        p = None if weights is None else weights / weights.sum()
        return X[rng.choice(X.shape[0], k, replace=False, p=p)].copy()
    if isinstance(init, str) and init == "k-means++":
        return kmeans_pp(X, k, rng, weights)
    return np.array(init, dtype=X.dtype)


def lloyd_steps(
    X, centroids, max_iter=300, tol=0.0, *, with_inertia=True, fast=None
) -> Iterator[Step]:
    """Run Lloyd's algorithm from ``centroids``, yielding every iteration (unchecked).

    Stops after the iteration whose assignment equals the previous one (then the
    centroids cannot move again), when the centroids moved less than ``tol`` (sum of
    squared shifts), or after ``max_iter`` iterations.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    centroids : ndarray of shape (k, n_features)
    fast : engine.Lloyd, optional
        X as the engine prepares it; made here when not given (``kmeans`` makes one for
        all its starts).

    Yields
    ------
    Step
    """
    fast = fast or engine.Lloyd(X)
    previous = None
    for iteration in range(max_iter):
        # 2. assign and 3. update, in one pass over X: update(X, assign(X, c), c).
        labels, new_centroids, score, moved = fast.step(centroids, with_inertia)
        converged = previous is not None and np.array_equal(labels, previous)
        yield Step(iteration, centroids, labels, score, new_centroids, converged, moved)
        if converged or np.sum((new_centroids - centroids) ** 2) <= tol:
            return  # 4. nothing changes any more (or too little to matter)
        centroids, previous = new_centroids, labels


def kmeans_steps(X, k, *, init="k-means++", max_iter=300, tol=0.0, seed=0) -> list[Step]:
    """Every iteration of one run, for animations and convergence plots.

    Same arguments as ``kmeans`` (a single start). The last step's ``new_centroids`` are
    the final centroids.
    """
    X, k, init, _, max_iter, tol, rng = check_kmeans_params(X, k, init, 1, max_iter, tol, seed)
    start = () if isinstance(init, str) else (init,)
    scale = engine.safe_scale(X, *start)  # 1.0 unless squares would over- or underflow
    if scale != 1.0:  # run on X / scale (exact), report in X's units
        init = init if isinstance(init, str) else init / scale
        steps = kmeans_steps(X / scale, k, init=init, max_iter=max_iter, tol=tol, seed=rng)
        return [rescaled(step, X / scale, scale) for step in steps]
    start = init_centroids(X, k, init, rng)
    return list(lloyd_steps(X, start, max_iter, tolerance(X, tol)))


def in_units(centroids, X_scaled, scale):
    """Means from the run on ``X / scale`` back in X's units. A mean lies within its
    points' range; rounding could step a hair outside it, which near float's largest
    number would overflow, so they are clipped to the range first."""
    return np.clip(centroids, X_scaled.min(axis=0), X_scaled.max(axis=0)) * scale


def rescaled(step: Step, X_scaled, scale: float) -> Step:
    """A step of the run on ``X / scale``, in X's own units."""
    score = None if step.inertia is None else step.inertia * scale * scale
    if step.iteration == 0:  # the start as given, not a mean
        centroids = step.centroids * scale
    else:
        centroids = in_units(step.centroids, X_scaled, scale)
    new = in_units(step.new_centroids, X_scaled, scale)
    return step._replace(centroids=centroids, new_centroids=new, inertia=score)


def tolerance(X, tol: float) -> float:
    """scikit-learn's convention: ``tol`` is relative to the mean variance of the features."""
    return float(np.var(X, axis=0).mean() * tol) if tol > 0 else 0.0


# The engine that runs the loop's steps (notebook 11): every one gives Lloyd's labels.
ENGINES = {"lloyd": engine.Lloyd, "hamerly": bounds.Hamerly, "auto": bounds.Auto}


def kmeans(X, k, *, init="k-means++", n_init=10, max_iter=300, tol=1e-4, seed=0,
           sample_weight=None, algorithm="lloyd", return_n_iter=False):
    """K-Means clustering: the best of ``n_init`` runs of Lloyd's algorithm.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        float32 stays float32; other numbers are computed in float64.
    k : int, the number of clusters, 1 <= k <= n_samples
    init : {"k-means++", "random"} or array-like of shape (k, n_features)
        ``"random"`` picks k distinct rows. With an array, a single run is made.
    n_init : int, the number of starts; the one with the lowest inertia is returned
    max_iter : int, the most iterations per start
    tol : float
        Stop when the centroids move less than ``tol`` times the mean feature variance
        (sum of squared shifts), as scikit-learn. ``tol=0`` iterates until the
        assignment stops changing.
    seed : int or numpy.random.RandomState; all random choices come from it
    sample_weight : array-like of shape (n_samples,), optional
        How much each point counts: weighted means and inertia, starts drawn in proportion
        to the weights. With the start given, weight 2 is the same as the row twice.
    algorithm : {"lloyd", "hamerly", "auto"}
        How each iteration is computed, always with Lloyd's labels: "lloyd" computes every
        distance; "hamerly" skips those that the triangle inequality rules out; "auto"
        starts with "lloyd" and switches once few points change cluster (notebook 11).
    return_n_iter : bool; if True, also return the iterations of the best start

    Returns
    -------
    centroids : ndarray of shape (k, n_features)
    labels : ndarray of shape (n_samples,)
    n_iter : int, only with ``return_n_iter``

    Examples
    --------
    >>> X = [[0, 0], [0, 1], [10, 10], [10, 11]]
    >>> centroids, labels = kmeans(X, 2, seed=0)
    >>> sorted(centroids.tolist())
    [[0.0, 0.5], [10.0, 10.5]]
    """
    X, k, init, n_init, max_iter, tol, rng = check_kmeans_params(
        X, k, init, n_init, max_iter, tol, seed
    )
    w = check_sample_weight(sample_weight, X, k)
    check_choice(algorithm, "algorithm", tuple(ENGINES))
    if not isinstance(init, str):
        n_init = 1  # the same start would give the same result every time
    scale = engine.safe_scale(X, *([] if isinstance(init, str) else [init]))
    if scale != 1.0:  # squares would over- or underflow: run on X / scale (exact), scale back
        init = init if isinstance(init, str) else init / scale
        args = dict(init=init, n_init=n_init, max_iter=max_iter, tol=tol, seed=rng)
        args.update(sample_weight=w, algorithm=algorithm, return_n_iter=True)
        centroids, labels, n_iter = kmeans(X / scale, k, **args)
        centroids = in_units(centroids, X / scale, scale)
        return (centroids, labels, n_iter) if return_n_iter else (centroids, labels)
    tol = tolerance(X, tol)
    if w is not None and np.all(w == w[0]):
        w = None  # equal weights: the same means, draws and best start as no weights
    fast = ENGINES[algorithm](X, sample_weight=w)  # X prepared once, for every start
    best = None
    for _ in range(n_init):
        start = init_centroids(X, k, init, rng, w)
        for step in lloyd_steps(X, start, max_iter, tol, with_inertia=False, fast=fast):  # noqa: B007
            pass  # run to the end; the last step is the result
        centroids, labels = step.new_centroids, step.labels
        if not step.converged:  # stopped early: the labels of the final centroids
            labels = fast.assign(centroids)
        score = fast.inertia(centroids, labels)
        if best is None or score < best[2]:
            best = centroids, labels, score, step.iteration + 1
    centroids, labels, _, n_iter = best
    used = np.count_nonzero(np.bincount(labels, minlength=k))
    if used < k:
        distinct = len(np.unique(X, axis=0))
        why = (
            f"X has only {distinct} distinct points, so some centroids sit on the same point"
            if distinct < k
            else "the run stopped (max_iter or tol) before they could take points"
        )
        warnings.warn(f"only {used} of k={k} clusters hold points: {why}", stacklevel=2)
    return (centroids, labels, n_iter) if return_n_iter else (centroids, labels)
