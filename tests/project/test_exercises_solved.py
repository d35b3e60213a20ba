"""A learner who writes every exercise of a chapter: each stub cell gets its worked solution
(under the stub's name), the notebook runs top to bottom, and every checker passes.

With the stubs untouched the notebooks run to the end under nbval. Solved, all eleven
take as long again (``python3 run.py store --solutions`` runs them all, about 3 minutes
here), so the suite runs two: 06 and 09, whose main exercise the rest of the notebook
then uses (the learner's function if it passed, else the worked solution).
"""

from pathlib import Path

import pytest

from tools.run_notebooks import run_solved, with_solutions

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["06_silhouette.ipynb", "10_soft_assignment.ipynb"])
def test_the_notebook_solved_passes_every_checker(name, monkeypatch):
    monkeypatch.setenv("PYTHONHASHSEED", "0")  # as the test command and the store
    run_solved(ROOT / "notebooks" / name)  # raises, naming the cell, if a check fails


def test_solving_replaces_every_stub_with_its_solution():
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "10_soft_assignment.ipynb", as_version=4)
    solved, checks = with_solutions(nb)
    assert len(checks) == 4
    for i, j in checks:
        exercise = solved.cells[i].metadata["exercise"]
        source = solved.cells[i].source
        assert source.count(f"def {exercise['stub']}(") == 2  # the stub, then the solution
        assert exercise["solution"] not in source and f"{exercise['stub']}" in solved.cells[j].source
    assert nb.cells[checks[0][0]].source.count("def ") == 1  # the original is untouched
