"""Checkers of the chapters' exercises, with the reference answers they compare with (the
worked solutions a learner reads are in the notebooks, collapsed; notebook 01's four steps
are in ``write_kmeans``).

One section per notebook. Every ``check_*`` follows ``helpers.exercises.pattern``: it
returns an ``Outcome``, true when right; while the function is a stub it lists its cases;
otherwise it names the case, the wrong value, the expected one and, when the answer is
exactly what a typical mistake gives (``helpers.exercises.mistakes``), that mistake. It
never raises. Cases are small, so a check takes a fraction of a second.
"""

from __future__ import annotations

import numpy as np

from helpers.course.data import course_data
from helpers.exercises.mistakes import MISTAKES
from helpers.exercises.pattern import as_array, fail, run_checks, same_array, same_value
from helpers.kmeans import inertia, kmeans, kmeans_steps
from helpers.kmeans_pp import kmeans_pp_init


def _blobs(n, centers, seed, std=0.6, d=2):
    rng = np.random.RandomState(seed)
    middles = rng.uniform(-8, 8, size=(centers, d))
    y = rng.randint(centers, size=n)
    return middles[y] + std * rng.normal(size=(n, d)), y


def _sq_distances(X, C):
    return ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)


# ================================================================== 01 · the algorithm
def count_poor_starts(X, k, seeds, threshold) -> int:
    """Reference: how many single random starts end with an inertia above ``threshold``."""
    runs = (kmeans(X, k, init="random", n_init=1, tol=0, seed=s) for s in seeds)
    return sum(inertia(X, *run) > threshold for run in runs)


def check_count_poor_starts(fn):
    X, _ = course_data()
    two, _ = _blobs(60, 2, seed=1)
    cases = [
        ("course data, k=4, seeds 0-19, inertia above 400", X, 4, range(20), 400.0),
        ("course data, k=3, seeds 5-14, inertia above 2000", X, 3, range(5, 15), 2000.0),
        ("two blobs, k=2, seeds 0-9, inertia above 0", two, 2, range(10), 0.0),
    ]

    def compare(case, got):
        same_value(case[0], "the count", got, count_poor_starts(*case[1:]))

    return run_checks("poor-start count", fn, cases, compare,
                      mistakes=MISTAKES["my_count_poor_starts"])


# ================================================================== 02 · watch it converge
def kmeans_tol(X, centroids, tol, max_iter=100):
    """Reference: notebook 01's loop from ``centroids``, stopping right after the update
    that moved the centroids by at most ``tol`` in all (sum of squared shifts), or after
    ``max_iter`` updates. Returns (centroids, labels, number of updates), ``labels`` the
    assignment the last update used."""
    return tolerance_loop(X, centroids, tol, max_iter)


def tolerance_loop(X, centroids, tol, max_iter, *, keep_last=True, total=np.sum):
    """``kmeans_tol``'s loop; ``keep_last=False`` drops the update that was small enough
    (a typical mistake: the check placed before the update is counted), and ``total=np.max``
    compares the largest single centroid's squared shift with ``tol`` (another)."""
    from helpers.exercises.write_kmeans import update_keeping_empty
    from helpers.kmeans import assign

    n_updates = 0
    while n_updates < max_iter:
        labels = assign(X, centroids)
        new = update_keeping_empty(X, labels, centroids)
        moved = total(np.sum((new - centroids) ** 2, axis=1))
        if moved <= tol and not keep_last:
            break
        centroids, n_updates = new, n_updates + 1
        if moved <= tol:
            break
    return centroids, labels, n_updates


def check_kmeans_tol(fn):
    from helpers.exercises.write_kmeans import random_rows

    X, _ = course_data()

    def start(seed, k=4):
        return random_rows(X, k, np.random.RandomState(seed))

    cases = [
        ("course data, seed 42's start, tol=1e-4", X, start(42), 1e-4),
        ("course data, seed 3's start, tol=1.0 (a loose tolerance stops early)", X, start(3), 1.0),
        ("course data, seed 0's start, tol=100.0", X, start(0), 100.0),
        ("course data, seed 5's start, tol=0.01", X, start(5), 0.01),
        ("course data, k=3, tol=0 (stops once nothing moves)", X, start(7, 3), 0.0),
        ("course data, seed 2's start, tol=10.0 (all the centroids' shifts summed)", X,
         start(2), 10.0),
    ]

    def compare(case, got):
        name = case[0]
        if not isinstance(got, tuple) or len(got) != 3:
            fail(name, "expected (centroids, labels, n_updates)")
        want = kmeans_tol(*case[1:])
        same_value(name, "the number of updates", int(np.asarray(got[2])), want[2])
        same_array(name, "labels", got[1], want[1])
        same_array(name, "centroids", got[0], want[0])

    return run_checks("tolerance", fn, cases, compare, mistakes=MISTAKES["my_kmeans_tol"])


def tolerance_loop_largest_shift(X, centroids, tol, max_iter=100):
    """A typical mistake: the largest single centroid's squared shift against ``tol``,
    not the sum over all centroids."""
    return tolerance_loop(X, centroids, tol, max_iter, total=np.max)


def iterations_per_seed(X, k, seeds) -> np.ndarray:
    """Reference: the iterations of a random start (``len(kmeans_steps)``) per seed."""
    return np.array([len(kmeans_steps(X, k, init="random", seed=s)) for s in seeds])


def check_iterations_per_seed(fn):
    X, _ = course_data()
    cases = [
        ("course data, k=4, seeds 0-9", X, 4, range(10)),
        ("course data, k=2, seeds 40-44", X, 2, range(40, 45)),
    ]

    def compare(case, got):
        same_array(case[0], "iterations", got, iterations_per_seed(*case[1:]))

    return run_checks("iteration count", fn, cases, compare,
                      mistakes=MISTAKES["my_iterations_per_seed"])


def empty_region_start(X, k) -> np.ndarray:
    """Reference: k - 1 rows of X and one centroid far beyond every point (its region is
    empty)."""
    start = X[:k].astype(float)
    start[-1] = X.max(axis=0) + 100.0
    return start


def check_empty_region_start(fn):
    """The start must leave some centroid's Voronoi region without a point."""
    from helpers.kmeans import assign, update

    X, _ = course_data()
    cases = [("course data, k=4", X, 4), ("course data, k=2", X, 2), ("course data, k=6", X, 6)]

    def compare(case, got):
        name, data, k = case
        C = as_array(got, name, "the start")
        if C.shape != (k, data.shape[1]) or not np.isfinite(C).all():
            fail(name, f"the start has shape {C.shape}, expected {(k, data.shape[1])}, finite")
        counts = np.bincount(assign(data, C), minlength=k)
        if counts.min() > 0:
            fail(name, f"every region holds points ({counts.tolist()} per centroid)")
        empty = int(np.argmin(counts))
        new = update(data, assign(data, C), C)
        if not (new[empty] == data).all(axis=1).any():  # the policy of notebook 01
            fail(name, f"the update did not move centroid {empty} onto a point")

    return run_checks("empty-region start", fn, cases, compare,
                      mistakes=MISTAKES["my_empty_region_start"])


# ================================================================== 04 · choosing k
def pca_box_reference(X, rng) -> np.ndarray:
    """Reference: points uniform in the box of X's principal axes (the SVD of the centred
    data), rotated back into X's coordinates."""
    mean = X.mean(axis=0)
    _, _, axes = np.linalg.svd(X - mean, full_matrices=False)
    Z = (X - mean) @ axes.T
    return rng.uniform(Z.min(axis=0), Z.max(axis=0), size=Z.shape) @ axes + mean


def check_pca_box_reference(fn):
    """Reference data uniform in the box aligned with X's principal axes."""
    rng = np.random.RandomState(0)
    sheared = rng.normal(size=(2000, 2)) @ np.array([[3.0, 1.0], [0.0, 0.5]]) + [5.0, -2.0]
    three_d = rng.normal(size=(2000, 3)) * [4.0, 1.0, 0.2]
    cases = [("sheared 2-D cloud", sheared), ("3-D cloud along the axes", three_d)]

    def call(f, case):
        return f(case[1], np.random.RandomState(1))

    def compare(case, got):
        name, X = case
        R = as_array(got, name, "the reference data")
        if R.shape != X.shape:
            fail(name, f"the reference data has shape {R.shape}, expected {X.shape}")
        mean = X.mean(axis=0)
        _, _, axes = np.linalg.svd(X - mean, full_matrices=False)
        Z, Zr = (X - mean) @ axes.T, (R - mean) @ axes.T  # coordinates on the principal axes
        low, high = Z.min(axis=0), Z.max(axis=0)
        outside = ((Zr < low - 1e-9) | (Zr > high + 1e-9)).any(axis=1)
        if outside.any():
            fail(name, f"{outside.sum()} points lie outside the box of the principal axes")
        cover = (Zr.max(axis=0) - Zr.min(axis=0)) / (high - low)
        if cover.min() < 0.9:
            fail(name, f"the points span only {cover.min():.0%} of one side of the box")
        middle = np.abs((Zr - (low + high) / 2) / (high - low)) < 0.25  # the box's middle half
        share = middle.mean(axis=0)
        if np.abs(share - 0.5).max() > 0.1:  # uniform: half the points in the middle half
            worst = int(np.argmax(np.abs(share - 0.5)))
            fail(name, f"along axis {worst} the middle half of the box holds {share[worst]:.0%} of "
                       "the points, where a uniform draw puts about 50%: draw uniformly, not "
                       "like the data")
        corr = np.corrcoef(Zr.T)[np.triu_indices(X.shape[1], 1)]
        if np.abs(corr).max() > 0.1:
            fail(
                name,
                f"along the axes the points correlate ({np.abs(corr).max():.2f}): "
                "draw each coordinate uniformly and independently",
            )

    return run_checks("PCA-box reference", fn, cases, compare,
                      mistakes=MISTAKES["my_pca_box_reference"], call=call)


def choices_on_noise(X, ks):
    """Reference: the gap statistic's choice and the elbow, as the exercise states them."""
    from helpers.course.choosing_k import elbow, gap_choice, gap_statistic, inertia_curve

    gap, s = gap_statistic(X, ks, n_refs=10, n_init=3, seed=0, progress=False)
    return gap_choice(ks, gap, s), elbow(ks, inertia_curve(X, ks, n_init=10, seed=0))


def check_choices_on_noise(fn):
    rng = np.random.RandomState(5)
    cases = [
        ("uniform noise, 200 x 2, k = 1..6", rng.uniform(size=(200, 2)), np.arange(1, 7)),
        ("three clear blobs, k = 1..6", _blobs(150, 3, seed=6, std=0.3)[0], np.arange(1, 7)),
    ]

    def compare(case, result):
        name, X, ks = case
        if not isinstance(result, tuple) or len(result) != 2:
            fail(name, "expected (k chosen by the gap statistic, k at the elbow)")
        want = choices_on_noise(X, ks)
        same_value(name, "the gap statistic's k", int(result[0]), want[0])
        same_value(name, "the elbow's k", int(result[1]), want[1])

    return run_checks("choice of k", fn, cases, compare,
                      mistakes=MISTAKES["my_choices_on_noise"])


# ================================================================== 05 · k-means++
def greedy_kmeans_pp(X, k, seed=0, n_trials=None) -> np.ndarray:
    """Reference: greedy k-means++ with the draws in the order the exercise states."""
    return greedy_draws(X, k, seed, n_trials)


def greedy_draws(X, k, seed, n_trials, *, keep=np.argmin, weight=None) -> np.ndarray:
    """``greedy_kmeans_pp``, its two choices as arguments (the typical mistakes change
    them): ``keep`` picks the candidate from the totals they leave, ``weight`` turns the
    squared distances into draw weights (None: as they are)."""
    rng = np.random.RandomState(seed)
    n = len(X)
    n_trials = 2 + int(np.log(k)) if n_trials is None else n_trials
    centres = [X[rng.randint(n)]]
    closest = ((X - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        w = closest if weight is None else weight(closest)
        candidates = rng.choice(n, n_trials, p=w / w.sum())
        pots = [np.minimum(closest, ((X - X[c]) ** 2).sum(axis=1)) for c in candidates]
        best = int(keep([p.sum() for p in pots]))
        centres.append(X[candidates[best]])
        closest = pots[best]
    return np.array(centres)


def check_greedy_kmeans_pp(fn):
    X, _ = course_data()
    X3, _ = _blobs(200, 6, seed=2, d=3)
    cases = [
        ("course data, k=4, seed 0", X, 4, 0, None),
        ("course data, k=4, seed 11", X, 4, 11, None),
        ("3-D blobs, k=6, seed 3", X3, 6, 3, None),
        ("one trial per step is k-means++ itself", X, 4, 5, 1),
    ]

    def call(f, case):
        _, data, k, seed, trials = case
        return f(data, k, seed) if trials is None else f(data, k, seed, n_trials=trials)

    def compare(case, got):
        name, data, k, seed, trials = case
        same_array(name, "centroids", got, greedy_kmeans_pp(data, k, seed, trials), atol=0, rtol=0)

    return run_checks("greedy k-means++", fn, cases, compare,
                      mistakes=MISTAKES["my_greedy_kmeans_pp"], call=call)


def power_init(X, k, power, seed=0) -> np.ndarray:
    """Reference: each next centroid drawn with probability proportional to D(x)**power."""
    rng = np.random.RandomState(seed)
    n = len(X)
    centres = [X[rng.randint(n)]]
    closest = np.sqrt(((X - centres[0]) ** 2).sum(axis=1))  # D(x), not squared
    for _ in range(1, k):
        weight = closest**power
        centres.append(X[rng.choice(n, p=weight / weight.sum())])
        closest = np.minimum(closest, np.sqrt(((X - centres[-1]) ** 2).sum(axis=1)))
    return np.array(centres)


def check_power_init(fn):
    X, _ = course_data()
    cases = [
        ("power 2 is k-means++ (seed 0)", X, 4, 2, 0),
        ("power 1, seed 0", X, 4, 1, 0),
        ("power 1, k=6, seed 9", X, 6, 1, 9),
        ("power 4, seed 2", X, 4, 4, 2),
    ]

    def compare(case, got):
        name, data, k, power, seed = case
        want = (
            kmeans_pp_init(data, k, seed=seed) if power == 2 else power_init(data, k, power, seed)
        )
        same_array(name, "centroids", got, want, atol=1e-12, rtol=0)

    return run_checks("D^p sampling", fn, cases, compare, mistakes=MISTAKES["my_power_init"])


def centres_miss_a_cluster(X, y, centres) -> bool:
    """Whether some true cluster (labels ``y``) got no centroid; centres are rows of X."""
    rows = [int(np.flatnonzero((X == c).all(axis=1))[0]) for c in centres]
    return len(set(y[rows])) < len(np.unique(y))


def hard_case():
    """Reference: a wide blob of 1,000 points and five small blobs of 5 far from it, (X, y, k):
    k-means++ spends its centroids in the wide blob, which holds most of the inertia."""
    rng = np.random.RandomState(0)
    wide = rng.normal(scale=3.0, size=(1000, 2))  # 1000 points, spread 3
    middles = np.array([[12, 0], [0, 12], [-12, 0], [0, -12], [9, 9]])
    small = np.vstack([m + 0.2 * rng.normal(size=(5, 2)) for m in middles])  # 5 blobs of 5
    y = np.r_[np.zeros(1000, int), np.repeat(np.arange(1, 6), 5)]
    return np.vstack([wide, small]), y, 6


def check_hard_case(fn):
    """Data where a k-means++ start misses a true cluster in at least half of 20 seeds."""

    def compare(case, result):
        name = case[0]
        if not isinstance(result, tuple) or len(result) != 3:
            fail(name, "expected (X, y, k)")
        X, y, k = as_array(result[0], name, "X"), as_array(result[1], name, "y"), int(result[2])
        if X.ndim != 2 or len(y) != len(X) or len(np.unique(y)) != k:
            fail(name, f"expected X of shape (n, d) and y with k={k} clusters, one per row")
        misses = np.mean(
            [centres_miss_a_cluster(X, y, kmeans_pp_init(X, k, seed=s)) for s in range(20)]
        )
        if misses < 0.5:
            fail(
                name,
                f"k-means++ starts miss a cluster in only {misses:.0%} of 20 seeds, "
                "expected at least 50%",
            )

    return run_checks("hard case", fn, [("your data, k-means++ seeds 0-19",)], compare,
                      mistakes=MISTAKES["my_hard_case"])


# ================================================================== 06 · when K-Means fails
def _same_partition(name, got, want):
    from sklearn.metrics import adjusted_rand_score

    got = as_array(got, name, "labels")
    if got.shape != want.shape:
        fail(name, f"labels have shape {got.shape}, expected {want.shape}")
    score = adjusted_rand_score(want, got)
    if score < 1.0 - 1e-12:
        fail(name, f"the partition differs from the expected one (ARI {score:.3f}, expected 1)")


def over_cluster_then_merge(X, k_big, k_final, seed=0) -> np.ndarray:
    """Reference: K-Means with k_big, then single linkage on its centroids to k_final."""
    from scipy.cluster.hierarchy import fcluster, linkage

    centroids, labels = kmeans(X, k_big, n_init=10, seed=seed)
    merged = fcluster(linkage(centroids, method="single"), k_final, criterion="maxclust")
    return merged[labels] - 1


def check_over_cluster_then_merge(fn):
    from sklearn.datasets import make_moons

    moons, _ = make_moons(300, noise=0.05, random_state=1)
    blobs, _ = _blobs(200, 3, seed=4)
    cases = [("moons, 8 then 2", moons, 8, 2), ("blobs, 6 then 3", blobs, 6, 3)]

    def compare(case, got):
        name, X, big, final = case
        _same_partition(name, got, over_cluster_then_merge(X, big, final, 0))

    return run_checks("over-cluster-then-merge", fn, cases, compare,
                      mistakes=MISTAKES["my_over_cluster_then_merge"])


def radius_kmeans(X, seed=0) -> np.ndarray:
    """Reference: K-Means (k=2) on each point's distance from the data's centre."""
    radius = np.sqrt(((X - X.mean(axis=0)) ** 2).sum(axis=1))
    return kmeans(radius[:, None], 2, n_init=10, seed=seed)[1]


def check_radius_kmeans(fn):
    from sklearn.datasets import make_circles

    cases = [
        (f"circles, seed {s}", make_circles(300, noise=0.05, factor=0.5, random_state=s)[0])
        for s in (1, 2)
    ]

    def compare(case, got):
        name, X = case
        _same_partition(name, got, radius_kmeans(X, 0))

    return run_checks("polar K-Means", fn, cases, compare, mistakes=MISTAKES["my_radius_kmeans"])


def whiten(X, covariance) -> np.ndarray:
    """Reference: X times the symmetric inverse square root of ``covariance``."""
    values, vectors = np.linalg.eigh(covariance)
    return X @ (vectors / np.sqrt(values)) @ vectors.T


def check_whiten(fn):
    rng = np.random.RandomState(0)
    A = np.array([[0.6, -0.6], [-0.4, 0.8]])
    X = rng.normal(size=(400, 2)) @ A
    cov3 = np.cov(rng.normal(size=(500, 3)) @ rng.normal(size=(3, 3)), rowvar=False)
    cases = [
        ("sheared data, its own covariance", X, np.cov(X, rowvar=False)),
        ("3-D data, a full covariance", rng.normal(size=(50, 3)), cov3),
        ("the identity changes nothing", X, np.eye(2)),
    ]

    def compare(case, got):
        name, data, cov = case
        same_array(name, "whitened data", got, whiten(data, cov), atol=1e-9)

    return run_checks("whitening", fn, cases, compare, mistakes=MISTAKES["my_whiten"])


# ================================================================== 07 · the silhouette
def simplified_silhouette(X, labels, centroids) -> np.ndarray:
    """Reference: a = distance to its own centroid, b = to the nearest other centroid."""
    return silhouette_from_centroids(np.sqrt(_sq_distances(X, centroids)), labels)


def silhouette_from_centroids(d, labels, *, zero_when_both_zero=True) -> np.ndarray:
    """``(b - a) / max(a, b)`` from the (n, k) distances ``d`` to the centroids; 0 where
    both are 0 unless ``zero_when_both_zero=False`` (a typical mistake: 0 / 0)."""
    d = np.array(d, dtype=float)
    rows = np.arange(len(d))
    a = d[rows, labels]
    d[rows, labels] = np.inf
    b = d.min(axis=1)
    top = np.maximum(a, b)
    if not zero_when_both_zero:
        with np.errstate(invalid="ignore"):
            return (b - a) / top
    return np.divide(b - a, top, out=np.zeros(len(d)), where=top > 0)


def check_simplified_silhouette(fn):
    X, _ = course_data()
    cases = []
    for k in (2, 4, 7):
        centroids, labels = kmeans(X, k, seed=0)
        cases.append((f"course data, k={k}", X, labels, centroids))
    cases.append(
        (
            "a point on its centroid",
            np.array([[0.0], [2.0], [10.0]]),
            np.array([0, 0, 1]),
            np.array([[2.0], [10.0]]),
        )
    )
    cases.append(
        (
            "two centroids on one point: a(i) = b(i) = 0, so s(i) = 0",
            np.array([[0.0], [5.0], [0.0]]),
            np.array([0, 2, 1]),
            np.array([[0.0], [0.0], [5.0]]),
        )
    )

    def compare(case, got):
        name, data, labels, centroids = case
        same_array(name, "silhouette", got, simplified_silhouette(data, labels, centroids),
                   atol=1e-9)

    return run_checks("simplified silhouette", fn, cases, compare,
                      mistakes=MISTAKES["my_simplified_silhouette"])


# ================================================================== 08 · digits
def _shared_majority():
    """Two clusters both mostly class "x": purity and the matched accuracy differ."""
    y = np.array(["x"] * 5 + ["y"] * 2 + ["x"] * 4 + ["y"] * 3)
    return y, np.repeat([0, 1], 7)


def check_matched_accuracy(fn):
    from helpers.course.data import load_digits
    from helpers.metrics import matched_accuracy

    X, digits = load_digits()
    rng = np.random.RandomState(0)
    three = rng.randint(3, size=40)
    cases = [
        ("two clusters with the same majority class", *_shared_majority()),
        ("digits, K-Means k=10 seed 0", digits, kmeans(X, 10, n_init=10, seed=0)[1]),
        ("3 classes in 5 clusters", three,
         np.where(rng.rand(40) < 0.8, three, rng.randint(5, size=40))),
        ("the same partition, other names", three, 2 - three),
    ]

    def compare(case, got):
        name, y, labels = case
        same_array(name, "accuracy", got, matched_accuracy(y, labels), atol=1e-12)

    return run_checks("matched accuracy", fn, cases, compare,
                      mistakes=MISTAKES["my_matched_accuracy"])


# ================================================================== 09 · judging a clustering
def check_calinski_harabasz(fn):
    from helpers.metrics import calinski_harabasz_score

    X, _ = course_data()
    rng = np.random.RandomState(1)
    cases = [(f"course data, k={k}", X, kmeans(X, k, seed=0)[1]) for k in (2, 4, 7)]
    cases.append(("3-D data, labels as strings", rng.normal(size=(60, 3)),
                  rng.choice(["a", "b", "c"], size=60)))

    def compare(case, got):
        name, data, labels = case
        same_array(name, "score", got, calinski_harabasz_score(data, labels), atol=0, rtol=1e-9)

    return run_checks("Calinski-Harabasz", fn, cases, compare,
                      mistakes=MISTAKES["my_calinski_harabasz"])


# ================================================================== 10 · image compression
def rgb_to_lab(rgb) -> np.ndarray:
    """Reference: sRGB values in 0-255 to CIELAB (D65 white), the formulas of the hint."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    M = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = linear @ M.T / np.array([0.95047, 1.0, 1.08883])
    eps = (6 / 29) ** 3
    f = np.where(xyz > eps, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    L = 116 * f[..., 1] - 16
    return np.stack([L, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def check_rgb_to_lab(fn):
    rng = np.random.RandomState(0)
    cases = [
        ("white is L=100, a=b=0", np.array([[255, 255, 255]]), np.array([[100.0, 0.0, 0.0]]), 0.05),
        ("black is 0, 0, 0", np.array([[0, 0, 0]]), np.zeros((1, 3)), 1e-9),
        ("pure red", np.array([[255, 0, 0]]), np.array([[53.24, 80.09, 67.20]]), 0.05),
        ("dark colours (the linear part)", np.array([[5, 10, 2]]), rgb_to_lab([[5, 10, 2]]), 1e-6),
        ("random colours, an image's shape", rng.randint(0, 256, (4, 5, 3)), None, 1e-6),
    ]

    def call(f, case):
        return f(case[1])

    def compare(case, got):
        name, rgb, want, atol = case
        want = rgb_to_lab(rgb) if want is None else want
        same_array(name, "Lab", got, want, atol=atol, rtol=0)

    return run_checks("sRGB to CIELAB", fn, cases, compare, mistakes=MISTAKES["my_rgb_to_lab"],
                      call=call)


# ================================================================== 11 · mini-batch
def update_with_reassignment(centroids, counts, batch, rng, ratio=0.01):
    """Reference: Sculley's update; then each centroid whose count is below ``ratio`` times
    the largest, in index order, jumps to a batch point drawn with probability in proportion
    to its squared distance to the nearest centroid (as k-means++ draws), and takes the
    smallest count of the other centroids."""
    from helpers.exercises.minibatch import minibatch_update

    centroids, counts = minibatch_update(centroids, counts, batch)
    low = np.flatnonzero(counts < ratio * counts.max())
    others = np.delete(counts, low)
    for j in low:
        d2 = _sq_distances(batch, centroids).min(axis=1)
        centroids[j] = batch[rng.choice(len(batch), p=d2 / d2.sum())]
        counts[j] = others.min() if len(others) else counts[j]
    return centroids, counts


def check_update_with_reassignment(fn):
    rng = np.random.RandomState(0)
    C = np.array([[0.0, 0.0], [0.2, 0.1], [10.0, 10.0]])
    batch = np.vstack([rng.normal(size=(20, 2)), 10 + rng.normal(size=(20, 2))])
    cases = [
        ("a starved centroid jumps", C, np.array([50.0, 0.0, 60.0]), batch, 0.01),
        ("nobody starved: Sculley's update only", C, np.array([5.0, 5.0, 5.0]), batch, 0.01),
        ("two starved centroids, ratio 0.5", C, np.array([100.0, 1.0, 1.0]), batch, 0.5),
        ("starved against the largest count, not the mean", C, np.array([200.0, 1.0, 60.0]),
         batch, 0.1),
    ]

    def call(f, case):
        _, C0, v0, b, ratio = case
        return f(C0.copy(), v0.copy(), b.copy(), np.random.RandomState(7), ratio=ratio)

    def compare(case, result):
        name, C0, v0, b, ratio = case
        if not isinstance(result, tuple) or len(result) != 2:
            fail(name, "expected (centroids, counts)")
        want = update_with_reassignment(C0.copy(), v0.copy(), b, np.random.RandomState(7), ratio)
        same_array(name, "counts", result[1], want[1])
        same_array(name, "centroids", result[0], want[0])

    return run_checks("reassignment", fn, cases, compare,
                      mistakes=MISTAKES["my_update_with_reassignment"], call=call)


# ================================================================== 12 · soft assignment
def anneal(X, centroids, betas, *, jitter=1e-3, seed=0, n_iter=50) -> np.ndarray:
    """Reference: soft K-Means at each beta in turn, each run started where the last one
    ended plus a little noise (``jitter`` times normal draws from
    ``np.random.RandomState(seed)``, one draw per centroid coordinate per beta), so that
    centroids that have merged can split again."""
    from helpers.exercises.mixture import soft_kmeans

    rng = np.random.RandomState(seed)
    centroids = np.asarray(centroids, dtype=float)
    for beta in betas:
        nudged = centroids + jitter * rng.normal(size=centroids.shape)
        centroids, _ = soft_kmeans(X, nudged, beta, n_iter=n_iter)
    return centroids


def check_anneal(fn):
    """``anneal(X, centroids, betas, jitter=..., seed=...)`` against the reference."""
    X, _ = course_data()
    start = X[[0, 1, 2, 3]]
    cases = [
        ("course data, beta 0.01 to 1, jitter 1e-3", X, start, [0.01, 0.1, 1.0], 1e-3, 0),
        ("one beta and no jitter: plain soft K-Means", X, start, [0.5], 0.0, 0),
        ("another seed", X, start, [0.005, 0.05], 1e-2, 7),
    ]

    def call(f, case):
        _, data, C0, betas, jitter, seed = case
        return f(data, C0.copy(), betas, jitter=jitter, seed=seed)

    def compare(case, got):
        name, data, C0, betas, jitter, seed = case
        want = anneal(data, C0.copy(), betas, jitter=jitter, seed=seed)
        same_array(name, "centroids", got, want, atol=1e-8)

    return run_checks("annealing", fn, cases, compare, mistakes=MISTAKES["my_anneal"], call=call)


def n_parameters(k, d, covariance) -> int:
    """Free parameters of a Gaussian mixture: k - 1 weights, k d means, the covariances
    ("spherical": one variance for all; "spherical each": one per component; "full")."""
    covariances = {"spherical": 1, "spherical each": k, "full": k * d * (d + 1) // 2}
    return (k - 1) + k * d + covariances[covariance]


def bic(mean_log_likelihood, n, k, d, covariance) -> float:
    """Reference: the Bayesian information criterion, -2 n ll + p log n."""
    return -2 * n * mean_log_likelihood + n_parameters(k, d, covariance) * np.log(n)


def check_bic(fn):
    """``bic(mean_log_likelihood, n_samples, k, d, covariance)`` against scikit-learn's."""
    from sklearn.mixture import GaussianMixture

    from helpers.course.data import load_old_faithful

    X = load_old_faithful()
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    cases = []
    for k in (1, 2, 3):
        model = GaussianMixture(k, covariance_type="full", random_state=0).fit(X)
        cases.append(
            (
                f"Old Faithful, {k} full component" + "s" * (k > 1),
                model.score(X),
                len(X),
                k,
                2,
                "full",
                model.bic(X),
            )
        )
    model = GaussianMixture(2, covariance_type="spherical", random_state=0).fit(X)
    cases.append(
        (
            "Old Faithful, 2 spherical components (a variance each)",
            model.score(X),
            len(X),
            2,
            2,
            "spherical each",
            model.bic(X),
        )
    )

    def call(f, case):
        return f(*case[1:6])

    def compare(case, got):
        same_array(case[0], "BIC", got, case[6], atol=1e-6, rtol=1e-9)

    return run_checks("BIC", fn, cases, compare, mistakes=MISTAKES["my_bic"], call=call)


def em_spherical_each(X, means, n_iter=500, tol=1e-12, reg=1e-6):
    """Reference: EM with one spherical variance per component (``sigma_j^2``, per feature)."""
    return em_spherical_variances(X, means, n_iter, tol, reg)


def em_spherical_variances(X, means, n_iter, tol, reg, *, per_feature=True):
    """``em_spherical_each``; ``per_feature=False`` leaves each variance summed over the d
    features (a typical mistake)."""
    from helpers.exercises.mixture import e_step

    n, d = X.shape
    k = len(means)
    sigma2 = np.full(k, ((X - X.mean(axis=0)) ** 2).sum() / X.size + reg)
    params = {"weights": np.full(k, 1 / k), "means": np.array(means, float),
              "covariances": sigma2[:, None, None] * np.eye(d)}
    history = []
    for _ in range(n_iter):
        r, ll = e_step(X, params)
        history.append(ll)
        if len(history) > 1 and history[-1] - history[-2] < tol:
            break
        N = r.sum(axis=0)
        means = r.T @ X / N[:, None]
        sq = np.array([r[:, j] @ ((X - means[j]) ** 2).sum(axis=1) for j in range(k)])
        sigma2 = sq / ((d if per_feature else 1) * N) + reg
        params = {"weights": N / n, "means": means,
                  "covariances": sigma2[:, None, None] * np.eye(d)}
    return params, history


def check_em_spherical_each(fn):
    """``em_spherical_each(X, means, n_iter=500, tol=1e-12, reg=1e-6) -> (params, history)``:
    EM with a spherical variance per component, against scikit-learn's
    ``GaussianMixture(covariance_type="spherical")`` from the same start."""
    from sklearn.mixture import GaussianMixture

    from helpers.course.data import load_old_faithful
    from helpers.exercises.mixture import gmm_log_likelihood

    faithful = load_old_faithful()
    Z = (faithful - faithful.mean(axis=0)) / faithful.std(axis=0)
    blobs, _ = _blobs(300, 3, seed=9, std=1.0)
    cases = [
        ("Old Faithful, standardised, k=2", Z, Z[[0, 1]]),
        ("three blobs, k=3", blobs, blobs[:3]),
    ]

    def call(f, case):
        return f(case[1], case[2].copy(), n_iter=500, tol=1e-12, reg=1e-6)

    def compare(case, result):
        name, X, means = case
        if not isinstance(result, tuple) or len(result) != 2:
            fail(name, "expected (params, log_likelihoods)")
        params, history = result
        k, d = means.shape
        variance = ((X - X.mean(axis=0)) ** 2).sum() / X.size + 1e-6
        sk = GaussianMixture(
            k,
            covariance_type="spherical",
            means_init=means,
            weights_init=np.full(k, 1 / k),
            precisions_init=np.full(k, 1 / variance),
            reg_covar=1e-6,
            tol=1e-12,
            max_iter=2000,
        ).fit(X)
        cov = np.asarray(params["covariances"])
        if cov.shape != (k, d, d):
            fail(name, f"covariances have shape {cov.shape}, expected {(k, d, d)}")
        if np.any(history[1:] < np.asarray(history[:-1]) - 1e-12):
            fail(name, "the log-likelihood went down between two iterations")
        same_array(
            name,
            "the final log-likelihood",
            gmm_log_likelihood(X, params),
            sk.score(X),
            atol=1e-6,
            rtol=0,
        )

    return run_checks("spherical EM", fn, cases, compare,
                      mistakes=MISTAKES["my_em_spherical_each"], call=call)


# ================================================================== 14 · scaling out
def tree_reduce(parts, add):
    """Reference: add neighbours in pairs, then pairs of pairs, down to one (an odd part
    waits for the next round)."""
    parts = list(parts)
    while len(parts) > 1:
        paired = [add(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
        parts = paired + parts[len(paired) * 2 :]
    return parts[0]


def check_tree_reduce(fn):
    """``tree_reduce(parts, add)``: pairs first, then pairs of pairs, ..., down to one."""
    rng = np.random.RandomState(0)
    cases = [
        (f"{m} chunk results", [rng.normal(size=(3, 2)) for _ in range(m)]) for m in (1, 2, 5, 8)
    ]

    class Part:  # a chunk result that remembers how many rounds of additions made it
        def __init__(self, value, rounds=0):
            self.value, self.rounds = value, rounds

        def __add__(self, other):
            other = other if isinstance(other, Part) else Part(other)
            return Part(self.value + other.value, max(self.rounds, other.rounds) + 1)

        __radd__ = __add__

        def __eq__(self, other):  # (the checker compares a learner's result with a mistake's)
            return (isinstance(other, Part) and self.rounds == other.rounds
                    and np.array_equal(self.value, other.value))

        __hash__ = None

    def call(f, case):
        return f([Part(p) for p in case[1]], lambda a, b: a + b)

    def compare(case, got):
        name, parts = case
        if not isinstance(got, Part):
            fail(name, "expected the sum of the parts, made with add")
        same_array(name, "the sum", got.value, np.sum(parts, axis=0), atol=1e-12)
        levels = got.rounds
        want = int(np.ceil(np.log2(len(parts))))
        if levels != want:
            fail(name, f"the sum took {levels} rounds of additions, expected {want} (add in pairs)")

    return run_checks("tree reduce", fn, cases, compare, mistakes=MISTAKES["my_tree_reduce"],
                      call=call)


# ================================================================== 15 · any array library
def onehot_sums(X, labels, k):
    """Reference: the per-cluster sums of the rows of ``X``, shape (k, d), from the array API
    standard alone: a one-hot (n, k) matrix of the labels, transposed, times X."""
    from array_api_compat import array_namespace

    xp = array_namespace(X, labels)
    onehot = xp.astype(labels[:, None] == xp.arange(k)[None, :], X.dtype)  # (n, k)
    return onehot.T @ X


def check_onehot_sums(fn):
    """``onehot_sums(X, labels, k)`` on NumPy and on ``array_api_strict`` arrays."""
    import array_api_strict as xp_strict

    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3))
    labels = rng.randint(0, 4, size=40)
    labels[labels == 2] = 3  # cluster 2 empty: its row of sums is 0
    cases = [
        ("NumPy, 40 x 3, k=4, cluster 2 empty", X, labels, 4),
        ("array_api_strict, the same arrays", xp_strict.asarray(X), xp_strict.asarray(labels), 4),
        ("NumPy, 7 x 2, k=7: one point per cluster", X[:7, :2], np.arange(7), 7),
    ]

    def compare(case, got):
        name, data, lab, k = case
        try:
            got = np.from_dlpack(got) if not isinstance(got, np.ndarray) else got
        except (TypeError, AttributeError, BufferError, RuntimeError):
            fail(name, f"expected an array of the input's library, got {type(got).__name__}")
        want = np.from_dlpack(onehot_sums(data, lab, k))
        same_array(name, "the sums", got, want, atol=1e-12)

    return run_checks("per-cluster sums", fn, cases, compare, mistakes=MISTAKES["my_onehot_sums"])
