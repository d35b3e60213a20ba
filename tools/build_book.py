"""Build a static HTML book of the executed notebooks: python3 run.py book [OUTPUT_DIR].

Each notebook becomes one page (nbconvert's HTML exporter, from the outputs stored in the
notebook: nothing is re-executed), with links to the previous and next chapter and to the
contents page; links between notebooks (``02_watch_it_converge.ipynb``) are rewritten to
the pages. The book needs no network, so it works offline, from a USB stick or behind a
firewall:

- formulas are converted at build time from TeX to MathML (``latex2mathml``), which
  browsers render natively: no MathJax, no CDN;
- figures and the convergence GIF are embedded in the pages, each with its alt text (the
  ``alt`` of its cell's metadata);
- a slider needs a kernel; in the book each explorer becomes one range input over its main
  parameter (01: the seed; 02: the half-step of one run; 10: the number of colours), the
  other settings fixed, switching between frames drawn here, at build time;
- worked solutions and the checks of the prose are collapsed, one click to open, as in Lab;
- no script is loaded from anywhere: nbconvert's (MathJax, require.js, the widget manager,
  mermaid) are removed, and one small script of ours moves the sliders.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
MAX_PAGE_BYTES = 5_000_000

# ------------------------------------------------------------------ formulas
MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$\w])\$(?=\S)([^$\n]+?)(?<=\S)\$(?!\w)", re.S)
CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.S)  # left as they are
UNSUPPORTED = {r"\arg\min": r"\operatorname{argmin}", r"\arg\max": r"\operatorname{argmax}"}


def mathml(tex: str, display: bool) -> str:
    """TeX as MathML, with the characters Markdown would read (``| * _``) as entities."""
    from latex2mathml.converter import convert

    for old, new in UNSUPPORTED.items():
        tex = tex.replace(old, new)
    out = convert(tex.strip(), display="block" if display else "inline")
    return out.replace("|", "&#124;").replace("*", "&#42;").replace("_", "&#95;")


def formulas_to_mathml(markdown: str) -> str:
    """Every ``$...$`` and ``$$...$$`` of a Markdown cell as MathML (code spans untouched)."""
    parts = CODE.split(markdown)
    for i in range(0, len(parts), 2):
        parts[i] = MATH.sub(lambda m: mathml(m.group(1) or m.group(2), m.group(1) is not None),
                            parts[i])
    return "".join(parts)


# ------------------------------------------------------------------ collapsed cells
def _img(data: str, kind: str, alt: str) -> str:
    return f'<img src="data:image/{kind};base64,{data.strip()}" alt="{html.escape(alt)}">'


def collapsed(cell, summary: str):
    """A code cell as a Markdown cell: its code and outputs inside ``<details>``."""
    parts = [f"<details><summary>{summary}</summary>", "", "```python", cell.source, "```", ""]
    alt = cell.metadata.get("alt", "A figure drawn by this cell.")
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts += ["```", out.text.rstrip("\n"), "```", ""]
        data = out.get("data", {})
        for kind in ("png", "gif"):
            if f"image/{kind}" in data:
                parts += [_img(data[f"image/{kind}"], kind, alt), ""]
        if "text/plain" in data and not any(k.startswith("image/") for k in data):
            parts += ["```", data["text/plain"].rstrip("\n"), "```", ""]
    parts.append("</details>")
    return nbformat.v4.new_markdown_cell("\n".join(parts))


# ------------------------------------------------------------------ static sliders
def _frame(fig, fmt: str) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=72, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def slider_frames(source: str):
    """(name, values, index shown first, [(base64 image, format, alt), ...]) for an
    explorer cell, drawn now; None for any other cell."""
    import helpers
    from helpers.course import widgets

    if "kmeans_explorer(" in source:  # 01: one random start, k = 4, as the static figure
        X, _ = helpers.course_data()
        values, frames = [*range(0, 21), 42], []  # 42: the course text's seed
        for seed in values:
            fig, score = widgets.kmeans_figure(X, 4, seed, "random", 1)
            alt = (f"The course data clustered by one random start, k = 4, seed {seed}: "
                   f"inertia {score:.1f}.")
            frames.append((_frame(fig, "png"), "png", alt))
        return "seed", values, values.index(42), frames
    if "convergence_explorer(" in source:  # 02: the half-steps of the seed-13 run
        X, _ = helpers.course_data()
        values, frames = [], []
        frame, n_frames = 0, 1
        while frame < n_frames:
            fig, (kind, score, n_frames) = widgets.convergence_figure(X, 4, 13, "random", frame)
            scored = "" if score is None else f": inertia {score:.1f}"
            alt = f"Half-step {frame} of the seed-13 run ({kind}){scored}."
            frames.append((_frame(fig, "png"), "png", alt))
            values.append(frame)
            frame += 1
        return "half-step", values, 0, frames
    if "quantize_explorer(" in source:  # 10: the photograph with 2 to 64 colours
        from sklearn.datasets import load_sample_image

        image = load_sample_image("china.jpg")
        values, frames = [2, 4, 8, 16, 32, 64], []
        for k in values:
            fig, score = widgets.quantized_figure(image, k)
            alt = f"The photograph beside its {k}-colour version and palette: PSNR {score:.1f} dB."
            frames.append((_frame(fig, "jpeg"), "jpeg", alt))
        return "colours", values, values.index(16), frames
    return None


def static_slider(name: str, values: list, first: int, frames) -> str:
    images = "".join(
        f'<img src="data:image/{fmt};base64,{data}" alt="{html.escape(alt)}"'
        f'{"" if i == first else " hidden"}>'
        for i, (data, fmt, alt) in enumerate(frames)
    )
    return (
        "<!--static-slider-->"
        f'<div class="static-slider" data-values="{html.escape(json.dumps(values))}">'
        f'<label>{html.escape(name)} <input type="range" min="0" max="{len(values) - 1}" '
        f'step="1" value="{first}" aria-label="{html.escape(name)}"> '
        f"<output>{values[first]}</output></label>"
        f'<div class="frames">{images}</div>'
        "<p><small>In the book only this setting moves (its frames were drawn when the book "
        "was built); in JupyterLab every control of the explorer works.</small></p></div>"
        "<!--/static-slider-->"
    )


SLIDER_SCRIPT = """<script>
document.querySelectorAll(".static-slider").forEach(function (box) {
  var input = box.querySelector("input"), out = box.querySelector("output");
  var frames = box.querySelectorAll(".frames img"), values = JSON.parse(box.dataset.values);
  function show() {
    frames.forEach(function (img, i) { img.hidden = i !== Number(input.value); });
    out.textContent = values[Number(input.value)];
  }
  input.addEventListener("input", show);
  show();
});
</script>"""


# ------------------------------------------------------------------ a chapter
def book_notebook(nb):
    """The notebook as the book shows it: MathML, collapsed solutions and checks, static
    sliders, GIFs as images; no widget state."""
    nb.metadata.pop("widgets", None)
    cells = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "markdown":
            cell.source = formulas_to_mathml(cell.source)
        elif "exercise-solution" in tags:
            cell = collapsed(cell, "Worked solution (click to open)")
            cell.source = formulas_to_mathml(cell.source)
        elif "checks" in tags:
            cell = collapsed(cell, "Checks of the text (click to open)")
        elif cell.cell_type == "code":
            slider = slider_frames(cell.source)
            if slider is not None:
                cell.outputs = [nbformat.v4.new_output(
                    "display_data", data={"text/html": static_slider(*slider)})]
            for out in cell.get("outputs", []):  # images with their alt text (nbconvert's
                for kind in ("gif", "png"):  # lab template has none, and drops GIFs)
                    data = out.get("data", {}).get(f"image/{kind}")
                    if data:
                        alt = cell.metadata.get("alt", "A figure drawn by this cell.")
                        out["data"] = {"text/html": _img(data, kind, alt)}
                        break
        cells.append(cell)
    nb.cells = cells
    return nb


def offline(page: str) -> str:
    """The exported page without any script (nbconvert's load MathJax, require.js, the
    widget manager and mermaid from CDNs), plus the sliders' own."""
    page = re.sub(r"<script\b[^>]*>.*?</script>", "", page, flags=re.S | re.I)
    page = re.sub(r'<link\b[^>]*href="https?://[^"]*"[^>]*>', "", page, flags=re.I)
    return page.replace("</body>", SLIDER_SCRIPT + "</body>", 1)


# ------------------------------------------------------------------ the book
def chapter_info(path: Path) -> tuple[str, str]:
    """Title (the first heading) and goal (the 'Goal' line) of a notebook."""
    nb = json.loads(path.read_text())
    first = "".join(nb["cells"][0]["source"])
    title = re.search(r"^#\s+(.+)$", first, re.M).group(1).strip()
    goal = re.search(r"\*\*(?:Goal|What you will do):\*\*\s*(.+?)(?:\n\n|$)", first, re.S)
    return title, " ".join(goal.group(1).split()) if goal else ""


def goal_html(goal: str) -> str:
    """A chapter's goal line, Markdown rendered (code, emphasis), formulas as MathML."""
    import mistune

    body = mistune.create_markdown(escape=False)(formulas_to_mathml(html.escape(goal, quote=False)))
    return re.sub(r"^<p>(.*)</p>$", r"\1", body.strip(), flags=re.S)


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
    import matplotlib

    matplotlib.use("Agg")
    out.mkdir(parents=True, exist_ok=True)
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    chapters = [(p, *chapter_info(p)) for p in paths]
    exporter = HTMLExporter(template_name="lab")
    pages = []
    for i, (path, title, _) in enumerate(chapters):
        nb = book_notebook(nbformat.read(path, as_version=4))
        body, _ = exporter.from_notebook_node(nb)
        body = offline(re.sub(r'href="(\d\d_[\w-]+)\.ipynb"', r'href="\1.html"', body))
        bar = nav(chapters, i)
        body = re.sub(r"(<body[^>]*>)", lambda m, bar=bar: m.group(1) + bar, body, count=1)
        body = body.replace("</body>", bar + "</body>", 1)
        body = re.sub(r"<title>.*?</title>", f"<title>{html.escape(title)}</title>", body, count=1)
        page = out / f"{path.stem}.html"
        page.write_text(body)
        if page.stat().st_size > MAX_PAGE_BYTES:
            size = page.stat().st_size
            raise SystemExit(f"{page.name} is {size:,} bytes, over {MAX_PAGE_BYTES:,}")
        pages.append(page)
    items = "\n".join(
        f'<li><a href="{p.stem}.html">{html.escape(t)}</a><br><small>{goal_html(g)}</small></li>'
        for p, t, g in chapters
    )
    (out / "index.html").write_text(f"""<!doctype html>
<html><head><meta charset="utf-8"><title>K-Means from Scratch</title></head>
<body style="font-family:sans-serif;max-width:800px;margin:2em auto;line-height:1.5">
<h1>K-Means from Scratch</h1>
<p>Executable notebooks that teach K-Means clustering from scratch in plain NumPy. The
numbers the text states come from the code of their section (for a chapter's goal,
Summary and questions, of any section) or are listed with what they are (arithmetic, a
citation, a setting, another chapter's result): many are checked by an assert beside the
claim; the repository's README says which numbers the check reads. This book works
offline: formulas, figures and sliders need no network.</p>
<ol style="list-style:none;padding:0">
{items}
</ol>
</body></html>
""")
    return pages


if __name__ == "__main__":
    import time

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "book"
    start = time.perf_counter()
    built = build(target)
    size = sum(p.stat().st_size for p in target.glob("*.html"))
    print(f"built {len(built)} chapters and index.html in {target}: {size / 1e6:.1f} MB, "
          f"{time.perf_counter() - start:.0f} s")
