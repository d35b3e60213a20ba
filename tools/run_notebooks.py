"""Re-execute notebooks in place and store their outputs: python3 run.py store [NOTEBOOK ...].

For authors: after editing a notebook's cells, run it here so that the outputs stored in
the file (what GitHub shows, what nbval compares) are today's. Runs each notebook top to
bottom in a fresh kernel from the ``notebooks/`` folder, with ``PYTHONHASHSEED=0`` (as the
test command), and stops at the first cell that raises, leaving the file untouched.
"""

from __future__ import annotations

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
    """A progress bar writes its states over each other with carriage returns: store only
    the last one of each line, as a terminal shows it (GitHub shows the text as it is)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                output["text"] = CARRIAGE_RETURNS.sub("", output["text"])


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    last_states(nb)
    nbformat.write(nb, path)
    return time.perf_counter() - start


if __name__ == "__main__":
    os.environ["PYTHONHASHSEED"] = "0"  # the kernel inherits it: set order stays fixed
    paths = [Path(p).resolve() for p in sys.argv[1:]] or sorted(
        NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")
    )
    for path in paths:
        print(f"{path.name}: {run(path):.1f} s", flush=True)
