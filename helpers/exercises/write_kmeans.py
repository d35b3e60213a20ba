"""Notebook 01's exercises: you write K-Means, one step at a time, and these check it.

The four steps a learner writes, with the reference each is checked against (the one the
notebook goes on with when a check has not passed yet):

==========================================  ============================================
you write                                   reference
==========================================  ============================================
``my_init_centroids(X, k, rng)``            ``random_rows``: k distinct rows, drawn with
                                            ``rng.choice(n, k, replace=False)``
``my_assign(X, centroids)``                 ``helpers.assign``: the nearest centroid,
                                            ties to the lowest index
``my_update(X, labels, centroids)``         ``update_keeping_empty``: the means; an empty
                                            cluster keeps its centroid
``my_kmeans(X, centroids, max_iter)``       ``kmeans_loop``: assign and update until the
                                            assignment stops changing
==========================================  ============================================

The checkers know the usual mistakes (``helpers.exercises.mistakes``) and name one only
when it gives exactly the learner's answer.
"""

from __future__ import annotations

import numpy as np

from helpers.course.data import course_data
from helpers.exercises.mistakes import MISTAKES
from helpers.exercises.pattern import as_array, call_case, fail, run_checks, same_array
from helpers.kmeans import assign


def random_rows(X, k, rng) -> np.ndarray:
    """k distinct rows of X, drawn with ``rng`` as the course text draws them: shape (k, d)."""
    return X[rng.choice(len(X), k, replace=False)].copy()


def update_keeping_empty(X, labels, centroids) -> np.ndarray:
    """Every centroid to the mean of its points; a centroid without points stays where it
    was (the simplest rule that never gives NaN; ``helpers.update`` does better). Shape (k, d)."""
    new = np.array(centroids, dtype=float)  # a copy: the caller's centroids stay as they were
    for j in range(len(new)):
        members = X[labels == j]
        if len(members):
            new[j] = members.mean(axis=0)
    return new


def kmeans_loop(X, centroids, max_iter=100):
    """Lloyd's loop from ``centroids`` with ``assign`` and ``update_keeping_empty``: stop
    when the assignment equals the previous one. Returns (centroids, labels, n_updates),
    ``labels`` the last assignment (the one the returned centroids are the means of)."""
    labels = None
    for n_updates in range(max_iter + 1):
        new_labels = assign(X, centroids)
        if labels is not None and np.array_equal(new_labels, labels):
            return centroids, labels, n_updates
        if n_updates == max_iter:
            break
        labels = new_labels
        centroids = update_keeping_empty(X, labels, centroids)
    return centroids, labels, max_iter


# --------------------------------------------------------------------------- checkers
def check_init_centroids(fn):
    """``fn(X, k, rng)``: k distinct rows of X, drawn with ``rng``: the same rows for the
    same seed, other rows for another seed."""
    X, _ = course_data()
    five = np.arange(10.0).reshape(5, 2)
    cases = [
        ("course data, k=4, seed 42", X, 4, np.random.RandomState(42)),
        ("5 points, k=5: every row once", five, 5, np.random.RandomState(0)),
        ("course data, k=1, seed 7", X, 1, np.random.RandomState(7)),
        ("course data, k=10, seed 3", X, 10, np.random.RandomState(3)),
        ("course data, k=4: seed 5 twice, then seed 6 (the draw must come from rng)", X, 4, None),
    ]

    def call(f, case):
        if case[3] is not None:
            return call_case(f, case)
        draws = [np.random.RandomState(seed) for seed in (5, 5, 6)]
        return tuple(call_case(f, (case[0], X, 4, rng)) for rng in draws)

    def rows_of(name, data, k, got):
        C = as_array(got, name, "the centroids")
        if C.shape != (k, data.shape[1]):
            fail(name, f"the centroids have shape {C.shape}, expected {(k, data.shape[1])}: "
                       f"k rows of X, each with all its features")
        rows = [np.flatnonzero((data == c).all(axis=1)) for c in C]
        missing = [i for i, r in enumerate(rows) if not len(r)]
        if missing:
            fail(name, f"centroid {missing[0]} is {C[missing[0]].tolist()}, not a row of X")
        return [int(r[0]) for r in rows]

    def compare(case, got):
        name, data, k, rng = case
        if rng is None:
            if not isinstance(got, tuple) or len(got) != 3:
                fail(name, "expected three draws")
            first, again, other = (rows_of(name, data, k, g) for g in got)
            if first != again:
                fail(name, f"seed 5 gave rows {first}, then {again}: draw with the rng you are "
                           "given, not with NumPy's global generator")
            if first == other:
                fail(name, f"seeds 5 and 6 both gave rows {first}: draw the rows with rng")
            return
        chosen = rows_of(name, data, k, got)
        if len(set(chosen)) < k:
            fail(name, f"the rows drawn are {sorted(chosen)}: some row is drawn twice, so two "
                       f"centroids start on the same point")
        if k > 1 and chosen == list(range(k)) and len(data) > k:
            fail(name, "the centroids are the first k rows of X: draw them at random with rng")

    return run_checks("initialisation", fn, cases, compare, mistakes=MISTAKES["my_init_centroids"],
                      call=call)


def check_assign(fn):
    """``fn(X, centroids)``: integer labels of the nearest centroid, ties to the lowest."""
    X, _ = course_data()
    rng = np.random.RandomState(0)
    X3 = rng.normal(size=(40, 3))
    cases = [
        ("three points, two centroids", np.array([[0.0, 0.0], [9.0, 9.0], [1.0, 0.0]]),
         np.array([[0.0, 0.0], [10.0, 10.0]])),
        ("course data, 4 centroids", X, X[[0, 100, 200, 250]]),
        ("a point halfway between two centroids (the lower index wins)",
         np.array([[1.0, 0.0], [3.0, 0.0], [0.0, 0.0]]), np.array([[0.0, 0.0], [2.0, 0.0]])),
        ("3-D points, 5 centroids", X3, X3[:5] + 0.1),
    ]

    def compare(case, got):
        name, data, C = case
        labels = as_array(got, name, "the labels")
        n = len(data)
        if labels.shape != (n,):
            fail(name, f"the labels have shape {labels.shape}, expected ({n},): one label per "
                       f"point (the argmin over the centroids, one per row)")
        if labels.dtype.kind not in "iu":
            fail(name, f"the labels are {labels.dtype} numbers, expected integers: they index "
                       f"the centroids (np.argmin gives integers)")
        want = assign(data, C)
        wrong = np.flatnonzero(labels != want)
        if len(wrong):
            i = int(wrong[0])
            d = ((data[i] - C) ** 2).sum(axis=1)
            fail(name, f"point {i} got label {labels[i]}, expected {want[i]}: its squared "
                       f"distances to the centroids are {np.round(d, 3).tolist()} "
                       f"({len(wrong)} of {n} labels differ)")

    return run_checks("assignment", fn, cases, compare, mistakes=MISTAKES["my_assign"])


def check_update(fn):
    """``fn(X, labels, centroids)``: the mean of every cluster; an empty one keeps its centroid."""
    X, _ = course_data()
    C4 = X[[0, 100, 200, 250]]
    cases = [
        ("three points on a line", np.array([[0.0], [2.0], [10.0]]), np.array([0, 0, 1]),
         np.array([[0.0], [9.0]])),
        ("course data, 4 clusters", X, assign(X, C4), C4),
        ("an empty cluster keeps its centroid", np.array([[0.0, 0.0], [1.0, 1.0], [4.0, 4.0]]),
         np.array([0, 0, 2]), np.array([[0.5, 0.5], [100.0, 100.0], [4.0, 4.0]])),
        ("2 of 5 clusters empty", X, assign(X, X[[0, 100, 200]]),
         np.vstack([X[[0, 100, 200]], [[50.0, 50.0], [-50.0, 0.0]]])),
    ]

    def compare(case, got):
        name, data, labels, C = case
        new = as_array(got, name, "the new centroids")
        if new.shape != C.shape:
            fail(name, f"the new centroids have shape {new.shape}, expected {C.shape}: one "
                       f"row per centroid, the mean of its points over axis 0")
        want = update_keeping_empty(data, labels, C)
        bad = np.flatnonzero(~np.isclose(new, want, rtol=1e-9, atol=1e-12).all(axis=1))
        if len(bad):
            j = int(bad[0])
            size = int(np.sum(labels == j))
            why = f"the mean of its {size} points" if size else "it has no points: it stays"
            fail(name, f"centroid {j} is {np.round(new[j], 4).tolist()}, expected "
                       f"{np.round(want[j], 4).tolist()} ({why})")

    return run_checks("update", fn, cases, compare, mistakes=MISTAKES["my_update"])


def check_kmeans_loop(fn):
    """``fn(X, centroids, max_iter)``: (centroids, labels, n_updates) of ``kmeans_loop``."""
    X, _ = course_data()
    grid = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [5.0, 5.0], [5.0, 6.0]])
    cases = [
        ("course data, seed 42's start", X, random_rows(X, 4, np.random.RandomState(42)), 100),
        ("course data, seed 0's start", X, random_rows(X, 4, np.random.RandomState(0)), 100),
        ("grid points with ties", grid, grid[[0, 1, 4]], 100),
        ("max_iter=2 stops after 2 updates", X, random_rows(X, 4, np.random.RandomState(42)), 2),
    ]

    def compare(case, got):
        name, data, C0, max_iter = case
        if not isinstance(got, tuple) or len(got) != 3:
            fail(name, "expected a tuple (centroids, labels, n_updates)")
        want = kmeans_loop(data, C0, max_iter)
        n_updates = int(np.asarray(got[2]))
        if n_updates != want[2]:
            detail = (f"it ran all max_iter={max_iter} updates: stop when the assignment "
                      f"stops changing" if n_updates == max_iter else "count every update once")
            fail(name, f"n_updates is {n_updates}, expected {want[2]} ({detail})")
        same_array(name, "labels", got[1], want[1])
        same_array(name, "centroids", got[0], want[0])

    return run_checks("K-Means loop", fn, cases, compare, mistakes=MISTAKES["my_kmeans"])
