"""Figures shared by the notebooks, so every chapter looks like one book.

Every function takes ``ax=None`` (a new figure is made when it is missing) and returns
the axes it drew on. Colours, marker sizes and figure sizes live here and nowhere else.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from helpers.engine import nearest_centroid
from helpers.kmeans import assign, inertia

CMAP = "tab10"
POINT_SIZE = 15
CENTROID_SIZE = 200
FIGSIZE = (6, 5)
WIDE = (12, 5)

BOOK_STYLE = {"figure.dpi": 80, "axes.titlesize": 11, "axes.grid": False}


def use_book_style() -> None:
    """Apply the book's matplotlib settings (each notebook calls this in its setup cell;
    importing this module changes nothing)."""
    plt.rcParams.update(BOOK_STYLE)


def _axes(ax, figsize=FIGSIZE):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _mark_centroids(ax, centroids, colour="black"):
    """Centroids as large crosses with a white edge, visible on any background."""
    ax.scatter(
        centroids[:, 0],
        centroids[:, 1],
        c=colour,
        marker="X",
        s=CENTROID_SIZE,
        edgecolors="white",
        linewidths=1.5,
        label="centroids",
    )


def _label(ax, title=None):
    ax.set_xlabel("feature 1")
    ax.set_ylabel("feature 2")
    if title:
        ax.set_title(title)


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
        labels = np.asarray(labels)
        noise = labels < 0  # DBSCAN marks noise points with -1: draw them grey
        ax.scatter(X[noise, 0], X[noise, 1], c="0.6", marker="x", s=POINT_SIZE)
        ax.scatter(
            X[~noise, 0],
            X[~noise, 1],
            c=labels[~noise],
            cmap=CMAP,
            vmin=0,
            vmax=9,
            s=POINT_SIZE,
            alpha=0.7,
        )
    if centroids is not None:
        _mark_centroids(ax, centroids)
    _label(ax, title)
    return ax


def side_by_side(n=2, figsize=WIDE):
    """A row of ``n`` axes sharing both axes' limits."""
    fig, axes = plt.subplots(1, n, figsize=figsize, sharex=True, sharey=True)
    return fig, np.atleast_1d(axes)


def compare_clusterings(X, panels, *, figsize=WIDE):
    """Draw the same points once per ``(title, labels)`` pair, side by side."""
    fig, axes = side_by_side(len(panels), figsize=figsize)
    for ax, (title, labels) in zip(axes, panels):
        plot_clusters(X, labels, ax=ax, title=title)
    return axes


def half_steps(X, steps):
    """Split Lloyd's iterations into the frames a learner should see.

    Frame 0 is the start (no assignment yet); then, for every iteration, an "assign" frame
    (points take the colour of their nearest centroid) and an "update" frame (centroids move
    to their points' means).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    steps : list of Step, from ``helpers.kmeans_steps``

    Returns
    -------
    frames : list of (kind, centroids, labels or None, inertia or None)
        ``inertia`` is the objective of that frame's (centroids, labels) pair.
    """
    frames = [("start", steps[0].centroids, None, None)]
    for s in steps:
        frames.append(("assign", s.centroids, s.labels, s.inertia))
        after = s.updated_labels  # with any point the update moved into an empty cluster
        frames.append(("update", s.new_centroids, after, inertia(X, s.new_centroids, after)))
    return frames


def plot_voronoi(centroids, xlim, ylim, *, ax=None, resolution=200):
    """Shade the plane by nearest centroid: the Voronoi regions of the centroids."""
    ax = _axes(ax)
    gx, gy = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    regions = assign(np.column_stack([gx.ravel(), gy.ravel()]), centroids).reshape(gx.shape)
    ax.imshow(
        regions,
        origin="lower",
        extent=(*xlim, *ylim),
        cmap=CMAP,
        vmin=0,
        vmax=9,
        alpha=0.15,
        aspect="auto",
        interpolation="nearest",
    )
    return ax


def _limits(X, margin=0.08):
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * (hi - lo)
    return (lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1])


def plot_frame(X, frames, i, *, ax=None, trails=True, regions=True):
    """Draw frame ``i`` of ``half_steps``: regions, points, centroids and their trails."""
    ax = _axes(ax)
    kind, centroids, labels, score = frames[i]
    xlim, ylim = _limits(X)
    if regions:
        plot_voronoi(centroids, xlim, ylim, ax=ax)
    if trails:
        path = np.array([f[1] for f in frames[: i + 1]])  # (frames so far, k, 2)
        for j in range(path.shape[1]):
            ax.plot(path[:, j, 0], path[:, j, 1], "-", color="black", lw=1, alpha=0.6)
    iteration = (i - 1) // 2
    title = "start" if kind == "start" else f"iteration {iteration}: {kind}"
    if score is not None:
        title += f" (inertia {score:.0f})"
    plot_clusters(X, labels, centroids, ax=ax, title=title)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return ax


def plot_one_iteration(X, start, labels, new_centroids, *, axes=None):
    """Steps 1-3 in three panels: the starting centroids; the assignment, with every
    centroid's Voronoi region shaded; the update, each centroid moved to its points' mean
    (an arrow from where it was)."""
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(15, 4.6), sharex=True, sharey=True)
    xlim, ylim = _limits(X)
    plot_clusters(X, None, start, ax=axes[0], title="1. initialise: k random points")
    plot_voronoi(start, xlim, ylim, ax=axes[1])
    plot_clusters(X, labels, start, ax=axes[1], title="2. assign: the nearest centroid")
    plot_clusters(X, labels, new_centroids, ax=axes[2], title="3. update: the means")
    for old, new in zip(start, new_centroids):
        axes[2].annotate("", xy=new, xytext=old,
                         arrowprops=dict(arrowstyle="->", color="black", lw=1.5))
    for ax in axes:
        ax.set_xlim(xlim)
        ax.set_ylim(ylim)
    return axes


def plot_iterations(X, steps, *, n=6, axes=None):
    """The course text's grid: the assignment and centroids of the first ``n`` iterations."""
    if axes is None:
        _, axes = plt.subplots(2, (n + 1) // 2, figsize=(14, 9), sharex=True, sharey=True)
    for ax, s in zip(np.ravel(axes), steps[:n]):
        plot_clusters(
            X,
            s.labels,
            s.centroids,
            ax=ax,
            title=f"Iteration {s.iteration} (inertia {s.inertia:.0f})",
        )
    for ax in np.ravel(axes)[len(steps[:n]) :]:
        ax.set_visible(False)
    return axes


def plot_objective(frames, *, ax=None):
    """Inertia after every half-step (assign, update): a staircase that never goes up."""
    ax = _axes(ax, figsize=(7, 4))
    scores = [f[3] for f in frames[1:]]
    kinds = [f[0] for f in frames[1:]]
    x = np.arange(1, len(scores) + 1) / 2
    ax.plot(x, scores, "-", color="0.6")
    for kind, marker in (("assign", "o"), ("update", "s")):
        sel = [i for i, k in enumerate(kinds) if k == kind]
        ax.plot(x[sel], np.array(scores)[sel], marker, label=f"after {kind}")
    ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("inertia (log scale)")
    ax.legend()
    return ax


def plot_dsquared(X, centres, *, ax=None, title=None):
    """Colour every point by its k-means++ sampling probability given ``centres``.

    The probability of a point is its squared distance to the nearest centre chosen so far,
    divided by the sum over all points (D^2 sampling).
    """
    ax = _axes(ax)
    _, sq_dist = nearest_centroid(X, centres)
    prob = sq_dist / sq_dist.sum()
    sc = ax.scatter(X[:, 0], X[:, 1], c=prob, cmap="viridis", s=POINT_SIZE)
    _mark_centroids(ax, centres, colour="red")
    _label(ax, title)
    plt.colorbar(sc, ax=ax, label="probability of being picked next")
    return ax


def plot_silhouette_diagram(s, labels, *, ax=None, title=None):
    """scikit-learn-style silhouette diagram: each cluster's sorted silhouettes as bars.

    Parameters
    ----------
    s : ndarray of shape (n_samples,), from ``silhouette_samples``
    labels : ndarray of shape (n_samples,), integer clusters 0..k-1
    """
    ax = _axes(ax, figsize=(5, 5))
    cmap = plt.get_cmap(CMAP)
    y = 0
    for j in np.unique(labels):
        values = np.sort(s[labels == j])
        ax.fill_betweenx(np.arange(y, y + len(values)), 0, values, color=cmap(j % 10), alpha=0.8)
        ax.text(-0.05, y + len(values) / 2, str(j), ha="right", va="center")
        y += len(values) + 10  # a gap between clusters
    ax.axvline(s.mean(), color="black", ls="--", label=f"mean {s.mean():.2f}")
    ax.set(
        xlabel="silhouette coefficient",
        ylabel="samples, by cluster",
        yticks=[],
        xlim=(min(-0.1, s.min() - 0.05), 1),
    )
    ax.legend(loc="lower right")
    if title:
        ax.set_title(title)
    return ax


def show_image(image, *, ax=None, title=None):
    """An RGB image without axes."""
    ax = _axes(ax)
    ax.imshow(image)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def show_palette(palette, *, ax=None, title=None):
    """The colours of a palette as a strip of swatches, sorted by brightness."""
    ax = _axes(ax, figsize=(6, 1))
    palette = np.asarray(palette)
    order = np.argsort(palette.astype(float).sum(axis=1))
    ax.imshow(palette[order][None, :, :], aspect="auto")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def plot_soft(X, responsibilities, centroids=None, *, ax=None, title=None):
    """Colour every point by a blend of its clusters' colours, weighted by responsibility."""
    ax = _axes(ax)
    k = responsibilities.shape[1]
    colours = np.array(plt.get_cmap(CMAP).colors[:k])[:, :3]  # (k, 3) RGB
    ax.scatter(X[:, 0], X[:, 1], c=np.clip(responsibilities @ colours, 0, 1), s=POINT_SIZE)
    if centroids is not None:
        _mark_centroids(ax, centroids)
    _label(ax, title)
    return ax


def plot_gaussians(means, covariances, *, ax=None, n_std=(1, 2)):
    """Draw each Gaussian's 1- and 2-standard-deviation ellipses."""
    from matplotlib.patches import Ellipse

    ax = _axes(ax)
    for j, (mu, cov) in enumerate(zip(means, covariances)):
        values, vectors = np.linalg.eigh(cov[:2, :2])
        angle = np.degrees(np.arctan2(vectors[1, -1], vectors[0, -1]))
        for s in n_std:
            ax.add_patch(
                Ellipse(
                    mu[:2],
                    2 * s * np.sqrt(values[-1]),
                    2 * s * np.sqrt(values[0]),
                    angle=angle,
                    fill=False,
                    color=plt.get_cmap(CMAP)(j),
                    lw=2,
                )
            )
    return ax


def show_digits(images, titles=None, *, ncols=10, size=1.1):
    """8 x 8 grey images in a grid, dark ink on white, each with an optional title.

    Parameters
    ----------
    images : ndarray of shape (n, 64) or (n, 8, 8), grey levels (0 = white)
    titles : list of n strings, optional
    """
    import matplotlib.pyplot as plt

    images = np.asarray(images).reshape(-1, 8, 8)
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * 1.25 * nrows),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(images):
            ax.imshow(images[i], cmap="Greys", vmin=0, vmax=16)
            if titles is not None:
                ax.set_title(titles[i], fontsize=9)
    return fig


def plot_table(table, *, rows, cols, xlabel, ylabel, ax=None, title=None):
    """A table of counts as a heat map with the count written in every cell."""
    ax = _axes(ax, figsize=(6.5, 5.5))
    table = np.asarray(table)
    ax.imshow(table, cmap="Blues")
    for (i, j), value in np.ndenumerate(table):
        if value:
            colour = "white" if value > table.max() / 2 else "black"
            ax.text(j, i, str(value), ha="center", va="center", fontsize=8, color=colour)
    ax.set(xticks=range(len(cols)), xticklabels=cols, yticks=range(len(rows)),
           yticklabels=rows, xlabel=xlabel, ylabel=ylabel)
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax


def plot_boundaries(X, groups, centroids, *, ax=None, title=None):
    """K-Means' Voronoi regions (straight boundaries halfway between centroids) shaded
    behind the points, each coloured by its *true* group, so that the points on the wrong
    side of a boundary stand out.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    groups : ndarray of shape (n_samples,), the true groups
    centroids : ndarray of shape (k, 2)
    """
    from scipy.optimize import linear_sum_assignment

    ax = _axes(ax)
    groups = np.asarray(groups)
    clusters = assign(X, centroids)
    table = np.zeros((groups.max() + 1, len(centroids)), int)
    np.add.at(table, (groups, clusters), 1)
    if table.shape[0] == table.shape[1]:  # as many groups as centroids
        _, order = linear_sum_assignment(-table)  # the region of group j's colour
        centroids = np.asarray(centroids)[order]
    xlim, ylim = _limits(X)
    plot_voronoi(centroids, xlim, ylim, ax=ax)
    plot_clusters(X, groups, centroids, ax=ax, title=title)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return ax


def plot_silhouette_sketch(X, labels, i, *, ax=None):
    """One sample's silhouette drawn: lines from sample ``i`` to the other points of its
    cluster (solid: their mean distance is a(i)) and to the points of the nearest other
    cluster (dashed: b(i)). Returns ``(a, b, s)`` for that sample.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    labels : ndarray of shape (n_samples,)
    i : int, the sample drawn
    """
    ax = _axes(ax)
    X, labels = np.asarray(X, dtype=float), np.asarray(labels)
    distance = np.sqrt(((X - X[i]) ** 2).sum(axis=1))
    own = labels == labels[i]
    own[i] = False
    mean_to = {c: distance[labels == c].mean() for c in np.unique(labels) if c != labels[i]}
    nearest = min(mean_to, key=mean_to.get)
    a, b = distance[own].mean(), mean_to[nearest]
    s = (b - a) / max(a, b)
    plot_clusters(X, labels, ax=ax)
    for j, style in [(np.flatnonzero(own), "-"), (np.flatnonzero(labels == nearest), "--")]:
        segments = np.stack([np.repeat(X[i][None], len(j), axis=0), X[j]], axis=1)
        for segment in segments:
            ax.plot(*segment.T, style, color="0.25", lw=0.5, alpha=0.35)
    ax.scatter(*X[i], s=260, facecolors="none", edgecolors="black", linewidths=2.5, zorder=5)
    ax.set_title(f"a(i) = {a:.2f} (solid), b(i) = {b:.2f} (dashed): s(i) = {s:.2f}")
    return a, b, s
