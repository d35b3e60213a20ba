"""helpers.KMeans: scikit-learn's own estimator checks, the core's numbers, lazy import."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.cluster import KMeans as SKKMeans
from sklearn.metrics import silhouette_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import helpers

EXPECTED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": (
        "the check shuffles the rows and compares a fit with integer weights to one with the "
        "rows repeated: k-means++ draws rows at random, so the draw depends on the row order "
        "and on n. scikit-learn's KMeans lists the same failure. With the start given, "
        "weights equal repeated rows exactly (tests/test_weights.py)."
    ),
}


@parametrize_with_checks(
    [helpers.KMeans(n_clusters=3, random_state=0)],
    expected_failed_checks=lambda estimator: EXPECTED_FAILURES,
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_the_same_numbers_as_the_core():
    X, _ = helpers.course_data()
    start = X[:4]
    model = helpers.KMeans(4, init=start, tol=0).fit(X)  # algorithm "auto"
    centroids, labels, n_iter = helpers.kmeans(
        X, 4, init=start, tol=0, algorithm="auto", return_n_iter=True
    )
    np.testing.assert_array_equal(model.cluster_centers_, centroids)
    np.testing.assert_array_equal(model.labels_, labels)
    assert model.n_iter_ == n_iter == len(helpers.kmeans_steps(X, 4, init=start))
    assert model.inertia_ == pytest.approx(helpers.inertia(X, centroids, labels), rel=1e-15)
    assert model.score(X) == pytest.approx(-model.inertia_, rel=1e-15)
    np.testing.assert_array_equal(model.predict(X), labels)
    sk = SKKMeans(4, init=start, n_init=1, tol=0).fit(X)
    np.testing.assert_allclose(model.transform(X), sk.transform(X), rtol=1e-9)
    assert model.n_iter_ == sk.n_iter_


def test_seeded_fits_repeat_and_match_the_core():
    X, _ = helpers.course_data()
    a = helpers.KMeans(4, n_init=5, random_state=3).fit(X)
    b = clone(a).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    centroids, _ = helpers.kmeans(X, 4, n_init=5, seed=np.random.RandomState(3), algorithm="auto")
    np.testing.assert_array_equal(a.cluster_centers_, centroids)


def test_in_a_pipeline_and_a_grid_search():
    X = helpers.load_old_faithful()

    def silhouette(estimator, X, y=None):
        return silhouette_score(X, estimator.fit_predict(X))

    pipe = make_pipeline(StandardScaler(), helpers.KMeans(random_state=0, n_init=10))
    search = GridSearchCV(pipe, {"kmeans__n_clusters": [2, 3, 4, 5]}, scoring=silhouette, cv=[
        (np.arange(len(X)), np.arange(len(X)))
    ]).fit(X)
    assert search.best_params_ == {"kmeans__n_clusters": 2}


def test_bad_parameters_are_named_at_fit():
    X = np.arange(20.0).reshape(10, 2)
    for params, message in [
        ({"n_clusters": 0}, r"n_clusters must be an integer in \[1, n_samples=10\], got 0"),
        ({"n_init": 0}, r"n_init must be an integer >= 1, got 0"),
        ({"algorithm": "elkan"}, r"algorithm must be one of 'auto', 'lloyd', 'hamerly', got"),
        ({"tol": -1.0}, r"tol must be a finite number >= 0"),
        ({"init": "kmeans++"}, r"init must be 'random', 'k-means\+\+'"),
    ]:
        model = helpers.KMeans(**params)  # nothing checked yet, as scikit-learn
        with pytest.raises(ValueError, match=message):
            model.fit(X)


def test_helpers_loads_sklearn_only_when_kmeans_is_asked_for():
    code = (
        "import sys, helpers\n"
        "before = 'sklearn' in sys.modules\n"
        "helpers.KMeans\n"
        "print(before, 'sklearn' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False True", result.stdout + result.stderr
    with pytest.raises(AttributeError, match="has no attribute 'Kmeans'"):
        helpers.Kmeans  # noqa: B018


@pytest.mark.parametrize("factor, dtype", [(1e20, np.float32), (1e200, np.float64), (1e-170, np.float64)])
def test_transform_gives_finite_distances_at_extreme_scales(factor, dtype):
    X = np.array([[0.0, 0], [1, 0], [10, 0], [11, 0]])
    model = helpers.KMeans(2, random_state=0).fit((X * factor).astype(dtype))
    distances = model.transform((X * factor).astype(dtype))
    expected = helpers.KMeans(2, random_state=0).fit(X).transform(X) * factor
    assert distances.dtype == dtype and np.isfinite(distances).all()
    np.testing.assert_allclose(np.sort(distances, axis=1), np.sort(expected, axis=1), rtol=1e-5)
