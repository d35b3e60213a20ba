"""Peak memory of whole fits, as a multiple of X: python3 benchmarks/memory.py [--n N].

Traced by tracemalloc (NumPy's arrays included) from the call to its return, for
``helpers.kmeans`` with each algorithm, from the same k-means++ start, on clustered data
(64 Gaussian blobs) and on uniform noise, 16 features, k = 64. The per-row state of the
bounded engines is documented as 24 bytes (a label and two bounds).
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc

import numpy as np

import helpers


def data(kind: str, n: int) -> np.ndarray:
    rng = np.random.RandomState(0)
    if kind == "clustered":
        centres = rng.uniform(-10, 10, size=(64, 16))
        return centres[rng.randint(64, size=n)] + rng.normal(size=(n, 16))
    return rng.uniform(size=(n, 16))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2_000_000)
    parser.add_argument("--max-iter", type=int, default=100)
    args = parser.parse_args()
    print(f"{args.n:,} x 16, k = 64, max_iter = {args.max_iter}, tol = 1e-4, one start\n")
    print("| data | X (MB) | algorithm | peak over X | peak per row | seconds |")
    print("|---|---|---|---|---|---|")
    for kind in ("clustered", "noise"):
        X = data(kind, args.n)
        start = helpers.kmeans_pp_init(X, 64, seed=0)
        for algorithm in ("lloyd", "auto", "hamerly"):
            tracemalloc.start()
            began = time.perf_counter()
            helpers.kmeans(X, 64, init=start, max_iter=args.max_iter, algorithm=algorithm)
            seconds = time.perf_counter() - began
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(f"| {kind} | {X.nbytes / 1e6:.0f} | {algorithm} | {peak / X.nbytes:.2f}x | "
                  f"{peak / args.n:.0f} B | {seconds:.1f} |", flush=True)
            print(f"  measured {kind} {algorithm}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
