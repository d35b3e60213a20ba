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


def test_the_stored_tsne_map_is_of_the_digits_with_the_stated_parameters():
    from helpers.course.data import DATA_DIR, TSNE_PARAMS, load_digits, load_digits_tsne

    X, _ = load_digits()
    embedding = load_digits_tsne()
    assert embedding.shape == (len(X), 2) and np.isfinite(embedding).all()
    first_line = (DATA_DIR / "digits_tsne.csv").read_text().splitlines()[0]
    params = ", ".join(f"{k}={v!r}" for k, v in TSNE_PARAMS.items())
    assert first_line.startswith(f"# sklearn.manifold.TSNE({params})")
