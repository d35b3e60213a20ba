"""helpers.metrics: every score equal to scikit-learn's on several data sets, the edge
cases scikit-learn defines, the same input checks as the silhouette."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as sk
from sklearn.datasets import load_digits, load_iris

import helpers
from helpers import metrics

EXTERNAL = [
    "adjusted_rand_score",
    "mutual_info_score",
    "normalized_mutual_info_score",
    "adjusted_mutual_info_score",
    "homogeneity_score",
    "completeness_score",
]
INTERNAL = ["calinski_harabasz_score", "davies_bouldin_score"]


def _data_sets():
    rng = np.random.RandomState(0)
    digits, digit = load_digits(return_X_y=True)
    iris, flower = load_iris(return_X_y=True)
    course, blob = helpers.course_data()
    moons, moon = helpers.failure_cases()["moons"]
    sizes, size = helpers.failure_cases()["unequal sizes"]
    far = rng.normal(size=(100, 3)) * 1e-3 + 1e6  # tight clusters far from the origin
    return {
        "digits, k=10": (digits, digit, helpers.kmeans(digits, 10, seed=0)[1]),
        "iris, k=3": (iris, flower, helpers.kmeans(iris, 3, seed=0)[1]),
        "course, k=6": (course, blob, helpers.kmeans(course, 6, seed=0)[1]),
        "moons, k=2": (moons, moon, helpers.kmeans(moons, 2, seed=0)[1]),
        "unequal sizes, k=3": (sizes, size, helpers.kmeans(sizes, 3, seed=0)[1]),
        "random labels, strings": (
            rng.normal(size=(200, 2)),
            rng.choice(["a", "b", "c"], size=200),
            rng.choice(["x", "y", "z", "w"], size=200),
        ),
        "far from the origin": (far, rng.randint(3, size=100), rng.randint(2, size=100)),
    }


DATA = _data_sets()


@pytest.mark.parametrize("score", EXTERNAL)
@pytest.mark.parametrize("name", list(DATA))
def test_external_scores_equal_sklearn(score, name):
    _, y, labels = DATA[name]
    ours, theirs = getattr(metrics, score)(y, labels), getattr(sk, score)(y, labels)
    assert isinstance(ours, float)
    assert ours == pytest.approx(theirs, rel=0, abs=1e-10)


@pytest.mark.parametrize("score", INTERNAL)
@pytest.mark.parametrize("name", list(DATA))
def test_internal_scores_equal_sklearn(score, name):
    X, _, labels = DATA[name]
    if name == "far from the origin":
        labels = np.arange(len(X)) % 2 + (X[:, 0] > 1e6)  # 3 clusters of this cloud
    ours, theirs = getattr(helpers, score)(X, labels), getattr(sk, score)(X, labels)
    if name == "far from the origin":  # scikit-learn is exact on the centred data only
        theirs = getattr(sk, score)(X - 1e6, labels)
    assert isinstance(ours, float)
    assert ours == pytest.approx(theirs, rel=1e-10, abs=0)


@pytest.mark.parametrize(
    "labels_true, labels_pred",
    [
        ([0, 0, 1, 1], [1, 1, 0, 0]),  # the same partition, other names
        ([0, 0, 1, 1], [0, 1, 0, 1]),  # ARI -0.5
        ([0, 0, 0, 0], [0, 0, 0, 0]),  # one cluster each
        ([0, 1, 2, 3], [3, 2, 1, 0]),  # every sample alone in both
        ([0, 0, 0, 0], [0, 1, 2, 3]),  # one all together, the other all apart
        ([5], [7]),  # one sample
        ([0, 0, 1, 1, 2], [0, 0, 0, 0, 0]),
    ],
)
def test_external_edge_cases_equal_sklearn(labels_true, labels_pred):
    for score in EXTERNAL:
        ours = getattr(metrics, score)(labels_true, labels_pred)
        assert ours == pytest.approx(getattr(sk, score)(labels_true, labels_pred), abs=1e-12), score


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 5)), min_size=1, max_size=80),
)
def test_external_scores_equal_sklearn_on_any_labels(pairs):
    labels_true, labels_pred = np.array(pairs).T
    for score in EXTERNAL:
        ours = getattr(metrics, score)(labels_true, labels_pred)
        assert ours == pytest.approx(getattr(sk, score)(labels_true, labels_pred), abs=1e-10), score


def test_external_scores_ignore_the_names_of_clusters():
    _, y, labels = DATA["digits, k=10"]
    renamed = (labels * 7 + 100).astype(str)  # other names, other order
    for score in EXTERNAL + ["purity", "matched_accuracy"]:
        assert getattr(metrics, score)(y, renamed) == pytest.approx(
            getattr(metrics, score)(y, labels), abs=1e-14
        )


def test_contingency_table():
    table = metrics.contingency_table(["a", "a", "b", "b", "b"], [1, 0, 1, 1, 7])
    np.testing.assert_array_equal(table, [[1, 1, 0], [0, 2, 1]])
    np.testing.assert_array_equal(
        table, sk.cluster.contingency_matrix(["a", "a", "b", "b", "b"], [1, 0, 1, 1, 7])
    )


def test_purity_and_matched_accuracy_differ_when_two_clusters_share_a_majority():
    # Clusters 0 and 1 both hold mostly class "x"; class "y" is the majority of no cluster.
    y = ["x"] * 5 + ["y"] * 2 + ["x"] * 4 + ["y"] * 3
    labels = [0] * 7 + [1] * 7
    assert metrics.purity(y, labels) == 9 / 14  # both clusters named "x"
    assert metrics.matched_accuracy(y, labels) == 8 / 14  # one of them must be "y": 5 + 3
    assert metrics.match_clusters(y, labels) == {0: "x", 1: "y"}
    assert metrics.matched_accuracy(y, y) == metrics.purity(y, y) == 1.0


def test_matched_accuracy_is_the_best_one_to_one_naming():
    from itertools import permutations

    rng = np.random.RandomState(1)
    for _ in range(20):
        y, labels = rng.randint(4, size=30), rng.randint(4, size=30)
        best = max(np.mean(np.array(p)[labels] == y) for p in permutations(range(4)))
        assert metrics.matched_accuracy(y, labels) == pytest.approx(best)
        assert metrics.purity(y, labels) >= metrics.matched_accuracy(y, labels)


def test_more_clusters_than_classes_leaves_clusters_unnamed():
    names = metrics.match_clusters([0, 0, 1, 1, 1], [0, 0, 1, 1, 2])
    assert names == {0: 0, 1: 1}  # cluster 2 has no class left
    assert metrics.matched_accuracy([0, 0, 1, 1, 1], [0, 0, 1, 1, 2]) == 0.8


def test_davies_bouldin_is_scale_invariant_down_to_tiny_scales():
    X, _, labels = DATA["course, k=6"]
    base = helpers.davies_bouldin_score(X, labels)
    for scale in (1e-12, 1e-200, 1e200):
        assert helpers.davies_bouldin_score(X * scale, labels) == pytest.approx(base, rel=1e-12)
        assert helpers.calinski_harabasz_score(X * scale, labels) == pytest.approx(
            helpers.calinski_harabasz_score(X, labels), rel=1e-12
        )
    # scikit-learn tests the spreads against an absolute 1e-8 and returns 0 here
    assert sk.davies_bouldin_score(X * 1e-12, labels) == 0.0


def test_internal_scores_on_degenerate_clusters():
    X = np.array([[0.0], [0.0], [1.0], [1.0], [1.0]])
    assert helpers.calinski_harabasz_score(X, [0, 0, 1, 1, 1]) == 1.0  # no spread within
    assert helpers.davies_bouldin_score(X, [0, 0, 1, 1, 1]) == 0.0
    same_centre = np.array([[-1.0], [1.0], [-2.0], [2.0], [5.0]])
    labels = [0, 0, 1, 1, 2]
    assert helpers.davies_bouldin_score(same_centre, labels) == pytest.approx(
        sk.davies_bouldin_score(same_centre, labels)
    )


@pytest.mark.parametrize(
    "score", ["silhouette_score", "calinski_harabasz_score", "davies_bouldin_score"]
)
@pytest.mark.parametrize(
    "X, labels, message",
    [
        (np.arange(8.0).reshape(4, 2), [0, 0, 0, 0], r"distinct labels must be in \[2, n_samp"),
        (np.arange(8.0).reshape(4, 2), [0, 1, 2, 3], r"got 4"),
        (np.arange(8.0).reshape(4, 2), [0, 1], r"labels must have shape \(n_samples,\)=\(4,\)"),
        (np.arange(8.0).reshape(4, 2), [0, 1, np.nan, 1], r"labels must not contain NaN"),
        ([[0.0, np.nan], [1, 1], [2, 2]], [0, 1, 1], r"X contains NaN or infinity \(row 0\)"),
        (np.arange(4.0), [0, 1, 0, 1], r"X must be a 2-D array"),
    ],
)
def test_internal_scores_check_input_as_the_silhouette(score, X, labels, message):
    with pytest.raises(ValueError, match=message):
        getattr(helpers, score)(X, labels)


@pytest.mark.parametrize("score", EXTERNAL + ["purity", "matched_accuracy", "contingency_table"])
@pytest.mark.parametrize(
    "labels_true, labels_pred, message",
    [
        ([0, 1, 1], [0, 1], r"labels_pred must have shape \(n_samples,\)=\(3,\), got shape"),
        ([[0, 1]], [0, 1], r"labels_true must be a 1-D array of at least one label"),
        ([], [], r"labels_true must be a 1-D array of at least one label, got shape \(0,\)"),
        ([0, 1, None], [0, 1, 1], r"labels_true must not contain NaN or None \(sample 2\)"),
        ([0, 1, 1], [0.0, np.nan, 1.0], r"labels_pred must not contain NaN or None"),
        (np.array([0, "a", 1], dtype=object), [0, 1, 1], r"labels_true must be values that c"),
    ],
)
def test_external_scores_reject_bad_labels(score, labels_true, labels_pred, message):
    with pytest.raises(ValueError, match=message):
        getattr(metrics, score)(labels_true, labels_pred)
