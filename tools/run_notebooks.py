"""Re-execute notebooks in place and store their outputs: python3 run.py store [NOTEBOOK ...].

For authors: after editing a notebook's cells, run it here so that the outputs stored in
the file (what GitHub shows, what nbval compares) are today's. Runs each notebook top to
bottom in a fresh kernel from the ``notebooks/`` folder, with ``PYTHONHASHSEED=0`` (as the
test command), and stops at the first cell that raises, leaving the file untouched.

``python3 run.py store --solutions [NOTEBOOK ...]`` instead runs each notebook as a learner
who wrote every exercise would: each stub cell gets its worked solution, under the stub's
name; every checker must then pass and every measurement run. Nothing is written back.
The test suite does this for two notebooks (``tests/project/test_exercises_solved.py``);
all of them take about as long as the notebooks themselves.
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


def with_solutions(nb):
    """A copy of ``nb`` whose stub cells hold the worked solutions' definitions, under the
    stubs' names (after the stub itself, which stays defined where a solution needs an
    optional library).

    Returns the copy and, per exercise, the indices of the stub and of the cell running it."""
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)  # a copy
    cells, checks = nb.cells, []
    for i, cell in enumerate(cells):
        exercise = cell.metadata.get("exercise")
        if not exercise:
            continue
        solution = next(
            c for c in cells[i + 1 :] if "exercise-solution" in c.metadata.get("tags", [])
        )
        definition = _definition(solution.source, exercise["solution"])
        cell.source += "\n\n\n" + definition.replace(exercise["solution"], exercise["stub"])
        check = next(j for j in range(i + 1, len(cells)) if cells[j].cell_type == "code")
        checks.append((i, check))
    return nb, checks


def run_solved(path: Path) -> float:
    """Run ``path`` with every stub written (see ``with_solutions``); raise if a checker
    does not pass or a stub still reports that it is not written."""
    nb, checks = with_solutions(nbformat.read(path, as_version=4))
    start = time.perf_counter()
    execute(nb)
    for i, j in checks:
        needs = nb.cells[i].metadata["exercise"].get("needs")  # an optional library
        if needs and importlib.util.find_spec(needs) is None:
            continue  # its solution cannot run here; the stub stays a stub
        text = _text(nb.cells[j])
        if "not written yet" in text or ("check_" in nb.cells[j].source and "passed" not in text):
            raise AssertionError(f"{path.name}, cell {j}: {nb.cells[j].source!r} printed {text!r}")
    return time.perf_counter() - start


if __name__ == "__main__":
    os.environ["PYTHONHASHSEED"] = "0"  # the kernel inherits it: set order stays fixed
    args = sys.argv[1:]
    solved = "--solutions" in args
    paths = [Path(p).resolve() for p in args if p != "--solutions"] or sorted(
        NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")
    )
    for path in paths:
        seconds = run_solved(path) if solved else run(path)
        print(f"{path.name}{' (solved)' if solved else ''}: {seconds:.1f} s", flush=True)
