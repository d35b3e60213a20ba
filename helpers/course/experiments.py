"""Experiments that repeat K-Means over many seeds (with a progress bar)."""

from __future__ import annotations

import numpy as np

from helpers.course.progress import progress as tqdm_progress
from helpers.kmeans import assign, inertia, init_centroids, kmeans, lloyd_steps
from helpers.validation import check_data


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
    for seed in tqdm_progress(seeds, "seeds", enabled=progress):
        for init in inits:
            start = init_centroids(X, k, init, np.random.RandomState(seed))
            results[init]["start"].append(inertia(X, start, assign(X, start)))
            final = kmeans(X, k, init=init, n_init=1, tol=0, seed=seed)
            results[init]["final"].append(inertia(X, *final))
    return {i: {key: np.array(v) for key, v in r.items()} for i, r in results.items()}


def lloyd_curve(X, centroids, *, max_iter=20, progress=True):
    """Full-batch Lloyd from ``centroids``: inertia, points seen and seconds per iteration.

    Returns
    -------
    curve : dict of ndarrays "seen", "inertia", "seconds" (cumulative), one entry per
        iteration; "inertia" is that of the centroids after the iteration's update.
    """
    import time

    X = check_data(X)
    seen, scores, seconds = [], [], []
    elapsed, start = 0.0, time.perf_counter()
    steps = lloyd_steps(X, np.array(centroids, dtype=X.dtype), max_iter=max_iter)
    for step in tqdm_progress(steps, "Lloyd", enabled=progress):  # stops when converged
        elapsed += time.perf_counter() - start
        seen.append((step.iteration + 1) * len(X))
        seconds.append(elapsed)
        scores.append(inertia(X, step.new_centroids, assign(X, step.new_centroids)))
        start = time.perf_counter()  # the evaluation above is not part of the algorithm
    return {"seen": np.array(seen), "inertia": np.array(scores), "seconds": np.array(seconds)}


def minibatch_curve(
    X, centroids, *, batch_size, n_steps, n_points=25, seed=0, update=None, progress=True
):
    """Mini-batch K-Means from ``centroids``, evaluated on all of X at ``n_points`` steps.

    ``update`` is the step function (``helpers.minibatch_update`` by default), so another
    rule can be measured the same way. The full-data evaluations are not timed.

    Returns
    -------
    curve : dict of ndarrays "seen", "inertia", "seconds" (cumulative)
    """
    import time

    from helpers.exercises.minibatch import minibatch_update

    update = update or minibatch_update
    X = check_data(X)
    rng = np.random.RandomState(seed)
    checkpoints = set(np.unique(np.geomspace(1, n_steps, n_points).astype(int)))
    c, counts = np.array(centroids, dtype=float), np.zeros(len(centroids))
    seen, scores, seconds = [], [], []
    elapsed = 0.0
    for step in tqdm_progress(range(1, n_steps + 1), f"batch {batch_size}", enabled=progress):
        start = time.perf_counter()
        c, counts = update(c, counts, X[rng.randint(0, len(X), batch_size)])
        elapsed += time.perf_counter() - start
        if step in checkpoints:
            seen.append(step * batch_size)
            seconds.append(elapsed)
            scores.append(inertia(X, c, assign(X, c)))
    return {"seen": np.array(seen), "inertia": np.array(scores), "seconds": np.array(seconds)}
