"""Checkers of the exercises of notebooks 07, 10, 11 and 12: a learner's function on several cases.

Each ``check_*`` follows the pattern of ``helpers.exercises.pattern``: it returns an
``Outcome``, true when every case passes; while the function is a stub it lists the cases;
otherwise it names the case and the first wrong value, e.g. "silhouette of sample 17 is
0.31, expected 0.42", and the typical mistake (``helpers.exercises.mistakes``) that gives
exactly that answer, if one does. It never raises. Expected answers come from ``helpers``.
"""

from __future__ import annotations

import numpy as np

from helpers.course.data import course_data
from helpers.exercises.mistakes import MISTAKES
from helpers.exercises.mixture import soft_assign
from helpers.exercises.pattern import CheckFailed, run_checks
from helpers.exercises.pattern import as_array as _array
from helpers.exercises.pattern import fail as _fail
from helpers.exercises.quantize import psnr, quantize
from helpers.exercises.silhouette import silhouette_samples
from helpers.kmeans import assign, kmeans

__all__ = [
    "CheckFailed",
    "check_minibatch_update",
    "check_quantize",
    "check_silhouette",
    "check_soft_assign",
]


# ------------------------------------------------------------------------ silhouette
def _silhouette_cases():
    rng = np.random.RandomState(0)
    X, _ = course_data()
    X3 = rng.normal(size=(40, 3))
    return [
        ("four points on a line", np.array([[0.0], [1.0], [9.0], [10.0]]), np.array([0, 0, 1, 1])),
        ("course data, k=4", X, kmeans(X, 4, seed=0)[1]),
        ("course data, k=7", X, kmeans(X, 7, seed=0)[1]),
        ("a cluster of one point", X3, np.r_[0, np.ones(19, int), 2 * np.ones(20, int)]),
        ("random labels in 3-D", X3, rng.randint(0, 3, 40)),
    ]


def check_silhouette(silhouette_samples_fn, *, atol=1e-8):
    """Check a ``silhouette_samples(X, labels) -> s`` function against the reference."""

    def compare(case, got):
        case, X, labels = case
        got = _array(got, case, "the result")
        want = silhouette_samples(X, labels)
        if got.shape != want.shape:
            _fail(
                case, f"result has shape {got.shape}, expected {want.shape} (one value per sample)"
            )
        if not np.all(np.isfinite(got)):
            i = int(np.flatnonzero(~np.isfinite(got))[0])
            _fail(case, f"silhouette of sample {i} is {got[i]}, expected {want[i]:.4f}")
        wrong = np.flatnonzero(~np.isclose(got, want, atol=atol, rtol=0))
        if len(wrong):
            i = int(wrong[0])
            codes = np.unique(labels, return_inverse=True)[1].reshape(-1)
            alone = " (it is alone in its cluster)" if np.sum(codes == codes[i]) == 1 else ""
            _fail(
                case,
                f"silhouette of sample {i}{alone} is {got[i]:.4f}, expected {want[i]:.4f}; "
                f"{len(wrong)} of {len(want)} samples differ",
            )

    return run_checks("silhouette", silhouette_samples_fn, _silhouette_cases(), compare,
                      mistakes=MISTAKES["my_silhouette_samples"])


# ------------------------------------------------------------------------ quantize
def _quantize_cases():
    rng = np.random.RandomState(0)
    three = np.array([[200, 30, 30], [30, 200, 30], [30, 30, 200]], dtype=np.uint8)
    flat = three[rng.randint(0, 3, size=(24, 32))]  # an image of exactly three colours
    noisy = np.clip(
        three[rng.randint(0, 3, size=(30, 40))] + rng.randint(-10, 11, (30, 40, 3)), 0, 255
    ).astype(np.uint8)
    red, green = np.meshgrid(np.linspace(0, 255, 48), np.linspace(0, 255, 36))
    gradient = np.stack([red, green, np.full_like(red, 128.0)], axis=2).astype(np.uint8)
    return [
        ("three flat colours, k=3", flat, 3),
        ("three noisy colours, k=3", noisy, 3),
        ("a colour gradient, k=8", gradient, 8),
    ]


def check_quantize(quantize_fn, *, max_psnr_loss=1.0):
    """Check a ``quantize(image, k) -> (quantized, palette)`` function."""

    def compare(case, result):
        case, image, k = case
        if not isinstance(result, tuple) or len(result) != 2:
            _fail(case, "expected a pair (quantized_image, palette)")
        q, palette = (_array(r, case, name) for r, name in zip(result, ["image", "palette"]))
        if q.shape != image.shape:
            _fail(
                case, f"quantized image has shape {q.shape}, expected {image.shape} (reshape back)"
            )
        if q.dtype != np.uint8:
            _fail(
                case,
                f"quantized image has dtype {q.dtype}, expected uint8: a {q.dtype} image "
                f"takes {q.itemsize} bytes per channel, {q.itemsize}x the original's size",
            )
        if palette.shape != (k, 3) or palette.dtype != np.uint8:
            _fail(
                case,
                f"palette has shape {palette.shape} and dtype {palette.dtype}, "
                f"expected ({k}, 3) and uint8 (round the centroids)",
            )
        pixels = q.reshape(-1, 3)
        in_palette = (pixels[:, None, :] == palette[None]).all(axis=2).any(axis=1)
        if not in_palette.all():
            i = int(np.flatnonzero(~in_palette)[0])
            _fail(case, f"pixel {i} has colour {pixels[i].tolist()}, which is not in the palette")
        reference = psnr(image, quantize(image, k, seed=0)[0])
        quality = psnr(image, q)
        if quality < reference - max_psnr_loss:
            shown = "no error at all" if np.isinf(quality) else f"{quality:.1f} dB PSNR"
            _fail(
                case,
                f"quality {shown}, expected at least {reference - max_psnr_loss:.1f} dB: "
                f"K-Means' palette with every pixel on its nearest colour gets "
                f"{reference:.1f} dB here",
            )

    return run_checks("quantize", quantize_fn, _quantize_cases(), compare,
                      mistakes=MISTAKES["my_quantize"])


# ------------------------------------------------------------------------ mini-batch
def _minibatch_cases():
    rng = np.random.RandomState(0)
    C = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    near = lambda j, m: C[j] + rng.normal(scale=0.5, size=(m, 2))  # noqa: E731
    return [
        (
            "first batch, fresh centroids",
            C,
            np.zeros(3),
            np.vstack([near(0, 4), near(1, 6), near(2, 2)]),
        ),
        (
            "centroids that have seen points",
            C,
            np.array([10.0, 1.0, 100.0]),
            np.vstack([near(0, 5), near(1, 5), near(2, 5)]),
        ),
        (
            "a centroid that gets no points",
            C,
            np.array([3.0, 3.0, 3.0]),
            np.vstack([near(0, 3), near(2, 7)]),
        ),
        ("a batch of one point", C, np.array([1.0, 2.0, 3.0]), near(1, 1)),
        (
            "a fresh centroid that gets no points",
            C,
            np.zeros(3),
            np.vstack([near(0, 4), near(1, 4)]),
        ),
    ]


def check_minibatch_update(update_fn, *, atol=1e-10):
    """Check a ``minibatch_update(centroids, counts, batch) -> (centroids, counts)`` step.

    The step is deterministic, so it is compared with the worked solution exactly (to
    rounding) on batches built to catch the usual mistakes.
    """
    from helpers.exercises.minibatch import minibatch_update

    def compare(case, result):
        case, C, counts, batch = case
        if not isinstance(result, tuple) or len(result) != 2:
            _fail(case, "expected a pair (centroids, counts)")
        got_c, got_v = (_array(r, case, n) for r, n in zip(result, ["centroids", "counts"]))
        want_c, want_v = minibatch_update(C.copy(), counts.copy(), batch)
        if got_v.shape != want_v.shape or not np.allclose(got_v, want_v, atol=atol):
            _fail(case, f"counts are {np.round(got_v, 3).tolist()}, expected {want_v.tolist()}")
        if got_c.shape != want_c.shape:
            _fail(case, f"centroids have shape {got_c.shape}, expected {want_c.shape}")
        wrong = np.flatnonzero(~np.isclose(got_c, want_c, atol=atol).all(axis=1))
        if len(wrong):
            j = int(wrong[0])
            batch_points = int(np.sum(assign(batch, C) == j))
            _fail(
                case,
                f"centroid {j} moved to {np.round(got_c[j], 4).tolist()}, expected "
                f"{np.round(want_c[j], 4).tolist()} (it had seen {int(counts[j])} points and "
                f"gets {batch_points} from this batch)",
            )

    return run_checks("mini-batch update", update_fn, _minibatch_cases(), compare,
                      mistakes=MISTAKES["my_minibatch_update"])


# ------------------------------------------------------------------------ soft assignment
def check_soft_assign(soft_assign_fn, *, atol=1e-9):
    """Check a ``soft_assign(X, centroids, beta) -> responsibilities`` function."""
    X, _ = course_data()
    C = kmeans(X, 4, seed=0)[0]
    cases = [
        ("course data, beta=0.1", X, C, 0.1),
        ("course data, beta=1", X, C, 1.0),
        ("huge beta (1e6)", X, C, 1e6),
        ("points 10,000 away", X + 1e4, C, 1.0),
        ("tiny beta (1e-8)", X, C, 1e-8),
    ]

    def compare(case, got):
        case, data, centroids, beta = case
        r = _array(got, case, "the result")
        want = soft_assign(data, centroids, beta)
        if r.shape != want.shape:
            _fail(case, f"result has shape {r.shape}, expected {want.shape} (n_samples, k)")
        if not np.isfinite(r).all():
            i = int(np.flatnonzero(~np.isfinite(r).all(axis=1))[0])
            _fail(case, f"responsibilities of point {i} are {r[i].round(3).tolist()}, not all "
                        f"finite, expected {want[i].round(3).tolist()}")
        sums = r.sum(axis=1)
        if not np.allclose(sums, 1.0, atol=1e-9):
            i = int(np.argmax(np.abs(sums - 1)))
            _fail(case, f"responsibilities of point {i} sum to {sums[i]:.4f}, expected 1")
        wrong = np.argwhere(~np.isclose(r, want, atol=atol, rtol=0))
        if len(wrong):
            i, j = wrong[0]
            _fail(
                case,
                f"responsibility of point {i} for centroid {j} is {r[i, j]:.4f}, "
                f"expected {want[i, j]:.4f}",
            )

    return run_checks("soft-assignment", soft_assign_fn, cases, compare,
                      mistakes=MISTAKES["my_soft_assign"])
