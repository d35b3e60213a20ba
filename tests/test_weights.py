"""Sample weights in the core and the engine: weight w is the row repeated w times (from
the same start), zero weight is the row removed, equal weights change nothing, the same
answer as scikit-learn, and a clear error for bad weights."""

import numpy as np
import pytest
from sklearn.cluster import KMeans as SKKMeans
from sklearn.datasets import load_iris, make_blobs

import helpers
from helpers import bounds, engine


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
    fast = engine.Lloyd(X, sample_weight=w)
    fast.start(C)
    labels, new, _, moved = fast.step()
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
    fast = engine.Lloyd(X, sample_weight=w)
    fast.start(C)
    fast_new = fast.step().new_centroids
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
        ([1, 1, 1, -1, 1, 1], r"sample_weight must be finite numbers >= 0, got -1.0 at index 3"),
        ([1, 1, 1, np.nan, 1, 1], r"sample_weight must be finite numbers >= 0, got nan at index 3"),
        (["a"] * 6, r"sample_weight must be 6 numbers"),
        ([1, 0, 0, 0, 0, 0], r"sample_weight must have at least k=2 positive weights .*, got 1"),
        (0.0, r"sample_weight must be a finite number > 0, got 0.0"),
    ],
)
def test_bad_weights_raise_value_error(weights, message):
    X = np.arange(12.0).reshape(6, 2)
    with pytest.raises(ValueError, match=message):
        helpers.kmeans(X, 2, sample_weight=weights)


def _relocation_case():
    # Cluster 0 holds two points of weights 0.2 and 0.1 (their sum is 0.30000000000000004),
    # farthest from their centroid; clusters 2 and 3 are empty. The second relocation once
    # took cluster 0's last point too: 0.10000000000000003 > 0.1 said weight stayed behind.
    X = np.array([[0.3], [1.7], [10.0], [11.0], [12.5]])
    w = np.array([0.1, 0.2, 0.5, 0.5, 0.5])
    C = np.array([[-5.0], [11.0], [100.0], [200.0]])
    return X, w, C


def test_the_last_point_of_positive_weight_never_leaves_its_cluster():
    X, w, C = _relocation_case()
    labels = helpers.assign(X, C)
    assert labels.tolist() == [0, 0, 1, 1, 1]
    expected = np.array([[0.3], [10.5], [1.7], [12.5]])  # 0 keeps 0.3; 3 takes 12.5 from 1
    np.testing.assert_allclose(helpers.update(X, labels, C, w), expected, rtol=1e-12)
    for fast in (engine.Lloyd(X, sample_weight=w), bounds.Hamerly(X, sample_weight=w)):
        fast.start(C)
        np.testing.assert_allclose(fast.step().new_centroids, expected, rtol=1e-12)


@pytest.mark.parametrize("algorithm", ["lloyd", "hamerly", "auto"])
def test_huge_weights_give_the_answer_of_small_ones(algorithm):
    # One weight of 1e308 made an inf centroid; weights of 1e307 reached a "cannot happen"
    # error; a weighted sum beyond float64 failed inside NumPy. Weights are divided by
    # their largest first: the same answer as weights of at most 1.
    X, _ = _data("blobs")
    rng = np.random.RandomState(0)
    w = rng.uniform(0.1, 1.0, size=len(X))
    reference = helpers.kmeans(X, 5, seed=0, sample_weight=w, algorithm=algorithm)
    for data, weights in ((X, w * 1e307), (X, np.where(np.arange(len(X)) == 0, 1e308, w)),
                          (X * 1e120, w * 1e100)):
        centroids, labels = helpers.kmeans(data, 5, seed=0, sample_weight=weights,
                                           algorithm=algorithm)
        assert np.isfinite(centroids).all()
        if weights.max() != 1e308:  # (that one changes the weights' ratios: another answer)
            np.testing.assert_array_equal(labels, reference[1])
            np.testing.assert_allclose(centroids, reference[0] * (data[0, 0] / X[0, 0]),
                                       rtol=1e-12)
    model = helpers.KMeans(5, random_state=0).fit(X, sample_weight=w * 1e308 / w.max())
    assert np.isfinite(model.cluster_centers_).all()


def test_weights_times_a_constant_change_nothing():
    X, _ = _data("blobs")
    w = np.random.RandomState(1).uniform(0, 1, size=len(X)).round(1)
    c, labels = helpers.kmeans(X, 5, seed=0, sample_weight=w)
    for factor in (2.0**-40, 2.0**50):  # powers of two: exactly
        c2, labels2 = helpers.kmeans(X, 5, seed=0, sample_weight=w * factor)
        np.testing.assert_array_equal(labels2, labels)
        np.testing.assert_array_equal(c2, c)
    for factor in (3.0, 1e-7, 1e250):  # to rounding
        c2, labels2 = helpers.kmeans(X, 5, seed=0, sample_weight=w * factor)
        np.testing.assert_array_equal(labels2, labels)
        np.testing.assert_allclose(c2, c, rtol=1e-12)
