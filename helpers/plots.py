"""Figures shared by the notebooks, so every chapter looks like one book.

Every function takes ``ax=None`` (a new figure is made when it is missing) and returns
the axes it drew on. Colours, marker sizes and figure sizes live here and nowhere else.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

CMAP = "tab10"
POINT_SIZE = 15
CENTROID_SIZE = 200
FIGSIZE = (6, 5)
WIDE = (12, 5)

plt.rcParams.update({"figure.dpi": 80, "axes.titlesize": 11, "axes.grid": False})


def _axes(ax, figsize=FIGSIZE):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_clusters(X, labels=None, centroids=None, *, ax=None, title=None):
    """Scatter the points, coloured by cluster, with the centroids as black crosses.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    labels : ndarray of shape (n_samples,), optional; grey points without it
    centroids : ndarray of shape (k, 2), optional
    """
    ax = _axes(ax)
    if labels is None:
        ax.scatter(X[:, 0], X[:, 1], c="0.5", s=POINT_SIZE, alpha=0.7)
    else:
        ax.scatter(X[:, 0], X[:, 1], c=labels, cmap=CMAP, vmin=0, vmax=9, s=POINT_SIZE, alpha=0.7)
    if centroids is not None:
        ax.scatter(
            centroids[:, 0], centroids[:, 1], c="black", marker="X", s=CENTROID_SIZE,
            edgecolors="white", linewidths=1.5, label="centroids",
        )
    ax.set_xlabel("feature 1")
    ax.set_ylabel("feature 2")
    if title:
        ax.set_title(title)
    return ax


def side_by_side(n=2, figsize=WIDE):
    """A row of ``n`` axes sharing both axes' limits."""
    fig, axes = plt.subplots(1, n, figsize=figsize, sharex=True, sharey=True)
    return fig, np.atleast_1d(axes)
