"""Sample weights in the core and the engine: weight w is the row repeated w times (from
the same start), zero weight is the row removed, equal weights change nothing, the same
answer as scikit-learn, and a clear error for bad weights."""

import numpy as np
import pytest
from sklearn.cluster import KMeans as SKKMeans
from sklearn.datasets import load_iris, make_blobs

import helpers
from helpers import engine


def _data(name):
    rng = np.random.RandomState(0)
    if name == "blobs":
        X, _ = make_blobs(n_samples=400, centers=5, n_features=3, random_state=1)
    elif name == "iris":
        X = load_iris().data
    elif name == "course":
        X, _ = helpers.course_data()
    else:  # "wide": more features than the engine's bincount limit
        X = rng.normal(size=(300, 12))
    weights = rng.randint(0, 4, size=len(X))
    return X, weights


DATA = ["blobs", "iris", "course", "wide"]


@pytest.mark.parametrize("name", DATA)
def test_integer_weights_are_repeated_rows(name):
    X, w = _data(name)
    repeated = np.repeat(X, w, axis=0)
    start = repeated[:: max(1, len(repeated) // 5)][:5]
    c_w, l_w = helpers.kmeans(X, 5, init=start, tol=0, sample_weight=w)
    c_r, l_r = helpers.kmeans(repeated, 5, init=start, tol=0)
    np.testing.assert_allclose(c_w, c_r, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(np.repeat(l_w, w), l_r)
    assert helpers.inertia(X, c_w, l_w, w) == pytest.approx(
        helpers.inertia(repeated, c_r, l_r), rel=1e-12
    )
    # the readable update too
    np.testing.assert_allclose(
        helpers.update(X, l_w, c_w, w), helpers.update(repeated, l_r, c_r), rtol=1e-12, atol=1e-12
    )


def test_zero_weight_is_the_row_removed():
    X, w = _data("blobs")
    keep = w > 0
    start = X[keep][:5]
    c_w, l_w = helpers.kmeans(X, 5, init=start, tol=0, sample_weight=keep.astype(float))
    c_k, l_k = helpers.kmeans(X[keep], 5, init=start, tol=0)
    np.testing.assert_allclose(c_w, c_k, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(l_w[keep], l_k)


@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_equal_weights_change_nothing(init):
    X, _ = _data("course")
    for weights in (np.ones(len(X)), np.full(len(X), 2.5), 3.0):
        c_w, l_w = helpers.kmeans(X, 4, init=init, n_init=3, seed=7, sample_weight=weights)
        c, labels = helpers.kmeans(X, 4, init=init, n_init=3, seed=7)
        np.testing.assert_array_equal(c_w, c)
        np.testing.assert_array_equal(l_w, labels)


@pytest.mark.parametrize("name", DATA)
def test_weighted_fit_equals_sklearn_from_the_same_start(name):
    X, w = _data(name)
    w = w + np.random.RandomState(1).rand(len(X))  # real weights, all positive
    start = X[:5]
    c, labels = helpers.kmeans(X, 5, init=start, tol=0, sample_weight=w)
    sk = SKKMeans(5, init=start, n_init=1, tol=0, algorithm="lloyd").fit(X, sample_weight=w)
    np.testing.assert_array_equal(labels, sk.labels_)
    np.testing.assert_allclose(c, sk.cluster_centers_, rtol=1e-9, atol=1e-9)
    assert helpers.inertia(X, c, labels, w) == pytest.approx(sk.inertia_, rel=1e-9)


def test_an_empty_cluster_takes_the_farthest_point_of_positive_weight():
    X = np.array([[0.0], [1.0], [2.0], [50.0], [40.0]])
    w = np.array([1.0, 1.0, 1.0, 0.0, 2.0])  # the farthest point weighs nothing
    C = np.array([[1.0], [100.0]])  # centroid 1 wins no point
    labels, new, _, moved = engine.Lloyd(X, sample_weight=w).step(C)
    assert moved.tolist() == [[4, 1]]  # row 4, weight 2, not row 3
    np.testing.assert_allclose(new, [[1.0], [40.0]])
    new_readable = helpers.update(X, helpers.assign(X, C), C, w)
    np.testing.assert_allclose(new_readable, new)


def test_a_cluster_of_zero_weight_points_is_empty_and_never_nan():
    X = np.array([[0.0], [0.5], [10.0], [10.5], [30.0]])
    w = np.array([1.0, 1.0, 1.0, 1.0, 0.0])
    C = np.array([[0.0], [10.0], [30.0]])  # the third cluster holds only a weightless row
    new = helpers.update(X, helpers.assign(X, C), C, w)
    assert np.isfinite(new).all()
    _, fast_new, _, _ = engine.Lloyd(X, sample_weight=w).step(C)
    np.testing.assert_allclose(fast_new, new)


def test_weighted_draws_never_pick_a_row_of_zero_weight():
    X, _ = _data("course")
    w = np.zeros(len(X))
    w[:10] = 1.0 + np.arange(10)
    for seed in range(20):
        for init in ("k-means++", "random"):
            start = helpers.init_centroids(X, 4, init, np.random.RandomState(seed), w)
            rows = [np.flatnonzero((X == c).all(axis=1))[0] for c in start]
            assert max(rows) < 10


@pytest.mark.parametrize(
    "weights, message",
    [
        (np.ones(5), r"sample_weight must be 6 numbers, one per sample \(shape \(6,\)\), got shape \(5,\)"),
        ([1, 1, 1, -1, 1, 1], r"sample_weight must be finite numbers >= 0"),
        ([1, 1, 1, np.nan, 1, 1], r"sample_weight must be finite numbers >= 0"),
        (["a"] * 6, r"sample_weight must be 6 numbers"),
        ([1, 0, 0, 0, 0, 0], r"sample_weight must have at least k=2 positive weights .*, got 1"),
        (0.0, r"sample_weight must be a finite number > 0, got 0.0"),
    ],
)
def test_bad_weights_raise_value_error(weights, message):
    X = np.arange(12.0).reshape(6, 2)
    with pytest.raises(ValueError, match=message):
        helpers.kmeans(X, 2, sample_weight=weights)
