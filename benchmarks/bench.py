"""Speed and memory of the core against scikit-learn, all measured in one run.

    python3 run.py bench            # the full tables (about 11 minutes on 2 cores)
    python3 run.py bench --quick    # smaller workloads, fewer repeats (about 2 minutes)

Each row is printed as soon as it is measured, so an interrupted run keeps what it had;
the run ends with its own duration.

Every method gets the same data, the same initial centroids and the same number of
iterations. Times are medians of repeats, taken in turns (ours, scikit-learn's, ...) so
that a busy moment of the machine hits all of them alike; compare the ratios, not the
absolute times. Peak extra memory is measured with tracemalloc, which sees every NumPy
allocation (also inside scikit-learn's Python code) but not buffers its compiled code
allocates itself, so scikit-learn's memory is shown only where it is fully seen.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from harness import ITERATIONS, lloyd_row, machine
from sklearn.cluster import KMeans, MiniBatchKMeans, kmeans_plusplus
from sklearn.datasets import load_digits, load_sample_image, make_blobs
from sklearn.metrics import silhouette_score as sk_silhouette_score

import helpers
from helpers.course.measure import interleaved


def workloads(quick: bool):
    rng = np.random.RandomState(0)
    china = load_sample_image("china.jpg").reshape(-1, 3).astype(np.float64)
    out = [
        ("course data 300 x 2, k=4", helpers.course_data()[0], 4),
        ("100,000 x 2, k=8", make_blobs(100_000, n_features=2, centers=8, random_state=0)[0], 8),
        ("100,000 x 50, k=100", rng.normal(size=(100_000, 50)), 100),
        ("china.jpg pixels 273,280 x 3, k=64", china, 64),
    ]
    if not quick:
        big = rng.normal(size=(1_000_000, 16))
        out += [
            ("1,000,000 x 16, k=64", big, 64),
            ("1,000,000 x 16, k=64, float32", big.astype(np.float32), 64),
        ]
    return out


def lloyd_rows(quick, repeats):
    for name, X, k in workloads(quick):
        yield lloyd_row(name, X, k, repeats)


def other_rows(quick, repeats):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(100_000 if quick else 1_000_000, 16))
    k = 64
    t = interleaved(
        {
            "ours": lambda: helpers.kmeans_pp_init(X, k, seed=0),
            "sklearn": lambda: kmeans_plusplus(X, k, random_state=0),
        },
        repeats,
    )
    yield f"k-means++ init, {len(X):,} x 16, k=64", t["ours"], t["sklearn"], "kmeans_plusplus"
    S, labels = make_blobs(
        n_samples=5_000 if quick else 20_000, centers=5, n_features=10, random_state=0
    )
    t = interleaved(
        {
            "ours": lambda: helpers.silhouette_score(S, labels),
            "sklearn": lambda: sk_silhouette_score(S, labels),
        },
        max(1, repeats // 2),
    )
    yield f"silhouette, {len(S):,} x 10", t["ours"], t["sklearn"], "silhouette_score"
    M, _ = make_blobs(n_samples=200_000, centers=10, n_features=8, random_state=0)
    C0 = M[:10]
    steps = 100
    sk = MiniBatchKMeans(
        10,
        init=C0,
        n_init=1,
        batch_size=1024,
        max_iter=1,
        random_state=0,
        max_no_improvement=None,
        tol=0,
    )
    t = interleaved(
        {
            "ours": lambda: helpers.minibatch_kmeans(
                M, 10, init=C0, batch_size=1024, n_steps=steps
            ),
            "sklearn": lambda: sk.fit(M),  # one epoch: 200,000 / 1,024 = 196 steps
        },
        repeats,
    )
    sk_steps = sk.fit(M).n_steps_
    yield (
        "mini-batch, 200,000 x 8, batch 1,024 (per step)",
        t["ours"] / steps,
        t["sklearn"] / sk_steps,
        "MiniBatchKMeans",
    )


def fit_workloads(quick: bool):
    """The Lloyd table's workloads plus clustered ones, for whole fits (float32 left out:
    the question here is the algorithm, not the dtype)."""
    out = [
        (name, X, k)
        for name, X, k in workloads(quick)
        if not name.startswith("course") and "float32" not in name
    ]
    out.append(("digits 1,797 x 64, k=10", load_digits().data, 10))
    n = 200_000 if quick else 1_000_000
    blobs = make_blobs(n, n_features=16, centers=64, cluster_std=2.0, random_state=0)[0]
    out.append((f"make_blobs {n:,} x 16, 64 centres, k=64", blobs, 64))
    return out


FIT_METHODS = ("auto", "hamerly", "lloyd")


def fit_row(X, k, tol, repeats):
    """One workload at one tol: (iterations ours / sk, times, exact, agree); see fit_rows.
    The labels checked are those of the timed fits themselves."""
    start = helpers.kmeans_pp_init(X, k, seed=0)
    last = {}

    def ours(method):
        last[method] = helpers.kmeans(
            X, k, init=start, tol=tol, algorithm=method, return_n_iter=True
        )

    def theirs(algorithm):
        model = KMeans(k, init=start, n_init=1, tol=tol, algorithm=algorithm)
        last[f"sk {algorithm}"] = model.fit(X)

    fits = {m: lambda m=m: ours(m) for m in FIT_METHODS}
    fits.update({f"sk {a}": lambda a=a: theirs(a) for a in ("lloyd", "elkan")})
    t = interleaved(fits, repeats)
    exact = all(np.array_equal(last[m][1], last["lloyd"][1]) for m in FIT_METHODS)
    agree = float(np.mean(last["lloyd"][1] == last["sk lloyd"].labels_))
    return (last["lloyd"][2], last["sk lloyd"].n_iter_), t, exact, agree


def fit_rows(quick, repeats):
    """Whole fits to convergence from the same k-means++ start, tol=0 and the default:
    rows of (workload, tol, iterations, times per method, exact, agree). 'exact': "auto"
    and "hamerly" gave exactly the labels of "lloyd"; 'agree': the share of "lloyd"'s
    labels equal to scikit-learn lloyd's."""
    for name, X, k in fit_workloads(quick):
        big = X.size * k > 10**8  # a fit takes seconds to tens of seconds: one run of each
        for tol in (0.0, 1e-4):
            yield (name, tol, *fit_row(X, k, tol, 1 if big else max(1, repeats // 2)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small workloads, few repeats")
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    began = time.perf_counter()
    print(f"machine: {machine()}")
    print("The full run takes about 11 minutes on 2 cores, --quick about 2; each row is "
          "printed as soon as it is measured.", flush=True)
    print(
        f"repeats: {repeats} (medians); {ITERATIONS} iterations per fit, ours and "
        "scikit-learn's alike; time per iteration = fit time / iterations run\n"
    )
    print("\n## Lloyd iteration (ms per iteration; ratio = ours / scikit-learn lloyd)\n")
    print(
        "Peak extra memory of one iteration (tracemalloc). Each run also makes one centred\n"
        "copy of X, n x (d + 1) numbers, once before its iterations (scikit-learn copies X too).\n"
    )
    print(
        "| workload | ours | sklearn lloyd | sklearn elkan | BLAS floor X @ C.T | course text "
        "| ours / sklearn | ours / floor | peak extra memory: ours | course text |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|", flush=True)
    for name, t, mem in lloyd_rows(args.quick, repeats):
        course = f"{1e3 * t['course']:.1f}" if "course" in t else "(would need the memory ->)"
        course_mem = f"{mem['course']:.0f} MB" + ("" if "course" in t else " needed")
        print(
            f"| {name} | {1e3 * t['ours']:.2f} | {1e3 * t['sk lloyd']:.2f} | "
            f"{1e3 * t['sk elkan']:.2f} | {1e3 * t['floor']:.2f} | {course} | "
            f"{t['ours'] / t['sk lloyd']:.2f}x | {t['ours'] / t['floor']:.2f}x | "
            f"{mem['ours']:.1f} MB | {course_mem} |",
            flush=True,
        )
    print("\n## Whole fits to convergence (s; ratio = / scikit-learn lloyd's fit)\n")
    print(
        "Same k-means++ start for every method, n_init=1. 'exact': auto and hamerly gave\n"
        "lloyd's labels exactly; 'agree': share of our labels equal to scikit-learn lloyd's\n"
        "(rounding breaks near-ties differently, and a fit to tol=0 can then drift).\n"
    )
    print(
        "| workload | tol | iterations ours / sk | sklearn lloyd (s) | ours auto | hamerly "
        "| lloyd | sklearn elkan | exact | agree |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|", flush=True)
    for name, tol, (ours_it, sk_it), t, exact, agree in fit_rows(args.quick, repeats):
        ratio = {m: t[m] / t["sk lloyd"] for m in t}
        print(
            f"| {name} | {tol:g} | {ours_it} / {sk_it} | {t['sk lloyd']:.3f} | "
            f"{ratio['auto']:.2f}x | {ratio['hamerly']:.2f}x | {ratio['lloyd']:.2f}x | "
            f"{ratio['sk elkan']:.2f}x | {'yes' if exact else 'NO'} | {agree:.4f} |",
            flush=True,
        )
    print("\n## Other steps (ms; ratio = ours / scikit-learn)\n")
    print("| what | ours | scikit-learn | ratio | against |")
    print("|---|---|---|---|---|", flush=True)
    for name, ours, sk, against in other_rows(args.quick, repeats):
        print(f"| {name} | {1e3 * ours:.2f} | {1e3 * sk:.2f} | {ours / sk:.2f}x | {against} |",
              flush=True)
    print(f"\n(the whole run took {(time.perf_counter() - began) / 60:.1f} minutes)")


if __name__ == "__main__":
    main()
