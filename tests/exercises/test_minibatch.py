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
