"""Choosing k: the elbow of the inertia curve, and the gap statistic."""

from __future__ import annotations

import numpy as np

from helpers.course.progress import progress as tqdm_progress
from helpers.kmeans import inertia, kmeans
from helpers.validation import check_data


def inertia_curve(X, ks, **kmeans_args) -> np.ndarray:
    """Inertia of ``kmeans(X, k, **kmeans_args)`` for every k in ``ks``.

    Returns
    -------
    inertias : ndarray of shape (len(ks),)
    """
    return np.array([inertia(X, *kmeans(X, k, **kmeans_args)) for k in ks])


def elbow(ks, inertias, *, log=True) -> int:
    """The k farthest below the straight line joining the curve's two ends.

    Both axes are scaled to [0, 1] first (the "kneedle" idea of Satopaa et al., 2011), so
    the answer does not depend on units. With ``log=True`` the inertia is compared on a log
    scale: adding a cluster to well-separated data divides the inertia by a factor, so the
    bend a reader sees on a log plot is the one this finds.

    Parameters
    ----------
    ks : array-like of shape (m,), increasing
    inertias : array-like of shape (m,), decreasing

    Returns
    -------
    k : int, the elbow
    """
    ks, y = np.asarray(ks, dtype=float), np.asarray(inertias, dtype=float)
    if log:
        y = np.log(y)
    x = (ks - ks[0]) / (ks[-1] - ks[0])
    y = (y - y[-1]) / (y[0] - y[-1])
    below = 1 - x - y  # distance below the chord from (0, 1) to (1, 0), times sqrt(2)
    return int(ks[np.argmax(below)])


def uniform_box(X, rng) -> np.ndarray:
    """Reference data with no clusters: uniform on the bounding box of X, X's shape."""
    return rng.uniform(X.min(axis=0), X.max(axis=0), size=X.shape)


def gap_statistic(X, ks, *, n_refs=20, n_init=3, seed=0, reference=uniform_box, progress=True):
    """The gap statistic of Tibshirani, Walther & Hastie (2001), from scratch.

    Compares ``log W_k`` (W_k is the inertia with k clusters) with its expectation under a
    reference distribution with no clusters: uniform on the bounding box of X. The gap
    ``Gap(k) = mean_b log W*_kb - log W_k`` is large where X is much more clustered than
    chance.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    ks : sequence of int
    n_refs : int, number of reference data sets B
    n_init, seed : passed on to ``kmeans``; ``seed`` also draws the references
    reference : function ``(X, rng) -> array of X's shape``, one reference data set

    Returns
    -------
    gap : ndarray of shape (len(ks),)
    s : ndarray of shape (len(ks),)
        Standard error of the reference term, ``sd_k * sqrt(1 + 1/B)``.
    """
    X = check_data(X)
    rng = np.random.RandomState(seed)
    refs = [reference(X, rng) for _ in range(n_refs)]
    log_w = np.empty(len(ks))
    log_w_ref = np.empty((len(ks), n_refs))
    for i, k in enumerate(tqdm_progress(ks, "gap statistic", enabled=progress)):
        log_w[i] = np.log(inertia(X, *kmeans(X, k, n_init=n_init, seed=seed)))
        for b, R in enumerate(refs):
            log_w_ref[i, b] = np.log(inertia(R, *kmeans(R, k, n_init=n_init, seed=seed)))
    gap = log_w_ref.mean(axis=1) - log_w
    s = log_w_ref.std(axis=1) * np.sqrt(1 + 1 / n_refs)
    return gap, s


def gap_choice(ks, gap, s) -> int:
    """Tibshirani's rule: the smallest k with ``Gap(k) >= Gap(k+1) - s(k+1)``."""
    for i in range(len(ks) - 1):
        if gap[i] >= gap[i + 1] - s[i + 1]:
            return int(ks[i])
    return int(ks[-1])
