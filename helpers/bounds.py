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
    map_chunks,
    rows_per_block,
    rows_per_chunk,
)

RESUM_EVERY = 10  # steps between full re-sums of the clusters (incremental sums drift)
SWITCH_BELOW = 0.1  # Auto: bounds once fewer than this share of points changed cluster
BACK_ABOVE = 0.2  # Auto: Lloyd again once bounded steps check more than this share ...
BACK_AFTER = 3  # ... this many steps in a row
THREADS_FROM_ROWS = 50_000  # fewer rows to check than this: one thread
BOUNDS_FROM_ROWS = 10_000  # Auto: fewer rows than this, Lloyd passes only (cheap already)


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
    checked : ndarray of row indices, those rows for the last step (None: all of them)
    """

    def __init__(self, X, **kwargs):
        super().__init__(X, **kwargs)
        self.computed = []
        self.checked = None
        self._state = None
        self._radius = 0.0  # at least the largest norm of a (centred) row: see _full

    def _margin(self, c):
        """A safety margin for the tests: the identity's rounding (relative to the size of
        the numbers) can never turn a skipped point's nearest centroid into another."""
        reach = self._radius + float(np.sqrt((c.astype(np.float64) ** 2).sum(axis=1).max()))
        return 1e-7 * reach

    def _two_nearest(self, xa, c):
        """``two_nearest`` of the prepared rows ``xa``, a chunk per thread (for many rows:
        handing out chunks costs about a millisecond)."""
        c_aug = augment(c, self.dtype)
        n = len(xa)
        if n < THREADS_FROM_ROWS:
            return two_nearest(xa, c_aug, self.sizes["block_rows"])
        labels, first, second = np.empty(n, dtype=np.intp), np.empty(n), np.empty(n)

        def work(start, stop):
            labels[start:stop], first[start:stop], second[start:stop] = two_nearest(
                xa[start:stop], c_aug, self.sizes["block_rows"]
            )

        threads = self.sizes["n_threads"]
        map_chunks(work, len(xa), rows_per_chunk(xa.shape[1] - 1, len(xa), threads), threads)
        return labels, first, second

    def _full(self, c):
        """Every distance: labels, bounds, sums and counts from scratch (a new start)."""
        n = len(self.Xa)
        labels, upper, lower = self._two_nearest(self.Xa, c)
        self.computed.append(n)
        self.checked = None
        largest = float(np.sqrt((c.astype(np.float64) ** 2).sum(axis=1).max()))
        self._radius = max(self._radius, float(upper.max()) + largest)  # |x| <= |x - c| + |c|
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
            labels, upper, lower = state["labels"], state["upper"], state["lower"]
            sums = state["sums"]
            age = state["age"] + 1
            between = np.sqrt(((c[:, None, :] - c[None, :, :]) ** 2).sum(axis=2))
            np.fill_diagonal(between, np.inf)
            half = 0.5 * between.min(axis=1) if k > 1 else np.full(1, np.inf)
            # room = max(half of own centroid's gap, lower) - upper: > margin means settled
            room = np.maximum(np.take(half, labels, mode="clip"), lower)  # labels are valid
            room -= upper
            margin = self._margin(c)
            check = np.flatnonzero(room <= margin)
            if len(check):  # tighten the upper bound: the distance to its own centroid
                diff = self.Xa[check, :-1] - c[labels[check]]
                tight = np.sqrt(np.einsum("ij,ij->i", diff, diff))
                room[check] += upper[check] - tight
                upper[check] = tight
                check = check[room[check] <= margin]
            self.computed.append(len(check))
            self.checked = check
            if len(check):
                old = labels[check]
                new, upper[check], lower[check] = self._two_nearest(self.Xa[check], c)
                changed = new != old
                if changed.any():
                    rows, before, after = check[changed], old[changed], new[changed]
                    labels = labels.copy()  # the labels returned last time stay as they were
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
        upper += np.take(moved_by, labels, mode="clip")  # in place: this state owns them
        # No other centroid came nearer than the largest move of another centroid: the
        # largest of all, except for the points of that centroid (then the second largest).
        order = np.argsort(moved_by)
        lower -= moved_by[order[-1]]
        if k > 1:
            lower[labels == order[-1]] += moved_by[order[-1]] - moved_by[order[-2]]
        new_centroids = new_c + self.shift
        self._last = (new_centroids, new_c)
        score = self.inertia(centroids, labels) if with_inertia else None
        self._state = dict(
            centroids=new_centroids, labels=labels, upper=upper, lower=lower, sums=sums, age=age
        )
        return labels, new_centroids, score, np.empty((0, 2), dtype=np.intp)


class Auto(Hamerly):
    """Lloyd passes while many points change cluster, the bounds once few do, and back to
    Lloyd passes for good if the bounds stop paying.

    A Lloyd pass costs the same whatever moves; the bounded step costs a few passes over
    the per-row state plus the distances of the rows it must check, so it pays once those
    are few. The rule (measured in notebook 11): switch to bounds once fewer than
    ``SWITCH_BELOW`` of the rows changed cluster in a step; switch back for the rest of
    the start once ``BACK_AFTER`` bounded steps in a row had to check more than
    ``BACK_ABOVE`` of the rows (data without clusters, where many points stay near a
    boundary; on clustered data the share can pass it for a step or two, then falls).
    With fewer than ``BOUNDS_FROM_ROWS`` rows a Lloyd pass is cheap and bounds do not pay
    (the digits, 1,797 rows, in the benchmark): Lloyd passes only. A new start begins with
    Lloyd passes again.
    """

    def __init__(self, X, **kwargs):
        super().__init__(X, **kwargs)
        self._previous = None  # (centroids returned, their labels) of the last Lloyd pass
        self._lloyd_for_good = None  # the centroids returned when the bounds gave up
        self._expensive = 0  # bounded steps in a row that checked more than BACK_ABOVE

    def step(self, centroids, with_inertia=True):
        if self._state is not None and self._state["centroids"] is centroids:
            result = super().step(centroids, with_inertia)
            expensive = self.computed[-1] > BACK_ABOVE * len(self.Xa)
            self._expensive = self._expensive + 1 if expensive else 0
            if self._expensive >= BACK_AFTER:  # the bounds do not pay here
                self._state, self._expensive = None, 0
                self._lloyd_for_good = result[1]
            return result
        giving_up = self._lloyd_for_good is centroids
        previous = self._previous
        labels, new_centroids, score, moved = Lloyd.step(self, centroids, with_inertia)
        self.computed.append(len(labels))
        self._previous = (new_centroids, labels)
        if giving_up:
            self._lloyd_for_good = new_centroids
            return labels, new_centroids, score, moved
        few_rows = len(labels) < BOUNDS_FROM_ROWS
        if previous is not None and previous[0] is centroids and not len(moved) and not few_rows:
            changed = np.count_nonzero(labels != previous[1]) / len(labels)
            if changed < SWITCH_BELOW:  # few change now: bounds from the next step on
                self._previous = None
                self._start_bounds(new_centroids)
        return labels, new_centroids, score, moved

    def _start_bounds(self, new_centroids):
        """Bounds for ``new_centroids`` from one full pass: the next step (given
        ``new_centroids``) is then a bounded one, with nothing left to compute."""
        labels, upper, lower, sums = self._full(self._centred(new_centroids))
        extra = self.computed.pop()
        self.computed[-1] += extra  # this step made two full passes
        self._state = dict(
            centroids=new_centroids, labels=labels, upper=upper, lower=lower, sums=sums, age=1
        )
