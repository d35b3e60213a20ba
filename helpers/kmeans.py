"""K-Means from scratch: the algorithm as notebook 01 builds it, one function per step.

1. ``init_centroids``  k distinct random rows, or k-means++ (``kmeans_pp``, notebook 05);
2. ``assign``          the nearest centroid of every point;
3. ``update``          every centroid to the mean of its points;
4. ``lloyd_steps``     repeat 2 and 3, yield every iteration, stop when nothing changes;
5. ``kmeans``          check the input once, run ``n_init`` starts, keep the best.

``lloyd_steps`` runs on an engine (``helpers/engine.py``): by default ``Plain``, literally
``update(X, assign(X, c), c)``; ``kmeans`` takes a faster one that gives the same answer.
Public functions check their input (``helpers/validation.py``) and work in safe units
where squares would overflow (``helpers/numerics.py``). An empty cluster takes the point
farthest from its own centroid, as in scikit-learn: no centroid is ever NaN.
"""

from __future__ import annotations

from typing import Iterator, NamedTuple

import numpy as np

from helpers.bounds import Auto, Hamerly
from helpers.engine import Lloyd, Pass, make_engine, sum_sq_distances
from helpers.kmeans_pp import kmeans_pp
from helpers.numerics import centring_shift, from_safe_units, relative_weights, to_safe_units
from helpers.threads import blas_on_one_thread
from helpers.validation import (
    check_centroids,
    check_data,
    check_engine,
    check_int,
    check_kmeans_params,
    check_labels,
    check_sample_weight,
    warn_if_empty,
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


# --------------------------------------------------------------------------- 1. start
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


# --------------------------------------------------------------------------- 2. assign
def assign(X, centroids) -> np.ndarray:
    """Index of the nearest centroid (squared Euclidean distance) of every point, shape
    (n_samples,), for X of shape (n_samples, n_features) and centroids of shape (k,
    n_features). Distances that come out equal go to the lowest index (``np.argmin``);
    exact ties of the real distances can come out unequal after rounding.

    Uses ``||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2`` after centring both in the middle of
    the data (``numerics.centring_shift``), which keeps the identity accurate far from the
    origin (notebook 01) and beside far outliers (``tests/test_engine.py``).

    >>> assign([[0, 0], [9, 9], [1, 0]], [[0, 0], [10, 10]])
    array([0, 1, 0])
    """
    X = check_data(X)
    centroids = check_centroids(centroids, X)
    _, X, centroids = to_safe_units(X, centroids)
    shift = centring_shift(X)  # the data's middle, rounded so that ties stay exact
    Xc, C = X - shift, centroids - shift
    distances = np.sum(C**2, axis=1) - 2 * Xc @ C.T  # (n, k); ||x||^2 is the same for all c
    return np.argmin(distances, axis=1)


# --------------------------------------------------------------------------- 3. update
def update(X, labels, centroids, sample_weight=None) -> np.ndarray:
    """Move every centroid to the mean of the points assigned to it: the new centroids,
    shape (k, n_features), for X (n_samples, n_features), labels (n_samples,) from
    ``assign(X, centroids)`` and the centroids (k, n_features) they came from.

    An empty cluster first takes a point (``fill_empty_clusters``); then every centroid
    is the mean of its cluster, weighted by ``sample_weight`` (n_samples,) if given.

    >>> update(np.array([[0.0], [2.0], [10.0]]), np.array([0, 0, 1]), np.zeros((2, 1)))
    array([[ 1.],
           [10.]])
    """
    X = check_data(X)
    centroids = check_centroids(centroids, X)
    k = check_int(len(centroids), "the number of centroids k", 1, len(X), "n_samples")
    labels = check_labels(labels, X, k)
    w = relative_weights(check_sample_weight(sample_weight, X, k))
    scale, X, centroids = to_safe_units(X, centroids)
    labels = fill_empty_clusters(X, labels, centroids, w)
    return from_safe_units(cluster_means(X, labels, k, w), X, scale)


def fill_empty_clusters(X, labels, centroids, weights=None) -> np.ndarray:
    """``labels`` with one point moved into each empty cluster (unchecked).

    Each empty cluster, in order, takes the point farthest from the centroid of the cluster
    it is in (ties: the lowest index) among the points of positive weight whose cluster
    keeps another point of positive weight. Points are counted, not weights summed, so the
    rule is exact.
    """
    k = len(centroids)
    w = np.ones(len(X)) if weights is None else weights
    members = np.bincount(labels[w > 0], minlength=k)  # points that count, per cluster
    empty = np.flatnonzero(members == 0)
    if not len(empty):
        return labels
    distance = np.sum((X - centroids[labels]) ** 2, axis=1)
    labels = labels.copy()
    farthest = iter(np.argsort(-distance, kind="stable"))
    for j in empty:
        i = next(i for i in farthest if w[i] > 0 and members[labels[i]] > 1)
        members[labels[i]] -= 1
        labels[i], members[j] = j, 1
    return labels


def cluster_means(X, labels, k: int, weights=None) -> np.ndarray:
    """The (weighted) mean of every cluster, shape (k, n_features), summed in float64
    (unchecked: every cluster must hold weight)."""
    w = np.ones(len(X)) if weights is None else weights
    counts = np.bincount(labels, weights=w, minlength=k)
    sums = np.stack([np.bincount(labels, weights=w * x, minlength=k) for x in X.T], axis=1)
    return (sums / counts[:, None]).astype(X.dtype)


def inertia(X, centroids, labels, sample_weight=None) -> float:
    """Sum of squared distances from every point to its assigned centroid (each times its
    weight, with ``sample_weight``): infinity only if the true sum exceeds float64's range.

    From the differences themselves (not the identity): exact to rounding anywhere.

    >>> inertia([[0, 0], [2, 0], [10, 0]], [[1, 0], [10, 0]], [0, 0, 1])
    2.0
    """
    X = check_data(X)
    centroids = check_centroids(centroids, X)
    labels = check_labels(labels, X, len(centroids))
    w = check_sample_weight(sample_weight, X)
    scale, X, centroids = to_safe_units(X, centroids)
    squared = np.sum((X - centroids[labels]) ** 2, axis=1, dtype=np.float64)
    with np.errstate(over="ignore"):  # beyond float64 (huge weights): inf, the honest answer
        total = float(squared.sum()) if w is None else float(w @ squared)
        return total * scale * scale


# --------------------------------------------------------------------------- 4. the loop
class Plain:
    """The engine ``lloyd_steps`` runs by default: the loop as you wrote it in notebook 01,
    ``update(X, assign(X, c), c)`` (``update`` in its two parts, to report which points
    moved into empty clusters). See ``helpers/engine.py`` for the interface."""

    def __init__(self, X, *, sample_weight=None, n_threads=None):
        self.X, self.weights, self.c = X, sample_weight, None

    def start(self, centroids) -> None:
        self.c = centroids

    def step(self, with_inertia: bool = True) -> Pass:
        X, c, w = self.X, self.c, self.weights
        labels = assign(X, c)
        filled = fill_empty_clusters(X, labels, c, w)
        self.c = cluster_means(X, filled, len(c), w)
        moved = np.flatnonzero(filled != labels)
        moved = moved[np.argsort(filled[moved])]  # in the order of the clusters they fill
        score = inertia(X, c, labels, w) if with_inertia else None
        return Pass(labels, self.c, score, np.column_stack([moved, filled[moved]]))


def lloyd_steps(
    X, centroids, max_iter=300, tol=0.0, *, with_inertia=True, engine=None
) -> Iterator[Step]:
    """Run Lloyd's algorithm on X (n_samples, n_features) from ``centroids`` (k,
    n_features), yielding every iteration as a ``Step`` (unchecked input).

    Stops after the iteration whose assignment equals the previous one (then the
    centroids cannot move again), when the centroids moved by at most ``tol`` (sum of
    squared shifts), or after ``max_iter`` iterations. ``engine``: one made for X
    (``helpers/engine.py``); ``Plain(X)`` if not given.
    """
    engine = engine or Plain(X)
    engine.start(centroids)
    previous = None
    for iteration in range(max_iter):
        # 2. assign and 3. update: update(X, assign(X, c), c), by the engine.
        labels, new_centroids, score, moved = engine.step(with_inertia)
        converged = previous is not None and np.array_equal(labels, previous)
        yield Step(iteration, centroids, labels, score, new_centroids, converged, moved)
        if converged or np.sum((new_centroids - centroids) ** 2) <= tol:
            return  # 4. nothing changes any more (or too little to matter)
        centroids, previous = new_centroids, labels


def kmeans_steps(X, k, *, init="k-means++", max_iter=300, tol=0.0, seed=0) -> list[Step]:
    """Every iteration of one run (one start, on the ``Plain`` engine), for animations and
    convergence plots. ``init``, ``max_iter`` and ``seed`` as in ``kmeans``; ``tol`` too,
    but 0 by default (run until the labels stop changing). The last step's
    ``new_centroids`` are the final centroids."""
    X, k, init, _, max_iter, tol, rng = check_kmeans_params(X, k, init, 1, max_iter, tol, seed)
    scale, X, *start = to_safe_units(X, *([] if isinstance(init, str) else [init]))
    c0 = init_centroids(X, k, start[0] if start else init, rng)
    steps = list(lloyd_steps(X, c0, max_iter, tolerance(X, tol)))
    if scale == 1.0:
        return steps
    return [step._replace(  # back in X's units
        centroids=step.centroids * scale if step.iteration == 0 else
        from_safe_units(step.centroids, X, scale),
        new_centroids=from_safe_units(step.new_centroids, X, scale),
        inertia=None if step.inertia is None else step.inertia * scale * scale,
    ) for step in steps]


def tolerance(X, tol: float) -> float:
    """scikit-learn's convention: ``tol`` is relative to the mean variance of the features."""
    return float(np.var(X, axis=0).mean() * tol) if tol > 0 else 0.0


# --------------------------------------------------------------------------- 5. kmeans
ENGINES = {"lloyd": Lloyd, "hamerly": Hamerly, "auto": Auto}  # by name (notebook 13)
# Starts whose inertias differ by less than this share tie (the same clusters in another
# order, rounded differently): the earlier is kept, whatever the data's or weights' scale.
TIE = 1e-9


def kmeans(X, k, *, init="k-means++", n_init=10, max_iter=300, tol=1e-4, seed=0,
           sample_weight=None, algorithm="lloyd", n_threads=None, return_n_iter=False):
    """K-Means clustering: the best of ``n_init`` runs of Lloyd's algorithm.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features); float32 stays float32, else float64
    k : int, the number of clusters, 1 <= k <= n_samples
    init : "k-means++", "random" (k distinct rows) or an array (k, n_features): one run
    n_init : int, starts; the one of lowest inertia is kept (the earliest within ``TIE``)
    max_iter : int, the most iterations per start
    tol : float, stop when the centroids move by at most ``tol`` times the mean feature
        variance (sum of squared shifts), as scikit-learn; 0: until no label changes
    seed : None (fresh entropy), int, numpy RandomState or Generator: every random choice
    sample_weight : array-like of shape (n_samples,), optional: weighted means, inertia
        and draws; weight 2 is the row twice (from a given start); multiplying every
        weight by the same number changes nothing
    algorithm : "lloyd" (the default: the algorithm as taught, every distance), "hamerly"
        (skips distances the triangle inequality rules out), "auto" (switches to it once
        few points change cluster), or an engine class, called as
        ``algorithm(X, sample_weight=..., n_threads=...)`` (``helpers/engine.py``). All
        give Lloyd's labels, but for points within rounding of a tie (``helpers/bounds.py``)
    n_threads : int, optional; default ``$KMEANS_THREADS``, else the cores this
        process may run on
    return_n_iter : bool; if True, also return the iterations of the best start

    Returns
    -------
    centroids (k, n_features), labels (n_samples,), and n_iter with ``return_n_iter``

    Examples
    --------
    >>> centroids, labels = kmeans([[0, 0], [0, 1], [10, 10], [10, 11]], 2, seed=0)
    >>> sorted(centroids.tolist())
    [[0.0, 0.5], [10.0, 10.5]]
    """
    X, k, init, n_init, max_iter, tol, rng = check_kmeans_params(
        X, k, init, n_init, max_iter, tol, seed
    )
    w = relative_weights(check_sample_weight(sample_weight, X, k))
    engine_class = check_engine(algorithm, ENGINES)
    n_threads = None if n_threads is None else check_int(n_threads, "n_threads", 1)
    given = not isinstance(init, str)  # the same start would give the same result each time
    scale, X, *start = to_safe_units(X, *([init] if given else []))
    if w is not None and np.all(w == w[0]):
        w = None  # equal weights: the same means, draws and best start as no weights
    tol, best = tolerance(X, tol), None
    with blas_on_one_thread():  # once per fit: our threads, not BLAS's, share the cores
        fast = make_engine(engine_class, X, w, n_threads)  # X prepared once
        for _ in range(1 if given else n_init):
            c0 = start[0] if given else init_centroids(X, k, init, rng, w)
            for step in lloyd_steps(X, c0, max_iter, tol, with_inertia=False, engine=fast):
                last = step  # run to the end; the last step is the result
            centroids, labels = last.new_centroids, last.labels
            if not last.converged:  # stopped early: the labels of the final centroids
                fast.start(centroids)
                labels = fast.step(with_inertia=False).labels
            score = sum_sq_distances(X, centroids, labels, w, n_threads=n_threads)
            if best is None or score < best[2] * (1 - TIE):  # within rounding: keep the first
                best = centroids, labels, score, last.iteration + 1
    centroids, labels, _, n_iter = best
    warn_if_empty(X, labels, k)
    centroids = from_safe_units(centroids, X, scale)
    return (centroids, labels, n_iter) if return_n_iter else (centroids, labels)
