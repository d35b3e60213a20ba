"""helpers.exercises.quantize: palette colours in uint8, honest sizes, errors."""

import numpy as np
import pytest

import helpers
from helpers.exercises.quantize import bits_per_pixel, png_bytes, psnr


def test_quantize_returns_palette_colours_in_uint8():
    from sklearn.datasets import load_sample_image

    image = load_sample_image("china.jpg")[::4, ::4]
    q, palette = helpers.quantize(image, 8, seed=0)
    assert q.shape == image.shape and q.dtype == np.uint8
    assert palette.shape == (8, 3) and palette.dtype == np.uint8
    assert len(np.unique(q.reshape(-1, 3), axis=0)) <= 8
    assert {tuple(c) for c in q.reshape(-1, 3)} <= {tuple(c) for c in palette}
    assert psnr(image, q) > 20
    again, _ = helpers.quantize(image, 8, seed=0)
    np.testing.assert_array_equal(q, again)


def test_quantize_flat_image_and_errors():
    flat = np.full((4, 5, 3), 7, dtype=np.uint8)
    q, palette = helpers.quantize(flat, 3)
    np.testing.assert_array_equal(q, flat)
    assert palette.shape == (3, 3)
    with pytest.raises(
        ValueError, match=r"image must be an array of shape \(height, width, 3\) and dtype uint8"
    ):
        helpers.quantize(flat.astype(float), 3)


def test_indexed_png_is_smaller_and_bits_add_up():
    rng = np.random.RandomState(0)
    image = rng.randint(0, 256, size=(64, 64, 3)).astype(np.uint8)
    q, palette = helpers.quantize(image, 4)
    assert len(png_bytes(q, palette)) < len(png_bytes(image)) / 4
    assert bits_per_pixel(4, 64 * 64) == pytest.approx(2 + 24 * 4 / 4096)


@pytest.mark.parametrize("sample", [0, -1, 10.5, 3, True])
def test_quantize_refuses_a_sample_smaller_than_k(sample):
    image = np.random.RandomState(0).randint(0, 256, size=(20, 20, 3)).astype(np.uint8)
    with pytest.raises(ValueError, match=rf"sample must be an integer >= 8, got {sample!r}"):
        helpers.quantize(image, 8, sample=sample)
    assert len(helpers.quantize(image, 8, sample=8)[1]) == 8
