"""Timing the array-API Lloyd step on a GPU (PyTorch, CuPy) against its floor, for
``benchmarks/gpu.py`` and notebook 15. Neither library is a project dependency: every
function imports its own, and runs on PyTorch's CPU build too (``device="cpu"``).

The floor is the one matrix product every method needs, ``X @ C.T``, computed block by
block into one reused buffer, the blocks the step uses, so that it never holds the whole
n x k matrix (41 GB for 10,000,000 x 1,024 in float32).
"""

from __future__ import annotations

import time

import numpy as np

from helpers.scale import array_api


def _median_ms(f, synchronize, repeats):
    f()  # warm-up: kernels compiled, memory pools filled
    synchronize()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        synchronize()  # a GPU call returns before its work is done
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def _blocked_product(matmul, X, C_t, buffer):
    """The floor: ``X @ C.T`` a block of ``len(buffer)`` rows at a time, into ``buffer``,
    with the library's own ``matmul``."""
    rows = len(buffer)
    for start in range(0, len(X), rows):
        block = X[start : start + rows]
        matmul(block, C_t, out=buffer[: len(block)])


def _torch_data(n, d, k, device):
    import torch

    generator = torch.Generator(device=device).manual_seed(0)
    X = torch.randn(n, d, device=device, generator=generator)
    return X, X[:k].clone()


def _torch_synchronize(device):
    import torch

    if torch.device(device).type == "cuda":
        return torch.cuda.synchronize
    return lambda: None


def torch_step_vs_floor(
    n=10_000_000, d=64, k=1024, device="cuda", *, block_floats=None, repeats=10
) -> tuple[float, float]:
    """Median milliseconds of one Lloyd step (``array_api.lloyd_step``) and of its floor,
    in float32 on a PyTorch device, with ``block_floats`` scores per block (default: the
    step's own ``BLOCK_FLOATS``)."""
    import torch

    block_floats = block_floats or array_api.BLOCK_FLOATS
    X, C = _torch_data(n, d, k, device)
    rows = max(1, min(n, block_floats // k))
    buffer = torch.empty(rows, k, device=device)
    C_t = C.T.contiguous()

    def step():
        labels = array_api.assign(X, C, block_floats=block_floats)
        array_api.update(X, labels, C, check=False)

    sync = _torch_synchronize(device)
    floor = lambda: _blocked_product(torch.matmul, X, C_t, buffer)  # noqa: E731
    return _median_ms(step, sync, repeats), _median_ms(floor, sync, repeats)


def torch_profile(n=10_000_000, d=64, k=1024, device="cuda", top=8) -> list[tuple[str, float]]:
    """Where one step's time goes: ``(operation, milliseconds)`` for the ``top`` operations
    by their own time (torch.profiler; on a GPU the device's time, else the CPU's)."""
    import torch
    from torch.profiler import ProfilerActivity, profile

    X, C = _torch_data(n, d, k, device)
    gpu = torch.device(device).type == "cuda"
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if gpu else [])
    array_api.lloyd_step(X, C)  # warm-up
    _torch_synchronize(device)()
    with profile(activities=activities) as prof:
        array_api.lloyd_step(X, C)
        _torch_synchronize(device)()

    def own_us(event):  # the attribute's name changed across PyTorch versions
        if not gpu:
            return event.self_cpu_time_total
        return getattr(event, "self_device_time_total", None) or getattr(
            event, "self_cuda_time_total", 0
        )

    events = sorted(prof.key_averages(), key=own_us, reverse=True)
    return [(e.key, own_us(e) / 1e3) for e in events[:top] if own_us(e) > 0]


def torch_agrees_with_numpy(device="cuda", n=200_000, d=16, k=64) -> dict:
    """One Lloyd step in float32 on a PyTorch device against the NumPy core, from two starts:
    the first k rows, and the same with one centroid moved to 1,000 (far from every point:
    an empty cluster). For each: the share of labels equal to the NumPy core's, and to the
    labels of the float64 core (the reference: float32 rounding aside, the true nearest),
    and the largest centroid difference from the NumPy core's, relative to the data's spread.
    """
    import torch

    from helpers.kmeans import assign, update

    X = np.random.RandomState(0).normal(size=(n, d)).astype(np.float32)
    result = {}
    for start in ("first rows", "one far centroid"):
        C = X[:k].copy()
        if start == "one far centroid":
            C[0] = 1000.0
        labels_t, new_t = array_api.lloyd_step(
            torch.from_numpy(X).to(device), torch.from_numpy(C).to(device)
        )
        labels_t = labels_t.cpu().numpy()
        labels = assign(X, C)
        reference = assign(X.astype(np.float64), C.astype(np.float64))
        new = update(X, labels, C)
        result[start] = {
            "equal to the NumPy core": float(np.mean(labels_t == labels)),
            "equal to float64": float(np.mean(labels_t == reference)),
            "centroid difference / spread": float(
                np.abs(new_t.cpu().numpy() - new).max() / np.ptp(X)
            ),
        }
    return result


def cupy_step_vs_floor(n=10_000_000, d=64, k=1024, *, repeats=10) -> tuple[float, float]:
    """Median milliseconds of one Lloyd step on CuPy arrays and of its floor (float32)."""
    import cupy

    X = cupy.random.default_rng(0).standard_normal((n, d), dtype=cupy.float32)
    C = X[:k].copy()
    rows = max(1, min(n, array_api.BLOCK_FLOATS // k))
    buffer = cupy.empty((rows, k), dtype=cupy.float32)
    C_t = cupy.ascontiguousarray(C.T)
    sync = cupy.cuda.Device().synchronize
    step = lambda: array_api.lloyd_step(X, C)  # noqa: E731
    floor = lambda: _blocked_product(cupy.matmul, X, C_t, buffer)  # noqa: E731
    return _median_ms(step, sync, repeats), _median_ms(floor, sync, repeats)
