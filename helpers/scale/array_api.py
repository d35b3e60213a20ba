"""The Lloyd step on any array library: NumPy, CuPy, PyTorch (CPU or GPU), ...

Written against the Python array API standard (https://data-apis.org/array-api/), through
``array-api-compat``: ``xp = array_namespace(X)`` is the library X comes from, and every
call goes through ``xp``, so the same ``assign`` / ``update`` run wherever X lives (a
PyTorch tensor on a GPU stays there). NumPy input goes to the NumPy core instead.

The standard has no scatter-add (adding each row into the slot its label names), which
the update step needs. That one operation is isolated in ``cluster_sums``, one line per
library: ``np.bincount`` / a sparse product (the core), ``Tensor.index_add_`` (PyTorch),
``cupyx.scatter_add`` (CuPy), and a one-hot matrix product as the portable fallback.
The distance scores get one such helper too, ``scores``: PyTorch adds ``||c||^2`` in the
product's own call (``torch.addmm``). On an H100 (one run, 10,000,000 x 64, k=1,024) a
separate addition over the (rows, k) blocks cost 34.2 ms of a 103.6 ms step, while addmm,
timed block by block, took 52.0 ms where the product alone took 50.5 ms. On the CPU,
addmm copies ``||c||^2`` into the output first, then adds the product to it (measured once on
PyTorch's CPU build, 200,000 x 64, k=1,024, not stored: the copy 108 ms, the separate
addition 519 ms).
"""

from __future__ import annotations

import numpy as np
from array_api_compat import (
    array_namespace,
    device,
    is_cupy_namespace,
    is_numpy_namespace,
    is_torch_namespace,
    to_device,
)

from helpers import engine
from helpers.engine import fill_empty, nearest_centroid
from helpers.kmeans import update as numpy_update
from helpers.numerics import centring_rows, round_shift, safe_scale, sample_median, to_safe_units
from helpers.validation import check_centroids, check_data, check_xp_arrays

BLOCK_FLOATS = 2**26  # distance numbers per block: 256 MiB in float32, little for a GPU


def _rows(n: int, k: int, block_floats: int) -> int:
    return max(1, min(n, block_floats // max(1, k)))


def _namespace(*arrays):
    """The arrays' common library, or our ValueError (lists, or arrays of two libraries)."""
    try:
        return array_namespace(*arrays)
    except TypeError as error:
        raise ValueError(
            f"X, centroids (and labels) must be arrays of one array-API library, on one "
            f"device: {error}"
        ) from None


def _host(values) -> np.ndarray:
    """A few numbers (a row per feature, the centroids) copied to NumPy, from any device."""
    try:
        return np.from_dlpack(values).astype(np.float64)  # CPU arrays of any library
    except (BufferError, RuntimeError, TypeError, ValueError):
        if is_cupy_namespace(array_namespace(values)):
            return values.get().astype(np.float64)
        return np.from_dlpack(to_device(values, "cpu")).astype(np.float64)  # PyTorch on a GPU


def _range_and_scale(xp, X, centroids):
    """X's range per feature (on the host) and the engine's power-of-two scale for X and
    the centroids (``numerics.safe_scale``)."""
    low, high = _host(xp.min(X, axis=0)), _host(xp.max(X, axis=0))
    same_type = np.dtype(f"float{xp.finfo(X.dtype).bits}")  # X's limits, not float64's
    scale = safe_scale(np.vstack([low, high]).astype(same_type), _host(centroids).astype(same_type))
    return low, high, scale


def _shift_and_scale(xp, X, centroids):
    """The core's centring shift (the median of evenly spaced rows, rounded so that exact
    ties stay exact) and the engine's power-of-two scale, from those rows, X's range per
    feature and the centroids: a few numbers.

    The data's middle, not the centroids' mean: one centroid far from the data (an empty
    cluster's, say) would pull the centroids' mean away from the points, and in float32
    the identity then mislabels points whose two nearest centroids are close (measured:
    26 of 200,000 rows of 16-D normal data with one of 64 centroids at 1,000)."""
    low, high, scale = _range_and_scale(xp, X, centroids)
    middle = sample_median(_host(X[centring_rows(X.shape[0]), :])) / scale  # a power of two: exact
    shift = round_shift(middle, low / scale, high / scale)
    return xp.asarray(shift, dtype=X.dtype, device=device(X)), scale


def scores(xp, xb, minus_2c_t, c_sq, out=None):
    """``||c||^2 - 2 x.c`` for every row of a block and every centroid, shape (rows, k):
    the part of ``||x - c||^2`` that depends on c.

    PyTorch adds it in the product's own call (``torch.addmm``, into a reused buffer);
    other libraries add it after the product, a second pass over the block.
    """
    if is_torch_namespace(xp):
        import torch

        return torch.addmm(c_sq, xb, minus_2c_t, out=out)
    return xb @ minus_2c_t + c_sq


def assign(X, centroids, *, block_floats: int = BLOCK_FLOATS, check: bool = True):
    """Index of the nearest centroid for every row, in X's own library and device.

    The core's recipe: divide by the engine's power-of-two scale where the numbers need
    it, centre in the data's middle (accuracy far from the origin; rounded so that exact
    ties stay ties), then ``||c||^2 - 2 x.c`` by one matrix product per block of rows
    (``scores``), and its argmin.

    Parameters
    ----------
    X : array of shape (n, d), any array-API library
    centroids : array of shape (k, d), same library, device and dtype
    check : bool, False only where the caller checked X and centroids already

    Returns
    -------
    labels : integer array of shape (n,)
    """
    xp = _namespace(X, centroids)
    if is_numpy_namespace(xp):  # the core's checks, then the engine: threads, reused buffers
        X = check_data(X) if check else X
        centroids = check_centroids(centroids, X) if check else centroids
        _, X, centroids = to_safe_units(X, centroids)  # a power of two, where squares need it
        return nearest_centroid(X, centroids)[0]
    if check:
        check_xp_arrays(xp, X, centroids)
    shift, scale = _shift_and_scale(xp, X, centroids)  # as the engine: ties stay exact
    C = centroids / scale - shift
    minus_2c_t = -2 * C.T  # (d, k)
    c_sq = xp.sum(C * C, axis=1)  # (k,)
    n, k = X.shape[0], C.shape[0]
    rows = _rows(n, k, block_floats)
    buffer = (
        xp.empty((rows, k), dtype=X.dtype, device=device(X)) if is_torch_namespace(xp) else None
    )
    parts = []
    for start in range(0, n, rows):
        xb = X[start : min(start + rows, n), :]
        xb = (xb / scale if scale != 1.0 else xb) - shift  # centred (a copy of the block)
        out = None if buffer is None else buffer[: xb.shape[0], :]
        parts.append(xp.argmin(scores(xp, xb, minus_2c_t, c_sq, out), axis=1))  # (rows,)
    return xp.concat(parts) if len(parts) > 1 else parts[0]


def cluster_sums(X, labels, k: int, *, block_floats: int = BLOCK_FLOATS):
    """Sum of the rows of X in each of the k clusters, shape (k, d): the scatter-add.

    One small helper per library, because the array API standard has none.
    """
    xp = _namespace(X, labels)
    if is_numpy_namespace(xp):
        return engine.cluster_sums(X, labels, k).astype(X.dtype)
    out = xp.zeros((k, X.shape[1]), dtype=X.dtype, device=device(X))
    if is_torch_namespace(xp):
        return out.index_add_(0, labels, X)
    if is_cupy_namespace(xp):
        import cupyx

        cupyx.scatter_add(out, labels, X)
        return out
    # Portable: the (rows, k) one-hot matrix of the labels, times X, a block at a time.
    ids = xp.arange(k, device=device(X))
    n = X.shape[0]
    rows = _rows(n, k, block_floats)
    for start in range(0, n, rows):  # (slices end inside the array: the standard asks it)
        onehot = xp.astype(labels[start : min(start + rows, n), None] == ids, X.dtype)
        out = out + onehot.T @ X[start : min(start + rows, n), :]
    return out


def update(X, labels, centroids, *, check: bool = True):
    """Every centroid to the mean of its rows; an empty cluster takes the row farthest
    from its own centroid, as the core does (never NaN).

    Parameters
    ----------
    X : array of shape (n, d); labels : integer array of shape (n,)
    centroids : array of shape (k, d), the ones ``labels`` came from
    check : bool, False only where the caller checked the arrays already

    Returns
    -------
    new_centroids : array of shape (k, d), X's library and device
    """
    xp = _namespace(X, labels, centroids)
    if is_numpy_namespace(xp):
        return numpy_update(X, labels, centroids)  # the core's update checks its input
    if check:
        check_xp_arrays(xp, X, centroids, labels)
    _, _, scale = _range_and_scale(xp, X, centroids)
    if scale != 1.0:  # squares and sums would overflow or underflow: the engine's rescale
        X, centroids = X / scale, centroids / scale
    k = centroids.shape[0]
    sums = cluster_sums(X, labels, k)
    ones = xp.ones((X.shape[0], 1), dtype=X.dtype, device=device(X))
    counts = cluster_sums(ones, labels, k)[:, 0]
    if bool(xp.any(counts == 0)):  # rare: the core's own fill_empty, a few rows at a time
        counts = np.asarray([int(c) for c in counts])
        empty = [j for j in range(k) if counts[j] == 0]
        diff = X - xp.take(centroids, labels, axis=0)
        order = xp.argsort(xp.sum(diff * diff, axis=1), descending=True, stable=True)
        far = order[: min(len(empty) + k, X.shape[0])]  # enough candidates, see fill_empty
        far_labels = [int(j) for j in xp.take(labels, far)]
        fill_empty(empty, xp.take(X, far, axis=0), far_labels, sums, counts)
        counts = xp.asarray(counts, dtype=X.dtype, device=device(X))
    means = sums / counts[:, None]
    return means * scale if scale != 1.0 else means


def lloyd_step(X, centroids):
    """One Lloyd iteration in X's library: ``labels, new_centroids`` (input checked once)."""
    labels = assign(X, centroids)
    return labels, update(X, labels, centroids, check=False)
