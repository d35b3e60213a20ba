"""The conda/Binder environment and the pip path must list the same packages."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
