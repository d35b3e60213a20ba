"""helpers/kmeans.py, the algorithm: against scikit-learn and answers worked out by hand."""

import doctest
import importlib
import warnings

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits, load_iris, make_blobs

import helpers

core = importlib.import_module("helpers.kmeans")  # the module (helpers.kmeans is the function)


def toy():
    # Two obvious groups; by hand: centroids (0, 0.5) and (10, 10.5), inertia 4 * 0.25 = 1.
    return np.array([[0, 0], [0, 1], [10, 10], [10, 11]], dtype=float)


def datasets():
    X_blobs, _ = make_blobs(n_samples=500, centers=5, cluster_std=1.5, random_state=3)
    return {
        "toy": (toy(), 2),
        "course": (helpers.course_data()[0], 4),
        "blobs": (X_blobs, 5),
        "iris": (load_iris().data, 3),
        "digits": (load_digits().data, 10),
    }


@pytest.mark.parametrize("name", ["toy", "course", "blobs", "iris", "digits"])
@pytest.mark.parametrize("start", [0, 1, 2])
def test_same_result_as_sklearn_from_same_start(name, start):
    X, k = datasets()[name]
    C0 = X[np.random.RandomState(start).choice(len(X), k, replace=False)]
    ours_c, ours_l = helpers.kmeans(X, k, init=C0, n_init=1, tol=0)
    sk = KMeans(k, init=C0, n_init=1, tol=0, algorithm="lloyd", max_iter=300).fit(X)
    np.testing.assert_array_equal(ours_l, sk.labels_)
    np.testing.assert_allclose(ours_c, sk.cluster_centers_, rtol=1e-9, atol=1e-12 * np.abs(X).max())
    assert helpers.inertia(X, ours_c, ours_l) == pytest.approx(sk.inertia_, rel=1e-9)


def test_toy_answer_by_hand():
    centroids, labels = helpers.kmeans(toy(), 2, seed=0)
    order = np.argsort(centroids[:, 0])
    np.testing.assert_allclose(centroids[order], [[0, 0.5], [10, 10.5]])
    assert labels[0] == labels[1] != labels[2] == labels[3]
    assert helpers.inertia(toy(), centroids, labels) == pytest.approx(1.0)


def test_assign_and_inertia_by_hand():
    X = np.array([[0.0, 0], [4, 0], [6, 0]])
    C = np.array([[1.0, 0], [5, 0]])
    np.testing.assert_array_equal(helpers.assign(X, C), [0, 1, 1])
    assert helpers.inertia(X, C, [0, 1, 1]) == pytest.approx(1 + 1 + 1)


def test_assign_breaks_ties_to_lowest_index():
    # The point 1 is exactly as far from 0 as from 2.
    np.testing.assert_array_equal(helpers.assign([[1.0], [1.0]], [[2.0], [0.0]]), [0, 0])


def test_update_is_the_mean_of_each_cluster():
    X = np.array([[0.0, 0], [2, 2], [10, 0], [20, 0]])
    new = helpers.update(X, np.array([0, 0, 1, 1]), np.zeros((2, 2)))
    np.testing.assert_allclose(new, [[1, 1], [15, 0]])


def test_course_code_makes_nan_but_ours_does_not():
    X = np.array([[0.0, 0]] * 5 + [[1.0, 1]] * 5)  # ten points: five copies of two points
    C0 = X[[0, 1, 5]]  # two identical starting centroids: the second one never wins a point
    labels = helpers.assign(X, C0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        course_update = np.array([X[labels == j].mean(axis=0) for j in range(3)])
    assert np.isnan(course_update).any()  # what the course text's update step does
    with pytest.warns(UserWarning, match="only 2 of k=3 clusters"):
        centroids, labels = helpers.kmeans(X, 3, init=C0, tol=0)
    assert np.isfinite(centroids).all()
    assert helpers.inertia(X, centroids, labels) == 0.0


def test_empty_cluster_moves_to_farthest_point():
    X = np.array([[0.0], [1.0], [2.0], [10.0]])
    labels = np.array([0, 0, 0, 0])  # cluster 1 got no points
    C = np.array([[1.0], [50.0]])
    new = helpers.update(X, labels, C)
    # The point 10 is farthest from centroid 0 (at 1): it becomes cluster 1 and leaves cluster 0.
    np.testing.assert_allclose(new, [[1.0], [10.0]])


def test_empty_clusters_many_at_once_with_ties_match_a_full_sort():
    # Integer points (many equal distances), 6 of 8 clusters empty: the relocation looks
    # only at the farthest candidates; a plain loop over a full stable sort must agree.
    rng = np.random.RandomState(3)
    X = rng.randint(0, 4, size=(60, 2)).astype(float)
    labels = np.where(X[:, 0] < 2, 0, 1)
    C = np.array([[0.5, 1.5], [2.5, 1.5]] + [[100.0, 100.0]] * 6)

    sums = np.array([X[labels == j].sum(axis=0) for j in range(8)])
    counts = np.bincount(labels, minlength=8)
    sq_dist = ((X - C[labels]) ** 2).sum(axis=1)
    for cluster in np.flatnonzero(counts == 0):
        i = next(i for i in np.argsort(-sq_dist, kind="stable") if counts[labels[i]] > 1)
        sums[labels[i]] -= X[i]
        counts[labels[i]] -= 1
        sq_dist[i] = -1.0  # taken
        sums[cluster], counts[cluster] = X[i], 1
    np.testing.assert_allclose(helpers.update(X, labels, C), sums / counts[:, None])


@pytest.mark.parametrize("init", ["random", "k-means++"])
def test_duplicates_and_k_above_distinct_points(init):
    X = np.repeat([[0.0, 0], [3, 4]], 4, axis=0)
    with pytest.warns(UserWarning, match="X has only 2 distinct points"):
        centroids, labels = helpers.kmeans(X, 5, init=init, seed=1)
    assert np.isfinite(centroids).all() and centroids.shape == (5, 2)
    assert helpers.inertia(X, centroids, labels) == 0.0


def test_kmeans_pp_init_matches_course_text_version():
    X, _ = helpers.course_data()

    def course_pp(X, k, seed):  # the course text's O(n k^2 d) version, verbatim in logic
        rng = np.random.RandomState(seed)
        n = len(X)
        centroids = [X[rng.randint(n)]]
        for _ in range(1, k):
            dists = np.min([np.sum((X - c) ** 2, axis=1) for c in centroids], axis=0)
            centroids.append(X[rng.choice(n, p=dists / dists.sum())])
        return np.array(centroids)

    for seed in range(5):
        np.testing.assert_array_equal(
            helpers.kmeans_pp_init(X, 4, seed=seed), course_pp(X, 4, seed)
        )


def test_random_init_draws_like_the_course_text():
    X, _ = helpers.course_data()
    steps = helpers.kmeans_steps(X, 4, init="random", seed=42)
    idx = np.random.RandomState(42).choice(len(X), 4, replace=False)
    np.testing.assert_array_equal(steps[0].centroids, X[idx])


def test_steps_history_is_consistent_with_kmeans():
    X, _ = helpers.course_data()
    steps = helpers.kmeans_steps(X, 4, init="random", seed=3)
    c, labels = helpers.kmeans(X, 4, init="random", n_init=1, tol=0, seed=3)
    np.testing.assert_allclose(steps[-1].new_centroids, c)
    np.testing.assert_array_equal(steps[-1].labels, labels)
    inertias = [s.inertia for s in steps]
    assert all(b <= a for a, b in zip(inertias, inertias[1:]))  # Lloyd never goes uphill
    for prev, nxt in zip(steps, steps[1:]):
        np.testing.assert_array_equal(prev.new_centroids, nxt.centroids)
    assert [s.converged for s in steps] == [False] * (len(steps) - 1) + [True]
    np.testing.assert_array_equal(steps[-1].labels, steps[-2].labels)


def test_n_init_keeps_the_best_start():
    X, _ = helpers.course_data()
    # The same three random starts, drawn one after the other from one generator:
    rng = np.random.RandomState(7)
    starts = [helpers.init_centroids(X, 4, "random", rng) for _ in range(3)]
    single = [helpers.inertia(X, *helpers.kmeans(X, 4, init=c, n_init=1)) for c in starts]
    best = helpers.inertia(X, *helpers.kmeans(X, 4, init="random", n_init=3, seed=7))
    assert best == pytest.approx(min(single), rel=1e-12)
    assert max(single) > 2 * min(single)  # the starts really differ: one of them is stuck


def test_deterministic_for_a_seed():
    X, _ = helpers.course_data()
    a = helpers.kmeans(X, 5, seed=7)
    b = helpers.kmeans(X, 5, seed=7)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_float32_stays_float32_and_agrees():
    X, _ = helpers.course_data()
    c64, l64 = helpers.kmeans(X, 4, seed=0)
    c32, l32 = helpers.kmeans(X.astype(np.float32), 4, seed=0)
    assert c32.dtype == np.float32
    np.testing.assert_array_equal(l32, l64)
    np.testing.assert_allclose(c32, c64, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "name", ["course data, k=4", "blobs 5,000 x 8, k=6", "overlapping blobs 20,000 x 16, k=10"]
)
def test_float32_agrees_with_sklearn_float32(name):
    """Same float32 data, same start: the same labels as scikit-learn's float32 Lloyd,
    centroids and inertia equal to float32 rounding."""
    X, k = {
        "course data, k=4": (helpers.course_data()[0], 4),
        "blobs 5,000 x 8, k=6": (make_blobs(5000, 8, centers=6, random_state=3)[0], 6),
        "overlapping blobs 20,000 x 16, k=10": (
            make_blobs(20000, 16, centers=10, cluster_std=3, random_state=1)[0],
            10,
        ),
    }[name]
    X32 = X.astype(np.float32)
    start = X32[:k].copy()
    centroids, labels = helpers.kmeans(X32, k, init=start, tol=0, max_iter=100)
    sk = KMeans(k, init=start, n_init=1, tol=0, max_iter=100, algorithm="lloyd").fit(X32)
    assert centroids.dtype == sk.cluster_centers_.dtype == np.float32
    np.testing.assert_array_equal(labels, sk.labels_)
    np.testing.assert_allclose(centroids, sk.cluster_centers_, rtol=1e-5, atol=1e-4)
    assert helpers.inertia(X32, centroids, labels) == pytest.approx(sk.inertia_, rel=1e-5)


def test_integer_input():
    X = np.array([[0, 0], [0, 2], [10, 10], [10, 12]])
    centroids, _ = helpers.kmeans(X, 2, seed=0)
    assert centroids.dtype == np.float64
    np.testing.assert_allclose(sorted(centroids.tolist()), [[0, 1], [10, 11]])


@pytest.mark.parametrize("offset", [1e8, 1e9, -3e9])
def test_far_from_origin_gives_same_labels(offset):
    X, _ = helpers.course_data()
    C0 = X[[0, 1, 2, 3]]
    near = helpers.kmeans(X, 4, init=C0, tol=0)
    far = helpers.kmeans(X + offset, 4, init=C0 + offset, tol=0)
    np.testing.assert_array_equal(near[1], far[1])
    np.testing.assert_allclose(far[0] - offset, near[0], atol=1e-6 * abs(offset) * 1e-6 + 1e-6)
    np.testing.assert_array_equal(helpers.assign(X + offset, near[0] + offset), near[1])


def test_docstring_examples():
    result = doctest.testmod(core, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 4 and result.failed == 0


@pytest.mark.parametrize("scale", [1e154, 1.5e307, 1e-170, 1e-300, 5e-321])
def test_labels_do_not_depend_on_the_datas_scale(scale):
    # In exact arithmetic the labels do not depend on the scale; squares of these numbers
    # would overflow (or underflow) float64, so the core works on X divided by a power of two.
    X = np.array([[0.0], [1.0], [10.0], [11.0]]) * scale
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow, no "fewer distinct points" warning
        centroids, labels = helpers.kmeans(X, 2, seed=0)
        steps = helpers.kmeans_steps(X, 2, init=X[[0, 2]], seed=0)
        assert labels[0] == labels[1] != labels[2] == labels[3]
        np.testing.assert_allclose(np.sort(centroids.ravel()) / scale, [0.5, 10.5], rtol=1e-3)
        np.testing.assert_array_equal(helpers.assign(X, centroids), labels)
        np.testing.assert_allclose(helpers.update(X, labels, centroids), centroids, rtol=1e-12)
        assert np.all(np.isin(helpers.kmeans_pp_init(X, 2, seed=0), X))
    np.testing.assert_array_equal(steps[-1].labels, [0, 0, 1, 1])
    assert np.isfinite(steps[-1].new_centroids).all()


def test_the_warning_says_truly_why_a_cluster_is_empty():
    X = np.repeat([[0.0, 0.0], [3.0, 4.0]], 4, axis=0)  # 2 distinct points, k = 3
    with pytest.warns(UserWarning, match=r"only 2 of k=3 clusters hold points: X has only 2"):
        helpers.kmeans(X, 3, seed=0)


def test_data_at_the_edge_of_float_range_give_finite_centroids():
    for dtype in (np.float64, np.float32):
        top = np.finfo(dtype).max
        X = np.array([[top], [-top], [top]], dtype=dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            centroids, labels = helpers.kmeans(X, 2, init=np.array([[0.0], [1.0]], dtype=dtype))
        assert np.isfinite(centroids).all() and labels[0] == labels[2] != labels[1]


@pytest.mark.parametrize("power", [-494, -400, 0, 400])
def test_neighbouring_floats_keep_their_labels_at_any_scale(power):
    # 8 consecutive floats near 1: their differences (2^-52) squared underflow near 2^-494
    X = (1 + np.arange(8) * 2.0**-52)[:, None] * 2.0**power
    np.testing.assert_array_equal(helpers.assign(X, X[[0, 7]]), [0, 0, 0, 0, 1, 1, 1, 1])
    np.testing.assert_array_equal(helpers.kmeans(X, 2, init=X[[0, 7]])[1], [0, 0, 0, 0, 1, 1, 1, 1])


def test_centroids_far_from_the_data_still_give_the_nearest():
    np.testing.assert_array_equal(helpers.assign([[0.0], [1.0]], [[1e201], [1e200]]), [1, 1])


def test_exact_ties_go_to_the_lowest_index_on_grid_data():
    rng = np.random.RandomState(0)
    for _ in range(300):
        X = rng.randint(-4, 5, size=(rng.randint(3, 12), 2)).astype(float)
        C = rng.randint(-4, 5, size=(3, 2)).astype(float)
        exact = ((X[:, None] - C[None]) ** 2).sum(axis=2).argmin(axis=1)  # small integers: exact
        np.testing.assert_array_equal(helpers.assign(X, C), exact)
        np.testing.assert_array_equal(
            helpers.kmeans_steps(X, 3, init=C, max_iter=1)[0].labels, exact
        )


def test_every_docstring_example_of_the_package_holds():
    import importlib
    import pkgutil

    skip = ("helpers.scale.distributed",)  # needs the Dask extra: tested in tests/scale
    attempted = 0
    for info in pkgutil.walk_packages(helpers.__path__, "helpers."):
        if info.name in skip:
            continue
        module = importlib.import_module(info.name)
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, info.name
        attempted += result.attempted
    assert attempted >= 10
