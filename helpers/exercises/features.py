"""Notebook 03's exercises: standardising features, and describing clusters in the data's
own units. References, and checkers in the pattern of ``helpers.exercises.pattern``."""

from __future__ import annotations

import numpy as np

from helpers.exercises.mistakes import MISTAKES
from helpers.exercises.pattern import fail, run_checks, same_array


def standardise(X):
    """Every feature to mean 0 and standard deviation 1: ``(Z, mean, scale)``, with
    ``Z = (X - mean) / scale``; a constant feature keeps scale 1 (it becomes all zeros)."""
    X = np.asarray(X, dtype=float)
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    return (X - mean) / scale, mean, scale


def profile(X, labels):
    """Per cluster, in X's own units: ``(means, spreads)``, each (k, d), the mean and the
    standard deviation of every feature over the cluster's points (clusters 0..k-1)."""
    X, labels = np.asarray(X, dtype=float), np.asarray(labels)
    k = labels.max() + 1
    means = np.array([X[labels == j].mean(axis=0) for j in range(k)])
    spreads = np.array([X[labels == j].std(axis=0) for j in range(k)])
    return means, spreads


def _wine():
    from sklearn.datasets import load_wine

    return load_wine().data


def check_standardise(fn):
    rng = np.random.RandomState(0)
    cases = [
        ("three points, two features", np.array([[1.0, 10.0], [2.0, 30.0], [3.0, 20.0]])),
        ("features on very different scales", rng.normal(size=(50, 3)) * [1.0, 100.0, 0.01]),
        ("a constant feature (it stays 0, never NaN)",
         np.c_[rng.normal(size=20), np.full(20, 7.0)]),
        ("the wine data", _wine()),
    ]

    def compare(case, got):
        name, X = case
        if not isinstance(got, tuple) or len(got) != 3:
            fail(name, "expected a tuple (Z, mean, scale)")
        want = standardise(X)
        same_array(name, "mean", got[1], want[1])
        same_array(name, "scale", got[2], want[2])
        same_array(name, "Z", got[0], want[0])

    return run_checks("standardising", fn, cases, compare, mistakes=MISTAKES["my_standardise"])


def check_profile(fn):
    rng = np.random.RandomState(1)
    X = _wine()
    cases = [
        ("four points, two clusters", np.array([[1.0, 5.0], [3.0, 5.0], [10.0, 0.0], [20.0, 2.0]]),
         np.array([0, 0, 1, 1])),
        ("the wine data, three random clusters", X, rng.randint(0, 3, len(X))),
        ("a cluster of one point (spread 0)", X[:10], np.r_[np.zeros(9, int), 1]),
    ]

    def compare(case, got):
        name, data, labels = case
        if not isinstance(got, tuple) or len(got) != 2:
            fail(name, "expected a tuple (means, spreads)")
        want = profile(data, labels)
        same_array(name, "means", got[0], want[0])
        same_array(name, "spreads", got[1], want[1])

    return run_checks("cluster profile", fn, cases, compare, mistakes=MISTAKES["my_profile"])
