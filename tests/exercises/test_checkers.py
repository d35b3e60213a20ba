"""helpers.exercises.checkers: they accept the worked solutions and reject typical mistakes."""

import numpy as np
import pytest

import helpers
from helpers.exercises.checkers import (
    CheckFailed,
    check_minibatch_update,
    check_quantize,
    check_silhouette,
    check_soft_assign,
)


def test_checkers_accept_the_worked_solutions(capsys):
    check_silhouette(helpers.silhouette_samples)
    check_quantize(lambda im, k: helpers.quantize(im, k))
    check_minibatch_update(helpers.minibatch_update)
    check_soft_assign(helpers.soft_assign)
    assert capsys.readouterr().out.splitlines() == [
        "All 5 silhouette checks passed.",
        "All 3 quantize checks passed.",
        "All 4 mini-batch update checks passed.",
        "All 5 soft-assignment checks passed.",
    ]


def _pairwise(X):
    X = np.asarray(X, dtype=float)
    return np.sqrt(((X[:, None] - X[None]) ** 2).sum(axis=2))


def silhouette_self_included(X, labels):  # a = mean over the cluster *including* the point
    D, labels = _pairwise(X), np.asarray(labels)
    s = []
    for i in range(len(D)):
        a = D[i, labels == labels[i]].mean()
        b = min(D[i, labels == c].mean() for c in set(labels) if c != labels[i])
        s.append((b - a) / max(a, b))
    return np.array(s)


def silhouette_b_all_others(X, labels):  # b = mean over all other clusters together
    D, labels = _pairwise(X), np.asarray(labels)
    s = []
    for i in range(len(D)):
        own = labels == labels[i]
        a = D[i, own].sum() / max(own.sum() - 1, 1)
        b = D[i, ~own].mean()
        s.append((b - a) / max(a, b) if own.sum() > 1 else 0.0)
    return np.array(s)


def quantize_float(image, k):  # returns the centroid colours as floats: 8x the bytes
    C, labels = helpers.kmeans(image.reshape(-1, 3).astype(float), k, seed=0)
    return C[labels].reshape(image.shape), C


def quantize_flat(image, k):  # forgets to reshape back to (H, W, 3)
    q, palette = helpers.quantize(image, k)
    return q.reshape(-1, 3), palette


def quantize_bad_palette(image, k):  # truncates colours instead of taking the nearest
    q, palette = helpers.quantize(image, k)
    return (q // 64 * 64).astype(np.uint8), palette


def update_replace_by_batch_mean(C, counts, batch):  # the course text's exercise, literally
    labels = helpers.assign(batch, C)
    C = C.copy()
    for j in range(len(C)):
        if np.any(labels == j):
            C[j] = batch[labels == j].mean(axis=0)
    return C, counts + np.bincount(labels, minlength=len(C))


def update_fixed_rate(C, counts, batch):  # a constant learning rate never settles
    labels = helpers.assign(batch, C)
    C = C.copy()
    for x, j in zip(batch, labels):
        C[j] += 0.1 * (x - C[j])
    return C, counts + np.bincount(labels, minlength=len(C))


def update_forgets_counts(C, counts, batch):
    return helpers.minibatch_update(C, counts, batch)[0], counts


def soft_naive(X, C, beta):  # exp() without the max trick: 0/0 for a huge beta
    d = ((np.asarray(X)[:, None] - np.asarray(C)[None]) ** 2).sum(axis=2)
    with np.errstate(all="ignore"):
        e = np.exp(-beta * d)
        return e / e.sum(axis=1, keepdims=True)


def soft_unsquared(X, C, beta):  # distances, not squared distances
    d = np.sqrt(((np.asarray(X)[:, None] - np.asarray(C)[None]) ** 2).sum(axis=2))
    e = np.exp(-beta * (d - d.min(axis=1, keepdims=True)))
    return e / e.sum(axis=1, keepdims=True)


def soft_unnormalised(X, C, beta):
    d = ((np.asarray(X)[:, None] - np.asarray(C)[None]) ** 2).sum(axis=2)
    return np.exp(-beta * (d - d.min(axis=1, keepdims=True)))


@pytest.mark.parametrize(
    "checker, wrong, message",
    [
        (check_silhouette, silhouette_self_included, r"silhouette of sample \d+ is .*, expected"),
        (check_silhouette, silhouette_b_all_others, r"silhouette of sample \d+ is .*, expected"),
        (
            check_silhouette,
            lambda X, labels: helpers.silhouette_samples(X, labels)[:-1],
            r"result has shape",
        ),
        (check_quantize, quantize_float, r"dtype float64, expected uint8"),
        (check_quantize, quantize_flat, r"shape \(\d+, 3\), expected \(24, 32, 3\)"),
        (check_quantize, quantize_bad_palette, r"not in the palette"),
        (check_minibatch_update, update_replace_by_batch_mean, r"centre \d moved to .* expected"),
        (check_minibatch_update, update_fixed_rate, r"centre \d moved to .* expected"),
        (check_minibatch_update, update_forgets_counts, r"counts are .* expected"),
        (check_soft_assign, soft_naive, r"overflowed or underflowed"),
        (check_soft_assign, soft_unsquared, r"responsibility of point \d+ for centroid \d is"),
        (check_soft_assign, soft_unnormalised, r"sum to .*, expected 1"),
    ],
)
def test_checkers_reject_typical_mistakes(checker, wrong, message):
    with pytest.raises(CheckFailed, match=message):
        checker(wrong)
