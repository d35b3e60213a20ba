"""The course text's code, as it is (only indented and named ``course_*``), so that every
claim the notebooks make about it is checked by running it, not from memory.

The course text is the classic lesson these notebooks start from (notebook 01 introduces
it; its copy is ``shared/seed/`` beside the repository). Its defects are kept on purpose:
``course_kmeans`` gives ``NaN`` centroids when a cluster empties and stops on
``np.allclose`` of the centroids; ``course_kmeans_pp_init`` recomputes every distance to
every centre at every step.
"""

from __future__ import annotations

import numpy as np


def course_kmeans(X, k, max_iter=100, seed=42):
    """K-Means clustering. Returns centroids and labels."""
    rng = np.random.RandomState(seed)
    n = len(X)
    # Step 1: Random initialization
    idx = rng.choice(n, k, replace=False)
    centroids = X[idx].copy()
    for _iteration in range(max_iter):
        # Step 2: Assign each point to nearest centroid
        # distances[i, j] = ||X[i] - centroids[j]||^2
        distances = np.sum((X[:, None] - centroids[None]) ** 2, axis=2)
        labels = np.argmin(distances, axis=1)
        # Step 3: Update centroids
        new_centroids = np.array([X[labels == j].mean(axis=0) for j in range(k)])
        # Check convergence (the course text also prints "Converged at iteration ...")
        if np.allclose(centroids, new_centroids):
            break
        centroids = new_centroids
    return centroids, labels


def course_inertia(X, centroids, labels):
    """Sum of squared distances to nearest centroid."""
    return sum(np.sum((X[labels == j] - centroids[j]) ** 2) for j in range(len(centroids)))


def course_kmeans_pp_init(X, k, seed=42):
    """K-Means++ initialization: pick spread-out initial centroids."""
    rng = np.random.RandomState(seed)
    n = len(X)
    centroids = [X[rng.randint(n)]]
    for _ in range(1, k):
        # Distance from each point to nearest existing centroid
        dists = np.min([np.sum((X - c) ** 2, axis=1) for c in centroids], axis=0)
        # Pick next centroid with probability proportional to distance^2
        probs = dists / dists.sum()
        centroids.append(X[rng.choice(n, p=probs)])
    return np.array(centroids)
