"""End to end, as a learner uses it: JupyterLab in a real (headless) Chromium.

Starts JupyterLab on 127.0.0.1 with a token, on copies of the notebooks in a temporary
folder (autosave cannot touch the repository), runs every cell of notebook 01, moves a
slider with the keyboard and checks that the figure changed and that no cell shows an
error (notebook 02's explorer is run headless by test_headless.py and test_widgets.py,
and its static slider in the offline book by test_book.py); then does an exercise of notebook 01 as a learner would: the stub's
checker lists its cases, the worked solutions are collapsed, a wrong answer typed into the
stub gets a message naming the case, and a right one passes. Screenshots go to
``artifacts/browser/``.

Needs Debian's ``chromium`` (``apt-get install chromium``); ``.ci/run`` installs it. Without
it these tests fail and say how to get it; set ``KMEANS_SKIP_BROWSER=1`` to skip them on
purpose (they are then reported as skipped, never as passed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.project.lab import free_port, quiet_settings, server_flags

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TOKEN = "kmeans-e2e"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("KMEANS_SKIP_BROWSER") == "1", reason="KMEANS_SKIP_BROWSER=1 was set"
    ),
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if CHROMIUM is None:
        pytest.fail(
            "\n\n*** The browser tests need Chromium, which is not installed. ***\n"
            "Install it with:   sudo apt-get install chromium   (Debian; on Ubuntu a snap)\n"
            "or skip these tests on purpose with KMEANS_SKIP_BROWSER=1.\n",
            pytrace=False,
        )
    work = tmp_path_factory.mktemp("lab")
    for nb in ("01_the_algorithm.ipynb",):
        shutil.copy(ROOT / "notebooks" / nb, work / nb)
    settings = quiet_settings(work, start_kernel=True)
    port = free_port()
    cmd = [sys.executable, "-m", "jupyter", "lab", *server_flags(port, TOKEN, settings)]
    cmd.append(f"--ServerApp.root_dir={work}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(work / "lab.log", "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=work)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.terminate()
        log.close()
        pytest.fail("JupyterLab did not start: " + (work / "lab.log").read_text()[-2000:])
    yield url
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


def _run_all(page, url, notebook):
    workspace = notebook.split("_")[0]  # a fresh workspace per notebook: only it is open
    page.goto(f"{url}/lab/workspaces/nb{workspace}/tree/{notebook}?reset&token={TOKEN}")
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    page.locator(".jp-Notebook").first.click()
    page.click("text=Run", timeout=10_000)  # the main menu
    page.click("text=Run All Cells", timeout=10_000)
    # Running: the kernel goes busy; done when it is idle and the last cell has a number.
    page.wait_for_timeout(1000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=180_000)
    try:
        page.wait_for_function(  # a collapsed cell (a worked solution) shows no prompt
            "() => [...document.querySelectorAll('.jp-CodeCell')]"
            ".filter(c => !c.querySelector('.jp-InputPlaceholder'))"
            ".every(c => /\\[\\d+\\]/.test(c.querySelector('.jp-InputPrompt').textContent))",
            timeout=180_000,
        )
    except Exception:
        page.screenshot(path=str(ARTIFACTS / f"{notebook}-timeout.png"), full_page=True)
        waiting = page.eval_on_selector_all(
            ".jp-CodeCell",
            "els => els.filter(c => !c.querySelector('.jp-InputPlaceholder'))"
            ".map(c => [c.querySelector('.jp-InputPrompt').textContent, c.textContent.slice(0, 80)])"
            ".filter(p => !/\\[\\d+\\]/.test(p[0]))",
        )
        raise AssertionError(f"{notebook}: cells not run after 180 s: {waiting[:5]}") from None


def _errors(page) -> list[str]:
    return page.eval_on_selector_all(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
        "els => els.map(e => e.textContent.slice(0, 500))",
    )


def _move_slider(page, widget_index, slider_index, presses, name):
    """Press ArrowRight on a slider of the widget; return screenshots before and after."""
    widget = page.locator(".kmeans-explorer").nth(widget_index)
    widget.scroll_into_view_if_needed()
    picture = widget.locator("img.widget-image").first
    picture.wait_for(timeout=60_000)
    before = picture.screenshot(path=str(ARTIFACTS / f"{name}-before.png"))
    handle = widget.locator(".noUi-handle").nth(slider_index)
    handle.focus()
    for _ in range(presses):
        handle.press("ArrowRight")
    page.wait_for_timeout(4000)  # the kernel redraws the figure
    picture.wait_for(timeout=60_000)
    after = picture.screenshot(path=str(ARTIFACTS / f"{name}-after.png"))
    return before, after


def test_notebook_01_runs_and_the_k_slider_redraws(lab, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    _run_all(page, lab, "01_the_algorithm.ipynb")
    page.screenshot(path=str(ARTIFACTS / "01-after-run-all.png"))
    assert _errors(page) == []
    assert (
        page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']"
        ).count()
        == 0
    )
    before, after = _move_slider(page, 0, 0, 1, "01-k-slider")  # k: 4 -> 5
    assert before != after, "moving the k slider did not change the figure"
    assert _errors(page) == []
    _do_the_first_exercise(page)
    page.close()


WRONG_ANSWER = """def my_init_centroids(X, k, rng):
    return X[rng.randint(0, len(X), size=k)]"""  # with replacement: a row can come twice
RIGHT_ANSWER = """def my_init_centroids(X, k, rng):
    return X[rng.choice(len(X), k, replace=False)]"""


def _type_into_cell_and_run_it_and_the_next(page, cell, text):
    editor = cell.locator(".cm-content").first
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)
    page.keyboard.press("Shift+Enter")  # runs the stub, selects the checker's cell
    page.keyboard.press("Shift+Enter")  # runs the checker
    page.wait_for_timeout(1000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)


def _read(cell, expected):
    """The cell's text once it shows ``expected`` (Lab renders a cell only once it is in
    view, a moment after scrolling to it); a timeout names what was missing."""
    cell.scroll_into_view_if_needed()
    cell.get_by_text(expected).first.wait_for(timeout=30_000)
    return cell.inner_text()


def _do_the_first_exercise(page):
    cells = page.locator(".jp-Notebook .jp-Cell")
    stub = cells.filter(has_text="def my_init_centroids(").first
    checker = cells.filter(has_text="ok_init = check_init_centroids(").first
    _read(checker, "my_init_centroids is not written yet")
    assert page.locator(".jp-Notebook .jp-InputPlaceholder").count() >= 3  # solutions collapsed
    _type_into_cell_and_run_it_and_the_next(page, stub, WRONG_ANSWER)
    page.screenshot(path=str(ARTIFACTS / "01-exercise-wrong.png"))
    text = _read(checker, "my_init_centroids is not right yet")
    assert "my_init_centroids is not right yet" in text and '"5 points, k=5: every row once"' in text
    assert "Likely mistake: drawn with replacement" in text and "use the reference" in text
    assert "Traceback" not in text  # a wrong answer is a message, not an error
    stub.scroll_into_view_if_needed()
    _type_into_cell_and_run_it_and_the_next(page, stub, RIGHT_ANSWER)
    page.screenshot(path=str(ARTIFACTS / "01-exercise-right.png"))
    _read(checker, "All 5 initialisation checks passed.")
