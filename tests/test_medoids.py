"""helpers.kmedoids (PAM): swap-optimal, BUILD as defined, robust to outliers, checked input."""

import numpy as np
import pytest

import helpers
from helpers import medoids as pam


def _best_single_swap(X, chosen):
    """Brute force: the lowest cost over every exchange of one medoid for one non-medoid."""
    D = pam.pairwise_distances(X)
    best = np.inf
    for i in range(len(chosen)):
        for h in set(range(len(X))) - set(chosen.tolist()):
            trial = chosen.copy()
            trial[i] = h
            best = min(best, pam.total_distance(D, trial))
    return pam.total_distance(D, chosen), best


def _data(name):
    rng = np.random.RandomState(3)
    X, _ = helpers.course_data()
    return {
        "course data, k=4": (X[::4], 4),
        "gaussian, k=5": (rng.normal(size=(70, 3)), 5),
        "with outliers, k=3": (np.vstack([rng.normal(size=(50, 2)), [[40, 40], [-30, 45]]]), 3),
        "integers with duplicates, k=6": (rng.randint(0, 4, size=(60, 2)).astype(float), 6),
        "one medoid": (rng.normal(size=(30, 2)), 1),
    }[name]


@pytest.mark.parametrize(
    "name",
    [
        "course data, k=4",
        "gaussian, k=5",
        "with outliers, k=3",
        "integers with duplicates, k=6",
        "one medoid",
    ],
)
@pytest.mark.parametrize("seed", [0, 1])
def test_result_is_swap_optimal(name, seed):
    X, k = _data(name)
    chosen, labels = helpers.kmedoids(X, k, seed=seed)
    assert chosen.shape == (k,) and len(set(chosen.tolist())) == k
    cost, best_swap = _best_single_swap(X, chosen)
    assert best_swap >= cost * (1 - 1e-12)  # no single swap lowers the total distance
    D = pam.pairwise_distances(X)
    np.testing.assert_array_equal(D[np.arange(len(X)), chosen[labels]], D[:, chosen].min(axis=1))
    np.testing.assert_array_equal(labels[chosen], np.arange(k))  # each medoid in its cluster


def test_build_is_the_greedy_choice():
    X, k = _data("gaussian, k=5")
    D = pam.pairwise_distances(X)
    chosen = pam.build(D, k)
    assert chosen[0] == np.argmin(D.sum(axis=1))
    for m in range(1, k):  # each next medoid lowers the cost most among all points
        costs = [pam.total_distance(D, np.append(chosen[:m], h)) for h in range(len(X))]
        assert pam.total_distance(D, chosen[: m + 1]) == pytest.approx(min(costs), rel=1e-13)


def test_swap_gains_equal_recomputed_costs():
    X, k = _data("course data, k=4")
    D = pam.pairwise_distances(X)
    chosen = pam.build(D, k)
    change = pam.swap_gains(D, chosen)
    base = pam.total_distance(D, chosen)
    for i in range(k):
        for h in range(0, len(X), 7):
            trial = chosen.copy()
            trial[i] = h
            if h in chosen:
                assert change[i, h] == np.inf
            else:
                assert base + change[i, h] == pytest.approx(pam.total_distance(D, trial), abs=1e-9)


def test_the_docstring_example_and_reproducibility():
    chosen, labels = helpers.kmedoids([[0.0], [1.0], [2.0], [10.0], [11.0]], 2)
    assert chosen.tolist() == [1, 3] and labels.tolist() == [0, 0, 0, 1, 1]
    X, k = _data("integers with duplicates, k=6")
    a, b = helpers.kmedoids(X, k, seed=5), helpers.kmedoids(X, k, seed=5)
    np.testing.assert_array_equal(a[0], b[0])


def test_the_seed_breaks_ties_between_equal_swaps():
    # BUILD picks a 1 (index 1, the smallest total distance), then a 0 (index 0: ties
    # with the 2s, lowest index). Swapping the 1 for any of the three 2s lowers the cost
    # from 3 to 2 equally: the seed chooses which.
    X = np.array([[0.0], [1], [0], [2], [2], [0], [2], [1]])
    D = pam.pairwise_distances(X)
    assert pam.build(D, 2).tolist() == [1, 0]
    results = {tuple(sorted(helpers.kmedoids(X, 2, seed=s)[0].tolist())) for s in range(10)}
    assert results == {(0, 3), (0, 4), (0, 6)}
    assert {pam.total_distance(D, list(r)) for r in results} == {2.0}


def test_medoids_resist_outliers_that_drag_a_centroid():
    rng = np.random.RandomState(0)
    blobs = np.vstack([rng.normal(size=(100, 2)), rng.normal(size=(100, 2)) + [8, 0]])
    with_outliers = np.vstack([blobs, [[4, 60], [4, 62], [5, 61]]])
    medoids_before = blobs[helpers.kmedoids(blobs, 2)[0]]
    medoids_after = with_outliers[helpers.kmedoids(with_outliers, 2)[0]]
    np.testing.assert_allclose(np.sort(medoids_after, axis=0), np.sort(medoids_before, axis=0))
    centroids = helpers.kmeans(with_outliers, 2, n_init=10, seed=0)[0]
    assert centroids[:, 1].max() > 20  # a K-Means centroid goes to the outliers


def test_scale_and_shift_do_not_change_the_medoids():
    X, k = _data("gaussian, k=5")
    chosen = helpers.kmedoids(X, k)[0]
    for transformed in (X * 2.0**-600, X * 2.0**600, X + 1024.0):
        np.testing.assert_array_equal(helpers.kmedoids(transformed, k)[0], chosen)


def test_every_point_a_medoid():
    X = np.arange(10.0).reshape(5, 2)
    chosen, labels = helpers.kmedoids(X, 5)
    assert sorted(chosen.tolist()) == [0, 1, 2, 3, 4]
    np.testing.assert_array_equal(chosen[labels], np.arange(5))


def test_max_iter_warns_when_more_swaps_would_help():
    X = np.vstack([np.arange(20.0)[:, None], [[100.0], [101.0], [103.0]]])
    D = pam.pairwise_distances(X)
    assert pam.swap_gains(D, pam.build(D, 3)).min() < 0  # BUILD alone is not optimal here
    with pytest.warns(UserWarning, match="kmedoids made max_iter=1 swaps"):
        helpers.kmedoids(np.vstack([X, [[50.0], [200.0]]]), 4, max_iter=1)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"k": 0}, r"k must be an integer in \[1, n_samples=4\], got 0"),
        ({"k": 5}, r"k must be an integer in \[1, n_samples=4\], got 5"),
        ({"k": 2.0}, r"k must be an integer"),
        ({"k": 2, "seed": -1}, r"seed must be None, an integer in \[0, 2\*\*32 - 1\]"),
        ({"k": 2, "max_iter": 0}, r"max_iter must be an integer >= 1, got 0"),
        ({"k": 2, "X": [[0.0], [np.nan], [1], [2]]}, r"X contains NaN or infinity \(row 1\)"),
        ({"k": 2, "X": [0.0, 1, 2, 3]}, r"X must be a 2-D array"),
    ],
)
def test_bad_input_raises_value_error(kwargs, message):
    kwargs = {"X": [[0.0], [1.0], [2.0], [3.0]], **kwargs}
    with pytest.raises(ValueError, match=message):
        helpers.kmedoids(kwargs.pop("X"), kwargs.pop("k"), **kwargs)


def test_too_many_samples_for_the_distance_matrix(monkeypatch):
    monkeypatch.setattr(pam, "MAX_SAMPLES", 10)
    with pytest.raises(ValueError, match="X must have at most 10 rows, got 11"):
        helpers.kmedoids(np.zeros((11, 2)), 2)


def test_k_above_the_distinct_points_warns_as_kmeans_does():
    X = np.array([[0.0], [0.0], [1.0], [1.0], [1.0]])
    with pytest.warns(UserWarning, match=r"X has only 2 distinct points for k=3"):
        medoids, labels = helpers.kmedoids(X, 3)
    assert len(set(medoids.tolist())) == 3 and len(np.unique(X[medoids])) == 2
