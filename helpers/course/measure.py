"""Measuring time and memory fairly, for the notebooks (and ``benchmarks/``).

Times are medians of repeats taken in turns (method A, B, C, A, B, C, ...), so that a busy
moment of a shared machine hits every method alike: compare ratios from the same run, not
absolute times. Peak memory comes from tracemalloc, which sees every NumPy allocation.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np


def timed(f, repeats: int = 5) -> float:
    """Median seconds of ``repeats`` calls of ``f``."""
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
    from helpers.course.progress import progress as tqdm_progress

    times = {name: [] for name in funcs}
    for _ in tqdm_progress(range(repeats), "timing", enabled=progress):
        for name, f in funcs.items():
            time.sleep(pause)
            start = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - start)
    return {name: float(np.median(t)) for name, t in times.items()}


def peak_mb(f) -> float:
    """Peak memory allocated while ``f()`` runs, in MB (tracemalloc)."""
    tracemalloc.start()
    try:
        f()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


# --------------------------------------------------------------------------- PyTorch (GPU)
def torch_lloyd_vs_matmul(n=10_000_000, d=64, k=1024, device="cuda", repeats=10):
    """Median milliseconds of one Lloyd step (``helpers.scale.array_api``) and of its floor,
    the product ``X @ C.T`` of the same shape, in float32 on a PyTorch device.

    The floor is computed block by block into one reused buffer, the blocks the step uses,
    so that it never holds the whole n x k matrix (41 GB for the default shape).
    """
    import torch

    from helpers.scale import array_api

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

    from helpers.kmeans import assign, update
    from helpers.scale import array_api

    X = np.random.RandomState(0).normal(size=(n, d)).astype(np.float32)
    C = X[:k].copy()
    X_t, C_t = torch.from_numpy(X).to(device), torch.from_numpy(C).to(device)
    labels_t, new_t = array_api.lloyd_step(X_t, C_t)
    labels = assign(X, C)
    new = update(X, labels, C)
    difference = np.abs(new_t.cpu().numpy() - new).max()
    return {
        "equal labels": float(np.mean(labels_t.cpu().numpy() == labels)),
        "max centroid difference / spread": float(difference / np.ptp(X)),
    }
