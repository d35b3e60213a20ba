"""The exercise pattern every notebook uses, in one place. A wrong answer never stops the
course: the checker says what is wrong, and the notebook goes on with the reference.

An exercise is a function the learner writes. Its cell starts as a stub that raises
``NotImplementedError``; a checker runs it on a few named cases and returns an ``Outcome``
(true only when every case passed). It never raises:

- not written yet: it says so and lists the cases it will run;
- a wrong answer: it names the case, the value given and the expected one, and, when the
  answer is exactly what a typical mistake gives (``Mistake``), that mistake, and nothing
  else: a cause is named only when it reproduces the learner's answer;
- an error inside the learner's function: the case, the error and the line it came from;
- a function that changes its input (e.g. a ``centroids`` array updated in place): that;
- right: it says so.

``use(mine, outcome, reference)`` is then the function the rest of the notebook calls:
the learner's if it passed, else the reference from ``helpers`` (never the worked
solution's cell, so that a notebook without its solutions still runs). It says which.
The worked solution, collapsed in the notebook, goes through the same checker.
An exercise whose answer is a measurement has no checker: ``try_exercise`` runs it.
"""

from __future__ import annotations

import copy
import traceback
import warnings
from typing import Callable, NamedTuple

import numpy as np


class CheckFailed(AssertionError):
    """Raised inside a checker's comparison; ``run_checks`` turns it into an Outcome."""


class Mistake(NamedTuple):
    """A typical mistake: a short name, what to change, and a function that makes it."""

    name: str
    fix: str
    fn: Callable


class Outcome:
    """What a checker found: true only if every case passed.

    ``status`` is "passed", "not written", "wrong" or "error"; ``case`` and ``message``
    say where and what; ``mistake`` is the typical mistake that gives the same answer."""

    def __init__(self, status, case=None, message="", mistake=None):
        self.status, self.case, self.message, self.mistake = status, case, message, mistake

    def __bool__(self) -> bool:
        return self.status == "passed"

    def __repr__(self) -> str:
        return f"Outcome({self.status!r}, case={self.case!r})"


def fail(case: str, message: str):
    """Raise ``CheckFailed`` for ``case`` (inside a checker's comparison)."""
    raise CheckFailed(f"[{case}] {message}")


def _name(fn) -> str:
    return getattr(fn, "__name__", "your function")


def _same(a, b) -> bool:
    """Whether two results are the same: arrays of the same kind (booleans apart from
    numbers) equal to rounding, NaN equal to NaN. Never raises: a result that cannot be
    compared is not the same."""
    try:
        if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
            return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
        if isinstance(a, dict) and isinstance(b, dict):
            return a.keys() == b.keys() and all(_same(a[key], b[key]) for key in a)
        if isinstance(a, (tuple, list, dict)) != isinstance(b, (tuple, list, dict)):
            return False  # one array against a tuple of them: not the same
        x, y = np.asarray(a), np.asarray(b)
        if x.dtype.kind in "biufc" and y.dtype.kind in "biufc":
            if (x.dtype.kind == "b") != (y.dtype.kind == "b"):
                return False
            return x.shape == y.shape and bool(np.allclose(x, y, rtol=1e-9, atol=1e-12,
                                                           equal_nan=True))
        return bool(np.array_equal(x, y))
    except Exception:  # noqa: BLE001 - a learner's object may raise anywhere: not the same
        try:
            return bool(a == b)
        except Exception:  # noqa: BLE001
            return False


def call_case(fn, case):
    """``fn`` on a case's arguments (``case[1:]``), given copies; a ``CheckFailed`` if it
    changed one of them."""
    args = case[1:]
    given = copy.deepcopy(args)
    result = fn(*given)
    for i, (before, after) in enumerate(zip(args, given)):
        if isinstance(before, np.ndarray) and not _same(before, after):
            try:
                import inspect

                name = list(inspect.signature(fn).parameters)[i]
            except (TypeError, ValueError, IndexError):
                name = f"argument {i + 1}"
            fail(case[0], f"it changed its input `{name}` in place; work on a copy "
                          f"(e.g. `{name}.copy()`), so that the caller's array stays as it was")
    return result


def _error_text(error: BaseException) -> str:
    """``TypeError: ...`` and the learner's line it came from (the deepest frame in a cell)."""
    text = f"{type(error).__name__}: {error}"
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if "site-packages" not in f.filename]
    cell_frames = [f for f in frames if not f.filename.endswith(".py")]
    frame = (cell_frames or frames or [None])[-1]
    if frame is not None and frame.line:
        text += f"\n    at line {frame.lineno}: {frame.line.strip()}"
    return text


def _diagnose(case, mistakes, call, got=None, error=None):
    """The first typical mistake that gives exactly this answer (or raises this error)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # the mistakes' own warnings are not the learner's
        return _first_match(case, mistakes, call, got, error)


def _first_match(case, mistakes, call, got, error):
    for mistake in mistakes:
        try:
            theirs = call(mistake.fn, case)
        except Exception as their_error:  # noqa: BLE001 - a mistake may crash, as the learner's
            same_error = type(their_error) is type(error) and str(their_error) == str(error)
            if error is not None and same_error:
                return mistake
            continue
        if error is None and _same(got, theirs):
            return mistake
    return None


def _report(outcome: Outcome, fn, caught=()) -> None:
    name = _name(fn)
    if outcome.status == "wrong":
        print(f"✗ {name} is not right yet.")
        print(f"  Case \"{outcome.case}\": {outcome.message}")
    else:
        print(f"✗ {name} stopped with an error on case \"{outcome.case}\":")
        print(f"  {outcome.message}")
    for warning in list(caught)[:2]:  # what NumPy said on the way, if anything
        print(f"  On the way, Python warned: {warning.category.__name__}: {warning.message}")
    if outcome.mistake is not None:
        print(f"  Likely mistake: {outcome.mistake.name} (your answer is what that gives).")
        print(f"  {outcome.mistake.fix}")
    print("  The cells below use the reference until this check passes.")


def _call(fn, case, call, mistakes, cases):
    """``(None, result)``, or ``(Outcome, None)`` when ``fn`` is a stub, raised an error or
    changed its input."""
    try:
        return None, call(fn, case)
    except NotImplementedError:
        return not_written(fn, [c[0] for c in cases]), None
    except CheckFailed as changed:  # it changed its input
        return Outcome("wrong", case[0], str(changed).split("] ", 1)[1],
                       _diagnose(case, mistakes, call, error=changed)), None
    except Exception as error:  # noqa: BLE001 - the learner's code: report, never stop
        return Outcome("error", case[0], _error_text(error),
                       _diagnose(case, mistakes, call, error=error)), None


def run_checks(what: str, fn, cases, compare, *, mistakes=(), call=call_case) -> Outcome:
    """Run ``fn`` on every case and ``compare(case, got)``; see the module's docstring.

    ``cases`` is a list of tuples whose first item is the case's name and the rest
    ``fn``'s arguments (``call`` says otherwise where needed); ``compare`` raises
    ``CheckFailed`` (via ``fail``) when ``got`` is wrong.
    """
    for case in cases:
        with warnings.catch_warnings(record=True) as caught:  # shown with a wrong answer
            warnings.simplefilter("always")
            outcome, got = _call(fn, case, call, mistakes, cases)
        if outcome is None:
            try:
                compare(case, got)
            except CheckFailed as wrong:
                outcome = Outcome("wrong", case[0], str(wrong).split("] ", 1)[1],
                                  _diagnose(case, mistakes, call, got=got))
            except Exception as error:  # noqa: BLE001 - e.g. a result of an unusable type
                outcome = Outcome("wrong", case[0], f"the result could not be checked: "
                                                    f"{type(error).__name__}: {error}")
        if outcome is not None:
            if outcome.status != "not written":
                _report(outcome, fn, caught)
            return outcome
    print(f"✓ All {len(cases)} {what} checks passed.")
    return Outcome("passed")


def not_written(fn, case_names) -> Outcome:
    """Say that ``fn`` is still a stub, and what will be checked once it is not."""
    print(f"{_name(fn)} is not written yet (it raises NotImplementedError).")
    print(f"Once it is, this cell checks it on {len(case_names)} cases:")
    for case in case_names:
        print(f"  - {case}")
    print("Until then the cells below use the reference.")
    return Outcome("not written")


def use(mine, outcome, reference):
    """The function the notebook goes on with: ``mine`` if its check passed, else the
    reference (from ``helpers``), saying which."""
    if outcome:
        print(f"From here on: your {_name(mine)}.")
        return mine
    where = getattr(reference, "__module__", "") or ""
    print(f"From here on: the reference, {where}.{_name(reference)}, in place of "
          f"{_name(mine)} (until yours passes its check).")
    return reference


def try_exercise(fn, *args, show=None, **kwargs):
    """Run a measurement exercise: its result, or None (and a note) while it is a stub or
    when it fails; the notebook goes on either way (in the teacher's edition the worked
    solution after it measures in any case). ``show(result)``, if given, prints the
    result; a result it cannot show is reported, not raised. The notes say nothing of a
    worked solution: the student edition has none."""
    try:
        result = fn(*args, **kwargs)
    except NotImplementedError:
        print(f"{_name(fn)} is not written yet (it raises NotImplementedError): the notebook")
        print("goes on without it.")
        return None
    except Exception as error:  # noqa: BLE001 - the learner's code: report, never stop
        print(f"✗ {_name(fn)} stopped with an error:")
        print(f"  {_error_text(error)}")
        print("  The notebook goes on without it.")
        return None
    if show is not None and result is not None:
        try:
            show(result)
        except Exception as error:  # noqa: BLE001 - a result of another shape than asked
            print(f"✗ the result of {_name(fn)} could not be shown: "
                  f"{type(error).__name__}: {error}")
            print("  The exercise says what it should return.")
    elif result is None:
        print(f"{_name(fn)} returned None: did it forget its return? The exercise says what "
              "it should give.")
    return result


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
    if got.dtype.kind not in "biuf":
        fail(case, f"{name} holds {got.dtype} values, expected numbers")
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
