"""Mini-batch K-Means (Sculley, 2010): each step looks at a small random batch only."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from helpers.engine import cluster_sums, nearest_centroid
from helpers.kmeans import init_centroids
from helpers.numerics import from_safe_units, to_safe_units
from helpers.validation import (
    check_centroids,
    check_data,
    check_int,
    check_kmeans_params,
    check_vector,
)


def minibatch_update(centroids, counts, batch):
    """One step of Sculley's mini-batch K-Means, for one batch.

    Every centre keeps a count ``v`` of the points it has absorbed. A batch point ``x``
    nearest to centre ``c`` moves it with a per-centre learning rate ``1 / v`` (after
    counting ``x``): ``c <- (1 - 1/v) c + (1/v) x``. So each centre is the running mean of
    all the points it was ever given, and it settles down as ``v`` grows. Within a batch the
    assignments are fixed, so the per-point updates add up to one vectorised step:
    ``c <- (v c + sum of its m batch points) / (v + m)``, ``v <- v + m``.

    Parameters
    ----------
    centroids : ndarray of shape (k, n_features)
    counts : ndarray of shape (k,), points absorbed so far by each centre
    batch : ndarray of shape (batch_size, n_features)

    Returns
    -------
    centroids, counts : new arrays; a centre with no batch points is unchanged

    Examples
    --------
    >>> c, v = minibatch_update(np.array([[0.0], [10.0]]), np.array([1.0, 0.0]),
    ...                         np.array([[2.0], [9.0], [11.0]]))
    >>> c.ravel().tolist(), v.tolist()
    ([1.0, 10.0], [2.0, 2.0])
    """
    centroids = check_data(centroids, "centroids").astype(np.float64)  # a new array
    k = centroids.shape[0]
    counts = check_vector(counts, "counts", k)
    batch = check_centroids(batch, centroids, "batch", like="centroids")
    scale, batch, centroids = to_safe_units(batch, centroids)  # no square or sum overflows
    labels, _ = nearest_centroid(batch, centroids)
    m = np.bincount(labels, minlength=k).astype(float)
    sums = cluster_sums(batch, labels, k)
    new_counts = counts + m
    new = centroids.copy()
    hit = m > 0
    with np.errstate(over="ignore", invalid="ignore"):
        new[hit] = (counts[hit, None] * centroids[hit] + sums[hit]) / new_counts[hit, None]
    bad = hit & ~np.isfinite(new).all(axis=1)  # counts so large that v c overflowed
    if bad.any():  # the same running mean, as c + (S - m c) / (v + m)
        step = (sums[bad] - m[bad, None] * centroids[bad]) / new_counts[bad, None]
        new[bad] = centroids[bad] + step
    return new * scale if scale != 1.0 else new, new_counts


def minibatch_steps(
    X: np.ndarray, centroids: np.ndarray, batch_size: int, n_steps: int, rng
) -> Iterator[tuple[np.ndarray, int]]:
    """Run ``minibatch_update`` on ``n_steps`` random batches; yield ``(centroids, seen)``.

    Batches are drawn with replacement from ``rng``. Unchecked input.
    """
    counts = np.zeros(centroids.shape[0])
    for step in range(1, n_steps + 1):
        batch = X[rng.randint(0, X.shape[0], batch_size)]
        centroids, counts = minibatch_update(centroids, counts, batch)
        yield centroids, step * batch_size


def minibatch_kmeans(
    X, k, *, batch_size=1024, n_steps=100, init="k-means++", seed=0, init_size=None
):
    """Mini-batch K-Means with Sculley's per-centre learning rates.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    k : int, number of clusters
    batch_size : int, points per step (drawn with replacement)
    n_steps : int, number of batches
    init : {"k-means++", "random"} or array of shape (k, n_features)
    seed : int; batches and the start come from one generator made from it
    init_size : int or None
        Draw the k-means++ start from this many random points (3 * batch_size by
        default, as scikit-learn), not from all of X.

    Returns
    -------
    centroids : ndarray of shape (k, n_features), X's dtype (float32 stays float32)
    labels : ndarray of shape (n_samples,), nearest centroid of every point
    """
    X, k, init, _, _, _, rng = check_kmeans_params(X, k, init, 1, 1, 0.0, seed)
    batch_size = check_int(batch_size, "batch_size", 1)
    n_steps = check_int(n_steps, "n_steps", 1)
    if init_size is None:
        init_size = min(X.shape[0], max(3 * batch_size, k))
    init_size = check_int(init_size, "init_size", k, X.shape[0], "n_samples")
    scale, X, *start = to_safe_units(X, *([] if isinstance(init, str) else [init]))
    shift = X.mean(axis=0)
    Xc = X - shift
    subset = Xc[rng.choice(X.shape[0], init_size, replace=False)] if start == [] else Xc
    c0 = init_centroids(subset, k, start[0] - shift if start else init, rng)
    for centroids, _seen in minibatch_steps(Xc, c0, batch_size, n_steps, rng):  # noqa: B007
        pass  # run every batch; the last centroids are the answer
    labels, _ = nearest_centroid(Xc, centroids)
    return from_safe_units((centroids + shift).astype(X.dtype), X, scale), labels
