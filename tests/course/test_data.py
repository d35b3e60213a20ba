"""The data sets the notebooks read."""

import numpy as np

import helpers


def test_course_data_is_the_course_texts():
    X, y = helpers.course_data()
    assert X.shape == (300, 2) and set(y) == {0, 1, 2, 3}


def test_old_faithful_loads_with_its_two_scales():
    X = helpers.load_old_faithful()
    assert X.shape == (272, 2)
    assert 1.5 < X[:, 0].min() and X[:, 0].max() < 5.2  # eruption minutes
    assert 40 < X[:, 1].min() and X[:, 1].max() < 100  # waiting minutes


def test_failure_cases_have_labels_for_every_point():
    for name, (X, y) in helpers.failure_cases().items():
        assert X.ndim == 2 and X.shape[1] == 2 and len(y) == len(X), name
        assert np.isfinite(X).all()
