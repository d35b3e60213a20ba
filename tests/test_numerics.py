"""helpers/numerics.py: column ranges, the one rescaling and relative weights."""

import numpy as np
import pytest

from helpers import numerics


@pytest.mark.parametrize("n", [1, 2, 63, 64, 65, 255, 256, 257, 1001, 4097, 100_003])
@pytest.mark.parametrize("d", [1, 2, 8, 16, 17])
def test_column_range_is_the_columns_min_and_max(n, d):
    X = np.random.RandomState(n + d).normal(size=(n, d))
    low, high = numerics.column_range(X)
    np.testing.assert_array_equal(low, X.min(axis=0))
    np.testing.assert_array_equal(high, X.max(axis=0))


def test_column_range_keeps_the_dtype_and_a_nan():
    X = np.random.RandomState(0).normal(size=(5000, 3)).astype(np.float32)
    X[4321, 1] = np.nan
    low, high = numerics.column_range(X)
    assert low.dtype == high.dtype == np.float32
    assert np.isnan(low[1]) and np.isnan(high[1]) and np.isfinite(low[[0, 2]]).all()
    np.testing.assert_array_equal(numerics.column_range(X[:, ::2])[0], X[:, ::2].min(axis=0))


def test_safe_units_are_the_arrays_themselves_for_everyday_data():
    X, C = np.arange(6.0).reshape(3, 2), np.zeros((1, 2))
    scale, X2, C2 = numerics.to_safe_units(X, C)
    assert scale == 1.0 and X2 is X and C2 is C
    assert numerics.from_safe_units(C, X, 1.0) is C


@pytest.mark.parametrize("size", [1e300, 1e-300])
def test_safe_units_divide_by_a_power_of_two_and_come_back(size):
    X = np.array([[1.0, -2.0], [3.0, 0.5]]) * size
    scale, X2 = numerics.to_safe_units(X)
    assert np.frexp(scale)[0] == 0.5  # a power of two: exact
    np.testing.assert_array_equal(X2 * scale, X)
    np.testing.assert_array_equal(numerics.from_safe_units(X2.mean(axis=0, keepdims=True), X2, scale),
                                  X.mean(axis=0, keepdims=True))


def test_relative_weights_are_at_most_one_and_scale_free():
    w = np.array([0.0, 0.1, 0.2, 0.30000000000000004])
    rel = numerics.relative_weights(w)
    assert rel.max() == 1.0 and rel[0] == 0.0
    np.testing.assert_array_equal(numerics.relative_weights(w * 2.0**40), rel)  # exact
    np.testing.assert_allclose(numerics.relative_weights(w * 1e300), rel, rtol=1e-15)
    assert numerics.relative_weights(None) is None


def test_weights_too_far_apart_are_a_value_error():
    with pytest.raises(ValueError, match=r"sample_weight has positive weights too small beside "
                                         r"its largest to count: 1e-20 \(sample 0\) is less than"):
        numerics.relative_weights(np.array([1e-20, 1e308]))
    for tiny in (5e-324, 1e-320):  # subnormal ratios with few digits left
        with pytest.raises(ValueError, match="sample_weight"):
            numerics.relative_weights(np.array([tiny, 1.0, 1.0]))
    assert numerics.relative_weights(np.array([0.744, 1e308]))[0] > 0  # 7e-309: 51 bits kept
    assert numerics.relative_weights(np.array([1e-300, 1.0]))[0] == 1e-300
