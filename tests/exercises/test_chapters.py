"""Every chapter checker accepts a right answer, names the case of a typical wrong one, and
lists its cases (returning False) while the learner's function is still a stub."""

import numpy as np
import pytest

import helpers
from helpers.exercises import chapters as ch
from helpers.exercises.pattern import CheckFailed


def stub(*args, **kwargs):
    raise NotImplementedError


# ------------------------------------------------------------- right answers not in chapters.py
def empty_region_start(X, k):
    far = X.max(axis=0) + 100.0  # one centroid far from every point: its region is empty
    return np.vstack([X[: k - 1], far])


def pca_box_reference(X, rng):
    mean = X.mean(axis=0)
    _, _, axes = np.linalg.svd(X - mean, full_matrices=False)
    Z = (X - mean) @ axes.T
    return rng.uniform(Z.min(axis=0), Z.max(axis=0), size=Z.shape) @ axes + mean


def hard_case():
    rng = np.random.RandomState(0)  # one huge wide blob and two tiny tight ones
    X = np.vstack([rng.normal(0, 10, (2000, 2)), rng.normal([60, 0], 0.1, (5, 2)),
                   rng.normal([0, 60], 0.1, (5, 2))])
    return X, np.repeat([0, 1, 2], [2000, 5, 5]), 3


def bic(mean_ll, n, k, d, covariance):
    return -2 * n * mean_ll + ch.n_parameters(k, d, covariance) * np.log(n)


def tree_reduce(parts, add):
    parts = list(parts)
    while len(parts) > 1:
        paired = [add(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
        parts = paired + parts[len(paired) * 2:]
    return parts[0]


def choices_on_noise(X, ks):
    return ch.choices_on_noise(X, ks)


def em_spherical_each(X, means, n_iter=500, tol=1e-12, reg=1e-6):
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
        sigma2 = np.array([r[:, j] @ ((X - means[j]) ** 2).sum(axis=1) for j in range(k)]) / (d * N) + reg
        params = {"weights": N / n, "means": means, "covariances": sigma2[:, None, None] * np.eye(d)}
    return params, history


# ------------------------------------------------------------------------- typical mistakes
def poor_starts_best_of_ten(X, k, seeds, threshold):  # forgot n_init=1: the best of 10 starts
    return sum(helpers.inertia(X, *helpers.kmeans(X, k, init="random", tol=0, seed=s)) > threshold
               for s in seeds)


def tol_on_labels(X, k, tol, seed, max_iter=100):  # stops when the labels repeat, ignores tol
    centroids, labels = helpers.kmeans(X, k, init="random", seed=seed, tol=0, max_iter=max_iter)
    return centroids, labels, len(helpers.kmeans_steps(X, k, init="random", seed=seed, tol=0))


def iterations_plus_one(X, k, seeds):  # counts one step too many
    return ch.iterations_per_seed(X, k, seeds) + 1


def start_on_data_points(X, k):  # every region holds its own point
    return X[:k].copy()


def box_of_the_raw_axes(X, rng):  # the box of the original axes, not the principal ones
    return rng.uniform(X.min(axis=0), X.max(axis=0), size=X.shape)


def greedy_without_pots(X, k, seed=0, n_trials=None):  # picks the first candidate, no greed
    return ch.greedy_kmeans_pp(X, k, seed, n_trials=1)


def power_on_squared(X, k, power, seed=0):  # D(x)^2 to the power: twice the exponent
    return ch.power_init(X, k, 2 * power, seed)


def easy_case():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal([0, 0], 0.1, (50, 2)), rng.normal([20, 0], 0.1, (50, 2))])
    return X, np.repeat([0, 1], 50), 2


def merge_by_kmeans(X, k_big, k_final, seed=0):  # K-Means with k_final directly
    return helpers.kmeans(X, k_final, n_init=10, seed=seed)[1]


def kmeans_on_xy(X, seed=0):  # K-Means in x, y: the failure the exercise is about
    return helpers.kmeans(X, 2, n_init=10, seed=seed)[1]


def whiten_by_cholesky(X, covariance):  # whitens too, but rotated: not the symmetric root
    return X @ np.linalg.inv(np.linalg.cholesky(covariance)).T


def silhouette_with_squares(X, labels, centroids):  # squared distances
    d = ((X[:, None] - centroids[None]) ** 2).sum(axis=2)
    rows = np.arange(len(X))
    a = d[rows, labels]
    d[rows, labels] = np.inf
    b = d.min(axis=1)
    return (b - a) / np.maximum(np.maximum(a, b), 1e-300)


def lab_without_gamma(rgb):  # skips the sRGB gamma: linear values taken as they are
    return ch.rgb_to_lab(np.asarray(rgb, float) ** (1 / 2.4) * 255 ** (1 - 1 / 2.4))


def reassign_uniformly(centroids, counts, batch, rng, ratio=0.01):  # no D^2 weights
    from helpers.exercises.minibatch import minibatch_update

    centroids, counts = minibatch_update(centroids, counts, batch)
    low = np.flatnonzero(counts < ratio * counts.max())
    for j in low:
        centroids[j] = batch[rng.randint(len(batch))]
    return centroids, counts


def anneal_from_the_start_each_time(X, centroids, betas, jitter=1e-3, seed=0):
    return ch.anneal(X, centroids, betas[-1:], jitter=jitter, seed=seed)


def bic_with_log10(mean_ll, n, k, d, covariance):
    return -2 * n * mean_ll + ch.n_parameters(k, d, covariance) * np.log10(n)


def bic_counting_every_weight(mean_ll, n, k, d, covariance):  # k weights, not k - 1
    return bic(mean_ll, n, k, d, covariance) + np.log(n)


def reduce_in_a_line(parts, add):  # m - 1 rounds
    total = parts[0]
    for p in parts[1:]:
        total = add(total, p)
    return total


def em_shared_variance(X, means, n_iter=500, tol=1e-12, reg=1e-6):
    from helpers.exercises.mixture import em_gmm

    return em_gmm(X, means, covariance="spherical", n_iter=n_iter, tol=tol, reg=reg)


def choices_swapped(X, ks):
    gap_k, elbow_k = ch.choices_on_noise(X, ks)
    return elbow_k, gap_k


def majority_shortcut(labels_true, labels_pred):  # every cluster takes its majority class
    from helpers.metrics import purity

    return purity(labels_true, labels_pred)


def calinski_harabasz_ratio(X, labels):  # B / W, without (n - k) / (k - 1)
    codes = np.unique(labels, return_inverse=True)[1].reshape(-1)
    X = np.asarray(X, float)
    means = np.array([X[codes == c].mean(axis=0) for c in range(codes.max() + 1)])
    between = (np.bincount(codes) * ((means - X.mean(axis=0)) ** 2).sum(axis=1)).sum()
    return between / ((X - means[codes]) ** 2).sum()


def matched_accuracy(labels_true, labels_pred):
    from scipy.optimize import linear_sum_assignment

    classes, row = np.unique(labels_true, return_inverse=True)
    clusters, col = np.unique(labels_pred, return_inverse=True)
    table = np.zeros((len(classes), len(clusters)))
    np.add.at(table, (row, col), 1)
    r, c = linear_sum_assignment(-table)
    return table[r, c].sum() / len(row)


CASES = {
    "count_poor_starts": (ch.check_count_poor_starts, ch.count_poor_starts, poor_starts_best_of_ten),
    "kmeans_tol": (ch.check_kmeans_tol, ch.kmeans_tol, tol_on_labels),
    "iterations_per_seed": (ch.check_iterations_per_seed, ch.iterations_per_seed, iterations_plus_one),
    "empty_region_start": (ch.check_empty_region_start, empty_region_start, start_on_data_points),
    "pca_box_reference": (ch.check_pca_box_reference, pca_box_reference, box_of_the_raw_axes),
    "choices_on_noise": (ch.check_choices_on_noise, choices_on_noise, choices_swapped),
    "greedy_kmeans_pp": (ch.check_greedy_kmeans_pp, ch.greedy_kmeans_pp, greedy_without_pots),
    "power_init": (ch.check_power_init, ch.power_init, power_on_squared),
    "hard_case": (ch.check_hard_case, hard_case, easy_case),
    "over_cluster_then_merge": (ch.check_over_cluster_then_merge, ch.over_cluster_then_merge, merge_by_kmeans),
    "radius_kmeans": (ch.check_radius_kmeans, ch.radius_kmeans, kmeans_on_xy),
    "whiten": (ch.check_whiten, ch.whiten, whiten_by_cholesky),
    "simplified_silhouette": (ch.check_simplified_silhouette, ch.simplified_silhouette, silhouette_with_squares),
    "rgb_to_lab": (ch.check_rgb_to_lab, ch.rgb_to_lab, lab_without_gamma),
    "update_with_reassignment": (ch.check_update_with_reassignment, ch.update_with_reassignment, reassign_uniformly),
    "anneal": (ch.check_anneal, ch.anneal, anneal_from_the_start_each_time),
    "em_spherical_each": (ch.check_em_spherical_each, em_spherical_each, em_shared_variance),
    "bic (log10)": (ch.check_bic, bic, bic_with_log10),
    "bic (k weights)": (ch.check_bic, bic, bic_counting_every_weight),
    "tree_reduce": (ch.check_tree_reduce, tree_reduce, reduce_in_a_line),
    "matched_accuracy": (ch.check_matched_accuracy, matched_accuracy, majority_shortcut),
    "calinski_harabasz": (ch.check_calinski_harabasz, helpers.calinski_harabasz_score,
                          calinski_harabasz_ratio),
}


@pytest.mark.parametrize("name", CASES)
def test_checker_accepts_a_right_answer(name, capsys):
    check, right, _ = CASES[name]
    assert check(right) is True
    assert "checks passed" in capsys.readouterr().out


@pytest.mark.parametrize("name", CASES)
def test_checker_names_the_case_of_a_typical_mistake(name):
    check, _, wrong = CASES[name]
    with pytest.raises(CheckFailed, match=r"^\[[^\]]+\] \S"):
        check(wrong)


@pytest.mark.parametrize("name", CASES)
def test_checker_lists_its_cases_while_the_function_is_a_stub(name, capsys):
    check, _, _ = CASES[name]
    assert check(stub) is False
    out = capsys.readouterr().out
    assert "is not written yet" in out and "\n  - " in out


def test_the_digits_checkers_say_what_the_typical_mistake_is():
    with pytest.raises(CheckFailed, match="majority-label shortcut"):
        ch.check_matched_accuracy(majority_shortcut)
    with pytest.raises(CheckFailed, match=r"multiply by \(n - k\) / \(k - 1\)"):
        ch.check_calinski_harabasz(calinski_harabasz_ratio)
