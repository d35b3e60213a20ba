"""Interactive explorers (ipywidgets). Each returns the widget, so tests can drive it.

Each explorer has a plain drawing function beside it: notebooks call that one for the
static figure that shows on GitHub and under nbval, where no slider can move.
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from helpers.kmeans import inertia, kmeans, kmeans_steps
from helpers.plots import half_steps, plot_clusters, plot_frame


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


def draw_convergence(X, k=4, seed=13, init="random", frame=0):
    """Draw one half-step of a K-Means run; return ``(kind, inertia, n_frames)`` of it.

    ``frame`` is clipped to the last frame, so a slider may run past a short run.
    """
    frames = half_steps(X, kmeans_steps(X, k, init=init, seed=seed))
    frame = min(frame, len(frames) - 1)
    plot_frame(X, frames, frame)
    plt.show()
    kind, _, _, score = frames[frame]
    return kind, score, len(frames)


def convergence_explorer(
    X, *, k=4, seed=13, init="random", frame=0, k_max=9, seed_max=50, frame_max=30
):
    """Step through a run half-step by half-step ("assign", "update"), for any k and seed.

    Returns
    -------
    ipywidgets.interactive
        children: k slider, seed slider, init dropdown, frame slider, output;
        ``widget.result`` is ``draw_convergence``'s return value.
    """
    return widgets.interactive(
        lambda k, seed, init, frame: draw_convergence(X, k, seed, init, frame),
        k=widgets.IntSlider(value=k, min=1, max=k_max, description="k"),
        seed=widgets.IntSlider(value=seed, min=0, max=seed_max, description="seed"),
        init=widgets.Dropdown(value=init, options=["random", "k-means++"], description="init"),
        frame=widgets.IntSlider(value=frame, min=0, max=frame_max, description="half-step"),
    )
