"""The conda/Binder environment and the pip path must list the same packages."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def pip_packages() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        names |= {_name(r) for r in extra}
    return names


def conda_packages() -> set[str]:
    names = set()
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("\ndependencies:\n", 1)[1].splitlines():
        m = re.match(r"^  - ([A-Za-z0-9_.-]+)", line)  # top-level entries of dependencies:
        if m and m.group(1) not in ("python", "pip"):
            names.add(_name(m.group(1)))
    return names


def test_environment_yml_lists_the_same_packages_as_pyproject():
    pip, conda = pip_packages(), conda_packages()
    assert conda == pip, f"only in environment.yml: {conda - pip}; only in pyproject: {pip - conda}"


def test_environment_yml_installs_the_project_itself():
    assert re.search(r"^\s+- pip:\n\s+- -e \.$", (ROOT / "environment.yml").read_text(), re.M)


def test_lock_pins_every_dependency():
    lock = (ROOT / "requirements.lock").read_text().lower()
    pinned = {m.group(1) for m in re.finditer(r"^([a-z0-9_.-]+)==", lock, re.M)}
    assert pip_packages() <= pinned, f"not in requirements.lock: {pip_packages() - pinned}"


def test_notebooks_say_what_to_run_when_the_package_is_missing():
    import json
    import subprocess
    import sys

    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        first_code = next("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        guard = first_code.split("\n\n")[0]
        assert guard.startswith("try:") and "import helpers" in guard, path.name
        # -I -S: an interpreter that sees neither the project nor any installed package
        result = subprocess.run(
            [sys.executable, "-I", "-S", "-c", guard], capture_output=True, text=True, cwd="/"
        )
        assert result.returncode != 0
        assert "No module named 'helpers' in this kernel" in result.stderr, path.name
        assert "python3 run.py lab" in result.stderr, path.name
