"""Data sets the notebooks share."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def course_data() -> tuple[np.ndarray, np.ndarray]:
    """The course text's example: 300 points in 4 Gaussian blobs.

    Returns
    -------
    X : ndarray of shape (300, 2)
    y_true : ndarray of shape (300,), the blob each point was drawn from
    """
    from sklearn.datasets import make_blobs

    return make_blobs(n_samples=300, centers=4, cluster_std=0.8, random_state=42)


DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def load_old_faithful() -> np.ndarray:
    """272 eruptions of Old Faithful: eruption time and waiting time, in minutes.

    Source and licence in ``data/README.md``.

    Returns
    -------
    X : ndarray of shape (272, 2); columns ``eruptions_min``, ``waiting_min``
    """
    return np.loadtxt(DATA_DIR / "old_faithful.csv", delimiter=",", skiprows=1)


def failure_cases() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Data sets that break one assumption of K-Means each, with their true labels.

    - ``moons``, ``circles``: non-convex clusters (the course text's examples);
    - ``anisotropic``: blobs sheared by a linear map (not round);
    - ``unequal variance``: blobs of standard deviation 1.0, 2.5 and 0.5;
    - ``unequal sizes``: 1000 points in a wide blob beside two tight blobs of 30.

    Returns
    -------
    cases : dict of name -> (X of shape (n, 2), y of shape (n,))
    """
    from sklearn.datasets import make_blobs, make_circles, make_moons

    X_blobs, y_blobs = make_blobs(n_samples=500, random_state=170)
    return {
        "moons": make_moons(n_samples=300, noise=0.05, random_state=42),
        "circles": make_circles(n_samples=300, noise=0.05, factor=0.5, random_state=42),
        "anisotropic": (X_blobs @ np.array([[0.6, -0.6], [-0.4, 0.8]]), y_blobs),
        "unequal variance": make_blobs(
            n_samples=500, cluster_std=[1.0, 2.5, 0.5], random_state=170
        ),
        "unequal sizes": make_blobs(
            n_samples=[1000, 30, 30],
            centers=[(0, 0), (3.5, 3.5), (-3.5, 3.5)],
            cluster_std=[1.0, 0.3, 0.3],
            random_state=0,
        ),
    }


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's handwritten digits: 1,797 images of 8 x 8 pixels, grey levels 0-16.

    Returns
    -------
    X : ndarray of shape (1797, 64), one image per row (read row by row)
    y : ndarray of shape (1797,), the digit 0-9 each image shows
    """
    from sklearn.datasets import load_digits as sklearn_digits

    return sklearn_digits(return_X_y=True)


# t-SNE of the digits, as tools/make_digits_tsne.py computes and stores it (about 30 s on
# two cores, too long for a notebook that runs in seconds)
TSNE_PARAMS = {"n_components": 2, "init": "pca", "perplexity": 30.0, "random_state": 0}


def digits_tsne(X) -> np.ndarray:
    """t-SNE map of the digits with ``TSNE_PARAMS``: an array of shape (n_samples, 2)."""
    from sklearn.manifold import TSNE

    return TSNE(**TSNE_PARAMS).fit_transform(X)


def load_digits_tsne() -> np.ndarray:
    """The stored ``digits_tsne(load_digits()[0])``, shape (1797, 2); how it was made is in
    ``data/README.md`` and the file's first line."""
    return np.loadtxt(DATA_DIR / "digits_tsne.csv", delimiter=",", skiprows=2)
