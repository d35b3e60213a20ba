"""Colour quantisation with K-Means: an image redrawn with only k colours."""

from __future__ import annotations

import io

import numpy as np

from helpers.engine import nearest_centroid
from helpers.kmeans import kmeans
from helpers.validation import check_int, check_seed


def _check_image(image) -> np.ndarray:
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(
            f"image must be an array of shape (height, width, 3) and dtype uint8, "
            f"got shape {image.shape} and dtype {image.dtype}"
        )
    return image


def quantize(image, k, *, seed=0, sample=10_000, n_init=3):
    """Redraw an RGB image with its k most representative colours.

    K-Means runs on the colours (each pixel a point in RGB space); the centroids, rounded
    to whole 0-255 values, are the palette, and every pixel takes its nearest palette
    colour. To save time the centroids are fitted on ``sample`` random pixels (all of
    them if ``sample`` is None or exceeds the pixel count); every pixel is then assigned.

    Parameters
    ----------
    image : ndarray of shape (height, width, 3), dtype uint8
    k : int, number of colours, 1 <= k <= number of pixels
    seed : int, for the pixel sample and the K-Means starts
    sample : int >= k, or None
    n_init : int, K-Means starts

    Returns
    -------
    quantized : ndarray of shape (height, width, 3), dtype uint8, only palette colours
    palette : ndarray of shape (k, 3), dtype uint8
    """
    image = _check_image(image)
    pixels = image.reshape(-1, 3).astype(np.float64)
    k = check_int(k, "k", 1, len(pixels), "n_pixels")
    rng = check_seed(seed)
    if sample is not None:
        sample = check_int(sample, "sample", k)  # fewer pixels than colours cannot give k
    fit_on = pixels
    if sample is not None and sample < len(pixels):
        fit_on = pixels[rng.choice(len(pixels), sample, replace=False)]
    k_fit = min(k, len(np.unique(fit_on, axis=0)))  # a flat image has fewer colours than k
    centroids, _ = kmeans(fit_on, k_fit, n_init=n_init, seed=rng)
    palette = np.clip(np.rint(centroids), 0, 255).astype(np.uint8)
    if k_fit < k:  # pad so the palette always has k rows (repeats are harmless)
        palette = np.vstack([palette, np.repeat(palette[:1], k - k_fit, axis=0)])
    indices = nearest_palette_colour(pixels, palette)
    return palette[indices].reshape(image.shape), palette


def nearest_palette_colour(pixels, palette) -> np.ndarray:
    """Index of the nearest palette colour of every pixel (the engine: blocks, threads)."""
    return nearest_centroid(pixels, np.asarray(palette, dtype=np.float64))[0]


def psnr(original, compressed) -> float:
    """Peak signal-to-noise ratio in decibels, 10 log10(255^2 / MSE); higher is better."""
    diff = np.asarray(original, dtype=np.float64) - np.asarray(compressed, dtype=np.float64)
    mse = np.mean(diff**2)
    return float("inf") if mse == 0 else float(10 * np.log10(255.0**2 / mse))


def png_bytes(image, palette=None) -> bytes:
    """PNG file bytes of an RGB image, or of an indexed (palette) image if ``palette`` given.

    With a palette, each pixel is stored as an index of 1, 2, 4 or 8 bits (ceil(log2 k)
    rounded up to what PNG allows) plus the palette itself, as a real quantised file
    would be.
    """
    from PIL import Image

    image = _check_image(image)
    buffer = io.BytesIO()
    if palette is None:
        Image.fromarray(image, mode="RGB").save(buffer, format="PNG", optimize=True)
    else:
        palette = np.asarray(palette, dtype=np.uint8)
        idx = nearest_palette_colour(image.reshape(-1, 3).astype(np.float64), palette)
        indexed = Image.fromarray(idx.reshape(image.shape[:2]).astype(np.uint8), mode="P")
        indexed.putpalette(palette.ravel().tolist())
        bits = max(1, int(np.ceil(np.log2(len(palette)))))
        bits = next(b for b in (1, 2, 4, 8) if b >= bits)
        indexed.save(buffer, format="PNG", optimize=True, bits=bits)
    return buffer.getvalue()


def bits_per_pixel(k, n_pixels) -> float:
    """Storage of an indexed image: ceil(log2 k) bits per pixel plus a 24-bit colour per
    palette entry, spread over the pixels. The original needs 24."""
    return max(1, int(np.ceil(np.log2(k)))) + 24 * k / n_pixels
