"""The static book: one page per notebook, with its figures, linked in order, and usable
offline: opened in Chromium with every request that is not a local file blocked, no raw
TeX shows, formulas render as MathML, the sliders move their figures, and the worked
solutions are collapsed."""

import importlib.util
import json
import os
import re
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SLIDER_PAGES = ("01_the_algorithm", "02_watch_it_converge", "10_image_compression")


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_book", ROOT / "tools" / "build_book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    return out, _load_builder().build(out)


def _figures(notebook: Path) -> int:
    """Figures of the notebook that the page shows outside a collapsed cell."""
    nb = json.loads(notebook.read_text())
    return sum(
        1
        for cell in nb["cells"]
        if not {"exercise-solution", "checks"} & set(cell["metadata"].get("tags", []))
        for out in cell.get("outputs", [])
        if {"image/png", "image/gif"} & set(out.get("data", {}))
    )


def test_book_has_every_chapter_with_its_figures_and_links(book):
    out, pages = book
    assert [p.stem for p in pages] == [n.stem for n in NOTEBOOKS]
    index = (out / "index.html").read_text()
    assert "$k$" not in index and "`" not in index  # the goals' Markdown is rendered
    assert "<math" in index and "<code>assign</code>" in index
    for notebook, page in zip(NOTEBOOKS, pages):
        text = page.read_text()
        assert f'href="{page.name}"' in index
        assert page.stat().st_size < 5_000_000, page.name
        shown = re.sub(r"<!--static-slider-->.*?<!--/static-slider-->", "", text, flags=re.S)
        shown = re.sub(r"<details>.*?</details>", "", shown, flags=re.S)
        images = re.findall(r'<img[^>]*src="data:image/(?:png|gif|jpeg);base64,[^"]*"[^>]*>', shown)
        assert len(images) == _figures(notebook) > 0, page.name
        for img in re.findall(r"<img\b[^>]*>", text):
            alt = re.search(r'alt="([^"]*)"', img)
            assert alt and len(alt.group(1).split()) >= 5, (page.name, img[:120])  # a sentence
        for target in re.findall(r'href="(\d\d_[\w-]+\.html)"', text):
            assert (out / target).exists(), f"{page.name} links to missing {target}"
        assert '.ipynb"' not in text
        scripts = re.findall(r"<script\b[^>]*>", text)
        assert all("src=" not in s for s in scripts), page.name  # nothing loaded from anywhere
    gif_page = (out / "02_watch_it_converge.html").read_text()
    assert "data:image/gif;base64," in gif_page  # the animation plays in the page


def test_alt_text_is_written_for_every_figure():
    for notebook in NOTEBOOKS:
        for cell in json.loads(notebook.read_text())["cells"]:
            if any({"image/png", "image/gif"} & set(o.get("data", {})) for o in cell.get("outputs", [])):
                assert len(cell["metadata"].get("alt", "").split()) >= 8, notebook.name


@pytest.fixture(scope="module")
def offline_page(book):
    if os.environ.get("KMEANS_SKIP_BROWSER") == "1":
        pytest.skip("KMEANS_SKIP_BROWSER=1 was set")
    if CHROMIUM is None:
        pytest.fail("The offline book test needs Chromium (see the README), or set "
                    "KMEANS_SKIP_BROWSER=1 to skip it on purpose.", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        blocked = []

        def only_local(route):
            url = route.request.url
            if url.startswith(("file:", "data:")):
                route.continue_()
            else:
                blocked.append(url)
                route.abort()

        page.route("**/*", only_local)
        yield page, blocked
        browser.close()


RAW_TEX = re.compile(r"\$[^$\s][^$]*\$|\\(?:frac|sum|lVert|rVert|mathbb|mathrm|log|sqrt|beta|"
                     r"mu|sigma|lambda|cdot|dots|le|ge|in|min|max|exp|tfrac|dfrac|binom)\b")
VISIBLE_TEXT = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll("pre, code, script, style, math, details, .jp-InputArea").forEach(e => e.remove());
  return body.innerText;
}"""


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_page_offline_shows_formulas_and_no_raw_tex(book, offline_page, notebook):
    out, _ = book
    page, blocked = offline_page
    page.goto((out / f"{notebook.stem}.html").as_uri())
    page.wait_for_load_state("load")
    text = page.evaluate(VISIBLE_TEXT)
    assert not RAW_TEX.search(text), RAW_TEX.search(text).group(0)
    if "$" in "".join("".join(c["source"]) for c in json.loads(notebook.read_text())["cells"]
                      if c["cell_type"] == "markdown"):
        sizes = page.eval_on_selector_all(
            "math", "ms => ms.map(m => m.getBoundingClientRect().width)")
        assert sizes and max(sizes) > 0  # MathML laid out by the browser itself
    assert blocked == [], blocked  # the page asked for nothing beyond its own file
    if notebook.stem in SLIDER_PAGES:
        box = page.locator(".static-slider").first
        box.scroll_into_view_if_needed()
        visible = "(box) => [...box.querySelectorAll('.frames img')].filter(i => !i.hidden)" \
                  ".map(i => i.getAttribute('alt'))"
        before = box.evaluate(visible)
        shot_before = box.screenshot()
        slider = box.locator("input")
        slider.focus()
        at_end = slider.evaluate("s => s.value === s.max")
        slider.press("ArrowLeft" if at_end else "ArrowRight")
        after = box.evaluate(visible)
        assert len(before) == len(after) == 1 and before != after
        assert box.screenshot() != shot_before  # the figure itself changed
    if notebook.stem == "01_the_algorithm":
        solution = page.locator("details", has_text="Worked solution").first
        assert solution.get_attribute("open") is None  # collapsed, one click to open
        assert not page.get_by_text("def init_centroids_solution").first.is_visible()
        solution.locator("summary").click()
        assert page.get_by_text("def init_centroids_solution").first.is_visible()
