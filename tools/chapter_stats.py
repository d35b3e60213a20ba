"""Per notebook: words of prose, sections, exercises before the Summary, Predict prompts,
figures, and an estimated time: python3 tools/chapter_stats.py [--markdown].

Words of prose: the Markdown cells' words, without formulas, code spans, link targets and
HTML tags. Estimated time: 200 words a minute of reading, 5 minutes per figure, and per
exercise 10 (★), 20 (★★) or 30 (★★★) minutes (unmarked: 15).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def prose(markdown: str) -> str:
    text = re.sub(r"\$\$.*?\$\$", " ", markdown, flags=re.S)
    text = re.sub(r"\$[^$\n]*\$", " x ", text)
    text = re.sub(r"`[^`]*`", " x ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return text


def sentences(markdown: str) -> list[str]:
    """The prose's sentences (tables, headings and formulas set apart), roughly: split after
    a full stop, question or exclamation mark followed by a space, or at a blank line or a
    list item."""
    text = "\n".join(line for line in markdown.splitlines()
                     if not line.lstrip().startswith(("|", "#", "<")))
    text = re.sub(r"\$\$.*?\$\$", " x ", prose(text), flags=re.S)
    parts = re.split(r"(?<=[.!?])\s+|\n\s*\n|\n\s*(?:[-*]|\d+\.)\s+", text)
    return [" ".join(p.split()) for p in parts if p.strip()]


def long_sentences(cells, limit: int = 35) -> list[str]:
    return [s for c in cells if c["cell_type"] == "markdown"
            for s in sentences("".join(c["source"]))
            if len(re.findall(r"[A-Za-z0-9][\w'’-]*", s)) > limit]


def stats(path: Path) -> dict:
    cells = json.loads(path.read_text())["cells"]
    markdown = [("".join(c["source"]), i) for i, c in enumerate(cells)
                if c["cell_type"] == "markdown"]
    words = sum(len(re.findall(r"[A-Za-z0-9][\w'’-]*", prose(m))) for m, _ in markdown)
    headings = [(line, i) for m, i in markdown for line in m.splitlines()
                if line.startswith("## ")]
    summary = next((i for line, i in headings if line.strip() == "## Summary"), len(cells))
    exercises = [(line, i) for m, i in markdown for line in m.splitlines()
                 if re.match(r"#+ Exercise\b(?!s)", line)]
    stars = [line.count("★") for line, _ in exercises]
    figures = sum(1 for c in cells if c["cell_type"] == "code" for o in c.get("outputs", [])
                  if "image/png" in o.get("data", {}))
    predicts = sum(1 for m, _ in markdown if m.lstrip().startswith("**Predict:**"))  # a cell each
    minutes = words / 200 + 5 * figures + sum({1: 10, 2: 20, 3: 30}.get(s, 15) for s in stars)
    last_two = [line.strip() for line, _ in headings[-2:]]
    return dict(words=words, sections=len(headings), exercises=len(exercises),
                long=len(long_sentences(cells)),
                before_summary=sum(1 for _, i in exercises if i < summary), predicts=predicts,
                figures=figures, minutes=round(minutes), last_two=last_two, stars=stars)


def main():
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    rows = [(p.stem, stats(p)) for p in paths]
    print("| notebook | words | sections | exercises (before Summary) | Predict | figures "
          "| minutes | sentences over 35 words |")
    print("|---|---|---|---|---|---|---|---|")
    for name, s in rows:
        print(f"| {name} | {s['words']:,} | {s['sections']} | {s['exercises']} "
              f"({s['before_summary']}) | {s['predicts']} | {s['figures']} | {s['minutes']} "
              f"| {s['long']} |")
    if "--long" in sys.argv:
        for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
            for sentence in long_sentences(json.loads(path.read_text())["cells"]):
                print(f"{path.stem[:2]}: {sentence}")
    if "--last" in sys.argv:
        for name, s in rows:
            print(name, s["last_two"], s["stars"])


if __name__ == "__main__":
    main()
