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


def interleaved(funcs: dict, repeats: int, pause: float = 0.1, progress: bool = False) -> dict:
    """Median seconds of each function, run in turns so machine noise hits all alike.

    Before each call the machine gets ``pause`` seconds of rest (not timed): BLAS and
    OpenMP worker threads keep spinning for a while after a call, and would otherwise
    steal a core from whichever method runs next. (Measured here: after a matrix product
    on 2 threads, OpenBLAS's worker burns 0.1 s of CPU, and none after that; with BLAS
    held to one thread, none at all, so ``pause=0`` is enough there.)
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
