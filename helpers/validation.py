"""Input checks shared by every entry point: the core, the exercises and the scaling code.

Each ``check_*`` returns the value in the form the algorithm needs, or raises a
``ValueError`` that names the parameter, what is allowed and what was given, e.g.
``k must be an integer in [1, n_samples=10], got 0``. Checks run once, at the public entry;
the inner steps assume checked input (as scikit-learn's inner loops do).
"""

from __future__ import annotations

import numbers

import numpy as np


def check_data(X, name: str = "X") -> np.ndarray:
    """Return ``X`` as a finite 2-D float array, or raise a ``ValueError`` saying why.

    float32 stays float32; every other numeric dtype (int, bool, float16) becomes float64.
    """
    X = np.asarray(X)
    if X.dtype == object or not (
        np.issubdtype(X.dtype, np.number) or np.issubdtype(X.dtype, np.bool_)
    ):
        raise ValueError(f"{name} must hold numbers, got dtype {X.dtype}")
    if np.iscomplexobj(X):
        raise ValueError(f"{name} must hold real numbers, got dtype {X.dtype}")
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_features), got shape {X.shape}"
        )
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} must not be empty, got shape {X.shape}")
    X = X.astype(np.float32 if X.dtype == np.float32 else np.float64, copy=False)
    finite = np.isfinite(X)
    if not finite.all():
        row = int(np.flatnonzero(~finite.all(axis=1))[0])
        raise ValueError(f"{name} contains NaN or infinity (row {row})")
    return X


def check_centroids(centroids, X: np.ndarray, name: str = "centroids") -> np.ndarray:
    """Centroids for ``X``: finite, 2-D, as many columns as ``X``, in ``X``'s dtype."""
    centroids = check_data(centroids, name)
    if centroids.shape[1] != X.shape[1]:
        raise ValueError(
            f"{name} must have n_features={X.shape[1]} columns like X, got shape {centroids.shape}"
        )
    return centroids.astype(X.dtype, copy=False)


def check_labels(labels, X: np.ndarray, k: int | None = None, name: str = "labels"):
    """One label per row of ``X``; with ``k``, integers in ``[0, k - 1]``."""
    labels = np.asarray(labels)
    if labels.shape != (X.shape[0],):
        raise ValueError(
            f"{name} must have shape (n_samples,)=({X.shape[0]},), got shape {labels.shape}"
        )
    if k is None:
        return labels
    integers = np.issubdtype(labels.dtype, np.integer) and not np.issubdtype(
        labels.dtype, np.timedelta64
    )
    if not integers or labels.min() < 0 or labels.max() >= k:
        bad = labels.dtype if not integers else labels[(labels < 0) | (labels >= k)][0]
        got = f"dtype {bad}" if not integers else repr(bad.item())
        raise ValueError(f"{name} must be integers in [0, k - 1={k - 1}], got {got}")
    return labels.astype(np.intp, copy=False)


def check_int(value, name: str, low: int, high: int | None = None, high_name: str = "") -> int:
    """An integer in ``[low, high]`` (no upper limit if ``high`` is None); bools refused."""
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if ok and value >= low and (high is None or value <= high):
        return int(value)
    allowed = f"[{low}, {high_name}={high}]" if high is not None else f">= {low}"
    raise ValueError(
        f"{name} must be an integer {'in ' if high is not None else ''}{allowed}, got {value!r}"
    )


def check_number(value, name: str, *, low: float = 0.0, strict: bool = False) -> float:
    """A finite real number ``>= low`` (``> low`` if ``strict``); bools refused."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if ok and np.isfinite(value) and (value > low if strict else value >= low):
        return float(value)
    raise ValueError(
        f"{name} must be a finite number {'>' if strict else '>='} {low:g}, got {value!r}"
    )


def check_seed(seed) -> np.random.RandomState:
    """One random generator from ``seed``: a non-negative integer, or a RandomState."""
    if isinstance(seed, np.random.RandomState):
        return seed
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0:
        return np.random.RandomState(int(seed))
    raise ValueError(f"seed must be a non-negative integer, got {seed!r}")


def check_init(init, k: int, X: np.ndarray, names=("random", "k-means++")):
    """``init``: one of ``names``, or an array of k starting centroids for ``X``."""
    shape = (k, X.shape[1])
    if isinstance(init, str):
        if init not in names:
            quoted = ", ".join(repr(n) for n in names)
            raise ValueError(
                f"init must be {quoted} or an array of shape (k, n_features)={shape}, got {init!r}"
            )
        return init
    arr = np.asarray(init)
    if arr.shape != shape:
        raise ValueError(
            f"init array must have shape (k, n_features)={shape}, got shape {arr.shape}"
        )
    return check_centroids(arr, X, "init")


def check_kmeans_params(X, k, init, n_init, max_iter, tol, seed):
    """Every argument of ``kmeans``, checked: ``(X, k, init, n_init, max_iter, tol, rng)``."""
    X = check_data(X)
    k = check_int(k, "k", 1, X.shape[0], "n_samples")
    init = check_init(init, k, X)
    n_init = check_int(n_init, "n_init", 1)
    max_iter = check_int(max_iter, "max_iter", 1)
    tol = check_number(tol, "tol")
    return X, k, init, n_init, max_iter, tol, check_seed(seed)
