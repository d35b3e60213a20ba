"""helpers.scale.array_api: the same Lloyd step on NumPy and on array-api-strict (the standard only)."""

import array_api_strict as xps
import numpy as np
import pytest
from sklearn.datasets import make_blobs

import helpers
from helpers.scale import array_api
from tests.test_engine import exact_labels


def to_numpy(a):
    return np.from_dlpack(a)


@pytest.fixture
def data():
    X, _ = make_blobs(n_samples=2_000, centers=5, n_features=4, random_state=0)
    return X + 1e6, X[:5] + 1e6  # far from the origin: the centring matters


def test_numpy_input_goes_to_the_core(data):
    X, C = data
    labels, new = array_api.lloyd_step(X, C)
    np.testing.assert_array_equal(labels, helpers.assign(X, C))
    np.testing.assert_array_equal(new, helpers.update(X, labels, C))


@pytest.mark.parametrize("block_floats", [array_api.BLOCK_FLOATS, 7])
def test_strict_array_api_gives_the_cores_answer(data, block_floats):
    X, C = data
    labels = array_api.assign(xps.asarray(X), xps.asarray(C), block_floats=block_floats)
    np.testing.assert_array_equal(to_numpy(labels), helpers.assign(X, C))
    sums = array_api.cluster_sums(xps.asarray(X), labels, 5, block_floats=block_floats)
    expected = np.stack([X[helpers.assign(X, C) == j].sum(axis=0) for j in range(5)])
    np.testing.assert_allclose(to_numpy(sums), expected, rtol=1e-12)


def test_strict_update_fills_empty_clusters_like_the_core(data):
    X, C = data
    C = np.vstack([C, C[0] + 1e4])  # a sixth centroid far from every point: empty
    labels, new = array_api.lloyd_step(xps.asarray(X), xps.asarray(C))
    core_labels = helpers.assign(X, C)
    assert np.bincount(core_labels, minlength=6)[5] == 0
    np.testing.assert_array_equal(to_numpy(labels), core_labels)
    np.testing.assert_allclose(to_numpy(new), helpers.update(X, core_labels, C), rtol=1e-12)
    assert np.all(np.isfinite(to_numpy(new)))


def test_strict_float32_stays_float32(data):
    X, C = data
    X32, C32 = (X - 1e6).astype(np.float32), (C - 1e6).astype(np.float32)
    labels, new = array_api.lloyd_step(xps.asarray(X32), xps.asarray(C32))
    assert new.dtype == xps.float32
    core = helpers.update(X32, helpers.assign(X32, C32), C32)
    np.testing.assert_allclose(to_numpy(new), core, rtol=1e-5, atol=1e-5)


def test_strict_arrays_are_checked_like_the_core(data):
    X, C = data
    Xs, Cs = xps.asarray(X), xps.asarray(C)
    bad = X.copy()
    bad[5, 0] = np.nan
    with pytest.raises(ValueError, match=r"X contains NaN or infinity"):
        array_api.lloyd_step(xps.asarray(bad), Cs)
    with pytest.raises(ValueError, match=r"centroids must have n_features=4 columns"):
        array_api.assign(Xs, xps.asarray(C[:, :2]))
    with pytest.raises(ValueError, match=r"X must hold real floating-point numbers"):
        array_api.assign(xps.asarray(X.astype(np.int64)), Cs)
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, k - 1=4\]"):
        array_api.update(Xs, xps.full((X.shape[0],), 7), Cs)
    with pytest.raises(ValueError, match=r"X contains NaN or infinity \(row 5\)"):
        array_api.assign(bad, C)  # NumPy input: the core's own checks and messages


def test_strict_ties_scale_and_odd_inputs_as_the_core():
    np.testing.assert_array_equal(  # an exact tie: the lowest index
        to_numpy(array_api.assign(xps.asarray([[1.0]]), xps.asarray([[3.0], [2.0], [0.0]]))), [1]
    )
    tiny = np.array([[0.0], [1e-170]])
    np.testing.assert_array_equal(
        to_numpy(array_api.assign(xps.asarray(tiny), xps.asarray(tiny))), [0, 1]
    )
    new = array_api.update(
        xps.asarray([[0.0], [1.0]]), xps.asarray([1, 1]), xps.asarray([[0.0], [1.0]])
    )
    np.testing.assert_array_equal(to_numpy(new), [[0.0], [1.0]])  # n < empty + k candidates
    with pytest.raises(ValueError, match=r"must be arrays of one array-API library"):
        array_api.assign(np.zeros((2, 1)), xps.asarray([[0.0]]))
    with pytest.raises(ValueError, match=r"must be arrays of one array-API library"):
        array_api.assign([[0.0], [1.0]], [[0.0]])


def far_centroid_float32(n=20_000):
    """16-D normal points in float32 and 64 centroids, one of them at 1,000 (empty)."""
    X = np.random.RandomState(0).normal(size=(n, 16)).astype(np.float32)
    C = X[:64].copy()
    C[0] = 1000.0
    return X, C, exact_labels(X, C)


def test_strict_one_far_centroid_costs_no_accuracy_in_float32():
    # Centred on the centroids' mean (as this path once was), 2 of these rows were mislabelled.
    X, C, exact = far_centroid_float32()
    labels = array_api.assign(
        xps.asarray(X), xps.asarray(C), block_floats=64 * 3_000
    )  # 7 blocks, the last short
    np.testing.assert_array_equal(to_numpy(labels), exact)


def test_torch_gives_the_cores_answer():
    # Runs where PyTorch is installed (it is not a dependency): the addmm branch of `scores`,
    # its reused buffer over several blocks, and index_add_.
    torch = pytest.importorskip("torch")
    X, C, exact = far_centroid_float32()
    X_t, C_t = torch.from_numpy(X), torch.from_numpy(C)
    labels, new = array_api.lloyd_step(X_t, C_t)
    np.testing.assert_array_equal(labels.numpy(), exact)
    blocks = array_api.assign(X_t, C_t, block_floats=64 * 3_000)  # 7 blocks, the last short
    np.testing.assert_array_equal(blocks.numpy(), exact)
    core = helpers.update(X, exact, C)
    np.testing.assert_allclose(new.numpy(), core, rtol=1e-5, atol=1e-5)
    assert np.isfinite(new.numpy()).all() and not np.array_equal(new.numpy()[0], C[0])


@pytest.mark.parametrize(
    "dtype, size", [(np.float64, 1e200), (np.float64, 1e307), (np.float32, 1e30)]
)
def test_huge_numbers_give_the_cores_labels_on_every_path(dtype, size):
    # The mean of such rows overflows unless taken after the power-of-two scale, and float32
    # needs float32's limits (not float64's) to decide on the scale.
    X = (np.random.RandomState(0).normal(size=(3_000, 4)) * size).astype(dtype)
    C = X[:8].copy()
    core = helpers.assign(X, C)
    np.testing.assert_array_equal(array_api.assign(X, C), core)  # NumPy: the engine
    np.testing.assert_array_equal(to_numpy(array_api.assign(xps.asarray(X), xps.asarray(C))), core)


def test_numpy_and_strict_paths_centre_like_the_core_in_float32():
    # Integer rows, float32: exact ties are broken by rounding, the same way on every path.
    X = np.random.RandomState(0).randint(0, 7, size=(3_000, 3)).astype(np.float32)
    C = X[:6].copy()
    core = helpers.assign(X, C)
    np.testing.assert_array_equal(array_api.assign(X, C), core)
    np.testing.assert_array_equal(to_numpy(array_api.assign(xps.asarray(X), xps.asarray(C))), core)


def test_strict_update_refuses_more_centroids_than_rows_like_the_core():
    X, labels = xps.asarray([[1.0, 2.0]]), xps.asarray([0])
    centroids = xps.asarray([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with pytest.raises(ValueError, match=r"k must be an integer in \[1, n_samples=1\], got 3"):
        array_api.update(X, labels, centroids)


def test_strict_update_rescales_like_the_core_at_extreme_magnitudes():
    X, labels, C = [[1e308], [1.5e308], [-1e308]], [1, 1, 0], [[0.0], [1e308]]
    got = np.from_dlpack(array_api.update(xps.asarray(X), xps.asarray(labels), xps.asarray(C)))
    np.testing.assert_allclose(got, helpers.update(np.array(X), np.array(labels), np.array(C)))
    X, C, labels = np.array([[0.0], [1], [4], [5]]), np.array([[0.0], [5], [100]]), np.array([0, 0, 1, 1])
    for s in (1.0, 1e-300):  # an empty cluster takes the same farthest point at any scale
        got = np.from_dlpack(array_api.update(xps.asarray(X * s), xps.asarray(labels), xps.asarray(C * s)))
        np.testing.assert_allclose(got / s, helpers.update(X, labels, C))
