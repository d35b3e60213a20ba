"""The init study: what it records must match runs made by hand."""

import numpy as np
import pytest

import helpers
from helpers.course.experiments import init_study


def test_init_study_matches_individual_runs():
    X, _ = helpers.course_data()
    study = init_study(X, 4, seeds=[0, 1, 2], progress=False)
    for i, seed in enumerate([0, 1, 2]):
        for init in ("random", "k-means++"):
            run = helpers.kmeans(X, 4, init=init, n_init=1, tol=0, seed=seed)
            assert study[init]["final"][i] == pytest.approx(helpers.inertia(X, *run))
            start = helpers.kmeans_steps(X, 4, init=init, seed=seed)[0]
            assert study[init]["start"][i] == pytest.approx(start.inertia)
    assert np.all(study["k-means++"]["final"] <= study["k-means++"]["start"])
