"""The exercise pattern every notebook uses, in one place.

An exercise is a function the learner writes. Its cell starts as a stub that raises
``NotImplementedError``; a checker runs it on a few cases:

- not written yet: the checker says so and lists the cases it will run (no error, so the
  notebook runs to the end), and returns False;
- a wrong answer: it raises ``CheckFailed`` naming the case, the expected value and the
  value given;
- right: it says so and returns True.

The worked solution, collapsed in the notebook, goes through the same checker under an
``assert``; the cells after it use the learner's function if it passed, else the solution.
An exercise whose answer is a measurement has no checker: ``try_exercise`` runs it.
"""

from __future__ import annotations

import numpy as np


class CheckFailed(AssertionError):
    """A learner's function gave a wrong answer; the message says which and where."""


def fail(case: str, message: str):
    """Raise ``CheckFailed`` for ``case``."""
    raise CheckFailed(f"[{case}] {message}")


def not_written(fn, case_names) -> bool:
    """Say that ``fn`` is still a stub, and what will be checked once it is not."""
    name = getattr(fn, "__name__", "your function")
    print(f"{name} is not written yet (it raises NotImplementedError).")
    print(f"Once it is, this cell checks it on {len(case_names)} cases:")
    for case in case_names:
        print(f"  - {case}")
    return False


def run_checks(what: str, fn, cases, check_case) -> bool:
    """Run ``check_case(case)`` for every case; see the module's docstring.

    ``cases`` is a list of tuples whose first item is the case's name; ``check_case``
    calls ``fn`` on one case and raises ``CheckFailed`` (via ``fail``) when it is wrong.
    """
    try:
        for case in cases:
            check_case(case)
    except NotImplementedError:
        return not_written(fn, [case[0] for case in cases])
    except CheckFailed as wrong:  # raised again here: the learner sees one short traceback
        raise CheckFailed(str(wrong)) from None
    print(f"All {len(cases)} {what} checks passed.")
    return True


def try_exercise(fn, *args, **kwargs):
    """Run a measurement exercise: its result, or None (and a note) while it is a stub."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        name = getattr(fn, "__name__", "your function")
        print(f"{name} is not written yet (it raises NotImplementedError); the worked")
        print("solution below runs it, and says what to look for.")
        return None


def as_array(value, case: str, name: str) -> np.ndarray:
    """``np.asarray(value)``, or a ``CheckFailed`` that says it could not be made one."""
    try:
        return np.asarray(value)
    except Exception as e:  # noqa: BLE001 - any failure here is the learner's to see
        fail(case, f"{name} could not be turned into an array: {e}")


def same_array(case: str, name: str, got, want, *, atol=1e-9, rtol=1e-9, unit="") -> None:
    """``got`` equals ``want`` (shape, then values to tolerance), or ``CheckFailed`` naming
    the first entry that differs, its value and the expected one."""
    got, want = as_array(got, case, name), np.asarray(want)
    if got.shape != want.shape:
        fail(case, f"{name} has shape {got.shape}, expected {want.shape}")
    wrong = np.argwhere(~np.isclose(got, want, atol=atol, rtol=rtol))
    if len(wrong):
        at = tuple(int(i) for i in wrong[0])
        where = f"{name}[{', '.join(map(str, at))}]" if got.ndim else name
        fail(
            case,
            f"{where} is {got[at] if got.ndim else got.item():.6g}{unit}, expected "
            f"{want[at] if want.ndim else want.item():.6g}{unit} "
            f"({len(wrong)} of {want.size} entries differ)",
        )


def same_value(case: str, name: str, got, want) -> None:
    """An exact value (an int, a label, a choice of k), or ``CheckFailed``."""
    if not np.array_equal(np.asarray(got), np.asarray(want)):
        fail(case, f"{name} is {got!r}, expected {want!r}")
