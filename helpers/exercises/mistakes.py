"""Typical mistakes, one small function each, for every exercise of the course.

A checker names a mistake only when the mistake gives exactly the learner's answer on the
case that failed (``helpers.exercises.pattern``), so a message never points to a cause
that is not the cause. ``tests/exercises`` hold every checker to naming each of its
mistakes; ``python3 run.py store --mistakes`` runs every notebook with the first mistake of
each exercise written in place of the stub, to show that a wrong answer never stops the
course. ``MISTAKES`` maps an exercise's stub name to its mistakes.
"""

from __future__ import annotations

import numpy as np

from helpers.exercises.pattern import Mistake


def _sq(X, C):
    return ((np.asarray(X, float)[:, None, :] - np.asarray(C, float)[None, :, :]) ** 2).sum(axis=2)


def _pairwise(X):
    X = np.asarray(X, dtype=float)
    return np.sqrt(((X[:, None] - X[None]) ** 2).sum(axis=2))


# ================================================================== any exercise
def forgot_return(*args, **kwargs):
    """A measurement exercise that measures but forgets its ``return``."""
    return None


# ================================================================== 01 · you write K-Means
def init_with_replacement(X, k, rng):
    return X[rng.randint(0, len(X), size=k)]  # the same row can come twice


def init_first_rows(X, k, rng):
    return X[:k].copy()  # not random at all


def init_indices(X, k, rng):
    return rng.choice(len(X), k, replace=False)  # the row numbers, not the rows


def assign_argmax(X, centroids):
    return np.argmax(_sq(X, centroids), axis=1)  # the farthest centroid


def assign_wrong_axis(X, centroids):
    return np.argmin(_sq(X, centroids), axis=0)  # the nearest point of every centroid


def assign_float_labels(X, centroids):
    d = _sq(X, centroids)
    return (d == d.min(axis=1, keepdims=True)).argmax(axis=1) * 1.0  # floats, not integers


def update_nan_for_empty(X, labels, centroids):
    return np.array([X[labels == j].mean(axis=0) for j in range(len(centroids))])


def update_in_place(X, labels, centroids):
    for j in range(len(centroids)):  # writes into the caller's array
        if (labels == j).any():
            centroids[j] = X[labels == j].mean(axis=0)
    return centroids


def update_sums(X, labels, centroids):
    new = np.array(centroids, dtype=float)
    for j in range(len(new)):
        if (labels == j).any():
            new[j] = X[labels == j].sum(axis=0)  # the sum, not the mean
    return new


def update_wrong_axis(X, labels, centroids):
    new = np.array(centroids, dtype=float)
    for j in range(len(new)):
        if (labels == j).any():
            new[j] = X[labels == j].mean(axis=1)  # averages each point's features
    return new


def _loop_parts():
    from helpers.exercises.write_kmeans import update_keeping_empty
    from helpers.kmeans import assign

    return assign, update_keeping_empty


def kmeans_no_stop(X, centroids, max_iter=100):
    assign, update = _loop_parts()
    labels = assign(X, centroids)
    for _ in range(max_iter):  # never checks whether the labels changed
        labels = assign(X, centroids)
        centroids = update(X, labels, centroids)
    return centroids, labels, max_iter


def kmeans_labels_of_the_new_centroids(X, centroids, max_iter=100):
    assign, update = _loop_parts()
    labels, n_updates = assign(X, centroids), 0
    while n_updates < max_iter:
        centroids = update(X, labels, centroids)
        n_updates += 1
        new_labels = assign(X, centroids)  # assigns again after every update, also the last
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
    return centroids, new_labels if n_updates else labels, n_updates


def kmeans_one_update(X, centroids, max_iter=100):
    assign, update = _loop_parts()
    labels = assign(X, centroids)
    return update(X, labels, centroids), labels, 1  # the loop stops after its first pass


def kmeans_counts_passes(X, centroids, max_iter=100):
    assign, update = _loop_parts()
    labels, passes = None, 0
    while passes < max_iter:
        new_labels = assign(X, centroids)
        passes += 1  # counts the assignment that found nothing changed as an update
        if labels is not None and np.array_equal(new_labels, labels):
            break
        labels = new_labels
        centroids = update(X, labels, centroids)
    return centroids, labels, passes


def poor_starts_best_of_ten(X, k, seeds, threshold):
    from helpers.kmeans import inertia, kmeans

    return sum(inertia(X, *kmeans(X, k, init="random", tol=0, seed=s)) > threshold for s in seeds)


def poor_starts_below(X, k, seeds, threshold):
    from helpers.kmeans import inertia, kmeans

    runs = (kmeans(X, k, init="random", n_init=1, tol=0, seed=s) for s in seeds)
    return sum(inertia(X, *run) < threshold for run in runs)  # counts the good ones


# ================================================================== 02 · watch it converge
def tol_norm_not_squared(X, centroids, tol, max_iter=100):
    from helpers.exercises.chapters import kmeans_tol

    return kmeans_tol(X, centroids, tol**2, max_iter)  # sqrt(sum) <= tol: sum <= tol ** 2


def tol_largest_shift(X, centroids, tol, max_iter=100):
    from helpers.exercises.chapters import tolerance_loop_largest_shift

    return tolerance_loop_largest_shift(X, centroids, tol, max_iter)


def tol_stops_before_the_update(X, centroids, tol, max_iter=100):
    from helpers.exercises.chapters import tolerance_loop

    return tolerance_loop(X, centroids, tol, max_iter, keep_last=False)


def iterations_counting_updates(X, k, seeds):
    from helpers.kmeans import kmeans_steps

    return np.array([len(kmeans_steps(X, k, init="random", seed=s)) - 1 for s in seeds])


def iterations_kmeans_pp(X, k, seeds):
    from helpers.kmeans import kmeans_steps

    return np.array([len(kmeans_steps(X, k, seed=s)) for s in seeds])  # k-means++, not random


def empty_region_rows(X, k):
    return X[:k].copy()  # every centroid sits on a point: its region holds that point


def empty_region_too_few(X, k):
    return np.vstack([X[: k - 2], X.max(axis=0) + 100.0])  # one centroid short


# ================================================================== 03 · features
def standardise_by_variance(X):
    X = np.asarray(X, dtype=float)
    mean, scale = X.mean(axis=0), X.var(axis=0)  # the variance, not its square root
    scale = np.where(scale > 0, scale, 1.0)
    return (X - mean) / scale, mean, scale


def standardise_whole_array(X):
    X = np.asarray(X, dtype=float)
    mean, scale = X.mean(), X.std()  # one mean and spread for all features together
    return (X - mean) / scale, np.full(X.shape[1], mean), np.full(X.shape[1], scale)


def standardise_constant_nan(X):
    X = np.asarray(X, dtype=float)
    mean, scale = X.mean(axis=0), X.std(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (X - mean) / scale, mean, scale  # 0 / 0 for a constant feature


def profile_overall_spread(X, labels):
    from helpers.exercises.features import profile

    means, _ = profile(X, labels)
    return means, np.tile(np.asarray(X, float).std(axis=0), (len(means), 1))  # the data's spread


def profile_sample_std(X, labels):
    X, labels = np.asarray(X, dtype=float), np.asarray(labels)
    k = labels.max() + 1
    means = np.array([X[labels == j].mean(axis=0) for j in range(k)])
    with np.errstate(invalid="ignore", divide="ignore"):
        spreads = np.array([X[labels == j].std(axis=0, ddof=1) for j in range(k)])  # n - 1
    return means, spreads


# ================================================================== 04 · choosing k
def choices_gap_argmax(X, ks):
    from helpers.course.choosing_k import elbow, gap_statistic, inertia_curve

    gap, _ = gap_statistic(X, ks, n_refs=10, n_init=3, seed=0, progress=False)
    return int(ks[np.argmax(gap)]), elbow(ks, inertia_curve(X, ks, n_init=10, seed=0))


def choices_swapped(X, ks):
    from helpers.exercises.chapters import choices_on_noise

    gap_k, elbow_k = choices_on_noise(X, ks)
    return elbow_k, gap_k


def box_of_the_features(X, rng):
    return rng.uniform(X.min(axis=0), X.max(axis=0), size=X.shape)  # not the principal axes


def box_gaussian(X, rng):
    mean = X.mean(axis=0)
    _, _, axes = np.linalg.svd(X - mean, full_matrices=False)
    Z = (X - mean) @ axes.T
    return rng.normal(0, Z.std(axis=0), size=Z.shape) @ axes + mean  # normal, not uniform


# ================================================================== 05 · k-means++
def greedy_worst_candidate(X, k, seed=0, n_trials=None):
    from helpers.exercises.chapters import greedy_draws

    return greedy_draws(X, k, seed, n_trials, keep=np.argmax)  # the worst candidate kept


def greedy_d_not_squared(X, k, seed=0, n_trials=None):
    from helpers.exercises.chapters import greedy_draws

    return greedy_draws(X, k, seed, n_trials, weight=np.sqrt)  # drawn by D, not D^2


def power_of_squares(X, k, power, seed=0):
    return _power(X, k, power, seed, squared=True)


def power_first_centre_only(X, k, power, seed=0):
    return _power(X, k, power, seed, running=False)


def _power(X, k, power, seed, squared=False, running=True):
    rng = np.random.RandomState(seed)
    n = len(X)
    centres = [X[rng.randint(n)]]
    dist = ((X - centres[0]) ** 2).sum(axis=1)
    closest = dist if squared else np.sqrt(dist)  # squared: D^(2p), not D^p
    for _ in range(1, k):
        w = closest**power
        centres.append(X[rng.choice(n, p=w / w.sum())])
        if running:
            d = ((X - centres[-1]) ** 2).sum(axis=1)
            closest = np.minimum(closest, d if squared else np.sqrt(d))
    return np.array(centres)


def hard_case_separated_blobs():
    rng = np.random.RandomState(0)  # three equal, well separated blobs: k-means++ finds them
    X = np.vstack([rng.normal(c, 0.5, (100, 2)) for c in ([0, 0], [20, 0], [0, 20])])
    return X, np.repeat([0, 1, 2], 100), 3


def hard_case_no_labels():
    X, _, k = hard_case_separated_blobs()
    return X, k  # forgot the true labels y


# ================================================================== 06 · when K-Means fails
def merge_with_kmeans(X, k_big, k_final, seed=0):
    from helpers.kmeans import kmeans

    centroids, labels = kmeans(X, k_big, n_init=10, seed=seed)
    merged = kmeans(centroids, k_final, n_init=10, seed=seed)[1]  # K-Means again: round groups
    return merged[labels]


def merge_not_merged(X, k_big, k_final, seed=0):
    from helpers.kmeans import kmeans

    return kmeans(X, k_big, n_init=10, seed=seed)[1]  # stops before merging


def radius_kmeans_on_points(X, seed=0):
    from helpers.kmeans import kmeans

    return kmeans(X, 2, n_init=10, seed=seed)[1]  # the points, not their radii


def radius_kmeans_on_angle(X, seed=0):
    from helpers.kmeans import kmeans

    centred = X - X.mean(axis=0)
    angle = np.arctan2(centred[:, 1], centred[:, 0])  # the angle, not the radius
    return kmeans(angle[:, None], 2, n_init=10, seed=seed)[1]


def whiten_by_inverse(X, covariance):
    return X @ np.linalg.inv(covariance)  # the inverse, not its square root


def whiten_by_std(X, covariance):
    return X / np.sqrt(np.diag(covariance))  # scales each feature, keeps the correlation


# ================================================================== 07 · the silhouette
def silhouette_self_included(X, labels):
    D, labels = _pairwise(X), np.asarray(labels)
    s = np.zeros(len(D))
    for i in range(len(D)):
        own = labels == labels[i]
        a = D[i, own].mean()  # d(i, i) = 0 counted, divided by |A|
        b = min(D[i, labels == c].mean() for c in np.unique(labels) if c != labels[i])
        s[i] = (b - a) / max(a, b)
    return s


def silhouette_squared(X, labels):
    D, labels = _pairwise(X) ** 2, np.asarray(labels)  # squared distances
    s = np.zeros(len(D))
    for i in range(len(D)):
        own = labels == labels[i]
        if own.sum() == 1:
            continue
        a = D[i, own].sum() / (own.sum() - 1)
        b = min(D[i, labels == c].mean() for c in np.unique(labels) if c != labels[i])
        s[i] = (b - a) / max(a, b)
    return s


def silhouette_singleton_one(X, labels):
    D, labels = _pairwise(X), np.asarray(labels)
    s = np.zeros(len(D))
    for i in range(len(D)):
        own = labels == labels[i]
        a = D[i, own].sum() / max(own.sum() - 1, 1)  # a = 0 alone: s = 1, not 0
        b = min(D[i, labels == c].mean() for c in np.unique(labels) if c != labels[i])
        s[i] = (b - a) / max(a, b)
    return s


def simplified_nan_when_both_zero(X, labels, centroids):
    from helpers.exercises.chapters import silhouette_from_centroids

    return silhouette_from_centroids(np.sqrt(_sq(X, centroids)), labels, zero_when_both_zero=False)


def simplified_squared(X, labels, centroids):
    from helpers.exercises.chapters import silhouette_from_centroids

    return silhouette_from_centroids(_sq(X, centroids), labels)  # squared distances


# ================================================================== 08 · digits
def accuracy_by_majority(labels_true, labels_pred):
    from helpers.metrics import purity

    return purity(labels_true, labels_pred)  # every cluster named after its majority


def accuracy_minimised(labels_true, labels_pred):
    from scipy.optimize import linear_sum_assignment

    from helpers.metrics import contingency_table

    table = contingency_table(labels_true, labels_pred)
    rows, cols = linear_sum_assignment(table)  # minimises: the worst matching
    return table[rows, cols].sum() / table.sum()


# ================================================================== 09 · judging a clustering
def ch_without_degrees_of_freedom(X, labels):
    X, labels = np.asarray(X, float), np.asarray(labels)
    mean = X.mean(axis=0)
    between = within = 0.0
    for c in np.unique(labels):
        members = X[labels == c]
        between += len(members) * ((members.mean(axis=0) - mean) ** 2).sum()
        within += ((members - members.mean(axis=0)) ** 2).sum()
    return between / within  # forgot (n - k) / (k - 1)


def ch_inverted(X, labels):
    from helpers.metrics import calinski_harabasz_score

    return 1.0 / calinski_harabasz_score(X, labels)  # within over between


# ================================================================== 10 · image compression
def quantize_float(image, k):
    from helpers.kmeans import kmeans

    C, labels = kmeans(image.reshape(-1, 3).astype(float), k, seed=0)
    return C[labels].reshape(image.shape), C  # floats: 8 bytes per channel


def quantize_random_palette(image, k):
    from helpers.kmeans import assign

    pixels = image.reshape(-1, 3)
    palette = pixels[np.random.RandomState(0).choice(len(pixels), k, replace=False)]
    return palette[assign(pixels, palette)].reshape(image.shape), palette  # no K-Means


def lab_without_gamma(rgb):
    return _lab(rgb, gamma=False)


def lab_without_white(rgb):
    return _lab(rgb, white=False)


def _lab(rgb, gamma=True, white=True):
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4) if gamma else c
    M = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = linear @ M.T / (np.array([0.95047, 1.0, 1.08883]) if white else 1.0)
    eps = (6 / 29) ** 3
    f = np.where(xyz > eps, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    L = 116 * f[..., 1] - 16
    return np.stack([L, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


# ================================================================== 11 · mini-batch
def minibatch_every_centre(centroids, counts, batch):
    from helpers.engine import cluster_sums
    from helpers.kmeans import assign

    C, v = np.asarray(centroids, float), np.asarray(counts, float)
    labels = assign(batch, C)
    m = np.bincount(labels, minlength=len(C)).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):  # (v c + S) / (v + m) for all
        new = (v[:, None] * C + cluster_sums(batch, labels, len(C))) / (v + m)[:, None]
    return new, v + m


def minibatch_batch_mean(centroids, counts, batch):
    from helpers.kmeans import assign

    C, v = np.array(centroids, float), np.asarray(counts, float)
    labels = assign(batch, C)
    m = np.bincount(labels, minlength=len(C)).astype(float)
    for j in np.flatnonzero(m):
        C[j] = batch[labels == j].mean(axis=0)  # forgets the points seen before
    return C, v + m


def reassign_below_mean(centroids, counts, batch, rng, ratio=0.01):
    return _reassign(centroids, counts, batch, rng, ratio, against=np.mean)


def reassign_keeps_count(centroids, counts, batch, rng, ratio=0.01):
    return _reassign(centroids, counts, batch, rng, ratio, new_count=False)


def _reassign(centroids, counts, batch, rng, ratio, against=np.max, new_count=True):
    from helpers.exercises.minibatch import minibatch_update

    centroids, counts = minibatch_update(centroids, counts, batch)
    low = np.flatnonzero(counts < ratio * against(counts))
    others = np.delete(counts, low)
    for j in low:
        d2 = _sq(batch, centroids).min(axis=1)
        centroids[j] = batch[rng.choice(len(batch), p=d2 / d2.sum())]
        if new_count and len(others):
            counts[j] = others.min()
    return centroids, counts


# ================================================================== 12 · soft assignment
def soft_max_wrong_axis(X, centroids, beta):
    logits = -beta * _sq(X, centroids)
    logits -= logits.max(axis=0, keepdims=True)  # each centroid's largest, not each point's
    with np.errstate(invalid="ignore", over="ignore"):
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)


def soft_not_squared(X, centroids, beta):
    logits = -beta * np.sqrt(_sq(X, centroids))  # distances, not squared distances
    logits -= logits.max(axis=1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)


def soft_no_shift(X, centroids, beta):
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        e = np.exp(-beta * _sq(X, centroids))  # underflows to 0 / 0 for a large beta
        return e / e.sum(axis=1, keepdims=True)


def anneal_rng_in_loop(X, centroids, betas, jitter=1e-3, seed=0):
    from helpers.exercises.mixture import soft_kmeans

    centroids = np.asarray(centroids, dtype=float)
    for beta in betas:
        rng = np.random.RandomState(seed)  # made anew every time: the same nudge each beta
        centroids, _ = soft_kmeans(X, centroids + jitter * rng.normal(size=centroids.shape), beta,
                                   n_iter=50)
    return centroids


def anneal_from_the_start(X, centroids, betas, jitter=1e-3, seed=0):
    from helpers.exercises.mixture import soft_kmeans

    rng = np.random.RandomState(seed)
    start = np.asarray(centroids, dtype=float)
    for beta in betas:  # every beta from the first start: nothing is carried over
        centroids, _ = soft_kmeans(X, start + jitter * rng.normal(size=start.shape), beta,
                                   n_iter=50)
    return centroids


def em_one_shared_variance(X, means, n_iter=500, tol=1e-12, reg=1e-6):
    from helpers.exercises.mixture import em_gmm

    return em_gmm(X, means, covariance="spherical", n_iter=n_iter, tol=tol, reg=reg)


def em_variance_not_per_feature(X, means, n_iter=500, tol=1e-12, reg=1e-6):
    from helpers.exercises.chapters import em_spherical_variances

    return em_spherical_variances(X, means, n_iter, tol, reg, per_feature=False)


def bic_mean_likelihood(mean_log_likelihood, n, k, d, covariance):
    from helpers.exercises.chapters import n_parameters

    return -2 * mean_log_likelihood + n_parameters(k, d, covariance) * np.log(n)  # not times n


def bic_forgot_weights(mean_log_likelihood, n, k, d, covariance):
    from helpers.exercises.chapters import n_parameters

    p = n_parameters(k, d, covariance) - (k - 1)  # the k - 1 free weights not counted
    return -2 * n * mean_log_likelihood + p * np.log(n)


# ================================================================== 14 · scaling out
def reduce_in_a_row(parts, add):
    total = parts[0]
    for part in parts[1:]:  # one after another: m - 1 rounds, not log2(m)
        total = add(total, part)
    return total


def reduce_drops_the_odd_one(parts, add):
    parts = list(parts)
    while len(parts) > 1:
        parts = [add(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
    return parts[0]


# ================================================================== 15 · any array library
def onehot_means(X, labels, k):
    from array_api_compat import array_namespace

    xp = array_namespace(X, labels)
    onehot = xp.astype(labels[:, None] == xp.arange(k)[None, :], X.dtype)
    counts = xp.sum(onehot, axis=0)
    return (onehot.T @ X) / xp.where(counts > 0, counts, 1.0)[:, None]  # means, not sums


def onehot_counts(X, labels, k):
    from array_api_compat import array_namespace

    xp = array_namespace(X, labels)
    onehot = xp.astype(labels[:, None] == xp.arange(k)[None, :], X.dtype)
    return onehot.T @ xp.ones_like(X)  # how many points, in every column


# ============================================================================ registry
MISTAKES = {
    "my_init_centroids": [
        Mistake("drawn with replacement", "Draw k different rows: "
                "rng.choice(n, k, replace=False) never gives the same row twice.",
                init_with_replacement),
        Mistake("the first k rows", "Draw the rows at random with rng, as the course text does.",
                init_first_rows),
        Mistake("row numbers instead of rows", "Index X with the numbers you drew: X[idx].",
                init_indices),
    ],
    "my_assign": [
        Mistake("argmax instead of argmin", "The nearest centroid has the smallest distance: "
                "np.argmin.", assign_argmax),
        Mistake("the argmin over the wrong axis", "The (n, k) distances need their argmin "
                "over the centroids, axis=1, one per point.", assign_wrong_axis),
        Mistake("labels as floats", "Return np.argmin's integers as they are.",
                assign_float_labels),
    ],
    "my_update": [
        Mistake("the mean of an empty cluster (NaN)", "Give a centroid without points its old "
                "position: check (labels == j).any() before taking the mean.",
                update_nan_for_empty),
        Mistake("the centroids changed in place", "Start from a copy, new = centroids.copy(), "
                "and write the means into it.", update_in_place),
        Mistake("the sum instead of the mean", "Divide by the number of points: .mean(axis=0).",
                update_sums),
        Mistake("the mean over the wrong axis", "Average the points of a cluster, axis=0, not "
                "the features of each point.", update_wrong_axis),
    ],
    "my_kmeans": [
        Mistake("no stopping rule", "Keep the previous labels and stop as soon as a new "
                "assignment equals them (np.array_equal).", kmeans_no_stop),
        Mistake("a loop that stops after one update", "Repeat assign and update until the "
                "assignment stops changing.", kmeans_one_update),
        Mistake("the last, unchanged assignment counted as an update", "Count only the "
                "updates made: the final assignment finds nothing to change.",
                kmeans_counts_passes),
        Mistake("the labels of the final centroids, not the assignment the last update used",
                "Return the labels the last update averaged; at max_iter they can differ from "
                "a new assignment of the final centroids.", kmeans_labels_of_the_new_centroids),
    ],
    "my_count_poor_starts": [
        Mistake("the best of 10 starts", "helpers.kmeans keeps the best of n_init=10 starts by "
                "default: pass n_init=1 for a single start.", poor_starts_best_of_ten),
        Mistake("the good runs counted", "Count the runs whose inertia is above the threshold.",
                poor_starts_below),
    ],
    "my_kmeans_tol": [
        Mistake("the length of the shift, not its square", "Compare the sum of the squared "
                "shifts, np.sum((new - old) ** 2), with tol.", tol_norm_not_squared),
        Mistake("the last update dropped", "Count and keep the update whose shift was small "
                "enough, then stop.", tol_stops_before_the_update),
        Mistake("the largest shift, not the sum", "Add up the squared shifts of all the "
                "centroids: np.sum((new - old) ** 2).", tol_largest_shift),
    ],
    "my_iterations_per_seed": [
        Mistake("the updates counted, not the iterations", "Every step of kmeans_steps is an "
                "iteration, the last one included: len(steps).", iterations_counting_updates),
        Mistake("k-means++ starts", "kmeans_steps starts with k-means++ by default: pass "
                "init=\"random\".", iterations_kmeans_pp),
    ],
    "my_empty_region_start": [
        Mistake("centroids on points", "A centroid on a point always wins that point: put one "
                "where every point has a nearer centroid.", empty_region_rows),
        Mistake("one centroid short", "Return k centroids.", empty_region_too_few),
    ],
    "my_standardise": [
        Mistake("divided by the variance", "Divide by the standard deviation, the variance's "
                "square root: X.std(axis=0).", standardise_by_variance),
        Mistake("one mean and spread for all features", "Standardise every feature (column) "
                "on its own: axis=0.", standardise_whole_array),
        Mistake("0 / 0 for a constant feature", "A feature that never varies has spread 0: "
                "keep it, divided by 1.", standardise_constant_nan),
    ],
    "my_profile": [
        Mistake("the spread of all the data", "Take each cluster's own spread, over its "
                "points only.", profile_overall_spread),
        Mistake("the sample standard deviation (n - 1)", "Use NumPy's default, ddof=0, as "
                "the reference does.", profile_sample_std),
    ],
    "my_choices_on_noise": [
        Mistake("the largest gap", "Tibshirani's rule: the smallest k whose gap is within one "
                "standard error of the next k's (gap_choice).", choices_gap_argmax),
        Mistake("the two answers swapped", "Return (gap statistic's k, elbow's k).",
                choices_swapped),
    ],
    "my_pca_box_reference": [
        Mistake("the box of the features", "Rotate onto the principal axes first (the SVD of "
                "the centred data), draw there, rotate back.", box_of_the_features),
        Mistake("normal draws", "Draw uniformly in the box: rng.uniform(low, high).",
                box_gaussian),
    ],
    "my_choices_by_spread": [Mistake("no return", "Return the dict.", forgot_return)],
    "my_greedy_kmeans_pp": [
        Mistake("the worst candidate kept", "Keep the candidate that leaves the smallest total "
                "squared distance (np.argmin).", greedy_worst_candidate),
        Mistake("draws by D, not D^2", "Draw candidates in proportion to the squared "
                "distance.", greedy_d_not_squared),
    ],
    "my_power_init": [
        Mistake("D^(2p) instead of D^p", "Raise the distance, not its square, to the power.",
                power_of_squares),
        Mistake("the distance to the first centroid only", "Keep a running minimum over every "
                "centroid chosen so far.", power_first_centre_only),
    ],
    "my_hard_case": [
        Mistake("well separated, equal blobs", "k-means++ finds those: make one blob hold "
                "most of the points and spread wide, the others small and far.",
                hard_case_separated_blobs),
        Mistake("no labels returned", "Return (X, y, k).", hard_case_no_labels),
    ],
    "my_ari_by_eps": [Mistake("no return", "Return the list of scores.", forgot_return)],
    "my_scores_by_k": [Mistake("no return", "Return the dict of scores.", forgot_return)],
    "my_over_cluster_then_merge": [
        Mistake("centroids merged by K-Means", "Merge with single linkage (scipy's linkage and "
                "fcluster): K-Means would make round groups again.", merge_with_kmeans),
        Mistake("no merge", "Merge the k_big clusters down to k_final.", merge_not_merged),
    ],
    "my_radius_kmeans": [
        Mistake("K-Means on the points", "Cluster each point's distance from the centre, an "
                "(n, 1) array.", radius_kmeans_on_points),
        Mistake("the angle, not the radius", "Use the distance from the centre.",
                radius_kmeans_on_angle),
    ],
    "my_whiten": [
        Mistake("the inverse covariance", "Multiply by its inverse square root: "
                "V diag(1/sqrt(values)) V^T.", whiten_by_inverse),
        Mistake("each feature divided by its spread", "Standardising keeps the correlation: "
                "use the whole covariance.", whiten_by_std),
    ],
    "my_silhouette_samples": [
        Mistake("a(i) divided by |A|, the point itself counted", "Divide the sum of distances "
                "to the other points of the cluster by |A| - 1.", silhouette_self_included),
        Mistake("squared distances", "The silhouette uses plain Euclidean distances.",
                silhouette_squared),
        Mistake("1 for a point alone in its cluster", "A sample alone in its cluster scores 0 "
                "by definition.", silhouette_singleton_one),
    ],
    "my_simplified_silhouette": [
        Mistake("0 / 0 where both distances are 0", "Where a(i) = b(i) = 0, s(i) is 0.",
                simplified_nan_when_both_zero),
        Mistake("squared distances", "Use distances to the centroids, not their squares.",
                simplified_squared),
    ],
    "my_matched_accuracy": [
        Mistake("the majority shortcut (purity)", "Two clusters may not take the same class: "
                "match them one to one (linear_sum_assignment, maximize=True).",
                accuracy_by_majority),
        Mistake("the matching minimised", "linear_sum_assignment minimises: pass maximize=True.",
                accuracy_minimised),
    ],
    "my_calinski_harabasz": [
        Mistake("no degrees of freedom", "Multiply B / W by (n - k) / (k - 1).",
                ch_without_degrees_of_freedom),
        Mistake("W over B", "Between over within: B in the numerator.", ch_inverted),
    ],
    "my_quantize": [
        Mistake("a float image", "Round the palette to uint8 and build the image from it.",
                quantize_float),
        Mistake("a palette of random pixels", "Take the palette from K-Means' centroids.",
                quantize_random_palette),
    ],
    "my_rgb_to_lab": [
        Mistake("no gamma", "Linearise first: c / 12.92 below 0.04045, else "
                "((c + 0.055) / 1.055) ** 2.4.", lab_without_gamma),
        Mistake("no white point", "Divide X, Y, Z by the white point (0.95047, 1, 1.08883).",
                lab_without_white),
    ],
    "my_compare_with_pillow": [Mistake("no return", "Return the pair.", forgot_return)],
    "my_minibatch_update": [
        Mistake("every centroid updated, empty ones too", "Update only the centroids that "
                "got batch points: with v = m = 0 the formula is 0 / 0.", minibatch_every_centre),
        Mistake("the batch mean replaces the centroid", "Weigh the old centroid by its count: "
                "(v c + S) / (v + m).", minibatch_batch_mean),
    ],
    "my_overlap_agreement": [Mistake("no return", "Return the dict.", forgot_return)],
    "my_finish_with_lloyd": [Mistake("no return", "Return the list.", forgot_return)],
    "my_update_with_reassignment": [
        Mistake("starved below the mean count", "Compare with ratio times the largest count.",
                reassign_below_mean),
        Mistake("the moved centroid keeps its count", "Give it the smallest count of the others.",
                reassign_keeps_count),
    ],
    "my_plateau": [Mistake("no return", "Return the pair.", forgot_return)],
    "my_soft_assign": [
        Mistake("the maximum taken over the wrong axis", "Subtract each point's largest logit: "
                "max over axis=1, keepdims=True.", soft_max_wrong_axis),
        Mistake("distances, not squared distances", "Use squared distances in the logits.",
                soft_not_squared),
        Mistake("no shift before exp()", "Subtract each row's largest logit before exp(), or a "
                "large beta underflows to 0 / 0.", soft_no_shift),
    ],
    "my_anneal": [
        Mistake("a new RandomState at every beta", "Make one RandomState(seed) before the loop: "
                "made inside, it gives the same nudge at every beta.", anneal_rng_in_loop),
        Mistake("every beta from the first start", "Start each beta where the last one "
                "ended.", anneal_from_the_start),
    ],
    "my_em_spherical_each": [
        Mistake("one variance shared by all components", "Give each component its own "
                "variance, from its own responsibilities.", em_one_shared_variance),
        Mistake("the variance not divided by d", "sigma_j^2 is per feature: divide the "
                "weighted squared distances by d N_j.", em_variance_not_per_feature),
    ],
    "my_bic": [
        Mistake("the mean log-likelihood, not the total", "Multiply the mean by n: "
                "-2 n ll + p log n.", bic_mean_likelihood),
        Mistake("the weights not counted", "Count k - 1 free weights among the parameters.",
                bic_forgot_weights),
    ],
    "my_time_parts": [Mistake("no return", "Return the dict.", forgot_return)],
    "my_block_sweep": [Mistake("no return", "Return the dict.", forgot_return)],
    "my_numba_assign": [Mistake("no return", "Return the labels.", forgot_return)],
    "my_chunk_sizes": [Mistake("no return", "Return the dict.", forgot_return)],
    "my_rounds_quality": [Mistake("no return", "Return the dict.", forgot_return)],
    "my_onehot_sums": [
        Mistake("the means, not the sums", "Return the sums: the update divides by the counts "
                "later.", onehot_means),
        Mistake("the counts in every column", "Multiply the one-hot matrix by X itself, not by "
                "ones.", onehot_counts),
    ],
    "my_tree_reduce": [
        Mistake("one after another", "Add neighbours in pairs, then pairs of pairs.",
                reduce_in_a_row),
        Mistake("the odd part dropped", "With an odd number of parts, carry the last one to "
                "the next round.", reduce_drops_the_odd_one),
    ],
    "my_torch_parts": [Mistake("no return", "Return the dict.", forgot_return)],
}
MISTAKES["my_silhouette_vectorised"] = MISTAKES["my_silhouette_samples"]


def as_learners(stub: str):
    """The first typical mistake of exercise ``stub``, under the stub's name (as a learner's
    function would be): ``python3 run.py store --mistakes`` writes it in place of the stub."""
    import functools

    mistake = MISTAKES[stub][0].fn

    @functools.wraps(mistake)
    def learners(*args, **kwargs):
        return mistake(*args, **kwargs)

    learners.__name__ = learners.__qualname__ = stub
    return learners
