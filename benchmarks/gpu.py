"""One Lloyd step on a GPU (helpers.scale.array_api) against its floor, in one command.

    python3 benchmarks/gpu.py            # needs PyTorch with CUDA: 10,000,000 x 64, k=1024
    python3 benchmarks/gpu.py --device cpu --n 200000   # the same code on PyTorch's CPU

Prints, in float32: the median time of one step and of the product X @ C.T of the same
shape (blocks of the same size, one reused buffer) for three block sizes; the same for
CuPy where it is installed, with its default reduction accelerators, none, and CUB's;
where one PyTorch step spends its time (torch.profiler); and how one step agrees with the
NumPy core and with float64 labels on 200,000 x 16, k=64, from two starts: three tables. Neither
PyTorch nor CuPy is a dependency of the project: install them yourself (`pip install torch`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from helpers.course import gpu
from helpers.scale.array_api import BLOCK_FLOATS


def cupy_rows(args) -> list[tuple[str, float, float]]:
    """CuPy's step and floor in a fresh process per reduction setting (CuPy reads
    CUPY_ACCELERATORS when it starts): its default, none, and CUB's; a row that fails says
    why instead."""
    rows = []
    settings = (
        ("CuPy, its default accelerators", None),
        ("CuPy, CUPY_ACCELERATORS=''", ""),
        ("CuPy, CUPY_ACCELERATORS=cub", "cub"),
    )
    for label, accelerators in settings:
        env = {key: value for key, value in os.environ.items() if key != "CUPY_ACCELERATORS"}
        if accelerators is not None:
            env["CUPY_ACCELERATORS"] = accelerators
        command = [
            sys.executable,
            __file__,
            "--cupy-only",
            f"--device={args.device}",
            f"--n={args.n}",
            f"--d={args.d}",
            f"--k={args.k}",
        ]
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{label}: failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
            continue
        step_ms, floor_ms = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append((label, step_ms, floor_ms))
    return rows


def print_row(label, step_ms, floor_ms):
    print(f"| {label} | {step_ms:.1f} | {floor_ms:.1f} | {step_ms / floor_ms:.2f}x |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--d", type=int, default=64)
    parser.add_argument("--k", type=int, default=1024)
    parser.add_argument("--cupy-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cupy_only:  # the child process of cupy_rows
        import cupy

        index = int(args.device.partition(":")[2] or 0)  # "cuda:1" -> GPU 1
        with cupy.cuda.Device(index):
            print(json.dumps(gpu.cupy_step_vs_floor(args.n, args.d, args.k)))
        return
    try:
        import torch
    except ModuleNotFoundError:
        raise SystemExit(
            "PyTorch is not installed (not a project dependency): pip install torch"
        ) from None
    on_gpu = args.device.startswith("cuda")
    if on_gpu and not torch.cuda.is_available():
        raise SystemExit("no CUDA GPU visible to PyTorch; --device cpu runs the same code")

    name = torch.cuda.get_device_name() if on_gpu else args.device
    print(f"device: {name}, PyTorch {torch.__version__}")
    print(f"\n| {args.n:,} x {args.d}, k={args.k}, float32 | step ms | floor ms | step / floor |")
    print("|---|---|---|---|")
    for power in (22, 24, 26):
        step_ms, floor_ms = gpu.torch_step_vs_floor(
            args.n, args.d, args.k, args.device, block_floats=2**power
        )
        default = " (the default)" if 2**power == BLOCK_FLOATS else ""
        print_row(f"PyTorch, blocks of 2^{power} scores{default}", step_ms, floor_ms)
    if on_gpu:
        for label, step_ms, floor_ms in cupy_rows(args):
            print_row(label, step_ms, floor_ms)

    where = "device" if on_gpu else "CPU"
    print(f"\n| one PyTorch step (torch.profiler), own {where} time | ms |")
    print("|---|---|")
    for operation, ms in gpu.torch_profile(args.n, args.d, args.k, args.device):
        print(f"| {operation} | {ms:.1f} |")

    print(
        "\n| one step, 200,000 x 16, k=64, float32 | labels equal to the NumPy core's | "
        "to the float64 core's | max centroid difference / spread |"
    )
    print("|---|---|---|---|")
    for start, values in gpu.torch_agrees_with_numpy(args.device).items():
        print(
            f"| start: {start} | {values['equal to the NumPy core']:.6f} | "
            f"{values['equal to float64']:.6f} | {values['centroid difference / spread']:.2g} |"
        )


if __name__ == "__main__":
    main()
