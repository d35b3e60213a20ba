"""The elbow rule and the gap statistic, on cases whose answer is known."""

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from helpers.course.choosing_k import elbow, gap_choice, gap_statistic, inertia_curve


def test_elbow_finds_the_corner_of_a_hand_made_curve():
    ks = np.arange(1, 8)
    # Inertia falls by a factor of 10 per cluster up to 3, then by 10% per cluster.
    curve = [1000.0, 100.0, 10.0, 9.0, 8.1, 7.29, 6.56]
    assert elbow(ks, curve) == 3
    assert elbow(ks, curve, log=False) == 2  # on linear axes the first drop dominates


@pytest.mark.parametrize("centers", [2, 3, 5])
def test_gap_statistic_finds_well_separated_blobs(centers):
    X, _ = make_blobs(
        n_samples=200, centers=centers, cluster_std=0.5, random_state=1, center_box=(-20, 20)
    )
    ks = np.arange(1, 8)
    gap, s = gap_statistic(X, ks, n_refs=10, seed=0, progress=False)
    assert gap_choice(ks, gap, s) == centers
    assert elbow(ks, inertia_curve(X, ks, n_init=5, seed=0)) == centers


def test_gap_statistic_says_one_cluster_for_noise():
    X = np.random.RandomState(0).uniform(size=(200, 2))
    ks = np.arange(1, 6)
    gap, s = gap_statistic(X, ks, n_refs=10, seed=0, progress=False)
    assert gap_choice(ks, gap, s) == 1
