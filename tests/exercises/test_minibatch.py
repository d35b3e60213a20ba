"""helpers.exercises.minibatch: Sculley's update is a running mean; close to Lloyd."""

import numpy as np
from sklearn.cluster import MiniBatchKMeans
from sklearn.datasets import make_blobs

import helpers


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


def test_minibatch_update_checks_its_input_and_keeps_integer_centroids_exact():
    c, v = helpers.minibatch_update(np.array([[0], [10]]), np.array([1, 0]), np.array([[3], [9]]))
    np.testing.assert_allclose(c.ravel(), [1.5, 9.0])  # integers are not truncated
    c, v = helpers.minibatch_update([[0.0], [10.0]], [1, 0], [[3.0], [9.0]])  # lists are fine
    np.testing.assert_allclose(c.ravel(), [1.5, 9.0])
    import pytest

    with pytest.raises(ValueError, match=r"counts must be 2 numbers"):
        helpers.minibatch_update(np.zeros((2, 1)), [1, 2, 3], np.zeros((1, 1)))
    with pytest.raises(ValueError, match=r"counts must be finite numbers >= 0"):
        helpers.minibatch_update(np.zeros((2, 1)), [1, -1], np.zeros((1, 1)))
    with pytest.raises(ValueError, match=r"batch must have n_features=1 columns like centroids"):
        helpers.minibatch_update(np.zeros((2, 1)), [1, 1], np.zeros((1, 2)))


def test_minibatch_kmeans_does_not_depend_on_the_scale():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(size=(200, 2)), rng.normal(size=(200, 2)) + 8])
    base = helpers.minibatch_kmeans(X, 2, batch_size=64, seed=1)
    for factor in (2.0**600, 2.0**-600):
        centroids, labels = helpers.minibatch_kmeans(X * factor, 2, batch_size=64, seed=1)
        np.testing.assert_array_equal(labels, base[1])
        np.testing.assert_allclose(centroids / factor, base[0], rtol=1e-12)


def test_float32_stays_float32():
    X = np.random.RandomState(0).normal(size=(2000, 3)).astype(np.float32)
    centroids, labels = helpers.minibatch_kmeans(X, 4, batch_size=100, n_steps=20, seed=0)
    assert centroids.dtype == np.float32
    np.testing.assert_array_equal(labels, helpers.assign(X, centroids))


def test_the_update_stays_finite_near_the_largest_floats():
    c, v = helpers.minibatch_update([[1e308]], [1.0], [[1.5e308]])
    assert np.isfinite(c).all() and np.isclose(c[0, 0], 1.25e308) and v.tolist() == [2.0]
    c, _ = helpers.minibatch_update([[1e10]], [1e300], [[1.0]])  # counts times centroids
    assert np.isfinite(c).all() and np.isclose(c[0, 0], 1e10)
