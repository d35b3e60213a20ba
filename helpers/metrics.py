"""How good is a clustering? Scores from scratch, each equal to scikit-learn's.

External scores compare the clusters with known classes (the digits' true labels):

- ``contingency_table``  how many samples of each class fall in each cluster;
- ``purity``             every cluster named after its most common class (two clusters may
                         take the same name), the share of samples that then match;
- ``matched_accuracy``   one class per cluster and one cluster per class, the matching that
                         agrees most (Hungarian algorithm), the share that then match;
- ``adjusted_rand_score``             pairs of samples put together or apart alike;
- ``mutual_info_score``, ``normalized_mutual_info_score``, ``adjusted_mutual_info_score``,
  ``homogeneity_score`` (each cluster holds one class), ``completeness_score`` (each class
  sits in one cluster): how much knowing the cluster tells about the class.

Internal scores use only the data and the labels (the silhouette is in
``helpers/exercises/silhouette.py``, as notebook 07 builds it):

- ``calinski_harabasz_score``  spread between clusters over spread within them (higher is
                               better);
- ``davies_bouldin_score``     for each cluster, its worst ratio of the two clusters'
                               spreads to the distance between their centroids (lower is
                               better).

Labels may be any values that sort (numbers, strings); only which samples share one counts.
"""

from __future__ import annotations

import math

import numpy as np

from helpers.numerics import centring_shift, to_safe_units
from helpers.validation import check_cluster_labels, check_data, check_label_pair


# ------------------------------------------------------------------ external scores
def contingency_table(labels_true, labels_pred) -> np.ndarray:
    """Count of samples of every class in every cluster.

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,), the classes
    labels_pred : array-like of shape (n_samples,), the clusters

    Returns
    -------
    table : ndarray of shape (n_classes, n_clusters), int64; rows follow the sorted distinct
        classes, columns the sorted distinct clusters
    """
    labels_true, labels_pred = check_label_pair(labels_true, labels_pred)
    classes, row = np.unique(labels_true, return_inverse=True)
    clusters, col = np.unique(labels_pred, return_inverse=True)
    table = np.zeros((len(classes), len(clusters)), dtype=np.int64)
    np.add.at(table, (row.reshape(-1), col.reshape(-1)), 1)
    return table


def purity(labels_true, labels_pred) -> float:
    """Share of samples whose cluster's most common class is their own class.

    This is the accuracy of the "majority label per cluster" shortcut: two clusters may be
    named after the same class, so splitting a cluster never lowers it (n clusters of one
    sample each score 1); another clustering with more clusters can score lower.
    """
    table = contingency_table(labels_true, labels_pred)
    return float(table.max(axis=0).sum() / table.sum())


def _best_matching(table):
    """Rows and columns of the one-to-one matching with the largest total: an assignment
    problem, solved by the Hungarian algorithm (``scipy.optimize.linear_sum_assignment``)."""
    from scipy.optimize import linear_sum_assignment

    return linear_sum_assignment(table, maximize=True)


def match_clusters(labels_true, labels_pred) -> dict:
    """The one-to-one naming of clusters by classes that agrees with most samples.

    It maximises the sum of the matched cells of the contingency table (``_best_matching``).
    With more clusters than classes, the extra clusters stay unnamed.

    Returns
    -------
    names : dict of cluster -> class
    """
    table = contingency_table(labels_true, labels_pred)
    classes, clusters = np.unique(labels_true), np.unique(labels_pred)
    rows, cols = _best_matching(table)
    return {clusters[c].item(): classes[r].item() for r, c in zip(rows, cols)}


def matched_accuracy(labels_true, labels_pred) -> float:
    """Share of samples whose cluster is matched to their class by ``match_clusters``."""
    table = contingency_table(labels_true, labels_pred)
    rows, cols = _best_matching(table)
    return float(table[rows, cols].sum() / table.sum())


def _pairs(counts) -> int:
    """Number of unordered pairs within groups of these sizes, exactly (Python integers)."""
    counts = np.asarray(counts, dtype=np.int64)
    return int((counts * (counts - 1) // 2).sum())


def adjusted_rand_score(labels_true, labels_pred) -> float:
    """Adjusted Rand index (Hubert and Arabie, 1985).

    With ``index`` the pairs of samples together in both labellings, ``a`` and ``b`` the
    pairs together in each, and ``T`` all pairs:

        ARI = (index - a b / T) / ((a + b) / 2 - a b / T),

    1 for the same partition, 0 on average for random labels, negative when the two agree
    on fewer pairs than chance would give. Counted in exact integers.
    """
    table = contingency_table(labels_true, labels_pred)
    index, a, b = _pairs(table), _pairs(table.sum(axis=1)), _pairs(table.sum(axis=0))
    total = _pairs([table.sum()])
    numerator, denominator = 2 * (index * total - a * b), (a + b) * total - 2 * a * b
    if denominator == 0:  # both put every sample alone, or all together: the same partition
        return 1.0
    return numerator / denominator


def _entropy(counts) -> float:
    """Entropy (natural log) of the distribution given by these counts."""
    p = np.asarray(counts, dtype=np.float64)
    p = p[p > 0] / p.sum()
    return float(-(p * np.log(p)).sum()) if len(p) > 1 else 0.0


def mutual_info_score(labels_true, labels_pred) -> float:
    """Mutual information, in nats: sum over cells of p_ij log(p_ij / (p_i p_j))."""
    return _mutual_info(contingency_table(labels_true, labels_pred))


def _mutual_info(table) -> float:
    n = table.sum()
    rows, cols = np.nonzero(table)
    n_ij = table[rows, cols].astype(np.float64)
    a, b = table.sum(axis=1)[rows], table.sum(axis=0)[cols]
    mi = (n_ij / n) * (np.log(n_ij) + math.log(n) - np.log(a) - np.log(b))
    return max(float(mi.sum()), 0.0)


def homogeneity_score(labels_true, labels_pred) -> float:
    """How far each cluster holds one class only: 1 - H(class | cluster) / H(class),
    which is I(class; cluster) / H(class); 1 when there is one class."""
    table = contingency_table(labels_true, labels_pred)
    h = _entropy(table.sum(axis=1))
    return _mutual_info(table) / h if h else 1.0


def completeness_score(labels_true, labels_pred) -> float:
    """How far each class sits in one cluster only: I(class; cluster) / H(cluster)."""
    table = contingency_table(labels_true, labels_pred)
    h = _entropy(table.sum(axis=0))
    return _mutual_info(table) / h if h else 1.0


def normalized_mutual_info_score(labels_true, labels_pred) -> float:
    """Mutual information over the mean of the two entropies, in [0, 1]."""
    table = contingency_table(labels_true, labels_pred)
    if table.shape == (1, 1):  # neither splits the data: the same partition
        return 1.0
    mi = _mutual_info(table)
    if mi == 0:
        return 0.0
    return mi / ((_entropy(table.sum(axis=1)) + _entropy(table.sum(axis=0))) / 2)


def expected_mutual_info(table) -> float:
    """Expected mutual information of two random labellings with the table's cluster sizes
    (Vinh, Epps and Bailey, 2010): for every cell, every count it could hold, weighted by
    that count's hypergeometric probability. Log-factorials from ``scipy.special.gammaln``.

    Cells with the same row and column sums contribute the same, so the sum runs over the
    distinct row sums, with all distinct column sums and all counts at once (a (sums,
    counts) array, at most 2**20 numbers at a time)."""
    from scipy.special import gammaln

    table = np.asarray(table)
    n = int(table.sum())
    lf = gammaln(np.arange(n + 1) + 1.0)  # log(m!) for m = 0..n
    rows, row_times = np.unique(table.sum(axis=1), return_counts=True)
    cols, col_times = np.unique(table.sum(axis=0), return_counts=True)
    emi = 0.0
    for a, a_times in zip(rows.tolist(), row_times.tolist()):
        low = np.maximum(1, a + cols - n)  # the counts cell (a, b) can hold: low..high
        high = np.minimum(a, cols)
        width = int((high - low).max()) + 1
        group = max(1, 2**20 // width)
        for g in range(0, len(cols), group):
            part = slice(g, g + group)
            b, lo, hi = cols[part, None], low[part, None], high[part, None]
            n_ij = np.minimum(lo + np.arange(width), hi)  # (beyond high: repeats, masked below)
            log_p = (
                lf[a] + lf[b] + lf[n - a] + lf[n - b] - lf[n]
                - lf[n_ij] - lf[a - n_ij] - lf[b - n_ij] - lf[n - a - b + n_ij]
            )
            term = n_ij / n * (np.log(n_ij) + math.log(n) - math.log(a) - np.log(b)) * np.exp(log_p)
            term *= lo + np.arange(width) <= hi  # each count once
            emi += a_times * float(col_times[part] @ term.sum(axis=1))
    return emi


def adjusted_mutual_info_score(labels_true, labels_pred) -> float:
    """Mutual information corrected for chance: (MI - E[MI]) / (mean entropy - E[MI]),
    1 for the same partition, 0 on average for random labels (arithmetic mean, as
    scikit-learn's default)."""
    table = contingency_table(labels_true, labels_pred)
    one_per_row = (np.count_nonzero(table, axis=1) == 1).all()
    if one_per_row and (np.count_nonzero(table, axis=0) == 1).all():
        return 1.0  # the same partition (there MI - E[MI] and its bound are both ~0)
    emi = expected_mutual_info(table)
    mean_entropy = (_entropy(table.sum(axis=1)) + _entropy(table.sum(axis=0))) / 2
    denominator = mean_entropy - emi
    tiny = np.finfo(np.float64).eps  # E[MI] equals the mean entropy for a perfect match
    denominator = min(denominator, -tiny) if denominator < 0 else max(denominator, tiny)
    return (_mutual_info(table) - emi) / denominator


# ------------------------------------------------------------------ internal scores
def _clusters(X, labels):
    X = check_data(X).astype(np.float64, copy=False)
    codes, k = check_cluster_labels(labels, X)
    _, X = to_safe_units(X)  # a power of two: squares stay finite, the ratios do not change
    X = X - centring_shift(X)  # a round number in the middle: tight clusters far from 0 stay exact
    return X, codes, k


def calinski_harabasz_score(X, labels) -> float:
    """Calinski-Harabasz index (variance ratio criterion); higher is better.

        CH = [B / (k - 1)] / [W / (n - k)],

    with ``B = sum_c n_c ||mean_c - mean||^2`` (between clusters) and
    ``W = sum_c sum_{x in c} ||x - mean_c||^2`` (within: the inertia). 1.0 when W is 0.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,), with 2 to n_samples - 1 distinct values
    """
    X, codes, k = _clusters(X, labels)
    n = X.shape[0]
    mean = X.mean(axis=0)
    between = within = 0.0
    for c in range(k):
        members = X[codes == c]
        mean_c = members.mean(axis=0)
        between += len(members) * ((mean_c - mean) ** 2).sum()
        within += ((members - mean_c) ** 2).sum()
    return 1.0 if within == 0 else float(between * (n - k) / (within * (k - 1)))


def davies_bouldin_score(X, labels) -> float:
    """Davies-Bouldin index; lower is better, 0 at best.

    With ``s_c`` the mean distance of cluster c's points to its centroid and ``d_ce`` the
    distance between centroids c and e,

        DB = mean over c of  max over e != c of  (s_c + s_e) / d_ce.

    Distances are Euclidean (not squared). Two clusters with the same centroid are not
    compared (as scikit-learn does); 0.0 when every cluster is a single repeated point or
    all centroids coincide.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,), with 2 to n_samples - 1 distinct values
    """
    X, codes, k = _clusters(X, labels)
    centroids = np.array([X[codes == c].mean(axis=0) for c in range(k)])
    spread = np.array(
        [np.sqrt(((X[codes == c] - centroids[c]) ** 2).sum(axis=1)).mean() for c in range(k)]
    )
    apart = np.sqrt(((centroids[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2))
    if not spread.any() or not apart.any():
        return 0.0
    apart[apart == 0] = np.inf  # the same centroid (itself included): not compared
    return float(((spread[:, None] + spread[None, :]) / apart).max(axis=1).mean())
