"""helpers/validation.py: every bad input gets a ValueError that names the parameter, what
is allowed and what was given."""

import numpy as np
import pytest

import helpers

X_OK = np.arange(20.0).reshape(10, 2)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(k=0), r"k must be an integer in \[1, n_samples=10\], got 0"),
        (dict(k=11), r"k must be an integer in \[1, n_samples=10\], got 11"),
        (dict(k=2.5), r"k must be an integer in \[1, n_samples=10\], got 2.5"),
        (dict(k=True), r"k must be an integer .* got True"),
        (
            dict(init="kmeans++"),
            r"init must be 'random', 'k-means\+\+' or an array .* got 'kmeans\+\+'",
        ),
        (
            dict(init=np.zeros((3, 2))),
            r"init array must have shape \(k, n_features\)=\(2, 2\), got shape \(3, 2\)",
        ),
        (dict(init=np.array([[0, np.nan], [1, 1]])), r"init contains NaN or infinity \(row 0\)"),
        (dict(n_init=0), r"n_init must be an integer >= 1, got 0"),
        (dict(max_iter=0), r"max_iter must be an integer >= 1, got 0"),
        (dict(tol=-1.0), r"tol must be a finite number >= 0, got -1.0"),
        (dict(tol=float("nan")), r"tol must be a finite number >= 0, got nan"),
        (
            dict(seed=-1),
            r"seed must be None, an integer in \[0, 2\*\*32 - 1\], a numpy RandomState or a numpy Generator, got -1",
        ),
        (dict(seed="abc"), r"seed must be None, an integer in \[0, 2\*\*32 - 1\],.* got 'abc'"),
    ],
)
def test_bad_parameters_raise_clear_errors(kwargs, message):
    args = dict(k=2) | kwargs
    with pytest.raises(ValueError, match=message):
        helpers.kmeans(X_OK, args.pop("k"), **args)


@pytest.mark.parametrize(
    "X, message",
    [
        (
            np.arange(5.0),
            r"X must be a 2-D array of shape \(n_samples, n_features\), got shape \(5,\)",
        ),
        (np.zeros((0, 2)), r"X must not be empty, got shape \(0, 2\)"),
        (np.zeros((3, 0)), r"X must not be empty, got shape \(3, 0\)"),
        ([["a", "b"], ["c", "d"]], r"X must hold numbers, got dtype <U1"),
        (np.array([[1, None], [2, 3]]), r"X contains NaN or infinity \(row 0\)"),  # None: NaN
        (np.array([[1, "a"], [2, 3]], dtype=object), r"X must hold numbers, got dtype object"),
        (np.array([[1j, 2], [3, 4]]), r"X must hold real numbers"),
        (np.array([[0.0, 1], [2, 3], [np.nan, 1]]), r"X contains NaN or infinity \(row 2\)"),
        (np.array([[0.0, 1], [np.inf, 3], [1, 1]]), r"X contains NaN or infinity \(row 1\)"),
    ],
)
def test_bad_data_raise_clear_errors(X, message):
    with pytest.raises(ValueError, match=message):
        helpers.kmeans(X, 1)


def test_public_steps_check_their_input():
    with pytest.raises(ValueError, match=r"centroids must have n_features=2 columns like X"):
        helpers.assign(X_OK, np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"k must be an integer in \[1, n_samples=10\], got 20"):
        helpers.kmeans_pp_init(X_OK, 20)
    with pytest.raises(ValueError, match=r"X contains NaN"):
        helpers.kmeans_steps(np.full((3, 2), np.nan), 2)


def test_update_and_inertia_check_their_input():
    X = np.arange(8.0).reshape(4, 2)
    C = np.zeros((2, 2))
    with pytest.raises(
        ValueError, match=r"labels must have shape \(n_samples,\)=\(4,\), got shape \(1,\)"
    ):
        helpers.inertia(X, C, [0])
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, k - 1=1\], got -1"):
        helpers.inertia(X, C, [0, 1, -1, 0])
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, k - 1=1\], got 2"):
        helpers.update(X, [0, 1, 2, 0], C)
    with pytest.raises(ValueError, match=r"labels must be integers .* got dtype float64"):
        helpers.update(X, [0.0, 1.0, 1.0, 0.0], C)
    with pytest.raises(ValueError, match=r"centroids must have n_features=2 columns like X"):
        helpers.inertia(X, np.zeros((2, 1)), [0, 1, 1, 0])


@pytest.mark.parametrize(
    "X, message",
    [
        (
            np.arange(8).reshape(4, 2).astype("timedelta64[s]"),
            r"got dtype timedelta64\[s\]: convert",
        ),
        (np.arange(8).reshape(4, 2).astype("datetime64[s]"), r"got dtype datetime64\[s\]: convert"),
    ],
)
def test_dates_and_durations_are_refused_alike(X, message):
    with pytest.raises(ValueError, match=message):
        helpers.kmeans(X, 2)


def test_sparse_input_says_how_to_densify():
    import scipy.sparse as sp

    with pytest.raises(ValueError, match=r"X is a sparse matrix \(csr_matrix\).*X.toarray\(\)"):
        helpers.kmeans(sp.csr_matrix(np.eye(4)), 2)


@pytest.mark.parametrize("seed", [2**32, -1, 1.5, True, "7"])
def test_seed_out_of_numpys_range_gets_our_message(seed):
    with pytest.raises(ValueError, match=r"seed must be None, an integer in \[0, 2\*\*32 - 1\]"):
        helpers.kmeans(X_OK, 2, seed=seed)
    assert helpers.kmeans(X_OK, 2, seed=2**32 - 1)[1].shape == (10,)  # the top is allowed


def test_every_public_function_refuses_nan_data():
    bad = X_OK.copy()
    bad[3, 1] = np.nan
    C = X_OK[:2]
    calls = {
        "kmeans": lambda: helpers.kmeans(bad, 2),
        "kmeans_steps": lambda: helpers.kmeans_steps(bad, 2),
        "kmeans_pp_init": lambda: helpers.kmeans_pp_init(bad, 2),
        "assign": lambda: helpers.assign(bad, C),
        "update": lambda: helpers.update(bad, np.zeros(10, int), C),
        "inertia": lambda: helpers.inertia(bad, C, np.zeros(10, int)),
        "silhouette_samples": lambda: helpers.silhouette_samples(bad, np.arange(10) % 2),
        "soft_assign": lambda: helpers.soft_assign(bad, C, 1.0),
        "minibatch_kmeans": lambda: helpers.minibatch_kmeans(bad, 2),
        "em_gmm": lambda: helpers.em_gmm(bad, C),
        "soft_kmeans": lambda: helpers.soft_kmeans(bad, C, 1.0),
    }
    for name, call in calls.items():
        with pytest.raises(ValueError, match=r"X contains NaN or infinity \(row 3\)"):
            call()
            pytest.fail(f"{name} accepted NaN")


def test_float32_data_refuse_a_start_beyond_float32():
    X = np.array([[0, 0], [1, 0], [10, 0], [11, 0]], np.float32)
    with pytest.raises(
        ValueError, match=r"centroids has values beyond the range of X's dtype float32"
    ):
        helpers.assign(X, [[1e39, 0], [0, 0]])
    with pytest.raises(ValueError, match=r"init has values beyond the range of X's dtype float32"):
        helpers.kmeans(X, 2, init=[[1e39, 0], [0, 0]])


def test_numbers_of_any_type_and_what_does_not_fit():
    from fractions import Fraction

    assert helpers.kmeans(X_OK, 2, tol=Fraction(1, 10_000))[1].shape == (10,)
    for tol in (10**400, np.longdouble("1e4000")):
        with pytest.raises(ValueError, match=r"tol must be a finite number >= 0, got"):
            helpers.kmeans(X_OK, 2, tol=tol)
    np.testing.assert_array_equal(
        helpers.kmeans(X_OK.astype(object), 2, seed=0)[1], helpers.kmeans(X_OK, 2, seed=0)[1]
    )
    with pytest.raises(ValueError, match=r"X must be a 2-D array of numbers, could not read it"):
        helpers.kmeans([[1, 2], [3]], 1)
    with pytest.raises(ValueError, match=r"X is a masked array with masked entries"):
        helpers.kmeans(np.ma.array(X_OK, mask=X_OK > 17), 2)


def test_update_needs_no_more_centroids_than_points():
    with pytest.raises(
        ValueError,
        match=r"the number of centroids k must be an integer in \[1, n_samples=2\], got 3",
    ):
        helpers.update([[0.0], [1.0]], [0, 0], [[0.0], [1.0], [2.0]])


@pytest.mark.parametrize(
    "labels, message",
    [
        ([0, None, 1, 1], r"labels must not contain NaN or None \(sample 1\)"),
        ([0, "a", 1, 1], r"labels must be values that can be compared"),
        ([0, 1, float("nan"), 1], r"labels must not contain NaN or None \(sample 2\)"),
    ],
)
def test_silhouette_labels_of_mixed_objects(labels, message):
    with pytest.raises(ValueError, match=message):
        helpers.silhouette_samples(np.arange(8.0).reshape(4, 2), np.array(labels, dtype=object))


def test_seed_takes_none_and_a_generator():
    # None: fresh entropy (runs differ); a Generator seeds from one draw (so it advances,
    # and the same Generator state gives the same fit); ints draw exactly as before.
    X = np.random.RandomState(0).normal(size=(300, 2))
    starts = {tuple(helpers.kmeans(X, 5, n_init=1, max_iter=1, seed=None)[0].ravel().round(12))
              for _ in range(5)}
    assert len(starts) > 1
    a = helpers.kmeans(X, 5, seed=np.random.default_rng(7))
    b = helpers.kmeans(X, 5, seed=np.random.default_rng(7))
    np.testing.assert_array_equal(a[0], b[0])
    generator = np.random.default_rng(7)
    helpers.kmeans(X, 5, seed=generator)
    assert generator.integers(0, 2**32) != np.random.default_rng(7).integers(0, 2**32)
    np.testing.assert_array_equal(helpers.kmeans(X, 5, seed=3)[0],
                                  helpers.kmeans(X, 5, seed=np.random.RandomState(3))[0])


def test_a_callable_init_is_refused_by_name():
    with pytest.raises(ValueError, match=r"a callable is not supported: call it yourself"):
        helpers.kmeans(X_OK, 2, init=lambda X, k, rng: X[:k])


def test_n_threads_must_be_a_positive_integer():
    for bad in (0, 1.5, "2"):
        with pytest.raises(ValueError, match=r"n_threads must be an integer >= 1"):
            helpers.kmeans(X_OK, 2, n_threads=bad)


def test_an_engine_class_without_the_interface_is_refused_by_name():
    class NoStep:
        def __init__(self, X, sample_weight=None, n_threads=None):
            pass

        def start(self, centroids):
            pass

    class NoWeights:
        def __init__(self, X):
            pass

        def start(self, centroids):
            pass

        def step(self):
            pass

    X = np.random.RandomState(0).normal(size=(30, 2))
    for algorithm, words in [(NoStep, "no step method"), (int, "got int"), (len, "got len"),
                             (NoWeights, "could not be made as algorithm(X, sample_weight")]:
        with pytest.raises(ValueError, match="algorithm") as caught:
            helpers.kmeans(X, 2, algorithm=algorithm)
        assert words in str(caught.value)
