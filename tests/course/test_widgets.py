"""The notebook widgets, driven headless: move a slider, check what the figure shows."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import helpers  # noqa: E402
from helpers.course.widgets import kmeans_explorer  # noqa: E402


def test_explorer_redraws_for_new_k_and_seed():
    X, _ = helpers.course_data()
    w = kmeans_explorer(X)
    k_slider, seed_slider, init_box, n_init_slider = w.children[:4]
    assert w.result == pytest.approx(
        helpers.inertia(X, *helpers.kmeans(X, 4, init="random", n_init=1, seed=42))
    )
    k_slider.value = 2
    assert w.kwargs["k"] == 2
    assert w.result == pytest.approx(
        helpers.inertia(X, *helpers.kmeans(X, 2, init="random", n_init=1, seed=42))
    )
    k_slider.value, init_box.value, n_init_slider.value = 4, "k-means++", 10
    best = w.result
    seed_slider.value = 7
    assert w.result == pytest.approx(
        best, rel=1e-9
    )  # k-means++ with restarts finds the same optimum
    assert np.isfinite(w.result)


def test_convergence_explorer_steps_through_half_steps():
    from helpers.course.widgets import convergence_explorer

    X, _ = helpers.course_data()
    w = convergence_explorer(X, k=4, seed=13)
    k_slider, seed_slider, init_box, frame_slider = w.children[:4]
    assert w.result[0] == "start" and w.result[1] is None
    frame_slider.value = 1
    kind, first, n_frames = w.result
    assert kind == "assign"
    steps = helpers.kmeans_steps(X, 4, init="random", seed=13)
    assert first == pytest.approx(steps[0].inertia)
    assert n_frames == 1 + 2 * len(steps)
    frame_slider.value = 2
    assert w.result[0] == "update" and w.result[1] <= first
    frame_slider.value = 30  # past the end: the last frame, the converged clustering
    assert w.result[1] == pytest.approx(
        helpers.inertia(X, steps[-1].new_centroids, steps[-1].labels)
    )
    k_slider.value = 2
    assert w.result[2] == 1 + 2 * len(helpers.kmeans_steps(X, 2, init="random", seed=13))


def test_quantize_explorer_redraws_for_new_k():
    from helpers.course.widgets import quantize_explorer
    from helpers.exercises.quantize import psnr

    rng = np.random.RandomState(0)
    image = rng.randint(0, 256, size=(20, 30, 3)).astype(np.uint8)
    w = quantize_explorer(image, k=4)
    assert w.result == pytest.approx(psnr(image, helpers.quantize(image, 4)[0]))
    four = w.result
    w.children[0].value = 32
    assert w.result > four  # more colours, closer to the original


def test_readme_animation_is_the_one_notebook_02_draws():
    from pathlib import Path

    from helpers.course.animate import convergence_gif
    from helpers.course.plots import use_book_style

    use_book_style()  # as every notebook's setup cell does
    X, _ = helpers.course_data()
    gif = convergence_gif(X, helpers.kmeans_steps(X, 4, init="random", seed=13))
    assert gif[:6] == b"GIF89a"
    assert (Path(__file__).resolve().parents[2] / "docs" / "convergence.gif").read_bytes() == gif


def test_a_moved_slider_redraws_the_picture_and_no_output_widget_is_used():
    import ipywidgets

    X, _ = helpers.course_data()
    w = kmeans_explorer(X)
    before = w.image.value
    assert before[:8] == b"\x89PNG\r\n\x1a\n"
    w.children[0].value = 6
    assert w.image.value != before and w.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert not any(isinstance(child, ipywidgets.Output) for child in w.children)
