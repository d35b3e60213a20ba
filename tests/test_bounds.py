"""The bounded step (Hamerly) and the automatic choice: exactly Lloyd's labels at every
iteration, its centroids to rounding, empty clusters and weights included, fewer distances."""

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris, make_blobs

import helpers
from helpers import bounds, engine
from helpers.kmeans import lloyd_steps


def _data(name):
    rng = np.random.RandomState(0)
    if name == "blobs 2-D, k=8":
        X, _ = make_blobs(n_samples=6000, centers=8, cluster_std=1.5, random_state=0)
        return X, 8
    if name == "blobs 16-D, k=20":
        X, _ = make_blobs(n_samples=5000, n_features=16, centers=20, cluster_std=2.0, random_state=1)
        return X, 20
    if name == "iris, k=3":
        return load_iris().data, 3
    if name == "digits, k=10":
        return load_digits().data, 10
    if name == "integer grid with ties, k=6":
        return rng.randint(0, 6, size=(800, 2)).astype(float), 6
    if name == "uniform noise, k=12":
        return rng.uniform(size=(4000, 3)), 12
    if name == "float32 blobs, k=8":
        X, _ = make_blobs(n_samples=6000, n_features=4, centers=8, random_state=2)
        return X.astype(np.float32), 8
    raise KeyError(name)


NAMES = [
    "blobs 2-D, k=8",
    "blobs 16-D, k=20",
    "iris, k=3",
    "digits, k=10",
    "integer grid with ties, k=6",
    "uniform noise, k=12",
    "float32 blobs, k=8",
]


def _steps(X, start, engine_class, **kwargs):
    fast = engine_class(X, **kwargs)
    return list(lloyd_steps(X, start, 300, 0.0, with_inertia=False, fast=fast)), fast


@pytest.mark.parametrize("engine_class", [bounds.Hamerly, bounds.Auto], ids=["hamerly", "auto"])
@pytest.mark.parametrize("name", NAMES)
def test_every_iteration_equals_lloyd(name, engine_class):
    X, k = _data(name)
    start = X[np.random.RandomState(3).choice(len(X), k, replace=False)]
    reference, _ = _steps(X, start, engine.Lloyd)
    steps, fast = _steps(X, start, engine_class)
    assert len(steps) == len(reference)
    rtol = 1e-5 if X.dtype == np.float32 else 1e-9
    for ours, theirs in zip(steps, reference):
        np.testing.assert_array_equal(ours.labels, theirs.labels)
        np.testing.assert_allclose(ours.new_centroids, theirs.new_centroids, rtol=rtol,
                                   atol=rtol * np.abs(X).max())
    assert len(fast.computed) == len(steps)


def test_bounds_skip_most_distances_on_clustered_data():
    X, k = _data("blobs 16-D, k=20")
    start = X[np.random.RandomState(3).choice(len(X), k, replace=False)]
    steps, fast = _steps(X, start, bounds.Hamerly)
    assert fast.computed[0] == len(X)  # the first step computes everything
    assert sum(fast.computed) < 0.3 * len(X) * len(steps)


def test_empty_clusters_follow_lloyds_rule():
    X, _ = _data("blobs 2-D, k=8")
    start = np.vstack([X[:7], [[1e3, 1e3]]])  # the last centroid wins no point
    for engine_class in (bounds.Hamerly, bounds.Auto):
        reference, _ = _steps(X, start, engine.Lloyd)
        steps, _ = _steps(X, start, engine_class)
        assert len(reference[0].moved) == 1
        np.testing.assert_array_equal(steps[0].moved, reference[0].moved)
        for ours, theirs in zip(steps, reference):
            np.testing.assert_array_equal(ours.labels, theirs.labels)


def test_weights_as_lloyd():
    X, k = _data("blobs 2-D, k=8")
    w = np.random.RandomState(0).randint(0, 4, size=len(X)).astype(float)
    start = X[w > 0][:k]
    reference, _ = _steps(X, start, engine.Lloyd, sample_weight=w)
    steps, _ = _steps(X, start, bounds.Hamerly, sample_weight=w)
    for ours, theirs in zip(steps, reference):
        np.testing.assert_array_equal(ours.labels, theirs.labels)
        np.testing.assert_allclose(ours.new_centroids, theirs.new_centroids, rtol=1e-9)


@pytest.mark.parametrize("algorithm", ["hamerly", "auto"])
def test_kmeans_by_name_gives_lloyds_answer(algorithm):
    X, k = _data("digits, k=10")
    c, labels = helpers.kmeans(X, k, n_init=3, seed=0, algorithm=algorithm)
    c_l, labels_l = helpers.kmeans(X, k, n_init=3, seed=0, algorithm="lloyd")
    np.testing.assert_array_equal(labels, labels_l)
    np.testing.assert_allclose(c, c_l, rtol=1e-9, atol=1e-9)


def test_unknown_algorithm_is_a_value_error():
    with pytest.raises(ValueError, match="algorithm must be one of 'lloyd', 'hamerly', 'auto', got 'elkan'"):
        helpers.kmeans(np.arange(10.0).reshape(5, 2), 2, algorithm="elkan")
