"""Interactive explorers (ipywidgets). Each returns the widget, so tests can drive it.

An explorer is a few controls above a picture: moving a control redraws the figure and
shows it as a PNG in an ``ipywidgets.Image``. No ``Output`` widget is involved, so a
notebook run headless (nbclient, ``jupyter nbconvert --execute``) cannot hang on one
(an Output widget holding a large figure made nbclient wait on the kernel in 3 of 5
runs). ``widget.result`` is what the last drawing returned, ``widget.kwargs`` the
controls' values: a test sets ``widget.children[i].value`` and reads both.

Each explorer has a plain drawing function beside it (``draw_*``): notebooks call that
one for the static figure that shows on GitHub and under nbval, where no slider can move.
"""

from __future__ import annotations

import io

import ipywidgets as widgets
import matplotlib.pyplot as plt

from helpers.course.plots import FIGSIZE, half_steps, plot_clusters, plot_frame
from helpers.kmeans import inertia, kmeans, kmeans_steps


class Explorer(widgets.VBox):
    """Controls, then the figure ``figure(**values)`` draws, redrawn on every change.

    ``figure`` returns ``(matplotlib figure, result)``; the figure is turned into a PNG
    and closed."""

    def __init__(self, figure, **controls):
        self._figure, self.controls = figure, controls
        self.image = widgets.Image(format="png")
        self.result = None
        super().__init__(children=[*controls.values(), self.image])
        self.add_class("kmeans-explorer")  # (the browser tests find it by this class)
        for control in controls.values():
            control.observe(self._redraw, names="value")
        self._redraw()

    @property
    def kwargs(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def _redraw(self, change=None):
        fig, self.result = self._figure(**self.kwargs)
        png = io.BytesIO()
        fig.savefig(png, format="png", bbox_inches="tight")
        plt.close(fig)
        self.image.value = png.getvalue()


def _shown(figure):
    """A ``draw_*`` function from a figure function: draw, show, return the result."""

    def draw(*args, **kwargs):
        _, result = figure(*args, **kwargs)
        plt.show()
        return result

    draw.__doc__ = figure.__doc__
    return draw


# --------------------------------------------------------------------------- K-Means
def kmeans_figure(X, k=4, seed=42, init="random", n_init=1):
    """Run ``kmeans`` with these settings and draw the clustering; (figure, inertia)."""
    centroids, labels = kmeans(X, k, init=init, n_init=n_init, seed=seed)
    score = inertia(X, centroids, labels)
    fig, ax = plt.subplots(figsize=FIGSIZE)
    title = f"k={k}, init={init}, seed={seed}, n_init={n_init}: inertia {score:.1f}"
    plot_clusters(X, labels, centroids, ax=ax, title=title)
    return fig, score


draw_kmeans = _shown(kmeans_figure)


def kmeans_explorer(X, *, k=4, seed=42, init="random", n_init=1, k_max=9, seed_max=50):
    """Sliders for k, the seed and n_init, and a choice of init, that redraw the clustering.

    Returns an ``Explorer``: children k slider, seed slider, init dropdown, n_init slider,
    image; ``widget.result`` is the inertia of the run drawn last."""
    return Explorer(
        lambda k, seed, init, n_init: kmeans_figure(X, k, seed, init, n_init),
        k=widgets.IntSlider(value=k, min=1, max=k_max, description="k"),
        seed=widgets.IntSlider(value=seed, min=0, max=seed_max, description="seed"),
        init=widgets.Dropdown(value=init, options=["random", "k-means++"], description="init"),
        n_init=widgets.IntSlider(value=n_init, min=1, max=20, description="n_init"),
    )


# --------------------------------------------------------------------------- convergence
def convergence_figure(X, k=4, seed=13, init="random", frame=0):
    """One half-step of a K-Means run: (figure, (kind, inertia, n_frames)). ``frame`` is
    clipped to the last frame, so a slider may run past a short run."""
    frames = half_steps(X, kmeans_steps(X, k, init=init, seed=seed))
    frame = min(frame, len(frames) - 1)
    fig, ax = plt.subplots(figsize=FIGSIZE)
    plot_frame(X, frames, frame, ax=ax)
    kind, _, _, score = frames[frame]
    return fig, (kind, score, len(frames))


draw_convergence = _shown(convergence_figure)


def convergence_explorer(
    X, *, k=4, seed=13, init="random", frame=0, k_max=9, seed_max=50, frame_max=30
):
    """Step through a run half-step by half-step ("assign", "update"), for any k and seed.

    Returns an ``Explorer``: children k slider, seed slider, init dropdown, frame slider,
    image; ``widget.result`` is ``(kind, inertia, n_frames)`` of the frame drawn last."""
    return Explorer(
        lambda k, seed, init, frame: convergence_figure(X, k, seed, init, frame),
        k=widgets.IntSlider(value=k, min=1, max=k_max, description="k"),
        seed=widgets.IntSlider(value=seed, min=0, max=seed_max, description="seed"),
        init=widgets.Dropdown(value=init, options=["random", "k-means++"], description="init"),
        frame=widgets.IntSlider(value=frame, min=0, max=frame_max, description="half-step"),
    )


# --------------------------------------------------------------------------- colours
def quantized_figure(image, k=16, seed=0):
    """Quantise ``image`` to k colours, beside the original with its palette: (figure,
    PSNR in decibels)."""
    from helpers.course.plots import show_image, show_palette
    from helpers.exercises.quantize import psnr, quantize

    q, palette = quantize(image, k, seed=seed)
    fig = plt.figure(figsize=(12, 5))
    grid = fig.add_gridspec(2, 2, height_ratios=[8, 1])
    show_image(image, ax=fig.add_subplot(grid[0, 0]), title="original (24 bits per pixel)")
    score = psnr(image, q)
    show_image(q, ax=fig.add_subplot(grid[0, 1]), title=f"{k} colours: PSNR {score:.1f} dB")
    show_palette(palette, ax=fig.add_subplot(grid[1, 1]), title="palette")
    return fig, score


draw_quantized = _shown(quantized_figure)


def quantize_explorer(image, *, k=16, k_max=64):
    """A slider for the number of colours; ``widget.result`` is the PSNR drawn last."""
    return Explorer(
        lambda k: quantized_figure(image, k),
        k=widgets.IntSlider(value=k, min=2, max=k_max, description="colours"),
    )
