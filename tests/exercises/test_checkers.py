"""Every checker of every exercise: a right answer passes; each typical mistake of
``helpers.exercises.mistakes`` is named (and only a mistake that gives exactly the learner's
answer is); a stub lists the cases; an error inside the learner's function is reported
with its line; a function that changes its input is told so. No checker ever raises.
"""

import json
from pathlib import Path

import numpy as np
import pytest

import helpers
from helpers.exercises import chapters as ch
from helpers.exercises import checkers, features, write_kmeans
from helpers.exercises.mistakes import MISTAKES

ROOT = Path(__file__).resolve().parents[2]


def stub(*args, **kwargs):
    raise NotImplementedError


# ------------------------------------------------------------- right answers not in helpers
def matched_accuracy(labels_true, labels_pred):
    from scipy.optimize import linear_sum_assignment

    classes, row = np.unique(labels_true, return_inverse=True)
    clusters, col = np.unique(labels_pred, return_inverse=True)
    table = np.zeros((len(classes), len(clusters)))
    np.add.at(table, (row, col), 1)
    r, c = linear_sum_assignment(-table)
    return table[r, c].sum() / len(row)


def init_by_permutation(X, k, rng):  # another right draw: the checker accepts any k rows
    return X[rng.permutation(len(X))[:k]]


# The checker and a right answer of every exercise that has a checker, by stub name.
EXERCISES = {
    "my_init_centroids": (write_kmeans.check_init_centroids, write_kmeans.random_rows),
    "my_assign": (write_kmeans.check_assign, helpers.assign),
    "my_update": (write_kmeans.check_update, write_kmeans.update_keeping_empty),
    "my_kmeans": (write_kmeans.check_kmeans_loop, write_kmeans.kmeans_loop),
    "my_count_poor_starts": (ch.check_count_poor_starts, ch.count_poor_starts),
    "my_standardise": (features.check_standardise, features.standardise),
    "my_profile": (features.check_profile, features.profile),
    "my_kmeans_tol": (ch.check_kmeans_tol, ch.kmeans_tol),
    "my_iterations_per_seed": (ch.check_iterations_per_seed, ch.iterations_per_seed),
    "my_empty_region_start": (ch.check_empty_region_start, ch.empty_region_start),
    "my_choices_on_noise": (ch.check_choices_on_noise, ch.choices_on_noise),
    "my_pca_box_reference": (ch.check_pca_box_reference, ch.pca_box_reference),
    "my_greedy_kmeans_pp": (ch.check_greedy_kmeans_pp, ch.greedy_kmeans_pp),
    "my_power_init": (ch.check_power_init, ch.power_init),
    "my_hard_case": (ch.check_hard_case, ch.hard_case),
    "my_over_cluster_then_merge": (ch.check_over_cluster_then_merge, ch.over_cluster_then_merge),
    "my_radius_kmeans": (ch.check_radius_kmeans, ch.radius_kmeans),
    "my_whiten": (ch.check_whiten, ch.whiten),
    "my_silhouette_samples": (checkers.check_silhouette, helpers.silhouette_samples),
    "my_simplified_silhouette": (ch.check_simplified_silhouette, ch.simplified_silhouette),
    "my_matched_accuracy": (ch.check_matched_accuracy, matched_accuracy),
    "my_calinski_harabasz": (ch.check_calinski_harabasz, helpers.calinski_harabasz_score),
    "my_quantize": (checkers.check_quantize, lambda image, k: helpers.quantize(image, k)),
    "my_rgb_to_lab": (ch.check_rgb_to_lab, ch.rgb_to_lab),
    "my_minibatch_update": (checkers.check_minibatch_update, helpers.minibatch_update),
    "my_update_with_reassignment": (ch.check_update_with_reassignment,
                                    ch.update_with_reassignment),
    "my_soft_assign": (checkers.check_soft_assign, helpers.soft_assign),
    "my_anneal": (ch.check_anneal, ch.anneal),
    "my_em_spherical_each": (ch.check_em_spherical_each, ch.em_spherical_each),
    "my_bic": (ch.check_bic, ch.bic),
    "my_tree_reduce": (ch.check_tree_reduce, ch.tree_reduce),
    "my_onehot_sums": (ch.check_onehot_sums, ch.onehot_sums),
}
PAIRS = [(name, i) for name in EXERCISES for i in range(len(MISTAKES[name]))]


@pytest.mark.parametrize("name", EXERCISES)
def test_a_right_answer_passes(name, capsys):
    check, right = EXERCISES[name]
    outcome = check(right)
    assert outcome and outcome.status == "passed"
    assert "checks passed" in capsys.readouterr().out


def test_another_right_draw_passes_the_initialisation_check():
    assert write_kmeans.check_init_centroids(init_by_permutation)


@pytest.mark.parametrize("name, i", PAIRS, ids=[f"{n}: {MISTAKES[n][i].name}" for n, i in PAIRS])
def test_each_typical_mistake_is_named(name, i, capsys):
    check, _ = EXERCISES[name]
    mistake = MISTAKES[name][i]
    outcome = check(mistake.fn)
    assert not outcome and outcome.status in ("wrong", "error")
    assert outcome.mistake is not None and outcome.mistake.name == mistake.name, outcome.message
    out = capsys.readouterr().out
    assert f'Case "{outcome.case}"' in out or f'on case "{outcome.case}"' in out
    assert f"Likely mistake: {mistake.name}" in out and "use the reference" in out


def test_every_code_exercise_has_a_checker_and_two_mistakes():
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            exercise = cell["metadata"].get("exercise")
            if not exercise:
                continue
            assert exercise["stub"] in MISTAKES, (path.name, exercise["stub"])
            if exercise["kind"] == "code":
                assert exercise["stub"] in EXERCISES or exercise["stub"] == "my_silhouette_vectorised"
                assert len(MISTAKES[exercise["stub"]]) >= 2, exercise["stub"]


@pytest.mark.parametrize("name", EXERCISES)
def test_a_stub_lists_the_cases(name, capsys):
    check, _ = EXERCISES[name]
    outcome = check(stub)
    assert not outcome and outcome.status == "not written"
    out = capsys.readouterr().out
    assert "is not written yet" in out and "\n  - " in out and "use the reference" in out


def test_an_error_in_the_learners_code_is_reported_with_its_line(capsys):
    def my_assign(X, centroids):
        distances = ((X[:, None] - centroids[None]) ** 2).sum(axis=2)
        return distances.argmin(axis=1)[len(X)]  # an index one past the end

    outcome = write_kmeans.check_assign(my_assign)
    assert outcome.status == "error" and outcome.mistake is None
    out = capsys.readouterr().out
    assert "stopped with an error" in out and "IndexError" in out
    assert "return distances.argmin(axis=1)[len(X)]" in out


def test_a_wrong_answer_no_mistake_explains_names_none(capsys):
    def my_assign(X, centroids):  # wrong in no typical way: every label 0
        return np.zeros(len(X), dtype=int)

    outcome = write_kmeans.check_assign(my_assign)
    assert outcome.status == "wrong" and outcome.mistake is None
    out = capsys.readouterr().out
    assert "Likely mistake" not in out and "expected" in out


def test_a_function_that_changes_its_input_is_told(capsys):
    def my_update(X, labels, centroids):
        centroids -= 0  # harmless, but for a wrong answer below
        centroids[0] = 99.0  # changes the caller's array
        return write_kmeans.update_keeping_empty(X, labels, centroids)

    outcome = write_kmeans.check_update(my_update)
    assert outcome.status == "wrong" and "changed its input `centroids` in place" in outcome.message


def test_use_says_which_function_the_notebook_goes_on_with(capsys):
    from helpers.exercises.pattern import Outcome, use

    def my_assign(X, centroids):
        raise NotImplementedError

    assert use(my_assign, Outcome("passed"), helpers.assign) is my_assign
    assert use(my_assign, Outcome("wrong"), helpers.assign) is helpers.assign
    out = capsys.readouterr().out.splitlines()
    assert out == ["From here on: your my_assign.",
                   "From here on: the reference, helpers.kmeans.assign, in place of my_assign "
                   "(until yours passes its check)."]
