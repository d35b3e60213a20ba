"""K-Means past one machine: the Lloyd step as a map-reduce on a Dask cluster.

Every chunk of rows (one block of a ``dask.array``, held in memory by some worker) gives
its per-cluster sums, counts and share of the inertia, computed by the engine's own
``fused_pass``; the client adds the chunk results up and divides. Per chunk and iteration
only the k centroids travel out and k x (d + 1) sums come back: the data stay where they are.

k-means|| (Bahmani et al., "Scalable K-Means++", VLDB 2012) picks the initial centroids in
a few passes over the data, where k-means++ needs k: each round samples about ``l`` points
at once, then a weighted k-means++ on the client reduces the candidates to k.

Needs the optional extra: ``pip install -e ".[dask]"``. The rest of the series does not.
"""

from __future__ import annotations

import time
from typing import NamedTuple

import dask
import dask.array as da
import numpy as np

from helpers.engine import (
    centred_with_ones,
    cluster_sums,
    farthest_first,
    fill_empty,
    fused_pass,
    nearest_centroid,
)
from helpers.kmeans_pp import kmeans_pp
from helpers.numerics import centring_rows, round_shift, safe_scale, sample_median
from helpers.validation import (
    check_array_form,
    check_int,
    check_number,
    check_run_params,
    check_seed,
)


class DaskResult(NamedTuple):
    centroids: np.ndarray  # (k, d)
    labels: da.Array  # (n,), lazy: computed on the workers when asked for
    inertia: float  # of the returned centroids (one more pass after the last step)
    n_iter: int


# --------------------------------------------------------------------------- per chunk
def chunk_prepare(block: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """``[x - shift, 1]`` per row: the core's one-off preparation, done on each worker."""
    return centred_with_ones(block, shift)


def chunk_step(prepared: np.ndarray, centroids: np.ndarray):
    """The map: one chunk's share of a Lloyd step, by the engine's own ``fused_pass``.

    Parameters
    ----------
    prepared : ndarray of shape (rows, d + 1), one chunk of ``[x - shift, 1]``
    centroids : ndarray of shape (k, d), centred (``c - shift``)

    Returns
    -------
    sums : ndarray (k, d) of ``x - shift`` per cluster; counts : ndarray (k,);
    inertia : float; seconds : float, the time spent here (to see the overhead)
    """
    start = time.perf_counter()
    c = centroids.astype(prepared.dtype)
    _, sums, counts, inertia = fused_pass(prepared, c, n_threads=1)  # Dask runs chunks in parallel
    return sums, counts, inertia, time.perf_counter() - start


def chunk_far_points(prepared, offset, centroids, m):
    """For empty clusters: the ``m`` rows of one chunk farthest from their centroid.

    Returns (squared distances, global row indices, rows ``x - shift``, their labels),
    farthest first. Runs only in the (rare) iterations where a cluster went empty.
    """
    x = prepared[:, :-1]
    labels = _nearest(x, centroids, np.zeros(x.shape[1]))[0]
    diff = x - centroids[labels]  # exact distances, as the core's relocation
    sq = np.einsum("ij,ij->i", diff, diff)
    far = farthest_first(sq, m)
    return sq[far], far + offset, x[far], labels[far]


def _nearest(block, centroids, shift=None):
    """The engine's ``nearest_centroid`` on one chunk, on the task's own thread (Dask runs
    the chunks in parallel already)."""
    return nearest_centroid(block, centroids.astype(block.dtype), shift, n_threads=1)


def chunk_cost(block, centroids):
    """k-means||: the chunk's sum of squared distances to the nearest candidate."""
    return float(_nearest(block, centroids)[1].sum())


def chunk_sample(block, centroids, oversampling, total_cost, seed):
    """k-means||: keep each row with probability ``min(1, l d(x)^2 / total_cost)``."""
    sq = _nearest(block, centroids)[1]
    keep = np.random.RandomState(seed).random_sample(len(block)) < oversampling * sq / total_cost
    return block[keep]


def chunk_counts(block, candidates):
    """k-means||: how many rows of the chunk each candidate is the nearest of."""
    return np.bincount(_nearest(block, candidates)[0], minlength=len(candidates))


def chunk_labels(block, centroids, shift):
    """The nearest centroid of every row of the chunk, centred on the fit's ``shift`` (the
    same for every chunk: a row's label does not depend on the chunk it is in)."""
    return _nearest(block, centroids, shift)[0]


def _blocks(X: da.Array):
    """The chunks of X as delayed objects, with the global index of their first row."""
    starts = np.cumsum((0,) + X.chunks[0][:-1])
    return list(zip(X.to_delayed().ravel(), starts))


def _map(fn, X: da.Array, *args):
    """Run ``fn(chunk, *args)`` on every chunk (on the workers); the results, in order."""
    return dask.compute(*[dask.delayed(fn)(b, *args) for b, _ in _blocks(X)])


# --------------------------------------------------------------------------- the step
def dask_lloyd_step(Xa: da.Array, centroids: np.ndarray):
    """One Lloyd iteration on a Dask array: map ``chunk_step``, reduce on the client.

    Parameters
    ----------
    Xa : dask array of shape (n, d + 1), the prepared ``[x - shift, 1]`` (``prepare``),
        chunked by rows and persisted on the workers
    centroids : ndarray of shape (k, d), centred (``c - shift``)

    Returns
    -------
    new_centroids : ndarray (k, d), centred; inertia : float (of ``centroids``);
    task_seconds : float, the time the tasks spent computing, added up
    """
    parts = _map(chunk_step, Xa, centroids)
    sums = np.sum([p[0] for p in parts], axis=0)  # the reduce: k x d numbers per chunk
    counts = np.sum([p[1] for p in parts], axis=0)
    inertia = float(sum(p[2] for p in parts))
    empty = np.flatnonzero(counts == 0)
    if len(empty):  # the core's policy: the farthest rows move into the empty clusters
        m = len(empty) + len(centroids)
        found = [dask.delayed(chunk_far_points)(b, start, centroids, m) for b, start in _blocks(Xa)]
        sq, index, points, labels = (np.concatenate(a) for a in zip(*dask.compute(*found)))
        order = np.lexsort((index, -sq))  # farthest first, ties to the lowest row
        fill_empty(empty, points[order], labels[order], sums, counts)
    return sums / counts[:, None], inertia, float(sum(p[3] for p in parts))


def prepare(X: da.Array):
    """The centring shift of X and the prepared ``[x - shift, 1]`` rows, persisted on the
    workers (as the in-memory core, once per run). Returns ``(Xa, shift, mean feature
    variance)``. The shift comes from the same evenly spaced rows as the core's
    (``numerics.centring_shift``), so the labels equal ``helpers.assign``'s."""
    rows, var, low, high = dask.compute(X[centring_rows(X.shape[0])], X.var(axis=0),
                                        X.min(axis=0), X.max(axis=0))
    shift = round_shift(sample_median(rows), low, high).astype(X.dtype)  # as the core centres
    chunks = (X.chunks[0], (X.shape[1] + 1,))
    Xa = X.map_blocks(chunk_prepare, shift, chunks=chunks, dtype=X.dtype).persist()
    return Xa, shift, float(var.mean())


# --------------------------------------------------------------------------- input
def check_dask_data(X) -> da.Array:
    """The core's checks of X (``helpers.validation``), for a Dask array: numbers, 2-D, not
    empty, chunked by rows only; integers become float64 (lazily), float32 stays float32.
    Whether every value is finite needs a pass over the data: ``dask_safe_scale`` does it."""
    if not isinstance(X, da.Array):
        raise ValueError(
            f"X must be a 2-D dask array chunked by rows only (chunks=(rows, -1)), got "
            f"{type(X).__name__}; for an in-memory array use helpers.kmeans"
        )
    dtype = check_array_form(X)
    if len(X.chunks[1]) != 1:
        raise ValueError(
            f"X must be a 2-D dask array chunked by rows only (chunks=(rows, -1)), got "
            f"{len(X.chunks[1])} chunks of columns"
        )
    if any(np.isnan(rows) for rows in X.chunks[0]):
        raise ValueError(
            "X has chunks of unknown size (after boolean indexing, say): call "
            "X.compute_chunk_sizes() first"
        )
    if 0 in X.chunks[0]:  # empty chunks carry nothing, and some reductions fail on them
        X = X.rechunk((tuple(rows for rows in X.chunks[0] if rows), X.shape[1]))
    return X.astype(dtype) if X.dtype != dtype else X


def dask_safe_scale(X: da.Array, *others) -> float:
    """``numerics.safe_scale`` of a Dask array (from its range per feature), and a
    ``ValueError`` naming the first row with NaN or infinity, as the core's checks give."""
    finite, low, high = dask.compute(da.isfinite(X).all(), X.min(axis=0), X.max(axis=0))
    if not finite:
        row = int(da.argmax(~da.isfinite(X).all(axis=1)).compute())
        raise ValueError(f"X contains NaN or infinity (row {row})")
    return safe_scale(np.vstack([low, high]).astype(X.dtype), *others)


# --------------------------------------------------------------------------- k-means||
def weighted_lloyd(points, weights, centroids, max_iter=100) -> np.ndarray:
    """Lloyd's algorithm on weighted points (few, on the client). Returns (k, d).

    A centroid that no point is nearest to stays where it is."""
    k = len(centroids)
    for _ in range(max_iter):
        labels = nearest_centroid(points, centroids)[0]
        mass = np.bincount(labels, weights=weights, minlength=k)
        sums = cluster_sums(points * weights[:, None], labels, k)
        new = centroids.copy()
        new[mass > 0] = sums[mass > 0] / mass[mass > 0, None]
        if np.array_equal(new, centroids):
            break
        centroids = new
    return centroids


def kmeans_parallel_init(X: da.Array, k: int, *, oversampling=None, rounds=5, seed=0):
    """k-means|| (Bahmani et al. 2012): k initial centroids in ``2 rounds + 2`` passes over
    X (counted in notebook 14), plus one row read to start.

    0. One pass checks X (finite) and finds its range (for ``numerics.safe_scale``).
    1. One row drawn uniformly is the first candidate.
    2. Each round: one pass adds up the cost ``phi`` (squared distance of every row to
       its nearest candidate); a second keeps every row independently with probability
       ``min(1, l d(x)^2 / phi)``, about ``l`` new candidates per round.
    3. One pass counts how many rows each candidate is nearest to: its weight.
    4. On the client: weighted k-means++, then weighted Lloyd, from candidates to k.

    Parameters
    ----------
    X : dask array of shape (n, d)
    k : int
    oversampling : float, optional, ``l``; default ``2 k``, one of the paper's settings
    rounds : int, the paper's experiments use 5
    seed : int

    Returns
    -------
    centroids : ndarray of shape (k, d)
    """
    X = check_dask_data(X)
    k = check_int(k, "k", 1, X.shape[0], "n_samples")
    rounds = check_int(rounds, "rounds", 1)
    if oversampling is not None:
        oversampling = check_number(oversampling, "oversampling", strict=True)
    rng = check_seed(seed)
    scale = dask_safe_scale(X)
    if scale != 1.0:
        return (kmeans_parallel(X / scale, k, oversampling, rounds, rng) * scale).astype(X.dtype)
    return kmeans_parallel(X, k, oversampling, rounds, rng).astype(X.dtype)


def kmeans_parallel(X: da.Array, k: int, oversampling, rounds: int, rng) -> np.ndarray:
    """k-means|| on checked input (see ``kmeans_parallel_init``)."""
    n = X.shape[0]
    oversampling = 2.0 * k if oversampling is None else oversampling
    candidates = X[rng.randint(n)].compute()[None, :].astype(np.float64)
    for _ in range(rounds):
        phi = sum(_map(chunk_cost, X, candidates))
        if phi == 0:  # every row sits on a candidate already
            break
        seeds = rng.randint(2**31 - 1, size=len(X.chunks[0]))
        new = dask.compute(
            *[
                dask.delayed(chunk_sample)(b, candidates, oversampling, phi, s)
                for (b, _), s in zip(_blocks(X), seeds)
            ]
        )
        candidates = np.vstack([candidates, *new]).astype(np.float64)
    weights = np.sum(_map(chunk_counts, X, candidates), axis=0).astype(np.float64)
    if len(candidates) <= k:  # tiny data: every candidate is a centroid, plus random rows
        extra = X[np.sort(rng.choice(n, k - len(candidates) + 1, replace=False))].compute()
        return np.vstack([candidates, extra])[:k]
    start = kmeans_pp(candidates, k, rng, weights)
    return weighted_lloyd(candidates, weights, start)


# --------------------------------------------------------------------------- the loop
def dask_kmeans(X: da.Array, k: int, *, init="k-means||", max_iter=300, tol=1e-4, seed=0):
    """K-Means on a Dask array: the engine's fused pass per chunk, reduced on the client.

    Parameters
    ----------
    X : dask array of shape (n, d), chunked by rows only
    k : int
    init : "k-means||" or array-like of shape (k, d)
    max_iter : int
    tol : float, as ``helpers.kmeans``: relative to the mean variance of the features;
        ``tol=0`` iterates until the centroids stop moving (the assignment is then final)
    seed : int, for k-means||

    Returns
    -------
    DaskResult(centroids, labels, inertia, n_iter); ``labels`` is a lazy dask array.
    """
    X = check_dask_data(X)
    k, init, _, max_iter, tol, rng = check_run_params(
        X, k, init, 1, max_iter, tol, seed, inits=("k-means||",)
    )
    scale = dask_safe_scale(X, *([] if isinstance(init, str) else [init]))  # checks X too
    if scale != 1.0:  # as the core: run on X / scale (exact), report in X's units
        X = X / scale
        init = init if isinstance(init, str) else init / scale
    if isinstance(init, str):
        init = kmeans_parallel(X, k, None, 5, rng)
    init = np.asarray(init, dtype=np.float64)
    Xa, shift, variance = prepare(X)
    tol_abs = variance * tol if tol > 0 else 0.0
    c = init - shift
    n_iter = 0
    while n_iter < max_iter:
        new, _, _ = dask_lloyd_step(Xa, c)
        n_iter += 1
        moved = float(((new - c) ** 2).sum())
        c = new
        if moved <= tol_abs:
            break
    # One more pass: the inertia of the centroids returned (not of the previous ones).
    _, inertia, _ = dask_lloyd_step(Xa, c)
    centroids = (c + shift).astype(X.dtype)
    # Every chunk's labels centred on the fit's shift, as the fit itself computed them.
    labels = X.map_blocks(chunk_labels, centroids, shift.astype(X.dtype), drop_axis=1,
                          dtype=np.intp)
    centroids, inertia = (centroids * scale).astype(X.dtype), inertia * scale * scale
    return DaskResult(centroids, labels, inertia, n_iter)


__all__ = [
    "DaskResult",
    "chunk_step",
    "dask_kmeans",
    "dask_lloyd_step",
    "prepare",
    "make_blobs_dask",
    "kmeans_parallel_init",
    "weighted_lloyd",
]


def _blob_chunk(centers, rows, std, seed):
    rng = np.random.RandomState(seed)
    which = rng.randint(len(centers), size=rows)
    return centers[which] + std * rng.standard_normal((rows, centers.shape[1]))


def make_blobs_dask(n: int, d: int, centers: int, *, rows=250_000, std=1.0, seed=0):
    """Gaussian blobs made on the workers, a chunk of ``rows`` rows per task (data that
    never pass through the client, as real data would be read there). Centres are
    uniform in [-10, 10]^d. Returns a dask array of shape (n, d), float64."""
    rng = np.random.RandomState(seed)
    centres = rng.uniform(-10, 10, size=(centers, d))
    sizes = [min(rows, n - start) for start in range(0, n, rows)]
    seeds = rng.randint(2**31 - 1, size=len(sizes))
    return da.concatenate(
        [
            da.from_delayed(dask.delayed(_blob_chunk)(centres, m, std, s), (m, d), np.float64)
            for m, s in zip(sizes, seeds)
        ]
    )
