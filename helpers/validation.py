"""Input checks shared by every entry point: the core, the exercises and the scaling code.

Each ``check_*`` returns the value in the form the algorithm needs, or raises a
``ValueError`` that names the parameter, what is allowed and what was given, e.g.
``k must be an integer in [1, n_samples=10], got 0``. Checks run once, at the public entry;
the inner steps assume checked input (as scikit-learn's inner loops do).
"""

from __future__ import annotations

import numbers
import sys
import warnings

import numpy as np

SEED_MAX = 2**32 - 1  # numpy's RandomState takes seeds in [0, 2**32 - 1]


def shown(value) -> str:
    """``repr(value)``, shortened for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:28] + "..." + text[-28:]


def _is_sparse(X) -> bool:
    sparse = sys.modules.get("scipy.sparse")  # loaded already if X is one of its matrices
    return sparse is not None and sparse.issparse(X)


def check_array_form(X, name: str = "X"):
    """Dtype and shape of a 2-D data array, of any library (NumPy, Dask), without reading
    its values. Returns the float dtype to compute in: float32 stays float32, every other
    real number type (int, bool, float16) becomes float64."""
    if _is_sparse(X):
        raise ValueError(
            f"{name} is a sparse matrix ({type(X).__name__}), which is not supported: "
            f"K-Means here needs a dense array, e.g. {name}.toarray()"
        )
    dtype = X.dtype
    if np.issubdtype(dtype, np.timedelta64) or np.issubdtype(dtype, np.datetime64):
        raise ValueError(
            f"{name} must hold numbers, got dtype {dtype}: convert dates and durations to "
            f"numbers first, e.g. {name} / np.timedelta64(1, 's')"
        )
    if dtype.kind == "O" or not (np.issubdtype(dtype, np.number) or np.issubdtype(dtype, np.bool_)):
        raise ValueError(f"{name} must hold numbers, got dtype {dtype}")
    if np.issubdtype(dtype, np.complexfloating):
        raise ValueError(f"{name} must hold real numbers, got dtype {dtype}")
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_features), got shape {X.shape}"
        )
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} must not be empty, got shape {X.shape}")
    return np.dtype(np.float32 if dtype == np.float32 else np.float64)


def _as_array(X, name: str):
    """``np.asarray(X)``, with our message for what NumPy cannot read as one array."""
    if isinstance(X, np.ma.MaskedArray) and np.ma.getmaskarray(X).any():
        raise ValueError(
            f"{name} is a masked array with masked entries, whose values would be used as "
            f"they are: fill them or drop their rows first (e.g. {name}.filled(...))"
        )
    try:
        X = np.asarray(X)
    except (ValueError, TypeError) as error:  # ragged lists, odd objects
        message = f"{name} must be a 2-D array of numbers, could not read it: {error}"
        raise ValueError(message) from None
    if X.dtype.kind == "O":  # objects that are all numbers (Python ints, Decimals) are fine
        try:
            X = X.astype(np.float64)
        except (ValueError, TypeError):
            raise ValueError(f"{name} must hold numbers, got dtype object") from None
    return X


def check_data(X, name: str = "X") -> np.ndarray:
    """Return ``X`` as a finite 2-D float array, or raise a ``ValueError`` saying why.

    float32 stays float32; every other numeric dtype (int, bool, float16, longdouble)
    becomes float64.
    """
    if not _is_sparse(X):
        X = _as_array(X, name)
    original = X
    X = X.astype(check_array_form(X, name), copy=False)
    finite = np.isfinite(X)
    if not finite.all():
        row = int(np.flatnonzero(~finite.all(axis=1))[0])
        if np.isfinite(original[row]).all():  # e.g. a longdouble beyond float64's range
            raise ValueError(
                f"{name} has values beyond the range of {X.dtype} (row {row}): rescale them"
            )
        raise ValueError(f"{name} contains NaN or infinity (row {row})")
    return X


def check_centroids(centroids, X: np.ndarray, name: str = "centroids", like: str = "X"):
    """Centroids for ``X``: finite, 2-D, as many columns as ``X``, in ``X``'s dtype."""
    shape = np.shape(centroids)
    if len(shape) != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (k, n_features={X.shape[1]}), got shape {shape}"
        )
    centroids = check_data(centroids, name)
    if centroids.shape[1] != X.shape[1]:
        raise ValueError(
            f"{name} must have n_features={X.shape[1]} columns like {like}, got shape "
            f"{centroids.shape}"
        )
    with np.errstate(over="ignore"):
        cast = centroids.astype(X.dtype, copy=False)
    if not np.isfinite(cast).all():
        raise ValueError(
            f"{name} has values beyond the range of X's dtype {X.dtype}: pass X as float64"
        )
    return cast


def check_labels(labels, X: np.ndarray, k: int | None = None, name: str = "labels"):
    """One label per row of ``X``, none of them NaN; with ``k``, integers in ``[0, k - 1]``."""
    return _check_labels(labels, X.shape[0], k, name)


def _check_labels(labels, n_samples: int, k: int | None, name: str):
    labels = np.asarray(labels)
    if labels.shape != (n_samples,):
        raise ValueError(
            f"{name} must have shape (n_samples,)=({n_samples},), got shape {labels.shape}"
        )
    if labels.dtype.kind in "fcO":  # None or NaN could hide only in these
        missing = np.array([v is None or v != v for v in labels.tolist()], dtype=bool)
    else:
        missing = np.zeros(len(labels), dtype=bool)
    if missing.any():
        raise ValueError(f"{name} must not contain NaN or None (sample {np.argmax(missing)})")
    if k is None:
        try:
            np.unique(labels)  # the callers group samples by label: they must sort
        except TypeError:
            raise ValueError(
                f"{name} must be values that can be compared, such as numbers or strings, "
                f"got a mix of types"
            ) from None
        return labels
    integers = labels.dtype.kind in "iu"
    if not integers or labels.min() < 0 or labels.max() >= k:
        bad = labels.dtype if not integers else labels[(labels < 0) | (labels >= k)][0]
        got = f"dtype {bad}" if not integers else repr(bad.item())
        raise ValueError(f"{name} must be integers in [0, k - 1={k - 1}], got {got}")
    return labels.astype(np.intp, copy=False)


def check_xp_arrays(xp, X, centroids, labels=None):
    """``check_data``, ``check_centroids`` and ``check_labels`` for arrays of any array-API
    library (``xp`` is its namespace: PyTorch, CuPy, array-api-strict): real floating data,
    2-D, finite, centroids of the same width and dtype, labels in ``[0, k - 1]``."""
    for name, a in (("X", X), ("centroids", centroids)):
        if a.ndim != 2 or a.shape[0] == 0 or a.shape[1] == 0:
            raise ValueError(f"{name} must be a non-empty 2-D array, got shape {tuple(a.shape)}")
        if not xp.isdtype(a.dtype, "real floating"):
            raise ValueError(
                f"{name} must hold real floating-point numbers (convert with xp.astype), "
                f"got dtype {a.dtype}"
            )
        if not bool(xp.all(xp.isfinite(a))):
            raise ValueError(f"{name} contains NaN or infinity")
    if centroids.shape[1] != X.shape[1] or centroids.dtype != X.dtype:
        raise ValueError(
            f"centroids must have n_features={X.shape[1]} columns and dtype {X.dtype} like X, "
            f"got shape {tuple(centroids.shape)} and dtype {centroids.dtype}"
        )
    if labels is not None:
        k = centroids.shape[0]
        if k > X.shape[0]:  # as the core's update says
            raise ValueError(
                f"the number of centroids k must be an integer in [1, n_samples={X.shape[0]}], "
                f"got {k}"
            )
        if tuple(labels.shape) != (X.shape[0],) or not xp.isdtype(labels.dtype, "integral"):
            raise ValueError(
                f"labels must be integers of shape (n_samples,)=({X.shape[0]},), got shape "
                f"{tuple(labels.shape)} and dtype {labels.dtype}"
            )
        low, high = int(xp.min(labels)), int(xp.max(labels))
        if low < 0 or high >= k:
            raise ValueError(f"labels must be integers in [0, k - 1={k - 1}], got "
                             f"{low if low < 0 else high}")


def check_cluster_labels(labels, X: np.ndarray, name: str = "labels"):
    """Labels for an internal score (silhouette, Calinski-Harabasz, Davies-Bouldin): one per
    row of ``X``, with 2 to n_samples - 1 distinct values (the scores compare clusters with
    each other, and a cluster with itself). Returns ``(codes, k)``: every label as its index
    among the sorted distinct labels, and how many there are."""
    labels = check_labels(labels, X, name=name)
    names, codes = np.unique(labels, return_inverse=True)
    k = len(names)
    if not 2 <= k <= X.shape[0] - 1:
        raise ValueError(
            f"the number of distinct {name} must be in [2, n_samples - 1={X.shape[0] - 1}], "
            f"got {k}"
        )
    return codes.reshape(-1), k


def check_label_pair(labels_true, labels_pred):
    """Two labellings of the same samples, to compare (ARI, mutual information, accuracy):
    1-D, equally long, at least one sample. Returns both as arrays."""
    shape = np.shape(labels_true)
    if len(shape) != 1 or shape[0] < 1:
        raise ValueError(
            f"labels_true must be a 1-D array of at least one label, got shape {shape}"
        )
    return (
        _check_labels(labels_true, shape[0], None, "labels_true"),
        _check_labels(labels_pred, shape[0], None, "labels_pred"),
    )


def check_vector(values, name: str, length: int, low: float = 0.0) -> np.ndarray:
    """A 1-D float array of ``length`` finite numbers, each ``>= low``."""
    values = _as_array(values, name)
    if values.shape != (length,) or values.dtype.kind not in "biuf":
        raise ValueError(
            f"{name} must be {length} numbers (shape ({length},)), got shape {values.shape} "
            f"and dtype {values.dtype}"
        )
    values = values.astype(np.float64)
    if not (np.isfinite(values).all() and (values >= low).all()):
        raise ValueError(f"{name} must be finite numbers >= {low:g}")
    return values


def check_sample_weight(sample_weight, X, k: int | None = None):
    """``None`` (every sample counts once), or one finite weight >= 0 per row of ``X`` as
    float64 (a single number is the same weight for every row); with ``k``, at least k
    rows of positive weight, since every cluster needs some weight."""
    if sample_weight is None:
        return None
    n = X.shape[0]
    if isinstance(sample_weight, numbers.Real) and not isinstance(sample_weight, bool):
        sample_weight = np.full(n, check_number(sample_weight, "sample_weight", strict=True))
    weights = _as_array(sample_weight, "sample_weight")
    if weights.shape != (n,) or weights.dtype.kind not in "biuf":
        raise ValueError(
            f"sample_weight must be {n} numbers, one per sample (shape ({n},)), got shape "
            f"{weights.shape} and dtype {weights.dtype}"
        )
    weights = weights.astype(np.float64)
    if not (np.isfinite(weights).all() and (weights >= 0).all()):
        bad = int(np.flatnonzero(~(np.isfinite(weights) & (weights >= 0)))[0])
        raise ValueError(
            f"sample_weight must be finite numbers >= 0, got {float(weights[bad])} at index {bad}"
        )
    positive = int(np.count_nonzero(weights))
    if positive == 0:
        raise ValueError("sample_weight is zero everywhere: some sample must have weight > 0")
    if k is not None and positive < k:
        raise ValueError(
            f"sample_weight must have at least k={k} positive weights (one per cluster), "
            f"got {positive}"
        )
    return weights


def check_int(value, name: str, low: int, high: int | None = None, high_name: str = "") -> int:
    """An integer in ``[low, high]`` (no upper limit if ``high`` is None); bools refused."""
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if ok and value >= low and (high is None or value <= high):
        return int(value)
    allowed = f"[{low}, {high_name}={high}]" if high is not None else f">= {low}"
    raise ValueError(
        f"{name} must be an integer {'in ' if high is not None else ''}{allowed}, "
        f"got {shown(value)}"
    )


def check_number(value, name: str, *, low: float = 0.0, strict: bool = False) -> float:
    """A finite real number ``>= low`` (``> low`` if ``strict``), as a float; bools refused.

    Any real number type will do (Fraction, Decimal, NumPy scalars), as long as it fits a
    float64: 10**400 or a longdouble of 1e400 do not."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    try:
        number = float(value) if ok else np.nan
    except (OverflowError, ValueError):
        number = np.nan
    if np.isfinite(number) and (number > low if strict else number >= low):
        return number
    raise ValueError(
        f"{name} must be a finite number {'>' if strict else '>='} {low:g}, got {shown(value)}"
    )


def check_choice(value, name: str, options) -> str:
    """One of a few names, e.g. ``covariance`` in ("spherical", "full")."""
    if isinstance(value, str) and value in options:
        return value
    quoted = ", ".join(repr(o) for o in options)
    raise ValueError(f"{name} must be one of {quoted}, got {value!r}")


def check_seed(seed) -> np.random.RandomState:
    """One random generator from ``seed``: an integer in [0, 2**32 - 1] (the same draws
    as ``np.random.RandomState(seed)``), a RandomState (used as it is), a
    ``np.random.Generator`` (one number drawn from it seeds the RandomState, so the
    Generator advances as with any use), or None (fresh entropy from the system)."""
    if isinstance(seed, np.random.RandomState):
        return seed
    if seed is None:
        return np.random.RandomState()
    if isinstance(seed, np.random.Generator):
        return np.random.RandomState(int(seed.integers(0, SEED_MAX, endpoint=True)))
    ok = isinstance(seed, numbers.Integral) and not isinstance(seed, bool)
    if ok and 0 <= seed <= SEED_MAX:
        return np.random.RandomState(int(seed))
    raise ValueError(
        f"seed must be None, an integer in [0, 2**32 - 1], a numpy RandomState or a numpy "
        f"Generator, got {shown(seed)}"
    )


def check_engine(algorithm, engines: dict):
    """An engine class: one of ``engines`` by name, or a class (any callable) with the
    engine interface of ``helpers/engine.py``."""
    if isinstance(algorithm, str) or not callable(algorithm):
        return engines[check_choice(algorithm, "algorithm", tuple(engines))]
    missing = [name for name in ("start", "step") if not callable(getattr(algorithm, name, None))]
    if not isinstance(algorithm, type) or missing:
        quoted = ", ".join(repr(name) for name in engines)
        raise ValueError(
            f"algorithm must be one of {quoted}, or an engine class with start(centroids) and "
            f"step() methods, made as algorithm(X, sample_weight=..., n_threads=...) "
            f"(helpers/engine.py); got {getattr(algorithm, '__name__', repr(algorithm))}"
            + (f", which has no {' and no '.join(missing)} method" if missing else "")
        )
    return algorithm


def check_init(init, k: int, X, names=("random", "k-means++")):
    """``init``: one of ``names``, or an array of k starting centroids for ``X``."""
    shape = (k, X.shape[1])
    if isinstance(init, str):
        if init not in names:
            quoted = ", ".join(repr(n) for n in names)
            raise ValueError(
                f"init must be {quoted} or an array of shape (k, n_features)={shape}, got {init!r}"
            )
        return init
    if callable(init):
        quoted = ", ".join(repr(n) for n in names)
        raise ValueError(
            f"init must be {quoted} or an array of shape (k, n_features)={shape}; a callable "
            f"is not supported: call it yourself and pass the array it returns"
        )
    arr = np.asarray(init)
    if arr.shape != shape:
        raise ValueError(
            f"init array must have shape (k, n_features)={shape}, got shape {arr.shape}"
        )
    return check_centroids(arr, X, "init")


def check_run_params(X, k, init, n_init, max_iter, tol, seed, inits=("random", "k-means++")):
    """The arguments of a K-Means run for data ``X`` already checked (only its shape and
    dtype are read, so ``X`` may be a Dask array): ``(k, init, n_init, max_iter, tol, rng)``."""
    k = check_int(k, "k", 1, X.shape[0], "n_samples")
    init = check_init(init, k, X, inits)
    n_init = check_int(n_init, "n_init", 1)
    max_iter = check_int(max_iter, "max_iter", 1)
    tol = check_number(tol, "tol")
    return k, init, n_init, max_iter, tol, check_seed(seed)


def check_kmeans_params(X, k, init, n_init, max_iter, tol, seed):
    """Every argument of ``kmeans``, checked: ``(X, k, init, n_init, max_iter, tol, rng)``."""
    X = check_data(X)
    return (X, *check_run_params(X, k, init, n_init, max_iter, tol, seed))


def warn_if_empty(X, labels, k: int) -> None:
    """A warning (to the caller of the caller) if some of the k clusters hold no point,
    and why."""
    used = np.count_nonzero(np.bincount(labels, minlength=k))
    if used < k:
        distinct = len(np.unique(X, axis=0))
        why = (
            f"X has only {distinct} distinct points, so some centroids sit on the same point"
            if distinct < k
            else "the run stopped (max_iter or tol) before they could take points"
        )
        warnings.warn(f"only {used} of k={k} clusters hold points: {why}", stacklevel=3)
