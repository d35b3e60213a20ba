"""Every chapter is built the same way, so a class can follow it (tools/chapter_stats.py
measures what is asserted here): one sitting of prose, objectives a learner can check,
predict-then-reveal questions, exercises through the chapter marked by difficulty, and a
Summary then "Check your understanding" as its last two sections."""

import json
import re
from pathlib import Path

import pytest

from tools.chapter_stats import long_sentences, stats

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MAX_WORDS = 2150  # "about 2,000 words of prose"


def _markdown(path):
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]
            if c["cell_type"] == "markdown"]


def test_the_notebooks_are_numbered_in_order():
    assert [int(p.name[:2]) for p in NOTEBOOKS] == list(range(1, len(NOTEBOOKS) + 1))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_chapter_is_one_sitting(path):
    assert stats(path)["words"] <= MAX_WORDS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_chapter_opens_with_its_number_a_goal_and_checkable_objectives(path):
    first = _markdown(path)[0]
    assert first.startswith(f"# {path.name[:2]} · ")
    assert "**Goal:**" in first and "**By the end you can:**" in first and "**You need:**" in first
    advanced = int(path.name[:2]) >= 13
    assert ("(advanced)" in first.splitlines()[0]) == advanced


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_chapter_asks_to_predict_and_practises_through_the_chapter(path):
    s = stats(path)
    assert s["predicts"] >= 2
    assert s["before_summary"] >= 1 and s["before_summary"] == s["exercises"]
    assert all(1 <= stars <= 3 for stars in s["stars"]), s["stars"]  # ★, ★★ or ★★★
    assert s["stars"] == sorted(s["stars"]), "difficulty rises within the chapter"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_chapter_ends_with_its_summary_and_concept_checks(path):
    assert stats(path)["last_two"] == ["## Summary", "## Check your understanding"]
    cell = next(m for m in _markdown(path) if "## Check your understanding" in m)
    checks = cell.split("## Check your understanding", 1)[1]
    questions = re.findall(r"^\d+\. ", checks.split("<details>")[0], re.M)
    assert 3 <= len(questions) <= 5 and "<details><summary>Answers</summary>" in checks


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_predict_prompt_is_answered_in_a_collapsed_cell_after_it(path):
    markdown = _markdown(path)
    for i, text in enumerate(markdown):
        if "**Predict:**" in text:
            after = "\n".join(markdown[i:])
            assert "<details>" in after[after.index("**Predict:**"):], (path.name, text[:80])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_checks_of_the_prose_are_collapsed(path):
    for cell in json.loads(path.read_text())["cells"]:
        if "checks" in cell["metadata"].get("tags", []):
            assert cell["metadata"]["jupyter"]["source_hidden"] is True
            assert "assert " in "".join(cell["source"])


def test_next_links_follow_the_order():
    for path, following in zip(NOTEBOOKS, NOTEBOOKS[1:]):
        links = [m for m in _markdown(path) if "**Next:**" in m]
        assert len(links) == 1 and f"]({following.name})" in links[0], path.name


def test_sentences_stay_readable():
    """Long sentences are few: at most 3 of over 35 words in a chapter."""
    too_long = {p.stem: len(long_sentences(json.loads(p.read_text())["cells"])) for p in NOTEBOOKS}
    assert all(count <= 3 for count in too_long.values()), too_long
