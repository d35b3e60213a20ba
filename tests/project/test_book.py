"""The static book: one page per notebook, with its figures, linked in order."""

import importlib.util
import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_book", ROOT / "tools" / "build_book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _figures(notebook: Path) -> int:
    nb = json.loads(notebook.read_text())
    return sum(
        1
        for cell in nb["cells"]
        for out in cell.get("outputs", [])
        if {"image/png", "image/gif"} & set(out.get("data", {}))
    )


def test_book_has_every_chapter_with_its_figures_and_links(tmp_path):
    pages = _load_builder().build(tmp_path)
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert [p.stem for p in pages] == [n.stem for n in notebooks]
    index = (tmp_path / "index.html").read_text()
    assert "$k$" not in index and "`" not in index  # the goals' Markdown is rendered
    assert "<i>k</i>" in index and "<code>assign</code>" in index
    for notebook, page in zip(notebooks, pages):
        text = page.read_text()
        assert f'href="{page.name}"' in index
        images = len(re.findall(r'<img[^>]*src="data:image/(?:png|gif);base64,', text))
        assert images == _figures(notebook) > 0, page.name
        for target in re.findall(r'href="(\d\d_[\w-]+\.html)"', text):
            assert (tmp_path / target).exists(), f"{page.name} links to missing {target}"
        assert '.ipynb"' not in re.sub(r"<script.*?</script>", "", text, flags=re.S)
    gif_page = (tmp_path / "02_watch_it_converge.html").read_text()
    assert "data:image/gif;base64," in gif_page  # the animation plays in the page
