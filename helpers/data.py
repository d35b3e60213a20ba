"""Data sets the notebooks share."""

from __future__ import annotations

import numpy as np
from sklearn.datasets import make_blobs


def course_data() -> tuple[np.ndarray, np.ndarray]:
    """The course text's example: 300 points in 4 Gaussian blobs.

    Returns
    -------
    X : ndarray of shape (300, 2)
    y_true : ndarray of shape (300,), the blob each point was drawn from
    """
    return make_blobs(n_samples=300, centers=4, cluster_std=0.8, random_state=42)
