"""K-Means++ (Arthur & Vassilvitskii, 2007): starting centroids spread out by D^2 sampling.

Notebook 05 explains it; ``helpers.kmeans`` uses it by default (``init="k-means++"``).
"""

from __future__ import annotations

import numpy as np

from helpers.engine import sq_dist_to
from helpers.numerics import to_safe_units
from helpers.validation import check_data, check_int, check_seed


def kmeans_pp(X: np.ndarray, k: int, rng: np.random.RandomState, weights=None) -> np.ndarray:
    """D^2 sampling (unchecked; see ``kmeans_pp_init``). With ``weights`` (one per row),
    every draw is proportional to ``weight * D^2``, the first to the weights alone."""
    n = X.shape[0]
    first = rng.randint(n) if weights is None else rng.choice(n, p=weights / weights.sum())
    centroids = [X[first]]
    closest = sq_dist_to(X, centroids[0])  # D(x)^2 for every x, so far
    for _ in range(1, k):
        score = closest if weights is None else closest * weights
        total = score.sum()
        if total > 0:
            i = rng.choice(n, p=score / total)
        else:  # every point sits on a centre already: any point (of positive weight)
            i = rng.randint(n) if weights is None else rng.choice(n, p=weights / weights.sum())
        centroids.append(X[i])
        np.minimum(closest, sq_dist_to(X, X[i]), out=closest)  # a running minimum
    return np.array(centroids, dtype=X.dtype)


def kmeans_pp_init(X, k: int, seed=0) -> np.ndarray:
    """K-Means++ initialisation (Arthur & Vassilvitskii, 2007).

    The first centre is a uniformly random point; each next one is drawn with probability
    proportional to its squared distance to the nearest centre chosen so far. Draws the
    same points as the course text's version for the same seed, in O(n k d) instead of
    O(n k^2 d) (notebook 05).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    k : int, 1 <= k <= n_samples
    seed : None, int, numpy.random.RandomState or numpy.random.Generator

    Returns
    -------
    centroids : ndarray of shape (k, n_features), rows of X
    """
    X = check_data(X)
    k, rng = check_int(k, "k", 1, X.shape[0], "n_samples"), check_seed(seed)
    scale, X = to_safe_units(X)
    return kmeans_pp(X, k, rng) * scale
