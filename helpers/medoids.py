"""k-medoids by PAM (Kaufman and Rousseeuw, 1990): K-Means' robust cousin.

A medoid is a data point, the one whose total distance to the other points of its cluster
is smallest. The cost is the sum of every point's (Euclidean, not squared) distance to its
nearest medoid, so a far outlier weighs its distance, not its distance squared, and cannot
drag a centre: a centre is always one of the points.

1. ``build``  pick k medoids greedily: first the point with the smallest total distance to
   all others, then each time the point that lowers the cost most (deterministic: on a tie,
   the lowest row index);
2. ``swap``   try every exchange of a medoid with a non-medoid; make the one that lowers
   the cost most (``seed`` chooses among exchanges that lower it equally); repeat until no
   exchange lowers it. The result is *swap-optimal*.

PAM keeps all n x n distances: n_samples is limited to ``MAX_SAMPLES``.
"""

from __future__ import annotations

import warnings

import numpy as np

from helpers.numerics import to_safe_units
from helpers.validation import check_data, check_int, check_seed

MAX_SAMPLES = 5_000  # the distance matrix then takes 200 MB (a swap step a few times that)
BLOCK_FLOATS = 2**22  # numbers in one block of differences while computing distances


def pairwise_distances(X) -> np.ndarray:
    """Euclidean distance between every two rows, from their differences (exact zeros on
    the diagonal and between equal rows, and symmetric).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    D : ndarray of shape (n_samples, n_samples)
    """
    n, d = X.shape
    D = np.empty((n, n))
    rows = max(1, BLOCK_FLOATS // max(1, n * d))
    for start in range(0, n, rows):
        diff = X[start : start + rows, None, :] - X[None, :, :]
        D[start : start + rows] = np.sqrt((diff**2).sum(axis=2))
    return D


def total_distance(D, medoids) -> float:
    """The cost: every point's distance to its nearest medoid, summed."""
    return float(D[:, medoids].min(axis=1).sum())


def build(D, k) -> np.ndarray:
    """PAM's BUILD: k row indices, each the one that lowers the cost most when added."""
    medoids = [int(np.argmin(D.sum(axis=1)))]
    nearest = D[:, medoids[0]].copy()  # every point's distance to its nearest medoid
    for _ in range(k - 1):
        gain = np.maximum(nearest[:, None] - D, 0).sum(axis=0)  # if column h were added
        gain[medoids] = -1.0
        medoids.append(int(np.argmax(gain)))
        np.minimum(nearest, D[:, medoids[-1]], out=nearest)
    return np.array(medoids)


def swap_gains(D, medoids) -> np.ndarray:
    """Change of the cost if medoid ``i`` were exchanged for point ``h``, for every (i, h).

    With ``near`` and ``second`` every point's distance to its nearest and second-nearest
    medoid: a point of medoid i's cluster then goes to the nearer of h and its second
    medoid; any other point moves to h only if h is nearer than its medoid.

    Returns
    -------
    change : ndarray of shape (k, n_samples); +inf where h is a medoid already
    """
    to_medoids = D[:, medoids]
    order = np.argsort(to_medoids, axis=1, kind="stable")
    rows = np.arange(len(D))
    owner = order[:, 0]
    near = to_medoids[rows, owner]
    second = to_medoids[rows, order[:, 1]] if len(medoids) > 1 else np.full(len(D), np.inf)
    closer = np.minimum(D - near[:, None], 0)  # (point, h): what h saves a point that stays
    everyone = closer.sum(axis=0)
    change = np.empty((len(medoids), len(D)))
    for i in range(len(medoids)):
        own = owner == i
        leave = np.minimum(second[own, None], D[own]) - near[own, None]
        change[i] = everyone - closer[own].sum(axis=0) + leave.sum(axis=0)
    change[:, medoids] = np.inf
    return change


def kmedoids(X, k, *, seed=0, max_iter=300):
    """k-medoids by PAM: BUILD, then the best SWAP until none lowers the cost.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), n_samples <= MAX_SAMPLES
    k : int in [1, n_samples]
    seed : int or RandomState; chooses among swaps that lower the cost equally
    max_iter : int >= 1, most swaps made (a warning says so if more would help)

    Returns
    -------
    medoids : ndarray of shape (k,), row indices of the medoids in X
    labels : ndarray of shape (n_samples,), the position in ``medoids`` of every point's
        nearest medoid (the lowest position on a tie; every medoid in its own cluster)

    Examples
    --------
    >>> medoids, labels = kmedoids([[0.0], [1.0], [2.0], [10.0], [11.0]], 2)
    >>> medoids.tolist(), labels.tolist()
    ([1, 3], [0, 0, 0, 1, 1])
    """
    X = check_data(X).astype(np.float64, copy=False)
    n = X.shape[0]
    if n > MAX_SAMPLES:
        raise ValueError(
            f"kmedoids keeps all n_samples x n_samples distances: X must have at most "
            f"{MAX_SAMPLES} rows, got {n}"
        )
    k = check_int(k, "k", 1, n, "n_samples")
    rng = check_seed(seed)
    max_iter = check_int(max_iter, "max_iter", 1)
    distinct = len(np.unique(X, axis=0))
    if distinct < k:  # as helpers.kmeans warns
        warnings.warn(
            f"X has only {distinct} distinct points for k={k}: some medoids sit on the same "
            "point",
            stacklevel=2,
        )
    D = pairwise_distances(to_safe_units(X)[1])  # a power of two: the same choices, no overflow
    medoids = build(D, k)
    for _ in range(max_iter):
        change = swap_gains(D, medoids)
        best = change.min()
        if not best < -1e-12 * total_distance(D, medoids):  # rounding is not a gain
            break
        candidates = np.argwhere(change == best)
        i, h = candidates[rng.randint(len(candidates))]
        medoids[i] = h
    else:
        if swap_gains(D, medoids).min() < -1e-12 * total_distance(D, medoids):
            warnings.warn(
                f"kmedoids made max_iter={max_iter} swaps and more would lower the cost: "
                "raise max_iter",
                stacklevel=2,
            )
    labels = np.argmin(D[:, medoids], axis=1)
    labels[medoids] = np.arange(k)
    return medoids, labels
