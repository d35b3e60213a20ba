"""helpers.exercises.mixture: soft assignment's limits and stability, EM against scikit-learn."""

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

import helpers
from helpers.exercises.mixture import gmm_log_likelihood


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


def test_soft_kmeans_keeps_a_centroid_no_point_weighs():
    # exp(-5 * 99.5^2) underflows to 0: the centroid at 100 gets no weight from any point
    centroids, r = helpers.soft_kmeans([[0.0], [1.0]], [[0.5], [100.0]], beta=5.0)
    np.testing.assert_array_equal(centroids.ravel(), [0.5, 100.0])
    np.testing.assert_array_equal(r[:, 1], 0.0)


def test_em_checks_its_means_and_parameters():
    X = np.random.RandomState(0).normal(size=(50, 3))
    with pytest.raises(ValueError, match=r"means must be a 2-D array of shape \(k, n_features=3\)"):
        helpers.em_gmm(X, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"means contains NaN or infinity \(row 1\)"):
        helpers.em_gmm(X, [[0.0, 0, 0], [np.nan, 0, 0]])
    with pytest.raises(ValueError, match=r"means must have n_features=3 columns like X"):
        helpers.em_gmm(X, np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"covariance must be one of 'spherical', 'full'"):
        helpers.em_gmm(X, X[:2], covariance="diag")
    with pytest.raises(ValueError, match=r"reg must be a finite number > 0, got 0"):
        helpers.em_gmm(X, X[:2], reg=0)


@pytest.mark.parametrize("covariance", ["spherical", "full"])
def test_em_with_a_component_far_from_every_point_stays_finite(covariance):
    X = np.array([[0.0], [1.0], [0.5], [0.2]])
    params, history = helpers.em_gmm(X, [[0.5], [1e6]], covariance=covariance)
    assert all(np.isfinite(v).all() for v in params.values()) and np.isfinite(history).all()
    assert params["weights"][1] == 0.0 and params["means"][1, 0] == 1e6


def test_soft_assign_with_an_enormous_beta_is_the_hard_assignment():
    np.testing.assert_array_equal(
        helpers.soft_assign([[1.0]], [[3.0], [4.0]], beta=1e308), [[1.0, 0.0]]
    )


@pytest.mark.parametrize("X", [np.ones((5, 2)), np.ones((1, 2))])
def test_em_on_identical_points_stays_finite(X):
    params, history = helpers.em_gmm(X, X[:1].repeat(2, axis=0) if len(X) > 1 else X[:1])
    assert np.isfinite(history).all() and all(np.isfinite(v).all() for v in params.values())


def test_em_at_tiny_and_huge_scales():
    X = np.random.RandomState(0).normal(size=(40, 2))
    base, history = helpers.em_gmm(X, X[:2], n_iter=20)
    tiny, tiny_history = helpers.em_gmm(X * 2.0**-700, X[:2] * 2.0**-700, n_iter=20)
    # reg counts in the rescaled units, so the two runs differ a little (1e-6 of the spread)
    np.testing.assert_allclose(tiny["means"] / 2.0**-700, base["means"], atol=1e-3)
    assert tiny_history[-1] == pytest.approx(history[-1] + 2 * 700 * np.log(2), rel=1e-6)
    with pytest.raises(ValueError, match=r"covariances .* exceed float64's range"):
        helpers.em_gmm(X * 1e200, X[:2] * 1e200)
