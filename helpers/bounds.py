"""Two engines that skip distances: Hamerly's bounds, and the automatic choice.

**Hamerly** (2010, "Making k-means even faster"). For every point the engine keeps two
numbers:

- ``upper``: at least its distance to its own centroid;
- ``lower``: at most its distance to any other centroid.

If ``upper < lower`` the point's centroid is still its nearest, without computing a single
distance. A second test needs no state: if ``upper`` is less than half the distance from
its centroid to the nearest other centroid, no other centroid can be nearer (triangle
inequality: ``d(x, c') >= d(c, c') - d(x, c) > d(x, c)``). When the centroids move by
``p_j``, the bounds follow: ``upper += p_own`` and ``lower -= max p_other``. Only the points
that fail both tests get their distances computed, and the per-cluster sums change only by
the points that changed cluster.

Exactness, stated as it is: a point is skipped only when its bounds clear a margin larger
than the identity's rounding, so a skipped point keeps Lloyd's label. A rechecked point's
distances come from a product over the rechecked rows, not Lloyd's full pass, so a point
within rounding of a tie (about one ulp of its distances) can take the other of its two
nearly-equal centroids. Away from such ties, every label is Lloyd's (tests check this at
every iteration on ten data sets).

**Auto** runs ``Lloyd`` passes while many points change cluster and ``Hamerly`` once few do,
and goes back to Lloyd passes for good if the bounds stop paying. It is composed of the two
engines (sharing one ``Prepared`` X); its thresholds are constructor arguments.

Memory: per row, a label and two bounds (24 bytes); per step, temporaries of one chunk of
rows per thread; between centroids, blocks of the (k, k) matrix. Notebook 13, section 10, explains
and measures it.
"""

from __future__ import annotations

import numpy as np

from helpers.engine import (
    BLOCK_FLOATS,
    NO_MOVES,
    Lloyd,
    Pass,
    augment,
    cluster_sums,
    prepared,
    rows_per_block,
    sum_sq_distances,
)

RESUM_EVERY = 10  # steps between full re-sums of the clusters (incremental sums drift)


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


def half_gaps(c: np.ndarray) -> np.ndarray:
    """Half the distance from every centroid to its nearest other one, shape (k,).

    By the identity, a block of rows of the (k, k) matrix at a time (at most
    ``BLOCK_FLOATS`` numbers: a (k, k, d) array of differences would take 1 GB at k = 2,000,
    d = 32, and even the whole (k, k) matrix 128 MB at k = 4,000)."""
    k = len(c)
    if k == 1:
        return np.full(1, np.inf)
    c = c.astype(np.float64)
    sq = np.einsum("ij,ij->i", c, c)
    nearest = np.empty(k)
    rows = max(1, BLOCK_FLOATS // k)
    for start in range(0, k, rows):
        stop = min(start + rows, k)
        between = sq[start:stop, None] + sq[None, :] - 2.0 * (c[start:stop] @ c.T)
        between[np.arange(stop - start), np.arange(start, stop)] = np.inf  # not itself
        nearest[start:stop] = between.min(axis=1)
    return 0.5 * np.sqrt(np.maximum(nearest, 0.0))


class Hamerly:
    """Lloyd's step with Hamerly's bounds: Lloyd's labels (but at ties within rounding,
    see the module's docstring) and, to rounding, its centroids, with most distances
    skipped once few points change cluster.

    State for the current centroids: ``labels``, ``upper``, ``lower`` (one each per row),
    the weighted per-cluster sums and, in integers, the points of positive weight per
    cluster (``members``: a cluster is empty exactly when it has none). ``start`` clears
    it; the first step then computes every distance.

    Parameters
    ----------
    X, sample_weight, n_threads, chunk_rows, block_rows : as ``engine.Lloyd``
    record_checked : bool, keep the indices of the rows each step checked (``checked``)

    Attributes
    ----------
    computed : list of int, for every step the number of rows whose distances to every
        centroid were computed (n on a full pass)
    checked : ndarray of row indices checked by the last step (None: all of them), kept
        only with ``record_checked``
    """

    def __init__(self, X, *, sample_weight=None, n_threads=None, chunk_rows=None,
                 block_rows=None, record_checked=False):
        self.data = prepared(X, sample_weight, n_threads=n_threads, chunk_rows=chunk_rows,
                             block_rows=block_rows)
        self.lloyd = Lloyd(self.data)  # for a step with an empty cluster: Lloyd's rule
        self.record_checked = record_checked
        self.computed, self.checked = [], None
        self.c, self.state, self.full = None, None, True
        self._radius = 0.0  # at least the largest norm of a (centred) row: see _full

    def start(self, centroids) -> None:
        self.start_centred(self.data.centred(centroids))

    def start_centred(self, c) -> None:
        """Begin at centroids already centred (``c - shift``), e.g. handed over by Auto."""
        self.c, self.state = c, None

    def _margin(self, c) -> float:
        """How far a bound must clear a test for the point to be skipped: more than the
        identity's rounding in a distance, ``sqrt((d + 2) eps)`` times the largest norm
        of a point plus that of a centroid (eps of X's dtype)."""
        reach = self._radius + float(np.sqrt((c.astype(np.float64) ** 2).sum(axis=1).max()))
        return float(np.sqrt((c.shape[1] + 2) * np.finfo(self.data.dtype).eps)) * reach

    def _weighted(self, rows):
        """``[x - shift, 1]`` of these rows, times their weights if any (a copy)."""
        xa, w = self.data.Xa[rows], self.data.weights
        return xa if w is None else xa * w[rows, None]

    def _sums(self, labels, k):
        """Per-cluster sums of ``[w (x - shift), w]`` (the last column: the weights)."""
        return np.sum(self.data.map(lambda a, b: cluster_sums(self._weighted(slice(a, b)),
                                                              labels[a:b], k)), axis=0)

    def _full(self, c):
        """Every distance: labels, bounds, sums and members from scratch, in one pass."""
        data, k = self.data, len(c)
        n = len(data)
        labels, upper, lower = np.empty(n, dtype=np.intp), np.empty(n), np.empty(n)
        c_aug = augment(c, data.dtype)

        def work(a, b):
            labels[a:b], upper[a:b], lower[a:b] = two_nearest(data.Xa[a:b], c_aug, data.block_rows)
            return cluster_sums(self._weighted(slice(a, b)), labels[a:b], k)

        sums = np.sum(data.map(work), axis=0)  # in chunk order
        largest = float(np.sqrt((c.astype(np.float64) ** 2).sum(axis=1).max()))
        self._radius = max(self._radius, float(upper.max()) + largest)  # |x| <= |x - c| + |c|
        self.computed.append(n)
        self.checked = None
        return dict(labels=labels, upper=upper, lower=lower, sums=sums,
                    members=data.members(labels, k), age=0)

    def _bounded(self, state, c):
        """Check only the rows whose bounds fail, a chunk at a time (on threads): labels and
        bounds change in place, the sums and members by the points that changed cluster."""
        data, k = self.data, len(c)
        labels, upper, lower = state["labels"], state["upper"], state["lower"]
        half, margin, c_aug = half_gaps(c), self._margin(c), augment(c, data.dtype)
        piece = data.block_rows or rows_per_block(k)
        positive = None if data.weights is None else data.weights > 0

        def work(a, b):
            lab, up = labels[a:b], upper[a:b]  # views: written in place
            room = np.maximum(half[lab], lower[a:b]) - up  # > margin: settled
            failing = np.flatnonzero(room <= margin)
            sums, members = np.zeros((k, c.shape[1] + 1)), np.zeros(k, dtype=np.intp)
            computed, checked = 0, []
            for i in range(0, len(failing), piece):  # a block of rows at a time
                check = failing[i : i + piece]
                # Tighten the upper bound: the distance to its own centroid.
                diff = data.Xa[a + check, :-1] - c[lab[check]]
                tight = np.sqrt(np.einsum("ij,ij->i", diff, diff))
                still = room[check] + up[check] - tight <= margin
                up[check] = tight
                check = check[still]
                if not len(check):
                    continue
                old = lab[check]
                new, up[check], lower[a + check] = two_nearest(data.Xa[a + check], c_aug, piece)
                lab[check] = new
                computed += len(check)
                checked.append(a + check)
                rows, before, after = a + check[new != old], old[new != old], new[new != old]
                if len(rows):
                    xa = self._weighted(rows)
                    sums += cluster_sums(xa, after, k) - cluster_sums(xa, before, k)
                    keep = slice(None) if positive is None else positive[rows]
                    members += (np.bincount(after[keep], minlength=k)
                                - np.bincount(before[keep], minlength=k))
            return sums, members, computed, checked

        parts = data.map(work)  # results in chunk order: the same sums for any threads
        before = state["sums"][:, -1].copy()
        state["sums"] = state["sums"] + np.sum([p[0] for p in parts], axis=0)
        state["members"] = state["members"] + np.sum([p[1] for p in parts], axis=0)
        state["age"] += 1
        self.computed.append(sum(p[2] for p in parts))
        if self.record_checked:
            rows = [r for p in parts for r in p[3]]
            self.checked = np.concatenate(rows) if rows else np.zeros(0, dtype=np.intp)
        # Incremental sums drift; a cluster that lost over half its weight would keep the
        # drift of what left it in a smaller sum: then, and every RESUM_EVERY steps, re-sum.
        if state["age"] % RESUM_EVERY == 0 or (state["sums"][:, -1] < 0.5 * before).any():
            state["sums"] = self._sums(labels, k)

    def step(self, with_inertia: bool = True) -> Pass:
        c, data = self.c, self.data
        state, self.state = self.state, None
        self.full = state is None  # this step computes every distance
        if self.full:
            state = self._full(c)
        else:
            self._bounded(state, c)
        if (state["members"] == 0).any():  # an empty cluster: Lloyd's step, then afresh
            self.lloyd.start_centred(c)
            result = self.lloyd.step(with_inertia)
            self.c = self.lloyd.c
            self.computed[-1] = len(data)
            return result
        labels, upper, lower, sums = state["labels"], state["upper"], state["lower"], state["sums"]
        new_c = (sums[:, :-1] / sums[:, -1:]).astype(data.dtype)
        moved_by = np.sqrt(((new_c.astype(np.float64) - c) ** 2).sum(axis=1))
        # No other centroid came nearer than the largest move of another centroid: the
        # largest of all, except for the points of that centroid (then the second largest).
        order = np.argsort(moved_by)
        top = order[-1]
        other = moved_by[order[-2]] if len(c) > 1 else 0.0

        def move(a, b):  # the bounds follow the centroids, a chunk at a time
            lab = labels[a:b]
            upper[a:b] += moved_by[lab]
            lower[a:b] -= np.where(lab == top, other, moved_by[top])

        data.map(move)
        score = None
        if with_inertia:
            score = sum_sq_distances(data.Xa[:, :-1], c, labels, data.weights,
                                     n_threads=data.n_threads)
        self.c, self.state = new_c, state
        return Pass(labels.copy(), new_c + data.shift, score, NO_MOVES)


class Auto:
    """Lloyd passes while many points change cluster, Hamerly's bounds once few do, and back
    to Lloyd passes for good if the bounds stop paying.

    A Lloyd pass costs the same whatever moves; a bounded step costs a few passes over the
    per-row state plus the distances of the rows it must check, so it pays once those are
    few. The rule (measured in notebook 13): switch to bounds once fewer than
    ``switch_below`` of the rows changed cluster in a step; switch back for the rest of
    the run once ``back_after`` bounded steps in a row had to check more than
    ``back_above`` of the rows (data without clusters, where many points stay near a
    boundary; on clustered data the share can pass it for a step or two, then falls).
    With fewer than ``bounds_from_rows`` rows a Lloyd pass is cheap and bounds do not pay
    (the digits, 1,797 rows, in the benchmark): Lloyd passes only. ``start`` begins with
    Lloyd passes again.

    Parameters
    ----------
    X, sample_weight, n_threads, chunk_rows, block_rows : as ``engine.Lloyd``
    switch_below, back_above : float, shares of the rows
    back_after, bounds_from_rows : int
    """

    def __init__(self, X, *, sample_weight=None, n_threads=None, chunk_rows=None,
                 block_rows=None, switch_below=0.1, back_above=0.2, back_after=3,
                 bounds_from_rows=10_000):
        data = prepared(X, sample_weight, n_threads=n_threads, chunk_rows=chunk_rows,
                        block_rows=block_rows)
        self.lloyd, self.bounded = Lloyd(data), Hamerly(data)
        self.switch_below, self.back_above = switch_below, back_above
        self.back_after, self.bounds_from_rows = back_after, bounds_from_rows
        self.computed = []  # rows whose distances each step computed
        self.mode, self.previous, self.expensive = "lloyd", None, 0

    def start(self, centroids) -> None:
        self.lloyd.start(centroids)
        self.mode, self.previous, self.expensive = "lloyd", None, 0

    def step(self, with_inertia: bool = True) -> Pass:
        n = len(self.lloyd.data)
        if self.mode == "bounds":
            result = self.bounded.step(with_inertia)
            rows = self.bounded.computed[-1]
            if not self.bounded.full:  # (its first step computes every row, as a Lloyd pass)
                self.expensive = self.expensive + 1 if rows > self.back_above * n else 0
            if self.expensive >= self.back_after:  # the bounds do not pay here
                self.lloyd.start_centred(self.bounded.c)
                self.mode = "lloyd for good"
        else:
            result = self.lloyd.step(with_inertia)
            rows = n
            previous, self.previous = self.previous, result.labels
            if (self.mode == "lloyd" and previous is not None and not len(result.moved)
                    and n >= self.bounds_from_rows):
                changed = np.count_nonzero(result.labels != previous) / n
                if changed < self.switch_below:  # few change now: bounds from the next step
                    self.bounded.start_centred(self.lloyd.c)
                    self.mode = "bounds"
        self.computed.append(rows)
        return result
