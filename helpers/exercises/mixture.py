"""Soft assignment, soft K-Means, and EM for Gaussian mixtures, from scratch."""

from __future__ import annotations

import numpy as np

from helpers.numerics import to_safe_units
from helpers.validation import (
    check_centroids,
    check_choice,
    check_data,
    check_int,
    check_number,
)


def _logsumexp(a: np.ndarray) -> np.ndarray:
    """log(sum(exp(a), axis=1)) without overflow: factor out each row's maximum."""
    top = a.max(axis=1, keepdims=True)
    return (top + np.log(np.exp(a - top).sum(axis=1, keepdims=True)))[:, 0]


def _sq_distances(X: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """(n, k) squared distances, from the differences (exact, small data only)."""
    return ((X[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)


def soft_assign(X, centroids, beta) -> np.ndarray:
    """Responsibilities r_ij proportional to exp(-beta ||x_i - c_j||^2), rows summing to 1.

    A softmax over the negative scaled squared distances, computed stably: subtracting
    each row's largest logit first means no exp() can overflow, so a huge beta or a point
    far from every centroid gives exact 0s and 1s, never NaN. As beta grows it becomes the
    hard K-Means assignment; as beta shrinks towards 0, uniform (1/k everywhere).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    centroids : array-like of shape (k, n_features)
    beta : float > 0, the stiffness (an inverse temperature)

    Returns
    -------
    responsibilities : ndarray of shape (n_samples, k)

    Examples
    --------
    >>> soft_assign([[0.0], [1.0]], [[0.0], [2.0]], beta=1.0).round(3)
    array([[0.982, 0.018],
           [0.5  , 0.5  ]])
    """
    beta = check_number(beta, "beta", strict=True)
    X = check_data(X).astype(np.float64, copy=False)
    centroids = check_centroids(centroids, X)
    scale, X, centroids = to_safe_units(X, centroids)  # a power of two; beta * distance counts
    sq = _sq_distances(X, centroids)
    sq -= sq.min(axis=1, keepdims=True)  # the nearest is 0: beta * 0 = 0, never inf - inf
    with np.errstate(over="ignore"):  # a product may overflow to inf: its exp is exactly 0
        logits = -beta * (sq * scale * scale)  # 0 stays 0 (never inf * 0)
    return np.exp(logits - _logsumexp(logits)[:, None])


def soft_kmeans(X, centroids, beta, *, n_iter=100):
    """Soft K-Means: alternate soft assignment and responsibility-weighted means.

    A centroid that no point gives any weight to (every responsibility underflows to 0,
    e.g. a centroid far from all points with a large beta) stays where it is: it has no
    points to average, and moving it anywhere would be a guess.

    Returns
    -------
    centroids : ndarray of shape (k, n_features)
    responsibilities : ndarray of shape (n_samples, k)
    """
    X = check_data(X).astype(np.float64, copy=False)
    centroids = check_centroids(centroids, X).astype(np.float64)
    n_iter = check_int(n_iter, "n_iter", 1)
    for _ in range(n_iter):
        r = soft_assign(X, centroids, beta)
        weight = r.sum(axis=0)
        moved = weight > 0
        centroids[moved] = (r.T @ X)[moved] / weight[moved, None]
    return centroids, soft_assign(X, centroids, beta)


# ---------------------------------------------------------------- Gaussian mixtures, by EM
def _log_gauss_full(X, means, covariances):
    """(n, k) log densities of full-covariance Gaussians, via Cholesky factors."""
    n, d = X.shape
    out = np.empty((n, len(means)))
    for j, (mu, cov) in enumerate(zip(means, covariances)):
        chol = np.linalg.cholesky(cov)
        z = np.linalg.solve(chol, (X - mu).T)  # whitened differences, (d, n)
        log_det = 2 * np.log(np.diag(chol)).sum()
        out[:, j] = -0.5 * (d * np.log(2 * np.pi) + log_det + (z**2).sum(axis=0))
    return out


def em_gmm(X, means, *, covariance="spherical", n_iter=200, tol=1e-10, reg=1e-6):
    """EM for a Gaussian mixture, from given initial means.

    ``covariance="spherical"``: one shared variance sigma^2 for every component and
    direction (its E-step is ``soft_assign`` with beta = 1 / (2 sigma^2), plus the
    weights); ``"full"``: a covariance matrix per component.

    E-step: r_ij = pi_j N(x_i | mu_j, Sigma_j) / sum_l pi_l N(x_i | mu_l, Sigma_l).
    M-step: pi_j = N_j / n, mu_j = sum_i r_ij x_i / N_j, and the covariance(s) from the
    r-weighted squared differences, with N_j = sum_i r_ij.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    means : array-like of shape (k, n_features), the start
    reg : float, added to the diagonal of every covariance (guards against collapse); for
        data that must be rescaled (beyond about 1e149 or below 1e-149), in the rescaled units

    Returns
    -------
    params : dict with "weights" (k,), "means" (k, d), "covariances" (k, d, d)
    log_likelihoods : list of float, mean log-likelihood per sample after every E-step
    """
    X = check_data(X).astype(np.float64, copy=False)
    covariance = check_choice(covariance, "covariance", ("spherical", "full"))
    means = check_centroids(means, X, "means").astype(np.float64)
    n_iter = check_int(n_iter, "n_iter", 1)
    tol = check_number(tol, "tol")
    reg = check_number(reg, "reg", strict=True)
    scale, X, means = to_safe_units(X, means)  # a power of two, 1.0 for everyday data
    params, history = _em(X, means, covariance, n_iter, tol, reg)  # reg in those units
    if scale == 1.0:
        return params, history
    params["means"] = params["means"] * scale  # back in X's units
    with np.errstate(over="ignore"):
        params["covariances"] = params["covariances"] * scale * scale
    if not np.isfinite(params["covariances"]).all():
        raise ValueError(
            "X is spread so widely that its covariances (squares of its values) exceed "
            "float64's range; divide X by a large number first"
        )
    shift = X.shape[1] * np.log(scale)  # log-densities per sample, in X's units
    return params, [ll - shift for ll in history]


def _em(X, means, covariance, n_iter, tol, reg):
    """The EM loop of ``em_gmm`` on checked input in safe units."""
    n, d = X.shape
    k = len(means)
    weights = np.full(k, 1.0 / k)
    variance = ((X - X.mean(axis=0)) ** 2).sum() / (n * d)
    covs = np.repeat(np.eye(d)[None] * (variance + reg), k, axis=0)
    history = []
    for _ in range(n_iter):
        # E-step: responsibilities, in logs for stability.
        params = {"weights": weights, "means": means, "covariances": covs}
        r, log_likelihood = e_step(X, params)
        history.append(log_likelihood)
        # M-step (a component with no responsibility at all keeps its mean and covariance)
        nk = r.sum(axis=0)
        weights = nk / n
        means = np.where(nk[:, None] > 0, (r.T @ X) / np.maximum(nk, 1e-300)[:, None], means)
        if covariance == "spherical":
            sq = (r * _sq_distances(X, means)).sum() / (n * d)
            covs = np.repeat(np.eye(d)[None] * (sq + reg), k, axis=0)
        else:
            for j in np.flatnonzero(nk > 0):
                diff = X - means[j]
                covs[j] = (r[:, j, None] * diff).T @ diff / nk[j] + reg * np.eye(d)
        if len(history) > 1 and abs(history[-1] - history[-2]) < tol:
            break
    return {"weights": weights, "means": means, "covariances": covs}, history


def e_step(X, params):
    """Responsibilities of a mixture for every point, and the mean log-likelihood.

    r_ij = pi_j N(x_i | mu_j, Sigma_j) / sum_l pi_l N(x_i | mu_l, Sigma_l), in logs.

    Returns
    -------
    responsibilities : ndarray of shape (n_samples, k)
    log_likelihood : float, mean over samples of log sum_j pi_j N(x_i | mu_j, Sigma_j)
    """
    with np.errstate(divide="ignore"):  # a weight of 0 is a log-weight of -inf
        log_weights = np.log(params["weights"])
    log_p = _log_gauss_full(X, params["means"], params["covariances"]) + log_weights
    log_norm = _logsumexp(log_p)
    return np.exp(log_p - log_norm[:, None]), float(log_norm.mean())


def gmm_log_likelihood(X, params) -> float:
    """Mean log-likelihood per sample of X under a mixture from ``em_gmm``."""
    return e_step(check_data(X).astype(np.float64, copy=False), params)[1]
