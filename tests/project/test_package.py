"""The shape of ``helpers/``: quick to import with no side effects, public names only
across modules and in notebooks, no code written twice."""

import ast
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted((ROOT / "helpers").rglob("*.py"))


def test_import_helpers_loads_neither_sklearn_nor_matplotlib_and_changes_nothing():
    code = (
        "import sys, helpers\n"
        "heavy = [m for m in ('sklearn', 'matplotlib', 'scipy', 'dask') if m in sys.modules]\n"
        "import matplotlib as mpl\n"
        "before = dict(mpl.rcParams)\n"
        "import helpers.course.plots\n"
        "print(heavy, dict(mpl.rcParams) == before)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[] True", result.stdout + result.stderr


def test_no_private_name_crosses_a_module():
    for path in [*MODULES, *sorted((ROOT / "benchmarks").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("helpers"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.name} imports {private} from {node.module}"


def test_notebooks_use_public_names_only():
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        code = "\n".join(
            "".join(c["source"])
            for c in json.loads(path.read_text())["cells"]
            if c["cell_type"] == "code"
        )
        assert "sys.modules" not in code, path.name
        assert not re.search(r"helpers[\w.]*\._\w", code), path.name
        assert not re.search(r"from helpers[\w.]* import .*\b_\w", code), path.name


def _code_lines(path: Path) -> list[tuple[int, str]]:
    """Non-blank lines of code, docstrings and comments left out."""
    source = path.read_text()
    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            if isinstance(getattr(body[0], "value", None), ast.Constant):
                docstrings.update(range(body[0].lineno, body[0].end_lineno + 1))
    lines = []
    for number, line in enumerate(source.splitlines(), start=1):
        text = line.split("#")[0].strip()
        if text and number not in docstrings:
            lines.append((number, text))
    return lines


def test_no_six_lines_of_code_are_written_twice_in_helpers():
    seen = defaultdict(list)
    for path in MODULES:
        lines = _code_lines(path)
        for i in range(len(lines) - 5):
            window = tuple(text for _, text in lines[i : i + 6])
            seen[window].append(f"{path.relative_to(ROOT)}:{lines[i][0]}")
    repeated = {w: places for w, places in seen.items() if len(places) > 1}
    assert not repeated, "\n".join(" and ".join(p) for p in repeated.values())


def test_kmeans_py_is_the_algorithm_and_no_engine_code():
    # It may hold BLAS to one thread for a fit and pass n_threads on; the chunks, blocks and
    # the identity's tricks stay in the engine.
    code = " ".join(text for _, text in _code_lines(ROOT / "helpers" / "kmeans.py")).lower()
    for word in ("map_chunks", "augment", "block", "centred_with_ones", "fused"):
        assert word not in code, word  # the prose may name them; the code does not use them
    tree = ast.parse((ROOT / "helpers" / "kmeans.py").read_text())
    imported = {
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if node.module in ("helpers.engine", "helpers.bounds", "helpers.threads")
    }
    assert imported <= {
        ("helpers.engine", "Lloyd"),
        ("helpers.engine", "Pass"),
        ("helpers.engine", "make_engine"),
        ("helpers.engine", "sq_dist_to"),
        ("helpers.engine", "sum_sq_distances"),
        ("helpers.bounds", "Auto"),
        ("helpers.bounds", "Hamerly"),
        ("helpers.threads", "blas_on_one_thread"),
    }, imported


def test_kmeans_py_reads_in_about_300_lines():
    assert len((ROOT / "helpers" / "kmeans.py").read_text().splitlines()) <= 320


@pytest.mark.slow
def test_a_non_editable_install_has_every_subpackage(tmp_path):
    # A copy of the project, installed (not linked) into a folder, imported from there.
    import shutil

    source = tmp_path / "source"
    shutil.copytree(ROOT / "helpers", source / "helpers",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    target = tmp_path / "site"
    uv = Path(sys.executable).parent / "uv"  # run.py installs it in .venv
    subprocess.run(
        [str(uv), "pip", "install", "-q", "--no-deps", "--python", sys.executable,
         "--target", str(target), str(source)],
        check=True, capture_output=True, text=True,
    )
    for package in ("course", "exercises", "scale"):
        assert (target / "helpers" / package / "__init__.py").exists(), package
    code = (
        "import helpers, helpers.course.plots, helpers.exercises.chapters, "
        "helpers.scale.array_api; print(helpers.__file__)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                            text=True, env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith(str(target))
