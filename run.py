"""One-command set-up for K-Means from Scratch.

    python3 run.py lab      # create .venv if needed, then open JupyterLab on notebook 01
    python3 run.py test     # create .venv if needed, then run every test and notebook
    python3 run.py setup    # only create (or update) .venv, e.g. before going offline
    python3 run.py book     # the offline HTML book (formulas, figures, sliders), build/book/
    python3 run.py student  # the student edition (no solutions, no answers), build/student/
    python3 run.py bench    # speed and memory against scikit-learn, each row as measured
                            # (about 11 minutes; --quick: about 2)
    python3 run.py store    # re-run notebooks and store their outputs (for authors);
                            # --solutions, --mistakes or --student: run them as those
                            # learners would, nothing stored
    python3 run.py --help   # this list

Only Python 3.11+ and pip are needed (on Debian and Ubuntu also python3-venv; the browser
tests also need Chromium: see the README). The environment lives in ./.venv; its packages
are reinstalled from the lock whenever requirements.lock or pyproject.toml change. Extra
arguments go to the tool: to pytest for ``test``
(e.g. ``python3 run.py test -k silhouette``, ``python3 run.py test -m "not slow"``), to
JupyterLab for ``lab`` (``python3 run.py lab --port 8890``), an output folder for
``book`` and ``student``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"
UV_VERSION = "0.13.9"


def say(msg: str) -> None:
    print(f"[run.py] {msg}", flush=True)


def fingerprint() -> str:
    h = hashlib.sha256()
    for name in ("requirements.lock", "pyproject.toml"):
        h.update((ROOT / name).read_bytes())
    return h.hexdigest()


def ensure_env() -> None:
    """Create .venv and install the locked packages, unless already up to date."""
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    if STAMP.exists() and STAMP.read_text() == fingerprint() and PY.exists():
        return
    if not PY.exists():
        say(f"creating {VENV.name}/ ...")
        venv.create(VENV, with_pip=True)
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    lock, project = str(ROOT / "requirements.lock"), str(ROOT)
    # uv installs the same locked packages ~20x faster than pip; fall back to pip if it is missing.
    uv = BIN / ("uv.exe" if os.name == "nt" else "uv")
    if not uv.exists():
        subprocess.run([str(PY), "-m", "pip", "install", "-q", f"uv=={UV_VERSION}"], env=env)
    if uv.exists():
        say("installing the locked packages with uv ...")
        cmd = [
            str(uv),
            "pip",
            "install",
            "--python",
            str(PY),
            "--compile-bytecode",
            "-r",
            lock,
            "-e",
            project,
        ]
    else:
        say("installing the locked packages with pip (a few minutes) ...")
        cmd = [str(PY), "-m", "pip", "install", "-q", "-r", lock, "-e", project]
    subprocess.run(cmd, check=True, env=env)
    STAMP.write_text(fingerprint())


COMMANDS = ("lab", "test", "setup", "bench", "book", "student", "store")


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    if not argv or argv[0] not in COMMANDS:
        if argv:
            import difflib

            near = difflib.get_close_matches(argv[0], COMMANDS, n=1)
            hint = f" Did you mean {near[0]!r}?" if near else ""
            print(f"unknown command {argv[0]!r}.{hint} The commands are: {', '.join(COMMANDS)}")
        print(__doc__)
        return 2
    ensure_env()
    what, extra = argv[0], argv[1:]
    # Fixed hash seed: set order in printed outputs must not vary between runs (nbval compares).
    env = dict(os.environ, PYTHONHASHSEED="0")
    if what == "setup":
        return 0
    if what == "book":
        cmd = [str(PY), str(ROOT / "tools" / "build_book.py"), *extra]
    elif what == "student":
        cmd = [str(PY), str(ROOT / "tools" / "student_edition.py"), *extra]
    elif what == "bench":
        cmd = [str(PY), str(ROOT / "benchmarks" / "bench.py"), *extra]
    elif what == "store":
        cmd = [str(PY), str(ROOT / "tools" / "run_notebooks.py"), *extra]
    elif what == "lab":
        # The repository's root is Lab's root (the notebooks, helpers/ and data/ side by
        # side); it opens on notebook 01.
        cmd = [
            str(PY),
            "-m",
            "jupyter",
            "lab",
            f"--ServerApp.root_dir={ROOT}",
            "--LabApp.default_url=/lab/tree/notebooks/01_the_algorithm.ipynb",
            # the course's folders only: not the package's build metadata
            "--ContentsManager.hide_globs=['__pycache__', '*.pyc', '*.egg-info', 'build', "
            "'artifacts', '.*']",
            *extra,
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
            cmd.append("--allow-root")  # JupyterLab refuses to start as root without it
        if os.name == "posix":
            # Become JupyterLab (same process id): Ctrl-C or `kill PID` of what the user
            # started stops the server; a child process would outlive this one.
            os.chdir(ROOT)
            os.execve(cmd[0], cmd, env)
    else:
        cmd = [
            str(PY),
            "-m",
            "pytest",
            "--nbval",
            "--nbval-sanitize-with",
            str(ROOT / "tests" / "nbval_sanitize.cfg"),
            *extra,
        ]
    return subprocess.call(cmd, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
