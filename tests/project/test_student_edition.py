"""The student edition a teacher hands out (``python3 run.py student``): no worked
solution and no answer in it, hints and checkers kept, every exercise unwritten, nothing
stored. ``test_exercises_solved.py`` runs two of its notebooks top to bottom (mode
"student" is this edition)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("edition") / "student"
    done = subprocess.run([sys.executable, str(ROOT / "run.py"), "student", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "wrote 15 student notebooks" in done.stdout
    return out


def _cells(path):
    return json.loads(path.read_text())["cells"]


def _tags(cell):
    return set(cell["metadata"].get("tags", []))


def _solution_lines(cells) -> set[str]:
    """Lines that only the worked solutions hold: not in the teaching code, nor in the
    text (a second hint may quote a line, on purpose: hints stay in the edition)."""
    shown = "\n".join("".join(c["source"]) for c in cells if "exercise-solution" not in _tags(c))
    return {line.strip() for c in cells if "exercise-solution" in _tags(c)
            for line in "".join(c["source"]).splitlines()
            if len(line.strip()) >= 20 and not line.strip().startswith("#")
            and line.strip() not in shown}


@pytest.mark.parametrize("teacher", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_edition_holds_no_solution_and_no_answer(edition, teacher):
    student = edition / "notebooks" / teacher.name
    cells = _cells(student)
    text = "\n".join("".join(c["source"]) for c in cells)
    assert not any("exercise-solution" in _tags(c) for c in cells)
    leaked = [line for line in _solution_lines(_cells(teacher)) if line in text]
    assert leaked == [], leaked
    summaries = re.findall(r"<summary>(.*?)</summary>", text)
    assert summaries and all(s.startswith("Hint") for s in summaries), set(summaries)
    assert not re.search(r"(?i)worked solution|collapsed solution|click its bar", text)
    assert all(not c.get("outputs") for c in cells if c["cell_type"] == "code")
    stubs = [c for c in cells if "exercise-stub" in _tags(c)]
    teacher_stubs = [c for c in _cells(teacher) if "exercise-stub" in _tags(c)]
    assert len(stubs) == len(teacher_stubs) > 0
    assert all("raise NotImplementedError" in "".join(c["source"]) for c in stubs)
    assert "## Check your understanding" in text  # the questions stay, the answers go


def test_the_edition_can_be_set_up_like_the_repository(edition):
    for name in ("run.py", "pyproject.toml", "requirements.lock", "helpers/kmeans.py",
                 "data/README.md", "LICENSE", "README.md"):
        assert (edition / name).exists(), name
