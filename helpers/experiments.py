"""Experiments that repeat K-Means over many seeds (with a progress bar)."""

from __future__ import annotations

import numpy as np
from tqdm.auto import tqdm

from helpers.kmeans import assign, check_data, inertia, init_centroids, kmeans


def init_study(X, k, seeds, inits=("random", "k-means++"), *, progress=True):
    """For every seed and init: the inertia of the starting centroids and after Lloyd.

    Each run is ``kmeans(X, k, init=..., n_init=1, tol=0, seed=seed)``; its starting
    centroids are redrawn from the same seed, so they are the ones that run started from.

    Returns
    -------
    results : dict
        ``results[init]["start"]`` and ``results[init]["final"]``: ndarrays of shape
        (len(seeds),).
    """
    X = check_data(X)
    results = {init: {"start": [], "final": []} for init in inits}
    for seed in tqdm(seeds, desc="seeds", disable=not progress):
        for init in inits:
            start = init_centroids(X, k, init, np.random.RandomState(seed))
            results[init]["start"].append(inertia(X, start, assign(X, start)))
            final = kmeans(X, k, init=init, n_init=1, tol=0, seed=seed)
            results[init]["final"].append(inertia(X, *final))
    return {i: {key: np.array(v) for key, v in r.items()} for i, r in results.items()}
