"""One Lloyd step on a GPU through PyTorch (helpers.scale.array_api) against its floor.

    python3 benchmarks/gpu.py            # needs PyTorch with CUDA: 10,000,000 x 64, k=1024
    python3 benchmarks/gpu.py --device cpu --n 200000   # the same code on PyTorch's CPU

Prints the median time of one step and of the product X @ C.T of the same shape (float32,
blocks of the same size, one reused buffer), their ratio, and how one step on the device
agrees with the NumPy core on 200,000 x 16, k=64. PyTorch is not a dependency of the
project: install it yourself (`pip install torch`).
"""

from __future__ import annotations

import argparse

from helpers.course.measure import torch_agrees_with_numpy, torch_lloyd_vs_matmul


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--d", type=int, default=64)
    parser.add_argument("--k", type=int, default=1024)
    args = parser.parse_args()
    try:
        import torch
    except ModuleNotFoundError:
        raise SystemExit(
            "PyTorch is not installed (not a project dependency): pip install torch"
        ) from None
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit("no CUDA GPU visible to PyTorch; --device cpu runs the same code")

    name = torch.cuda.get_device_name() if args.device.startswith("cuda") else args.device
    step_ms, floor_ms = torch_lloyd_vs_matmul(args.n, args.d, args.k, device=args.device)
    print(f"device: {name}, PyTorch {torch.__version__}")
    print(f"| {args.n:,} x {args.d}, k={args.k}, float32 | ms |")
    print("|---|---|")
    print(f"| Lloyd step (helpers.scale.array_api) | {step_ms:.1f} |")
    print(f"| floor: X @ C.T, same blocks | {floor_ms:.1f} |")
    print(f"| step / floor | {step_ms / floor_ms:.2f}x |")
    for key, value in torch_agrees_with_numpy(args.device).items():
        print(f"agreement with NumPy, {key}: {value:.6g}")


if __name__ == "__main__":
    main()
