"""helpers.exercises.silhouette: equal to scikit-learn, by hand, bad labels, bounded memory."""

import tracemalloc

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris, make_blobs
from sklearn.metrics import silhouette_samples as sk_silhouette_samples

import helpers
from helpers import engine


@pytest.mark.parametrize("name", ["course", "iris", "digits", "integer labels"])
def test_silhouette_equals_sklearn(name):
    X = {
        "course": helpers.course_data()[0],
        "iris": load_iris().data,
        "digits": load_digits().data,
        "integer labels": helpers.course_data()[0],
    }[name]
    for k in (2, 3, 5):
        labels = helpers.kmeans(X, k, seed=0)[1]
        if name == "integer labels":
            labels = labels * 7 + 3  # arbitrary label values
        np.testing.assert_allclose(
            helpers.silhouette_samples(X, labels),
            sk_silhouette_samples(X, labels),
            rtol=0,
            atol=1e-10,
        )


def test_silhouette_by_hand_and_singletons():
    # Points 0, 1 | 9, 10: for point 0, a = 1 and b = (9 + 10) / 2 = 9.5.
    s = helpers.silhouette_samples([[0.0], [1.0], [9.0], [10.0]], [0, 0, 1, 1])
    assert s[0] == pytest.approx((9.5 - 1) / 9.5)
    s = helpers.silhouette_samples([[0.0], [1.0], [1.5], [9.0]], ["a", "a", "a", "b"])
    assert s[3] == 0.0  # alone in its cluster
    assert helpers.silhouette_score(
        [[0.0], [1.0], [1.5], [9.0]], ["a", "a", "a", "b"]
    ) == pytest.approx(s.mean())


@pytest.mark.parametrize(
    "labels, message",
    [
        ([0, 0, 0, 0], r"number of distinct labels must be in \[2, n_samples - 1=3\], got 1"),
        ([0, 1, 2, 3], r"number of distinct labels must be in \[2, n_samples - 1=3\], got 4"),
        ([0, 1], r"labels must have shape \(n_samples,\)=\(4,\), got shape \(2,\)"),
    ],
)
def test_silhouette_rejects_bad_labels(labels, message):
    with pytest.raises(ValueError, match=message):
        helpers.silhouette_score(np.arange(8.0).reshape(4, 2), labels)


def test_silhouette_memory_is_bounded():
    X, y = make_blobs(n_samples=20_000, centers=4, n_features=8, random_state=0)
    tracemalloc.start()
    helpers.silhouette_score(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # One (block, 20,000) distance matrix of ~16 MB per thread; the full one would be 3.2 GB.
    assert peak < engine.default_threads() * 20e6 + 10e6


def test_silhouette_refuses_nan_labels():
    with pytest.raises(ValueError, match=r"labels must not contain NaN or None \(sample 2\)"):
        helpers.silhouette_samples(np.arange(8.0).reshape(4, 2), [0, 1, np.nan, 1])


def test_silhouette_of_tight_clusters_far_apart_and_at_any_scale():
    rng = np.random.RandomState(0)
    X = np.vstack(
        [rng.normal(scale=1e-3, size=(50, 2)), rng.normal(scale=1e-3, size=(50, 2)) + 1e6]
    )
    y = np.r_[np.zeros(50, int), np.ones(50, int)]
    np.testing.assert_allclose(
        helpers.silhouette_samples(X, y), sk_silhouette_samples(X, y), atol=1e-7
    )
    Z, z = rng.normal(size=(30, 2)), rng.randint(0, 3, 30)
    for factor in (1e200, 1e-200):
        np.testing.assert_allclose(
            helpers.silhouette_samples(Z * factor, z), sk_silhouette_samples(Z, z), atol=1e-12
        )
