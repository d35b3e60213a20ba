"""The benchmark harness: one workload's Lloyd iteration, ours against scikit-learn.

Used by ``benchmarks/bench.py``. The timing and memory tools themselves are the course's
(``helpers.course.measure``): medians of repeats taken in turns, peaks from tracemalloc.
"""

from __future__ import annotations

import os
import platform

import numpy as np
from sklearn.cluster import KMeans

import helpers
from helpers import engine
from helpers.course.measure import interleaved, peak_mb

ITERATIONS = 20


def course_step(X, C):
    """The course text's iteration: an (n, k, d) array of differences, then a Python loop."""
    labels = np.argmin(np.sum((X[:, None] - C[None]) ** 2, axis=2), axis=1)
    return np.array([X[labels == j].mean(axis=0) for j in range(len(C))])


def our_step(fast, C):
    """One iteration of the engine on X prepared once (``engine.Lloyd``)."""
    fast.start(C)
    return fast.step(with_inertia=False)


def blas_floor(X, C, rows=4096):
    """The 2 n k d flops no method avoids: X @ C.T, a block of rows at a time into one
    reused buffer (so that allocating an n x k result is not counted)."""
    out = np.empty((rows, len(C)), dtype=X.dtype)
    Ct = np.ascontiguousarray(C.T, dtype=X.dtype)
    for start in range(0, len(X), rows):
        block = X[start : start + rows]
        np.matmul(block, Ct, out=out[: len(block)])


def lloyd_row(name, X, k, repeats, progress=False):
    """One workload: per-iteration times and peak memory of every method."""
    C0 = X[np.random.RandomState(1).choice(len(X), k, replace=False)]
    fast = engine.Lloyd(X)  # what a fit prepares once, before iterating
    n, d = X.shape
    course_bytes = n * k * d * X.itemsize
    # Whole fits of ITERATIONS iterations from the same start, for ours and scikit-learn
    # alike, divided by the iterations run: each includes its own checks and final pass.
    ours_iters = len(helpers.kmeans_steps(X, k, init=C0, tol=0, max_iter=ITERATIONS))
    funcs = {
        "ours": lambda: helpers.kmeans(X, k, init=C0, tol=0, max_iter=ITERATIONS),
        "floor": lambda: blas_floor(X, C0),
    }
    if course_bytes < 1e9:
        funcs["course"] = lambda: course_step(X, C0)
    models = {
        a: KMeans(k, init=C0, n_init=1, max_iter=ITERATIONS, tol=0, algorithm=a)
        for a in ("lloyd", "elkan")
    }
    funcs["sk lloyd"] = lambda: models["lloyd"].fit(X)
    funcs["sk elkan"] = lambda: models["elkan"].fit(X)
    t = interleaved(funcs, repeats, progress=progress)
    t["ours"] /= ours_iters  # whole fit -> per iteration
    t["sk lloyd"] /= models["lloyd"].n_iter_
    t["sk elkan"] /= models["elkan"].n_iter_
    mem = {"ours": peak_mb(lambda: our_step(fast, C0))}
    mem["course"] = peak_mb(lambda: course_step(X, C0)) if "course" in t else course_bytes / 1e6
    print(f"  measured {name}", flush=True)
    return name, t, mem


def machine() -> str:
    from threadpoolctl import threadpool_info

    blas = ", ".join(
        f"{i['internal_api']} {i.get('version')} ({i.get('architecture')}, "
        f"{i['num_threads']} threads)"
        for i in threadpool_info()
        if i["user_api"] == "blas"
    )
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, NumPy {np.__version__}, "
        f"scikit-learn {__import__('sklearn').__version__}, BLAS: {blas}"
    )
