"""The exercise solutions (silhouette, quantize, mini-batch, soft assignment, EM) and their
checkers: against scikit-learn where it has the same thing, and against typical mistakes."""

import tracemalloc

import numpy as np
import pytest
from sklearn.cluster import MiniBatchKMeans
from sklearn.datasets import load_digits, load_iris, make_blobs
from sklearn.metrics import silhouette_samples as sk_silhouette_samples
from sklearn.mixture import GaussianMixture

import helpers
import helpers.blocks
from helpers.checkers import (
    CheckFailed,
    check_minibatch_update,
    check_quantize,
    check_silhouette,
    check_soft_assign,
)
from helpers.mixture import gmm_log_likelihood
from helpers.quantize import bits_per_pixel, png_bytes, psnr

# ---------------------------------------------------------------- silhouette


@pytest.mark.parametrize("name", ["course", "iris", "digits", "integer labels"])
def test_silhouette_equals_sklearn(name):
    X = {
        "course": helpers.course_data()[0],
        "iris": load_iris().data,
        "digits": load_digits().data,
        "integer labels": helpers.course_data()[0],
    }[name]
    for k in (2, 3, 5):
        labels = helpers.kmeans(X, k, seed=0)[1]
        if name == "integer labels":
            labels = labels * 7 + 3  # arbitrary label values
        np.testing.assert_allclose(
            helpers.silhouette_samples(X, labels),
            sk_silhouette_samples(X, labels),
            rtol=0,
            atol=1e-10,
        )


def test_silhouette_by_hand_and_singletons():
    # Points 0, 1 | 9, 10: for point 0, a = 1 and b = (9 + 10) / 2 = 9.5.
    s = helpers.silhouette_samples([[0.0], [1.0], [9.0], [10.0]], [0, 0, 1, 1])
    assert s[0] == pytest.approx((9.5 - 1) / 9.5)
    s = helpers.silhouette_samples([[0.0], [1.0], [1.5], [9.0]], ["a", "a", "a", "b"])
    assert s[3] == 0.0  # alone in its cluster
    assert helpers.silhouette_score(
        [[0.0], [1.0], [1.5], [9.0]], ["a", "a", "a", "b"]
    ) == pytest.approx(s.mean())


@pytest.mark.parametrize(
    "labels, message",
    [
        ([0, 0, 0, 0], r"number of distinct labels must be in \[2, n_samples - 1=3\], got 1"),
        ([0, 1, 2, 3], r"number of distinct labels must be in \[2, n_samples - 1=3\], got 4"),
        ([0, 1], r"labels must have shape \(n_samples,\)=\(4,\), got shape \(2,\)"),
    ],
)
def test_silhouette_rejects_bad_labels(labels, message):
    with pytest.raises(ValueError, match=message):
        helpers.silhouette_score(np.arange(8.0).reshape(4, 2), labels)


def test_silhouette_memory_is_bounded():
    X, y = make_blobs(n_samples=20_000, centers=4, n_features=8, random_state=0)
    tracemalloc.start()
    helpers.silhouette_score(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # One (block, 20,000) distance matrix of ~16 MB per thread; the full one would be 3.2 GB.
    assert peak < helpers.blocks.N_THREADS * 20e6 + 10e6


# ---------------------------------------------------------------- quantize


def test_quantize_returns_palette_colours_in_uint8():
    from sklearn.datasets import load_sample_image

    image = load_sample_image("china.jpg")[::4, ::4]
    q, palette = helpers.quantize(image, 8, seed=0)
    assert q.shape == image.shape and q.dtype == np.uint8
    assert palette.shape == (8, 3) and palette.dtype == np.uint8
    assert len(np.unique(q.reshape(-1, 3), axis=0)) <= 8
    assert {tuple(c) for c in q.reshape(-1, 3)} <= {tuple(c) for c in palette}
    assert psnr(image, q) > 20
    again, _ = helpers.quantize(image, 8, seed=0)
    np.testing.assert_array_equal(q, again)


def test_quantize_flat_image_and_errors():
    flat = np.full((4, 5, 3), 7, dtype=np.uint8)
    q, palette = helpers.quantize(flat, 3)
    np.testing.assert_array_equal(q, flat)
    assert palette.shape == (3, 3)
    with pytest.raises(
        ValueError, match=r"image must be an array of shape \(height, width, 3\) and dtype uint8"
    ):
        helpers.quantize(flat.astype(float), 3)


def test_indexed_png_is_smaller_and_bits_add_up():
    rng = np.random.RandomState(0)
    image = rng.randint(0, 256, size=(64, 64, 3)).astype(np.uint8)
    q, palette = helpers.quantize(image, 4)
    assert len(png_bytes(q, palette)) < len(png_bytes(image)) / 4
    assert bits_per_pixel(4, 64 * 64) == pytest.approx(2 + 24 * 4 / 4096)


# ---------------------------------------------------------------- mini-batch


def test_minibatch_is_deterministic_and_close_to_lloyd():
    X, _ = make_blobs(
        n_samples=20_000, centers=5, cluster_std=1.0, center_box=(-20, 20), random_state=0
    )
    a = helpers.minibatch_kmeans(X, 5, batch_size=256, seed=1)
    b = helpers.minibatch_kmeans(X, 5, batch_size=256, seed=1)
    np.testing.assert_array_equal(a[0], b[0])
    lloyd = helpers.inertia(X, *helpers.kmeans(X, 5, n_init=3, seed=0))
    assert helpers.inertia(X, *a) < 1.01 * lloyd
    sk = MiniBatchKMeans(5, batch_size=256, n_init=3, random_state=0).fit(X)
    assert helpers.inertia(X, *a) < 1.01 * sk.inertia_


def test_minibatch_update_is_a_running_mean():
    C = np.array([[0.0], [10.0]])
    batch = np.array([[1.0], [2.0], [12.0]])
    c1, v1 = helpers.minibatch_update(C, np.zeros(2), batch[:2])
    c2, v2 = helpers.minibatch_update(c1, v1, batch[2:])
    np.testing.assert_allclose(c2.ravel(), [1.5, 12.0])  # means of all points each absorbed
    np.testing.assert_array_equal(v2, [2, 1])


# ---------------------------------------------------------------- soft assignment and EM


def test_soft_assign_limits_and_stability():
    X, _ = helpers.course_data()
    C, labels = helpers.kmeans(X, 4, seed=0)
    r = helpers.soft_assign(X, C, beta=1.0)
    np.testing.assert_allclose(r.sum(axis=1), 1.0)
    hard = helpers.soft_assign(X, C, beta=1e6)
    np.testing.assert_array_equal(hard.argmax(axis=1), labels)
    assert np.isfinite(hard).all() and hard.max(axis=1).min() == 1.0
    np.testing.assert_allclose(helpers.soft_assign(X, C, beta=1e-12), 0.25, atol=1e-6)
    far = helpers.soft_assign(X + 1e6, C, beta=10.0)
    assert np.isfinite(far).all()
    np.testing.assert_allclose(far.sum(axis=1), 1.0)


@pytest.mark.parametrize("beta", [0, -1.0, float("inf"), float("nan"), "1"])
def test_soft_assign_rejects_bad_beta(beta):
    with pytest.raises(ValueError, match=r"beta must be a finite number > 0, got"):
        helpers.soft_assign([[0.0]], [[1.0]], beta)


def test_em_full_matches_sklearn_and_never_goes_down():
    X = helpers.load_old_faithful()
    means, _ = helpers.kmeans(X, 2, seed=0)
    params, history = helpers.em_gmm(X, means, covariance="full", tol=1e-12)
    assert np.all(np.diff(history) >= -1e-12)
    variance = ((X - X.mean(axis=0)) ** 2).sum() / X.size
    sk = GaussianMixture(
        2,
        covariance_type="full",
        means_init=means,
        weights_init=[0.5, 0.5],
        precisions_init=np.repeat(np.eye(2)[None] / variance, 2, axis=0),
        reg_covar=1e-6,
        tol=1e-12,
        max_iter=1000,
    ).fit(X)
    assert gmm_log_likelihood(X, params) == pytest.approx(sk.score(X), abs=1e-6)
    np.testing.assert_allclose(
        np.sort(params["means"], axis=0), np.sort(sk.means_, axis=0), rtol=1e-4
    )


def test_em_spherical_estep_is_soft_assign():
    X, _ = helpers.course_data()
    means, _ = helpers.kmeans(X, 4, seed=0)
    params, history = helpers.em_gmm(X, means, covariance="spherical")
    assert np.all(np.diff(history) >= -1e-12)
    sigma2 = params["covariances"][0, 0, 0]
    r = helpers.soft_assign(X, params["means"], beta=1 / (2 * sigma2))
    # With equal weights the E-step is exactly soft_assign; here the weights are near equal.
    assert np.mean(r.argmax(axis=1) == helpers.assign(X, params["means"])) == 1.0


# ---------------------------------------------------------------- checkers reject mistakes


def test_checkers_accept_the_worked_solutions(capsys):
    check_silhouette(helpers.silhouette_samples)
    check_quantize(lambda im, k: helpers.quantize(im, k))
    check_minibatch_update(helpers.minibatch_update)
    check_soft_assign(helpers.soft_assign)
    assert capsys.readouterr().out.splitlines() == [
        "All 5 silhouette checks passed.",
        "All 3 quantize checks passed.",
        "All 4 mini-batch update checks passed.",
        "All 5 soft-assignment checks passed.",
    ]


def _pairwise(X):
    X = np.asarray(X, dtype=float)
    return np.sqrt(((X[:, None] - X[None]) ** 2).sum(axis=2))


def silhouette_self_included(X, labels):  # a = mean over the cluster *including* the point
    D, labels = _pairwise(X), np.asarray(labels)
    s = []
    for i in range(len(D)):
        a = D[i, labels == labels[i]].mean()
        b = min(D[i, labels == c].mean() for c in set(labels) if c != labels[i])
        s.append((b - a) / max(a, b))
    return np.array(s)


def silhouette_b_all_others(X, labels):  # b = mean over all other clusters together
    D, labels = _pairwise(X), np.asarray(labels)
    s = []
    for i in range(len(D)):
        own = labels == labels[i]
        a = D[i, own].sum() / max(own.sum() - 1, 1)
        b = D[i, ~own].mean()
        s.append((b - a) / max(a, b) if own.sum() > 1 else 0.0)
    return np.array(s)


def quantize_float(image, k):  # returns the centroid colours as floats: 8x the bytes
    C, labels = helpers.kmeans(image.reshape(-1, 3).astype(float), k, seed=0)
    return C[labels].reshape(image.shape), C


def quantize_flat(image, k):  # forgets to reshape back to (H, W, 3)
    q, palette = helpers.quantize(image, k)
    return q.reshape(-1, 3), palette


def quantize_bad_palette(image, k):  # truncates colours instead of taking the nearest
    q, palette = helpers.quantize(image, k)
    return (q // 64 * 64).astype(np.uint8), palette


def update_replace_by_batch_mean(C, counts, batch):  # the course text's exercise, literally
    labels = helpers.assign(batch, C)
    C = C.copy()
    for j in range(len(C)):
        if np.any(labels == j):
            C[j] = batch[labels == j].mean(axis=0)
    return C, counts + np.bincount(labels, minlength=len(C))


def update_fixed_rate(C, counts, batch):  # a constant learning rate never settles
    labels = helpers.assign(batch, C)
    C = C.copy()
    for x, j in zip(batch, labels):
        C[j] += 0.1 * (x - C[j])
    return C, counts + np.bincount(labels, minlength=len(C))


def update_forgets_counts(C, counts, batch):
    return helpers.minibatch_update(C, counts, batch)[0], counts


def soft_naive(X, C, beta):  # exp() without the max trick: 0/0 for a huge beta
    d = ((np.asarray(X)[:, None] - np.asarray(C)[None]) ** 2).sum(axis=2)
    with np.errstate(all="ignore"):
        e = np.exp(-beta * d)
        return e / e.sum(axis=1, keepdims=True)


def soft_unsquared(X, C, beta):  # distances, not squared distances
    d = np.sqrt(((np.asarray(X)[:, None] - np.asarray(C)[None]) ** 2).sum(axis=2))
    e = np.exp(-beta * (d - d.min(axis=1, keepdims=True)))
    return e / e.sum(axis=1, keepdims=True)


def soft_unnormalised(X, C, beta):
    d = ((np.asarray(X)[:, None] - np.asarray(C)[None]) ** 2).sum(axis=2)
    return np.exp(-beta * (d - d.min(axis=1, keepdims=True)))


@pytest.mark.parametrize(
    "checker, wrong, message",
    [
        (check_silhouette, silhouette_self_included, r"silhouette of sample \d+ is .*, expected"),
        (check_silhouette, silhouette_b_all_others, r"silhouette of sample \d+ is .*, expected"),
        (
            check_silhouette,
            lambda X, labels: helpers.silhouette_samples(X, labels)[:-1],
            r"result has shape",
        ),
        (check_quantize, quantize_float, r"dtype float64, expected uint8"),
        (check_quantize, quantize_flat, r"shape \(\d+, 3\), expected \(24, 32, 3\)"),
        (check_quantize, quantize_bad_palette, r"not in the palette"),
        (check_minibatch_update, update_replace_by_batch_mean, r"centre \d moved to .* expected"),
        (check_minibatch_update, update_fixed_rate, r"centre \d moved to .* expected"),
        (check_minibatch_update, update_forgets_counts, r"counts are .* expected"),
        (check_soft_assign, soft_naive, r"overflowed or underflowed"),
        (check_soft_assign, soft_unsquared, r"responsibility of point \d+ for centroid \d is"),
        (check_soft_assign, soft_unnormalised, r"sum to .*, expected 1"),
    ],
)
def test_checkers_reject_typical_mistakes(checker, wrong, message):
    with pytest.raises(CheckFailed, match=message):
        checker(wrong)
