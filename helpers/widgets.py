"""Interactive explorers (ipywidgets). Each returns the widget, so tests can drive it.

Each explorer has a plain drawing function beside it: notebooks call that one for the
static figure that shows on GitHub and under nbval, where no slider can move.
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from helpers.kmeans import inertia, kmeans
from helpers.plots import plot_clusters


def draw_kmeans(X, k=4, seed=42, init="random", n_init=1):
    """Run ``kmeans`` with these settings, draw the clustering, return its inertia."""
    centroids, labels = kmeans(X, k, init=init, n_init=n_init, seed=seed)
    score = inertia(X, centroids, labels)
    title = f"k={k}, init={init}, seed={seed}, n_init={n_init}: inertia {score:.1f}"
    plot_clusters(X, labels, centroids, title=title)
    plt.show()
    return score


def kmeans_explorer(X, *, k=4, seed=42, init="random", n_init=1, k_max=9, seed_max=50):
    """Sliders for k, the seed and n_init, and a choice of init, that redraw the clustering.

    ``widget.result`` is the inertia of the run drawn last, so a test can set
    ``widget.children[i].value`` and check it headless.

    Returns
    -------
    ipywidgets.interactive
        children: k slider, seed slider, init dropdown, n_init slider, output.
    """
    return widgets.interactive(
        lambda k, seed, init, n_init: draw_kmeans(X, k, seed, init, n_init),
        k=widgets.IntSlider(value=k, min=1, max=k_max, description="k"),
        seed=widgets.IntSlider(value=seed, min=0, max=seed_max, description="seed"),
        init=widgets.Dropdown(value=init, options=["random", "k-means++"], description="init"),
        n_init=widgets.IntSlider(value=n_init, min=1, max=20, description="n_init"),
    )
