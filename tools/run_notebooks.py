"""Re-execute notebooks in place and store their outputs: python3 run.py store [NOTEBOOK ...].

For authors: after editing a notebook's cells, run it here so that the outputs stored in
the file (what GitHub shows, what nbval compares) are today's. Runs each notebook top to
bottom in a fresh kernel from the ``notebooks/`` folder, with ``PYTHONHASHSEED=0`` (as the
test command), and stops at the first cell that raises, leaving the file untouched.

Three runs as a learner would make them, with nothing written back (each raises, naming
the cell, where a checker does not say what it should):

- ``python3 run.py store --solutions [NOTEBOOK ...]``: every stub holds its worked
  solution, under the stub's name; every checker must pass;
- ``python3 run.py store --mistakes [NOTEBOOK ...]``: every stub holds a typical wrong
  answer (``helpers.exercises.mistakes``); every checker must say it is wrong, and the
  notebook must still run to its end, on the reference;
- ``python3 run.py store --student [NOTEBOOK ...]``: the worked solutions removed, every
  exercise unwritten; the notebook must run to its end.

The test suite runs each mode on two notebooks (``tests/project/test_exercises_solved.py``).
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.output_widget import OutputWidget

# nbclient mimics a front end for Output widgets and, after every output, sends the
# widget's state back to the kernel on the shell channel while it is itself waiting on
# that channel; with a large figure in a slider's output this blocks the run (nbclient
# issue 312, open). The kernel does not need that echo: the saved widget state is kept
# on nbclient's side either way.
OutputWidget.sync_state = lambda self: None

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


CARRIAGE_RETURNS = re.compile(r"(?m)^(?:[^\r\n]*\r)+(?=[^\r\n])")


def last_states(nb) -> None:
    """A progress bar writes its states over each other with carriage returns, each state
    a stream output of its own: join a cell's consecutive stream outputs and store only the
    last state of each line, as a terminal shows it (GitHub shows the text as it is)."""
    for cell in nb.cells:
        merged = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if (
                output.get("output_type") == "stream"
                and previous is not None
                and previous.get("output_type") == "stream"
                and previous["name"] == output["name"]
            ):
                previous["text"] += output["text"]
            else:
                merged.append(output)
        for output in merged:
            if output.get("output_type") == "stream":
                output["text"] = CARRIAGE_RETURNS.sub("", output["text"])
        if "outputs" in cell:
            cell["outputs"] = merged


def execute(nb) -> None:
    NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)  # kept only if this run makes widgets (the sliders)
    start = time.perf_counter()
    execute(nb)
    last_states(nb)
    nbformat.write(nb, path)
    return time.perf_counter() - start


def _text(cell) -> str:
    return "".join(
        o["text"] if o["output_type"] == "stream" else o.get("data", {}).get("text/plain", "")
        for o in cell.get("outputs", [])
    )


def _definition(source: str, name: str) -> str:
    """The top-level statements of ``source`` up to the one that defines function ``name``
    (its imports and the definition; not the code after it, which runs the exercise)."""
    import ast

    statements = ast.parse(source).body
    for statement in statements:
        nodes = ast.walk(statement)
        if any(isinstance(node, ast.FunctionDef) and node.name == name for node in nodes):
            return "\n".join(source.splitlines()[: statement.end_lineno])
    raise ValueError(f"the worked solution does not define {name}")


def _copy(nb):
    return nbformat.reads(nbformat.writes(nb), as_version=4)


def _exercises(cells):
    """(stub cell index, the index of the code cell that runs it, the exercise's metadata)."""
    for i, cell in enumerate(cells):
        exercise = cell.metadata.get("exercise")
        if exercise:
            check = next(j for j in range(i + 1, len(cells)) if cells[j].cell_type == "code")
            yield i, check, exercise


def with_solutions(nb):
    """A copy of ``nb`` whose stub cells hold the worked solutions' definitions, under the
    stubs' names (after the stub itself, which stays defined where a solution needs an
    optional library).

    Returns the copy and, per exercise, the indices of the stub and of the cell running it."""
    nb = _copy(nb)
    cells, checks = nb.cells, []
    for i, check, exercise in list(_exercises(cells)):
        solution = next(
            c for c in cells[i + 1 :] if "exercise-solution" in c.metadata.get("tags", [])
        )
        definition = _definition(solution.source, exercise["solution"])
        cells[i].source += "\n\n\n" + definition.replace(exercise["solution"], exercise["stub"])
        checks.append((i, check))
    return nb, checks


def with_mistakes(nb):
    """A copy of ``nb`` in which every exercise is answered wrong in the usual way: the
    stub's name is given the first typical mistake of ``helpers.exercises.mistakes``.
    Returns the copy and the (stub, check) cell indices, as ``with_solutions``."""
    nb = _copy(nb)
    checks = []
    for i, check, exercise in list(_exercises(nb.cells)):
        stub = exercise["stub"]
        nb.cells[i].source += (
            "\n\n\n# run.py store --mistakes: a typical wrong answer in place of yours\n"
            "from helpers.exercises.mistakes import as_learners\n\n"
            f"{stub} = as_learners({stub!r})"
        )
        checks.append((i, check))
    return nb, checks


def without_solutions(nb):
    """The student edition of ``nb`` (``tools/student_edition.py``: no worked solutions, no
    answers, every exercise unwritten), with its (stub, check) cell indices."""
    if str(ROOT) not in sys.path:  # run as a script, tools/ is not a package on the path
        sys.path.insert(0, str(ROOT))
    from tools.student_edition import student_notebook

    nb = student_notebook(nb)
    return nb, [(i, j) for i, j, _ in _exercises(nb.cells)]


MODES = {"solutions": with_solutions, "mistakes": with_mistakes, "student": without_solutions}


def run_as(path: Path, mode: str) -> float:
    """Run ``path`` as ``MODES[mode]`` prepares it; raise, naming the cell, if it does not
    reach its end or an exercise's checker does not say what the mode expects: passed
    (solutions), not right (mistakes), not written yet (student)."""
    nb, checks = MODES[mode](nbformat.read(path, as_version=4))
    start = time.perf_counter()
    execute(nb)
    for i, j in checks:
        exercise = nb.cells[i].metadata["exercise"]
        needs = exercise.get("needs")  # an optional library
        if needs and importlib.util.find_spec(needs) is None:
            continue  # its solution cannot run here; the stub stays a stub
        text, source = _text(nb.cells[j]), nb.cells[j].source
        if mode == "solutions":
            bad = "not written yet" in text or ("check_" in source and "passed" not in text)
        elif mode == "mistakes":
            bad = "check_" in source and "✗" not in text
        else:
            bad = "not written yet" not in text
        if bad:
            raise AssertionError(f"{path.name} ({mode}), cell {j}: {source!r} printed {text!r}")
    return time.perf_counter() - start


def run_solved(path: Path) -> float:
    """``run_as(path, "solutions")``."""
    return run_as(path, "solutions")


if __name__ == "__main__":
    os.environ["PYTHONHASHSEED"] = "0"  # the kernel inherits it: set order stays fixed
    args = sys.argv[1:]
    modes = [m for m in MODES if f"--{m}" in args]
    paths = [Path(p).resolve() for p in args if not p.startswith("--")] or sorted(
        NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")
    )
    for path in paths:
        if modes:
            seconds = run_as(path, modes[0])
            print(f"{path.name} ({modes[0]}): {seconds:.1f} s", flush=True)
        else:
            print(f"{path.name}: {run(path):.1f} s", flush=True)
