"""The notebook widgets, driven headless: move a slider, check what the figure shows."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import helpers  # noqa: E402
from helpers.widgets import kmeans_explorer  # noqa: E402


def test_explorer_redraws_for_new_k_and_seed():
    X, _ = helpers.course_data()
    w = kmeans_explorer(X)
    k_slider, seed_slider, init_box, n_init_slider = w.children[:4]
    assert w.result == pytest.approx(helpers.inertia(X, *helpers.kmeans(X, 4, init="random", n_init=1, seed=42)))
    k_slider.value = 2
    assert w.kwargs["k"] == 2
    assert w.result == pytest.approx(helpers.inertia(X, *helpers.kmeans(X, 2, init="random", n_init=1, seed=42)))
    k_slider.value, init_box.value, n_init_slider.value = 4, "k-means++", 10
    best = w.result
    seed_slider.value = 7
    assert w.result == pytest.approx(best, rel=1e-9)  # k-means++ with restarts finds the same optimum
    assert np.isfinite(w.result)
