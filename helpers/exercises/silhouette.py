"""The silhouette coefficient (Rousseeuw, 1987), computed in row blocks.

For a point in cluster A, with ``a`` its mean distance to the other points of A and ``b``
its mean distance to the points of the nearest other cluster,

    s = (b - a) / max(a, b),

between -1 (probably in the wrong cluster) and 1 (well inside its own). A point alone in
its cluster scores 0. Distances here are Euclidean, not squared.
"""

from __future__ import annotations

import numpy as np

from helpers.numerics import to_safe_units
from helpers.threads import map_chunks
from helpers.validation import check_cluster_labels, check_data

# Numbers in one block: each thread's (block, cluster size) distance matrix stays within
# 2**21 float64 numbers, about 17 MB (notebook 07 prints it).
BLOCK_FLOATS = 2**21


def silhouette_samples(X, labels) -> np.ndarray:
    """Silhouette coefficient of every sample.

    Each block of rows gets its summed distance to every cluster, one cluster at a time: one
    matrix product through the dot-product identity, with block and cluster both centred on
    that cluster's mean, so distances inside a tight cluster stay accurate however far it
    lies from the others. Memory: one (block, cluster size) matrix per thread.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,), with 2 to n_samples - 1 distinct values

    Returns
    -------
    s : ndarray of shape (n_samples,), values in [-1, 1]

    Examples
    --------
    >>> silhouette_samples([[0.0], [1.0], [9.0], [10.0]], [0, 0, 1, 1]).round(3)
    array([0.895, 0.882, 0.882, 0.895])
    """
    X = check_data(X).astype(np.float64, copy=False)
    codes, k = check_cluster_labels(labels, X)
    _, X = to_safe_units(X)  # a power of two: the ratios below do not change, squares stay finite
    n = X.shape[0]
    members = [np.flatnonzero(codes == c) for c in range(k)]
    means = [X[m].mean(axis=0) for m in members]
    centred = [X[m] - mean for m, mean in zip(members, means)]  # each cluster about its mean
    sq_norms = [np.einsum("ij,ij->i", c, c) for c in centred]
    counts = np.array([len(m) for m in members], dtype=float)
    s = np.empty(n)

    def work(start, stop):
        rows = np.arange(stop - start)
        sums = np.empty((stop - start, k))  # summed distance of each row to each cluster
        for c in range(k):
            xb = X[start:stop] - means[c]
            d2 = xb @ centred[c].T  # in place from here on: one (block, n_c) array
            d2 *= -2.0
            d2 += np.einsum("ij,ij->i", xb, xb)[:, None]
            d2 += sq_norms[c][None, :]
            np.maximum(d2, 0, out=d2)
            inside = (members[c] >= start) & (members[c] < stop)
            d2[members[c][inside] - start, np.flatnonzero(inside)] = 0.0  # exact zero to itself
            sums[:, c] = np.sqrt(d2, out=d2).sum(axis=1)
        own = codes[start:stop]
        own_count = counts[own]
        a = sums[rows, own] / np.maximum(own_count - 1, 1)
        mean_to = sums / counts
        mean_to[rows, own] = np.inf
        b = mean_to.min(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            s_block = (b - a) / np.maximum(a, b)
        s[start:stop] = np.where(own_count > 1, np.nan_to_num(s_block), 0.0)

    map_chunks(work, n, max(1, BLOCK_FLOATS // n))  # blocks of rows, on threads
    return s


def silhouette_score(X, labels) -> float:
    """Mean silhouette coefficient over all samples (see ``silhouette_samples``)."""
    return float(np.mean(silhouette_samples(X, labels)))
