"""Interactive explorers (ipywidgets). Each returns the widget, so tests can drive it.

Each explorer has a plain drawing function beside it: notebooks call that one for the
static figure that shows on GitHub and under nbval, where no slider can move.
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from helpers.course.plots import half_steps, plot_clusters, plot_frame
from helpers.kmeans import inertia, kmeans, kmeans_steps


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


def draw_quantized(image, k=16, seed=0):
    """Quantise ``image`` to k colours and draw it beside the original with its palette.

    Returns the PSNR in decibels.
    """
    from helpers.course.plots import show_image, show_palette
    from helpers.exercises.quantize import psnr, quantize

    q, palette = quantize(image, k, seed=seed)
    fig = plt.figure(figsize=(12, 5))
    grid = fig.add_gridspec(2, 2, height_ratios=[8, 1])
    show_image(image, ax=fig.add_subplot(grid[0, 0]), title="original (24 bits per pixel)")
    score = psnr(image, q)
    show_image(q, ax=fig.add_subplot(grid[0, 1]), title=f"{k} colours: PSNR {score:.1f} dB")
    show_palette(palette, ax=fig.add_subplot(grid[1, 1]), title="palette")
    plt.show()
    return score


def quantize_explorer(image, *, k=16, k_max=64):
    """A slider for the number of colours; ``widget.result`` is the PSNR drawn last."""
    return widgets.interactive(
        lambda k: draw_quantized(image, k),
        k=widgets.IntSlider(value=k, min=2, max=k_max, description="colours"),
    )
