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
