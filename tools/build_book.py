"""Build a static HTML book of the executed notebooks: python3 run.py book [OUTPUT_DIR].

Each notebook becomes one page (nbconvert's HTML exporter, from the outputs stored in the
notebook: nothing is re-executed), with links to the previous and next chapter and to the
contents page; links between notebooks (``02_watch_it_converge.ipynb``) are rewritten to
the pages. Figures and the convergence GIF are embedded in the pages, so the book works
offline and from any folder.

Widgets: nbconvert embeds each slider's saved state; the slider itself renders only where
the page can load ``@jupyter-widgets/html-manager`` from its CDN (online). Offline, a
slider shows its text fallback, and the static figure next to it shows the default setting.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def chapter_info(path: Path) -> tuple[str, str]:
    """Title (the first heading) and goal (the 'Goal' line) of a notebook."""
    nb = json.loads(path.read_text())
    first = "".join(nb["cells"][0]["source"])
    title = re.search(r"^#\s+(.+)$", first, re.M).group(1).strip()
    goal = re.search(r"\*\*(?:Goal|What you will do):\*\*\s*(.+?)(?:\n\n|$)", first, re.S)
    return title, " ".join(goal.group(1).split()) if goal else ""


def goal_html(goal: str) -> str:
    """A chapter's goal line, Markdown rendered (code, emphasis); a one-letter formula such
    as ``$k$`` becomes an italic letter, so the contents page needs no MathJax."""
    import mistune

    body = mistune.create_markdown(escape=True)(goal).strip()
    body = re.sub(r"^<p>(.*)</p>$", r"\1", body, flags=re.S)
    return re.sub(r"\$([A-Za-z])\$", r"<i>\1</i>", body)


def gifs_as_html(nb):
    """nbconvert's HTML templates drop image/gif outputs: show them as <img> tags instead."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            gif = out.get("data", {}).get("image/gif")
            if gif:
                b64 = gif if isinstance(gif, str) else "".join(gif)
                out["data"] = {"text/html": f'<img src="data:image/gif;base64,{b64.strip()}">'}
    return nb


def nav(chapters, i) -> str:
    parts = []
    if i > 0:
        parts.append(
            f'<a href="{chapters[i - 1][0].stem}.html">&larr; {html.escape(chapters[i - 1][1])}</a>'
        )
    parts.append('<a href="index.html">Contents</a>')
    if i + 1 < len(chapters):
        parts.append(
            f'<a href="{chapters[i + 1][0].stem}.html">{html.escape(chapters[i + 1][1])} &rarr;</a>'
        )
    return (
        '<nav style="font-family:sans-serif;margin:1em auto;max-width:1100px;'
        'display:flex;justify-content:space-between">' + " | ".join(parts) + "</nav>"
    )


def build(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    chapters = [(p, *chapter_info(p)) for p in paths]
    exporter = HTMLExporter(template_name="lab")
    pages = []
    for i, (path, title, _) in enumerate(chapters):
        body, _ = exporter.from_notebook_node(gifs_as_html(nbformat.read(path, as_version=4)))
        body = re.sub(r'href="(\d\d_[\w-]+)\.ipynb"', r'href="\1.html"', body)
        bar = nav(chapters, i)
        body = re.sub(r"(<body[^>]*>)", lambda m, bar=bar: m.group(1) + bar, body, count=1)
        body = body.replace("</body>", bar + "</body>", 1)
        body = re.sub(r"<title>.*?</title>", f"<title>{html.escape(title)}</title>", body, count=1)
        page = out / f"{path.stem}.html"
        page.write_text(body)
        pages.append(page)
    items = "\n".join(
        f'<li><a href="{p.stem}.html">{html.escape(t)}</a><br><small>{goal_html(g)}</small></li>'
        for p, t, g in chapters
    )
    (out / "index.html").write_text(f"""<!doctype html>
<html><head><meta charset="utf-8"><title>K-Means from Scratch</title></head>
<body style="font-family:sans-serif;max-width:800px;margin:2em auto;line-height:1.5">
<h1>K-Means from Scratch</h1>
<p>Executable notebooks that teach K-Means clustering from scratch in plain NumPy. Every
number the text states is computed and checked by an assert beside it.</p>
<ol style="list-style:none;padding:0">
{items}
</ol>
</body></html>
""")
    return pages


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "book"
    built = build(target)
    print(f"built {len(built)} chapters and index.html in {target}")
