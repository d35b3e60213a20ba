"""A wrong answer never stops the course: notebooks run as three learners would.

``python3 run.py store --solutions``, ``--mistakes`` and ``--student`` run every notebook
with every exercise answered right (the worked solutions), answered wrong in the usual way
(``helpers.exercises.mistakes``), or left unwritten with the worked solutions removed (a
student edition); each must run to its end, and every checker must say what the mode
expects. With the stubs untouched nbval runs them all. The suite runs each mode on two
notebooks (all fifteen take about as long again as the notebooks themselves, per mode).
"""

from pathlib import Path

import nbformat
import pytest

from tools.run_notebooks import run_as, with_mistakes, with_solutions, without_solutions

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "mode, name",
    [
        ("solutions", "07_silhouette.ipynb"),
        ("solutions", "09_judging_a_clustering.ipynb"),
        ("mistakes", "01_the_algorithm.ipynb"),
        ("mistakes", "03_features_and_distances.ipynb"),
        ("student", "01_the_algorithm.ipynb"),
        ("student", "07_silhouette.ipynb"),
    ],
)
def test_the_notebook_runs_to_its_end_in_each_mode(mode, name, monkeypatch):
    monkeypatch.setenv("PYTHONHASHSEED", "0")  # as the test command and the store
    run_as(ROOT / "notebooks" / name, mode)  # raises, naming the cell, if a check disagrees


def test_the_modes_change_only_the_exercises():
    nb = nbformat.read(ROOT / "notebooks" / "12_soft_assignment.ipynb", as_version=4)
    solved, checks = with_solutions(nb)
    assert len(checks) == 4
    for i, j in checks:
        exercise = solved.cells[i].metadata["exercise"]
        source = solved.cells[i].source
        assert source.count(f"def {exercise['stub']}(") == 2  # the stub, then the solution
        assert exercise["solution"] not in source and f"{exercise['stub']}" in solved.cells[j].source
    assert nb.cells[checks[0][0]].source.count("def ") == 1  # the original is untouched
    wrong, _ = with_mistakes(nb)
    assert all(f"as_learners({wrong.cells[i].metadata['exercise']['stub']!r})" in wrong.cells[i].source
               for i, _ in checks)
    student, student_checks = without_solutions(nb)
    assert len(student_checks) == 4 and all(not c.get("outputs") for c in student.cells
                                            if c.cell_type == "code")
    solutions = [c for c in nb.cells if "exercise-solution" in c.metadata.get("tags", [])]
    assert len(solutions) == 4 and len(student.cells) < len(nb.cells) - 4  # answers gone too
    assert not any("exercise-solution" in c.metadata.get("tags", []) for c in student.cells)
