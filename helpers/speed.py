"""Measuring speed and memory fairly: used by benchmarks/bench.py and notebook 10.

Times are medians of repeats taken in turns (method A, B, C, A, B, C, ...), so that a busy
moment of a shared machine hits every method alike: compare ratios from the same run, not
absolute times. Peak memory comes from tracemalloc, which sees every NumPy allocation.
"""

from __future__ import annotations

import os
import platform
import time
import tracemalloc

import numpy as np
from sklearn.cluster import KMeans

import helpers
from helpers.blocks import centred_block
from helpers.kmeans import lloyd_step

ITERATIONS = 20


def timed(f, repeats):
    """Median seconds of ``repeats`` calls of f."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def interleaved(funcs: dict, repeats: int, pause: float = 0.2, progress: bool = False) -> dict:
    """Median seconds of each function, run in turns so machine noise hits all alike.

    Before each call the machine gets ``pause`` seconds of rest (not timed): BLAS and
    OpenMP worker threads keep spinning for a while after a call, and would otherwise
    steal a core from whichever method runs next.
    """
    from tqdm.auto import tqdm

    times = {name: [] for name in funcs}
    for _ in tqdm(range(repeats), desc="timing", disable=not progress):
        for name, f in funcs.items():
            time.sleep(pause)
            start = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - start)
    return {name: float(np.median(t)) for name, t in times.items()}


def peak_mb(f) -> float:
    tracemalloc.start()
    f()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def course_step(X, C):
    """The course text's iteration: an (n, k, d) array of differences, then a Python loop."""
    labels = np.argmin(np.sum((X[:, None] - C[None]) ** 2, axis=2), axis=1)
    return np.array([X[labels == j].mean(axis=0) for j in range(len(C))])


def our_step(Xa, C):
    labels, sums, counts, _ = lloyd_step(Xa, C, with_inertia=False)
    return sums / np.maximum(counts, 1)[:, None]


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
    shift = X.mean(axis=0)
    Cc = (C0 - shift).astype(X.dtype)
    Xa = centred_block(X, 0, len(X), shift)  # what a run prepares once, before iterating
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
    mem = {"ours": peak_mb(lambda: our_step(Xa, Cc))}
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


# --------------------------------------------------------------------------- PyTorch (GPU)
def torch_lloyd_vs_matmul(n=10_000_000, d=64, k=1024, device="cuda", repeats=10):
    """Median milliseconds of one Lloyd step (``helpers.array_api``) and of the floor, the
    product ``X @ C.T`` of the same shape, in float32 on a PyTorch device.

    The floor is computed block by block into one reused buffer, the blocks the step uses,
    so that it never holds the whole n x k matrix (41 GB for the default shape).
    """
    import torch

    from helpers import array_api

    def synchronize():
        if torch.device(device).type == "cuda":
            torch.cuda.synchronize()

    def median_ms(f):
        f()  # warm-up: kernels compiled, memory pools filled
        synchronize()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            f()
            synchronize()
            times.append(time.perf_counter() - start)
        return 1e3 * float(np.median(times))

    generator = torch.Generator(device=device).manual_seed(0)
    X = torch.randn(n, d, device=device, generator=generator)
    C = X[:k].clone()
    rows = max(1, min(n, array_api.BLOCK_FLOATS // k))
    buffer = torch.empty(rows, k, device=device)
    C_t = C.T.contiguous()

    def floor():
        for start in range(0, n, rows):
            block = X[start : start + rows]
            torch.matmul(block, C_t, out=buffer[: len(block)])

    return median_ms(lambda: array_api.lloyd_step(X, C)), median_ms(floor)


def torch_agrees_with_numpy(device="cuda", n=200_000, d=16, k=64) -> dict:
    """One Lloyd step in float32 on a PyTorch device against the NumPy core: the share of
    equal labels and the largest centroid difference relative to the data's spread."""
    import torch

    from helpers import array_api

    X = np.random.RandomState(0).normal(size=(n, d)).astype(np.float32)
    C = X[:k].copy()
    X_t, C_t = torch.from_numpy(X).to(device), torch.from_numpy(C).to(device)
    labels_t, new_t = array_api.lloyd_step(X_t, C_t)
    labels = helpers.assign(X, C)
    new = helpers.update(X, labels, C)
    difference = np.abs(new_t.cpu().numpy() - new).max()
    return {
        "equal labels": float(np.mean(labels_t.cpu().numpy() == labels)),
        "max centroid difference / spread": float(difference / np.ptp(X)),
    }
