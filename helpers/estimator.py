"""``helpers.KMeans``: the core's ``kmeans`` as a scikit-learn estimator.

A thin shell, so that your K-Means works wherever scikit-learn's does: in a ``Pipeline``
after a ``StandardScaler``, in ``GridSearchCV``, with ``clone``. scikit-learn supplies the
shell (``BaseEstimator`` gives ``get_params``/``set_params``, ``validate_data`` reads the
input); every number comes from ``helpers.kmeans``. This module imports scikit-learn, so
``helpers`` loads it only when ``helpers.KMeans`` is first used.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
)
from sklearn.utils.validation import check_is_fitted, validate_data

from helpers import engine
from helpers.kmeans import assign, inertia, kmeans
from helpers.numerics import to_safe_units
from helpers.validation import check_choice, check_int, check_sample_weight

ALGORITHMS = ("auto", "lloyd", "hamerly")


class KMeans(ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator):
    """K-Means clustering with the course's core, as a scikit-learn estimator.

    Parameters
    ----------
    n_clusters : int, default 8
    init : {"k-means++", "random"} or array of shape (n_clusters, n_features)
    n_init : "auto" or int; "auto" is 1 start with k-means++ and 10 with random starts
        (scikit-learn's rule); an array ``init`` makes one start
    max_iter : int, the most iterations per start
    tol : float, relative to the mean variance of the features (as ``helpers.kmeans``)
    algorithm : {"auto", "lloyd", "hamerly"}, as ``helpers.kmeans``: every one gives Lloyd's
        labels (but for points within rounding of a tie); "hamerly" skips distances by
        bounds, "auto" switches to it once few change. The default is "auto", as a user
        of a library expects the fast choice: much faster on well separated clusters with
        more than a few features; on the other data of ``benchmarks/`` mostly within
        about 15% of "lloyd", but up to 1.5 times slower on 2-feature data at the
        default tol. ``helpers.kmeans`` defaults to "lloyd", the algorithm as the course
        teaches it.
    random_state : None, int, numpy RandomState or Generator: where every random choice
        comes from
    n_threads : int, optional; default ``$KMEANS_THREADS``, else the cores this
        process may run on

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    labels_ : ndarray of shape (n_samples,)
    inertia_ : float, (weighted) sum of squared distances to the nearest centre
    n_iter_ : int, iterations of the best start
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0], [0, 1], [10, 10], [10, 11]])
    >>> model = KMeans(2, random_state=0).fit(X)
    >>> model.predict([[0, 0.4], [9, 9]]).tolist() == model.labels_[[0, 2]].tolist()
    True
    """

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        n_init="auto",
        max_iter=300,
        tol=1e-4,
        algorithm="auto",
        random_state=None,
        n_threads=None,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.algorithm = algorithm
        self.random_state = random_state
        self.n_threads = n_threads

    def fit(self, X, y=None, sample_weight=None):
        """Run ``helpers.kmeans`` on X (``y`` is ignored). Returns the fitted estimator."""
        X = validate_data(self, X, dtype=[np.float64, np.float32], accept_sparse=False)
        k = check_int(self.n_clusters, "n_clusters", 1, X.shape[0], "n_samples")
        algorithm = check_choice(self.algorithm, "algorithm", ALGORITHMS)
        init = self.init if isinstance(self.init, str) else np.asarray(self.init)
        if isinstance(self.n_init, str) and self.n_init == "auto":
            n_init = 1 if isinstance(init, str) and init == "k-means++" else 10
        else:
            n_init = check_int(self.n_init, "n_init", 1)
        weights = check_sample_weight(sample_weight, X, k)
        centres, labels, n_iter = kmeans(
            X, k, init=init, n_init=n_init, max_iter=self.max_iter, tol=self.tol,
            seed=self.random_state, sample_weight=weights, algorithm=algorithm,
            n_threads=self.n_threads, return_n_iter=True,
        )
        self.cluster_centers_, self.labels_, self.n_iter_ = centres, labels, n_iter
        self.inertia_ = inertia(X, centres, labels, weights)
        self._n_features_out = k
        return self

    def _data(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=[np.float64, np.float32], reset=False)

    def predict(self, X):
        """Nearest centre of every row: ndarray of shape (n_samples,)."""
        return assign(self._data(X), self.cluster_centers_)

    def transform(self, X):
        """Euclidean distance of every row to every centre: shape (n_samples, n_clusters)."""
        X = self._data(X)
        # in safe units (numerics.to_safe_units): squares neither overflow nor underflow
        scale, X_safe, centres = to_safe_units(X, self.cluster_centers_.astype(X.dtype))
        squared = np.stack([engine.sq_dist_to(X_safe, c) for c in centres], axis=1)  # exact
        return (np.sqrt(squared) * scale).astype(X.dtype)

    def score(self, X, y=None, sample_weight=None):
        """Minus the inertia of X with its nearest centres (higher is better, as scikit-learn)."""
        X = self._data(X)
        weights = check_sample_weight(sample_weight, X)
        return -inertia(X, self.cluster_centers_, assign(X, self.cluster_centers_), weights)
