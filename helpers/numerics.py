"""Numbers that stay accurate: the one rescaling, the centring shift, relative weights.

Every entry point (the core, the exercises, the metrics, Dask, the array-API step) reads
its data through these few functions, so each rule lives in one place:

- ``to_safe_units`` divides X (and centroids, a start) by a power of two when squares
  would overflow or underflow; ``from_safe_units`` brings means back. Dividing by a power
  of two is exact, so labels, ties and choices do not change.
- ``centring_shift`` is where the identity ``||x||^2 - 2 x.c + ||c||^2`` is centred: at the
  middle of the data (the median of evenly spaced rows, which a few far outliers cannot
  drag away from the points, as they would drag the mean), rounded so that exact ties stay
  exact (notebook 01).
- ``relative_weights`` divides sample weights by their largest, so that no weighted sum
  overflows and multiplying every weight by a constant changes nothing.
"""

from __future__ import annotations

import numpy as np


# --------------------------------------------------------------------------- magnitudes
def column_range(X: np.ndarray, width: int = 1024):
    """The smallest and the largest value of every column of X: two arrays (n_features,).

    ``X.min(axis=0)`` walks a tall, narrow array row by row, a few numbers at a time. Here
    X is viewed as a wide array instead, ``m`` consecutive rows side by side (a reshape of
    the same memory, no copy), whose columns NumPy reduces many numbers at a time; the
    ``m`` results per feature then reduce to one. The same values, faster for a few
    features (measured on 1,000,000 rows: 30 ms against 109 ms for 16 features, 5 ms
    against 108 ms for 2), and with no temporary array.
    """
    n, d = X.shape
    m = max(1, width // d)  # rows side by side
    bulk = n - n % m
    if d > 16 or bulk == 0 or not X.flags.c_contiguous:  # (a reshape would copy)
        return X.min(axis=0), X.max(axis=0)
    wide = X[:bulk].reshape(bulk // m, m * d)
    low = wide.min(axis=0).reshape(m, d).min(axis=0)
    high = wide.max(axis=0).reshape(m, d).max(axis=0)
    if bulk < n:
        low = np.minimum(low, X[bulk:].min(axis=0))
        high = np.maximum(high, X[bulk:].max(axis=0))
    return low, high


def safe_scale(X: np.ndarray, *others) -> float:
    """A power of two to divide X (and ``others``: centroids, a start) by, or 1.0.

    1.0 unless the numbers are so large that squares and sums of squares would overflow
    X's float type, or the differences between points so small that their squares would
    underflow (float64: beyond about 1e149, below about 1e-149). Dividing by a power of two
    is exact, and so is every product and sum after it up to the same power of two: the
    run on ``X / scale`` gives the labels of X, without infinities or lost ties.

    X may be any array whose rows span the data's range per feature (the Dask code
    passes the two rows ``[low, high]``)."""
    low, high = column_range(X)  # no |X| temporary
    spread = 2 * float((0.5 * high - 0.5 * low).max())  # halves: no overflow near the top
    top = max([float(high.max()), -float(low.min())] + [float(np.abs(a).max()) for a in others])
    info = np.finfo(X.dtype)
    small, large = 2.0 ** (info.minexp // 2 + 16), 2.0 ** (info.maxexp // 2 - 16)
    if top > large:
        size = top  # squares would overflow
    elif 0 < spread < small and top <= large * spread:
        size = spread  # squared differences would underflow (and top stays in range)
    elif 0 < top < small:
        size = top
    else:
        return 1.0  # (so that safe_scale(X / scale, ...) is 1.0: no second rescaling)
    return float(np.ldexp(1.0, np.frexp(size)[1] - 1))  # size / scale lies in [1, 2)


def to_safe_units(X: np.ndarray, *others):
    """``(scale, X / scale, *others / scale)`` with ``scale = safe_scale(X, *others)``; the
    arrays themselves, not copies, when the scale is 1 (everyday data).

    Examples
    --------
    >>> scale, X, start = to_safe_units(np.array([[1e300], [-1e300]]), np.array([[0.0]]))
    >>> scale == 2.0**996, float(X.max()) < 2
    (True, True)
    """
    scale = safe_scale(X, *others)
    if scale == 1.0:
        return (1.0, X, *others)
    return (scale, X / scale, *(np.asarray(a) / scale for a in others))


def from_safe_units(means: np.ndarray, X_scaled: np.ndarray, scale: float) -> np.ndarray:
    """Means computed on ``X_scaled = X / scale``, in X's own units.

    A mean lies within its points' range; rounding could step a hair outside it, which
    near float's largest number would overflow, so they are clipped to the range first."""
    if scale == 1.0:
        return means
    low, high = column_range(X_scaled)
    return (np.clip(means, low, high) * scale).astype(X_scaled.dtype)


# --------------------------------------------------------------------------- centring
def round_shift(middle, low, high) -> np.ndarray:
    """Where to centre data before the identity: the middle of each feature (its median),
    rounded to a multiple of a power of two near 2**-20 of the feature's range (the low end
    itself for a constant feature).

    Near enough to the points for accuracy far from the origin, and round enough that, for
    data on a grid (integers, say), ``x - shift`` is exact: then distances that are equal
    stay equal, and ties go to the lowest index as the plain argmin of exact distances.
    That holds in float64; float32's 24 bits cannot hold the products of such numbers
    exactly, and exact ties there are broken by rounding (as by any float32 identity).
    """
    middle, low, high = (np.asarray(a, dtype=np.float64) for a in (middle, low, high))
    spread = high - low
    step = np.ldexp(1.0, np.frexp(spread)[1] - 21)
    return np.where(spread > 0, np.round(middle / step) * step, low)


CENTRING_ROWS = 10_000  # rows whose median places the shift: evenly spaced, at most this many


def centring_rows(n_rows: int) -> slice:
    """The evenly spaced rows ``X[centring_rows(len(X))]`` whose median is the centring
    shift: every row up to ``CENTRING_ROWS``, then every ``step``-th. A slice, so a Dask
    array takes the same rows as a NumPy one."""
    return slice(None, None, max(1, -(-n_rows // CENTRING_ROWS)))


def centring_shift(X: np.ndarray) -> np.ndarray:
    """``round_shift`` of the median of (at most ``CENTRING_ROWS``) evenly spaced rows of X,
    in X's dtype, shape (n_features,).

    The median sits among the points even when a few lie far away: one outlier at 1e12
    among 2,000 points near 0 pulls the mean to 5e8, where the identity's rounding (relative to
    the squared distance from the shift) swamps the distances between ordinary points. The
    median of a sample costs little (10,000 rows at most) and is the same for a Dask array
    (``helpers.scale.distributed.prepare`` takes the same rows)."""
    return round_shift(sample_median(X[centring_rows(len(X))]), *column_range(X)).astype(X.dtype)


def sample_median(rows) -> np.ndarray:
    """The median of every column of ``rows``, in float64."""
    return np.median(np.asarray(rows, dtype=np.float64), axis=0)


# --------------------------------------------------------------------------- weights
SMALLEST_RATIO = np.finfo(np.float64).tiny * 2.0**-26  # a subnormal keeping 26 of 53 bits


def relative_weights(weights: np.ndarray | None) -> np.ndarray | None:
    """Checked sample weights divided by their largest, so each lies in [0, 1].

    Means, draws and the choice between starts do not change when every weight is
    multiplied by the same number; dividing by the largest makes that exact for powers of
    two (and true to rounding otherwise), and no sum of weights, or of weights times
    points, can overflow however large the weights were. ``None`` stays ``None``.

    Raises a ``ValueError`` naming ``sample_weight`` only where a positive weight is so
    small beside the largest that their ratio keeps less than half of float64's 53 bits
    (a ratio below ``SMALLEST_RATIO``, about 3.3e-316, deep among the subnormal numbers):
    such a point would count with a few significant digits, or not at all, and a cluster
    of such points would get a wrong mean.
    """
    if weights is None:
        return None
    relative = weights / weights.max()
    lost = (weights > 0) & (relative < SMALLEST_RATIO)
    if lost.any():
        i = int(np.argmax(lost))
        raise ValueError(
            f"sample_weight has positive weights too small beside its largest to count: "
            f"{weights[i]:.3g} (sample {i}) is less than {SMALLEST_RATIO:.2g} times the "
            f"largest, {weights.max():.3g}, where float64 keeps too few digits; set such "
            f"weights to 0 or make them larger"
        )
    return relative
