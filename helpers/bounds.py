"""The engine's bounded step: Lloyd's iteration, skipping the distances that the triangle
inequality rules out (Hamerly, 2010, "Making k-means even faster").

For every point the engine keeps two numbers:

- ``upper``: at least its distance to its own centroid;
- ``lower``: at most its distance to any other centroid.

If ``upper < lower`` the point's centroid is still its nearest, without computing a single
distance. A second test needs no state: if ``upper`` is less than half the distance from
its centroid to the nearest other centroid, no other centroid can be nearer (triangle
inequality: ``d(x, c') >= d(c, c') - d(x, c) > d(x, c)``). When the centroids move by
``p_j``, the bounds follow: ``upper += p_own`` and ``lower -= max p_other``. Only the points
that fail both tests get their distances computed (the same identity as the Lloyd pass),
and the per-cluster sums change only by the points that changed cluster.

``Hamerly`` has ``Lloyd``'s interface (``step``, ``assign``, ``inertia``): the loop in
``helpers/kmeans.py`` does not know which one it runs. ``Auto`` runs Lloyd passes while
many points change cluster and bounds once few do. Notebook 11 (making it fast) explains
and measures it.
"""

from __future__ import annotations

import numpy as np

from helpers.engine import (
    Lloyd,
    augment,
    cluster_sums,
    rows_per_block,
)

RESUM_EVERY = 10  # steps between full re-sums of the clusters (incremental sums drift)
SWITCH_BELOW = 0.1  # Auto: bounds once fewer than this share of points changed cluster


def two_nearest(xa, c_aug, block_rows=None):
    """Nearest and second-nearest centroid of every prepared row, by the identity.

    Returns
    -------
    labels : ndarray of shape (rows,), ties to the lowest index (as the Lloyd pass)
    first, second : ndarray of shape (rows,), the two smallest distances (not squared)
    """
    n, k = len(xa), len(c_aug)
    labels = np.empty(n, dtype=np.intp)
    first, second = np.empty(n), np.full(n, np.inf)
    rows = min(max(n, 1), block_rows or rows_per_block(k))
    for i in range(0, n, rows):
        xb = xa[i : i + rows]
        d = xb @ c_aug.T  # ||c||^2 - 2 x.c, (rows, k)
        lb = d.argmin(axis=1)
        r = np.arange(len(d))
        x_sq = np.einsum("ij,ij->i", xb[:, :-1], xb[:, :-1])
        labels[i : i + rows] = lb
        first[i : i + rows] = d[r, lb] + x_sq
        if k > 1:
            d[r, lb] = np.inf
            second[i : i + rows] = d.min(axis=1) + x_sq
    np.sqrt(np.maximum(first, 0), out=first)
    np.sqrt(np.maximum(second, 0), out=second)
    return labels, first, second


class Hamerly(Lloyd):
    """``Lloyd``'s step with Hamerly's bounds: the same labels and (to rounding) the same
    centroids, with most distances skipped once few points change cluster.

    State, for the centroids the last step returned: ``labels``, ``upper``, ``lower`` (one
    each per row: a label and two floats), the weighted per-cluster sums and counts. Given
    any other centroids (a new start), it begins again with a full pass.

    Attributes
    ----------
    computed : list of int, for every step the number of rows whose distances to every
        centroid were computed (n on a full pass)
    """

    def __init__(self, X, **kwargs):
        super().__init__(X, **kwargs)
        self.computed = []
        self._state = None
        norms = np.sqrt(np.einsum("ij,ij->i", self.Xa[:, :-1], self.Xa[:, :-1]))
        self._radius = float(norms.max()) if len(norms) else 0.0

    def _margin(self, c):
        """A safety margin for the tests: the identity's rounding (relative to the size of
        the numbers) can never turn a skipped point's nearest centroid into another."""
        reach = self._radius + float(np.sqrt((c.astype(np.float64) ** 2).sum(axis=1).max()))
        return 1e-7 * reach

    def _full(self, c):
        """Every distance: labels, bounds, sums and counts from scratch (a new start)."""
        c_aug = augment(c, self.dtype)
        n = len(self.Xa)
        labels, upper, lower = np.empty(n, dtype=np.intp), np.empty(n), np.empty(n)

        def work(start, stop):
            labels[start:stop], upper[start:stop], lower[start:stop] = two_nearest(
                self.Xa[start:stop], c_aug, self.sizes["block_rows"]
            )

        self._map(work)
        self.computed.append(n)
        sums = self._sums(labels, len(c))
        return labels, upper, lower, sums

    def _sums(self, labels, k):
        """Per-cluster sums of ``[w (x - shift), w]`` (the last column: the counts)."""
        w = self.weights

        def work(start, stop):
            xa = self.Xa[start:stop]
            if w is not None:
                xa = xa * w[start:stop, None]
            return cluster_sums(xa, labels[start:stop], k)

        return np.sum(self._map(work), axis=0)

    def step(self, centroids, with_inertia=True):
        """One Lloyd iteration from ``centroids``, skipping what the bounds rule out.

        Returns what ``Lloyd.step`` returns: labels, new centroids, inertia (or None),
        moved (rows put into empty clusters).
        """
        c = self._centred(centroids)
        k = len(c)
        state = self._state
        self._state = None
        if state is None or state["centroids"] is not centroids:
            labels, upper, lower, sums = self._full(c)
            age = 0
        else:
            labels, upper, lower = state["labels"].copy(), state["upper"], state["lower"]
            sums = state["sums"]
            age = state["age"] + 1
            between = np.sqrt(((c[:, None, :] - c[None, :, :]) ** 2).sum(axis=2))
            np.fill_diagonal(between, np.inf)
            half = 0.5 * between.min(axis=1) if k > 1 else np.full(1, np.inf)
            margin = self._margin(c)
            bound = np.maximum(half[labels], lower)
            check = np.flatnonzero(upper + margin >= bound)
            if len(check):  # tighten the upper bound: the distance to its own centroid
                diff = self.Xa[check, :-1] - c[labels[check]]
                upper[check] = np.sqrt(np.einsum("ij,ij->i", diff, diff))
                check = check[upper[check] + margin >= bound[check]]
            self.computed.append(len(check))
            if len(check):
                old = labels[check]
                new, upper[check], lower[check] = two_nearest(
                    self.Xa[check], augment(c, self.dtype), self.sizes["block_rows"]
                )
                changed = new != old
                if changed.any():
                    rows, before, after = check[changed], old[changed], new[changed]
                    labels[rows] = after
                    xa = self.Xa[rows]
                    if self.weights is not None:
                        xa = xa * self.weights[rows, None]
                    sums = sums - cluster_sums(xa, before, k) + cluster_sums(xa, after, k)
            if age % RESUM_EVERY == 0:
                sums = self._sums(labels, k)
        counts = sums[:, -1]
        if (counts <= 0).any():  # an empty cluster: the Lloyd step's own rule, then afresh
            return super().step(centroids, with_inertia)
        new_c = (sums[:, :-1] / counts[:, None]).astype(self.dtype)
        moved_by = np.sqrt(((new_c.astype(np.float64) - c) ** 2).sum(axis=1))
        top = np.argsort(moved_by)[::-1][:2]  # the two centroids that moved most
        second_most = moved_by[top[1]] if k > 1 else 0.0
        other_max = np.where(labels == top[0], second_most, moved_by[top[0]])
        upper_next = upper + moved_by[labels]
        lower_next = lower - other_max
        new_centroids = new_c + self.shift
        self._last = (new_centroids, new_c)
        score = self.inertia(centroids, labels) if with_inertia else None
        self._state = dict(
            centroids=new_centroids, labels=labels, upper=upper_next, lower=lower_next,
            sums=sums, age=age,
        )
        return labels, new_centroids, score, np.empty((0, 2), dtype=np.intp)


class Auto(Hamerly):
    """Lloyd passes while many points change cluster, the bounds once few do.

    A Lloyd pass costs the same whatever moves; the bounded step costs a few passes over
    the per-row state plus the distances of the rows it must check, and pays once those
    are few. The switch: once fewer than ``SWITCH_BELOW`` of the rows changed cluster in a
    step (measured in notebook 11). A new start begins with Lloyd passes again.
    """

    def __init__(self, X, **kwargs):
        super().__init__(X, **kwargs)
        self._previous = None  # (centroids returned, their labels) of the last Lloyd pass

    def step(self, centroids, with_inertia=True):
        bounded = self._state is not None and self._state["centroids"] is centroids
        if bounded:
            return super().step(centroids, with_inertia)
        previous = self._previous
        labels, new_centroids, score, moved = Lloyd.step(self, centroids, with_inertia)
        self.computed.append(len(labels))
        self._previous = (new_centroids, labels)
        if previous is not None and previous[0] is centroids and not len(moved):
            changed = np.count_nonzero(labels != previous[1]) / len(labels)
            if changed < SWITCH_BELOW:  # few change now: start the bounds from here
                self._previous = None
                return self._switch(centroids, labels, new_centroids, score)
        return labels, new_centroids, score, moved

    def _switch(self, centroids, labels, new_centroids, score):
        """Build the bounds for ``new_centroids`` from a full pass's distances, so that the
        next step (given ``new_centroids``) is a bounded one."""
        c_next = self._centred(new_centroids)
        next_labels, upper, lower, sums = self._full(c_next)
        self.computed[-2] += self.computed.pop()  # this step made two full passes
        self._state = dict(
            centroids=new_centroids, labels=next_labels, upper=upper, lower=lower,
            sums=sums, age=1,
        )
        return labels, new_centroids, score, np.empty((0, 2), dtype=np.intp)
