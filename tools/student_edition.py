"""Write the student edition: python3 run.py student [OUTPUT_DIR] (default build/student).

A folder a teacher can hand out, set up as the repository is (``python3 run.py lab`` in it
installs everything and opens notebook 01), whose notebooks have

- no worked solutions: the cells tagged ``exercise-solution`` are removed, source and
  outputs, not collapsed;
- no answers: every collapsed ``<details>`` block of the Markdown is removed (the answers
  to the Predict questions, "What to look for", the answers to "Check your understanding")
  except the hints, which stay;
- every exercise unwritten, its stub and its checker kept, and no stored output: a learner
  runs the notebook top to bottom (``tests/project/test_exercises_solved.py`` runs two).

``helpers/`` is copied as it is: a learner can still read the reference implementations
there, which the notebooks use in place of an exercise that does not pass yet.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
COPIED = ("helpers", "data", "run.py", "pyproject.toml", "requirements.lock", "environment.yml",
          "LICENSE")
DETAILS = re.compile(r"<details><summary>(.*?)</summary>.*?</details>\n?", re.S)
POINTERS = re.compile(  # the paragraphs about a worked solution
    r"(?:^|\n)(?:The|A) worked solution(?! on)[^\n]*(?:\n(?!\n)[^\n]*)*", re.M
)
MENTIONS = re.compile(  # "... hints and a collapsed worked solution follow."
    r"(hints?)(?:,| and)?\s+(?:then\s+)?(?:a\s+)?collapsed\s+worked\s+solution(\s+follows?)?"
)


def without_answers(markdown: str) -> str:
    """The Markdown without its collapsed answers (hints stay) and without the sentences
    that point at a worked solution."""
    text = DETAILS.sub(lambda m: m.group(0) if m.group(1).startswith("Hint") else "", markdown)
    return MENTIONS.sub(r"\1\2", POINTERS.sub("", text)).strip()


def student_notebook(nb):
    """A copy of ``nb`` as a learner gets it (see the module's docstring)."""
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    nb.metadata.pop("widgets", None)
    cells = []
    for cell in nb.cells:
        if "exercise-solution" in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "markdown":
            cell.source = without_answers(cell.source)
            if not cell.source:
                continue
        else:
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
        cells.append(cell)
    nb.cells = cells
    return nb


def write(out: Path) -> list[Path]:
    """The edition in ``out``: the student notebooks and what they need to run."""
    if out.exists():
        shutil.rmtree(out)
    (out / "notebooks").mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, out / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, out / name)
    written = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        target = out / "notebooks" / path.name
        nbformat.write(student_notebook(nbformat.read(path, as_version=4)), target)
        written.append(target)
    (out / "README.md").write_text(
        "# K-Means from Scratch: student edition\n\n"
        "Notebooks with the exercises to write and without worked solutions or answers.\n\n"
        "    python3 run.py lab    # installs everything (first time), opens notebook 01\n\n"
        "Each coding exercise is a stub; the cell after it checks your function and says what is\n"
        "wrong (or, for a measurement, runs it), and two hints help. A wrong or unwritten\n"
        "answer never stops a notebook: it goes on with the reference implementation from\n"
        "`helpers/`, or without the measurement.\n"
    )
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "student"
    done = write(target)
    print(f"wrote {len(done)} student notebooks, with helpers/ and data/, to {target}")
