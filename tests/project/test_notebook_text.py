"""What the notebooks' prose says is what their code computes.

Every number the Markdown of a notebook states (two digits or more, or a decimal) must
appear in the code or stored outputs of the same section (between two ``## `` headings),
so a number cannot be typed into the prose and then drift from what the code measures,
nor be "found" in some unrelated cell that happens to print the same digits. The opening
cell, the Summary and Check your understanding restate the chapter's numbers: their scope
is the whole notebook. Rules:

- thousands separators and underscores do not count: ``1,000`` = ``1_000`` = ``1000``;
- a prose decimal is found by any number that rounds to it (``3.7`` by a printed ``3.71``);
- a percentage ``23%`` is also found by ``0.23``;
- years (1950 to 2029), chapter numbers with a leading zero (``01``), single digits,
  numbers after a minus sign (the end of a range ``0-99``, an exponent ``10^{-14}``),
  link targets, HTML tags, the title's chapter number and the "Next" link are not claims;
- anything else a notebook states without computing it (arithmetic done in the text, a
  range written ``0-99``) is listed in its metadata, ``numbers_in_prose``, with the
  reason, and every listed number must still occur in the prose.

The exercise pattern is checked here too: every stub raises ``NotImplementedError`` and is
followed by its check, and every worked solution is collapsed.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

PROSE_NUMBER = re.compile(r"(?<![\w.\-])(\d{1,3}(?:(?:,|\{,\})\d{3})+|\d+(?:_\d{3})*)(\.\d+)?(%?)(?![\w])")
CODE_NUMBER = re.compile(r"(?<![\w.])(\d+(?:[_,]\d{3})*)(\.\d+)?")


def _source(cell) -> str:
    return "".join(cell["source"])


def _outputs(cell) -> str:
    texts = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            texts.append("".join(output["text"]))
        elif "text/plain" in output.get("data", {}):
            texts.append("".join(output["data"]["text/plain"]))
    return "\n".join(texts)


def prose_numbers(markdown: str) -> set:
    """The numbers a piece of Markdown states, normalised (see the module's docstring)."""
    text = re.sub(r"\]\([^)]*\)", "]", markdown)  # link targets
    text = re.sub(r"https?://\S+|<[^>]+>", "", text)
    text = re.sub(r"\*\*Next:\*\*.*|\[\d\d · [^\]]*\]|^# \d+ ·", "", text, flags=re.M)
    text = re.sub(r"\b[Nn]otebooks? \d\d(?:(?:, | and |-)\d\d)*", "", text)  # chapter numbers
    found = set()
    for m in PROSE_NUMBER.finditer(text):
        whole = m.group(1).replace("{,}", "").replace(",", "").replace("_", "")
        fraction, percent = m.group(2) or "", m.group(3)
        if len(whole) == 1 and not fraction:
            continue  # a single digit
        if whole.startswith("0") and len(whole) > 1 and not fraction:
            continue  # a chapter number, 01 to 11
        if not fraction and 1950 <= int(whole) <= 2029:
            continue  # a year
        found.add(whole + fraction + percent)
    return found


def code_numbers(text: str) -> set:
    return {
        (m.group(1).replace("_", "").replace(",", "")) + (m.group(2) or "")
        for m in CODE_NUMBER.finditer(text)
    }


def is_found(number: str, computed: set) -> bool:
    if number.endswith("%"):
        value = number[:-1]
        fraction_digits = len(value.split(".")[1]) if "." in value else 0
        as_fraction = f"{float(value) / 100:.{fraction_digits + 2}f}".rstrip("0").rstrip(".")
        return is_found(value, computed) or as_fraction in computed
    if number in computed:
        return True
    if "." not in number:
        return False
    digits = len(number.split(".")[1])
    return any(
        "." in c and len(c.split(".")[1]) > digits and f"{float(c):.{digits}f}" == number
        for c in computed
    )


WHOLE_NOTEBOOK = ("(opening)", "## Summary", "## Check your understanding")


def sections(cells) -> list[tuple[str, str, set]]:
    """(heading, its Markdown, the numbers its code cells state and print), split at every
    ``## `` line, inside a Markdown cell too (an answer before a heading belongs to the
    section above it)."""
    out = [["(opening)", [], set()]]
    for cell in cells:
        if cell["cell_type"] == "code":
            out[-1][2] |= code_numbers(_source(cell) + "\n" + _outputs(cell))
            continue
        for line in _source(cell).splitlines():
            if line.startswith("## "):
                out.append([line.strip(), [], set()])
            out[-1][1].append(line)
    return [(heading, "\n".join(lines), numbers) for heading, lines, numbers in out]


def unchecked_numbers(nb: dict) -> dict:
    """Prose numbers that their section's code never states ("missing", as "section:
    number"), less the listed ones, and listed ones no longer in the prose ("stale")."""
    everything = set()
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            everything |= code_numbers(_source(cell) + "\n" + _outputs(cell))
    listed = nb["metadata"].get("numbers_in_prose", {})
    missing, stated = [], set()
    for heading, markdown, local in sections(nb["cells"]):
        scope = everything if heading in WHOLE_NOTEBOOK else local
        for number in sorted(prose_numbers(markdown)):
            stated.add(number)
            if number not in listed and not is_found(number, scope):
                missing.append(f"{heading}: {number}")
    stale = sorted(n for n in listed if n not in stated)
    return {"missing": missing, "stale": stale}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_number_in_the_prose_is_computed(path):
    result = unchecked_numbers(json.loads(path.read_text()))
    assert not result["missing"], (
        f"{path.name}: the prose states {result['missing']}, which no code cell or output "
        "of the same section contains; compute and assert them there, or list them with a "
        "reason (what quantity they are, where it is computed) in the notebook's metadata "
        "'numbers_in_prose'"
    )
    assert not result["stale"], f"{path.name}: 'numbers_in_prose' lists {result['stale']}, no longer in the prose"


def test_a_number_typed_into_the_prose_is_caught():
    nb = json.loads(NOTEBOOKS[0].read_text())
    assert unchecked_numbers(nb)["missing"] == []
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": ["It converges in 17.25 steps."]})
    assert unchecked_numbers(nb)["missing"][-1].endswith(": 17.25")


def test_a_number_printed_in_another_section_does_not_count():
    def md(text):
        return {"cell_type": "markdown", "metadata": {}, "source": [text]}

    def printed(text):
        return {"cell_type": "code", "metadata": {}, "source": ["print(x)"],
                "outputs": [{"output_type": "stream", "name": "stdout", "text": [text]}]}

    nb = {"metadata": {}, "cells": [md("## A\n\nIt takes 17.25 s."), printed("12.5"),
                                    md("## B"), printed("17.25")]}
    assert unchecked_numbers(nb)["missing"] == ["## A: 17.25"]  # the same digits elsewhere
    nb["cells"][1] = printed("17.25")
    assert unchecked_numbers(nb)["missing"] == []


@pytest.mark.parametrize(
    "markdown, computed, found",
    [
        ("about 1,000,000 points", "n = 1_000_000", True),
        ("3.7 times", "print(3.71)", True),
        ("3.7 times", "print(3.76)", False),
        ("23% above", "assert x == 0.23", True),
        ("$18{,}000$ of inertia", "18000", True),
        ("12 passes", "13 passes", False),
    ],
)
def test_the_rules(markdown, computed, found):
    stated = prose_numbers(markdown)
    assert len(stated) == 1
    assert is_found(stated.pop(), code_numbers(computed)) is found


# ------------------------------------------------------------------ the exercise pattern
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_exercises_follow_the_pattern(path):
    nb = json.loads(path.read_text())
    cells = nb["cells"]
    stubs = [i for i, c in enumerate(cells) if "exercise-stub" in c["metadata"].get("tags", [])]
    solutions = [i for i, c in enumerate(cells) if "exercise-solution" in c["metadata"].get("tags", [])]
    assert stubs, f"{path.name} has no exercise"
    assert len(stubs) == len(solutions)
    for i in stubs:
        exercise = cells[i]["metadata"]["exercise"]
        assert "raise NotImplementedError" in _source(cells[i]), f"{path.name}: cell {i} is written"
        assert f"def {exercise['stub']}(" in _source(cells[i])
        check = next(j for j in range(i + 1, len(cells)) if cells[j]["cell_type"] == "code")
        assert exercise["stub"] in _source(cells[check]), f"{path.name}: cell {check} does not run the stub"
        assert "not written yet" in _outputs(cells[check]), f"{path.name}: cell {check} output"
        solution = next(j for j in solutions if j > i)
        assert f"{exercise['solution']}" in _source(cells[solution])
        assert cells[solution]["metadata"].get("jupyter", {}).get("source_hidden") is True


# ------------------------------------------------------------------ progress bars
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_stored_progress_bar_reads_as_finished(path):
    """GitHub shows stored text as it is: no carriage returns, and every bar at 100%."""
    for i, cell in enumerate(json.loads(path.read_text())["cells"]):
        for output in cell.get("outputs", []):
            if output["output_type"] != "stream":
                continue
            text = "".join(output["text"])
            assert "\r" not in text, f"{path.name}, cell {i}: a carriage return"
            for line in text.splitlines():
                if re.search(r"\d+%\|", line):
                    assert "100%|" in line, f"{path.name}, cell {i}: {line!r}"
