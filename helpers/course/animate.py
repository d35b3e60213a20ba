"""The convergence animation, as a GIF that plays anywhere (JupyterLab, GitHub, a web page)."""

from __future__ import annotations

import os
import tempfile

import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation, PillowWriter

from helpers.course.plots import FIGSIZE, half_steps, plot_frame


def convergence_animation(X, steps, *, interval=700):
    """A matplotlib ``FuncAnimation`` of Lloyd's half-steps, with trails and Voronoi regions.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    steps : list of Step, from ``helpers.kmeans_steps``
    interval : milliseconds per frame
    """
    frames = half_steps(X, steps)
    fig, ax = plt.subplots(figsize=FIGSIZE)

    def draw(i):
        ax.clear()
        plot_frame(X, frames, i, ax=ax)

    anim = FuncAnimation(fig, draw, frames=len(frames), interval=interval)
    plt.close(fig)  # the animation is shown, not the empty figure
    return anim


def convergence_gif(X, steps, *, fps=1.5) -> bytes:
    """The animation as GIF bytes (byte-identical from run to run for the same input)."""
    anim = convergence_animation(X, steps)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "kmeans.gif")
        anim.save(path, writer=PillowWriter(fps=fps))
        with open(path, "rb") as f:
            return f.read()
