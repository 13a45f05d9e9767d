"""Topical relevance: topic resolution, calibrated score, drifting sections, coverage."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant import documents
from assistant.score import relevance as rel

DRIFTING = """---
title: "What 1,200 remote workers told us about focus"
topic: remote work productivity
---

# What 1,200 remote workers told us about focus

We surveyed 1,200 remote employees at 40 companies about how they protect focus time. Remote workers reported fewer interruptions than their office-based colleagues. Hybrid schedules were the most popular arrangement among respondents.

## Meetings eat the remote week

Fully remote staff spent 11 hours a week in video meetings on average. Teams that moved status updates to written channels got back three hours a week. Managers worried that fewer meetings would hurt collaboration, but output did not fall.

## Home offices matter

Employees with a dedicated room for work reported 20% more focus time. Home office stipends made a measurable difference to reported productivity. A good chair and a second monitor were the most requested items.

## My sourdough weekend

Last weekend I finally baked my first sourdough loaf. The starter needs equal weights of flour and water every day. Rye flour makes a starter more active because it carries more wild yeast. I baked the loaf in a preheated Dutch oven at 250 degrees.

## Caring for houseplants

Monstera plants like bright indirect light and weekly watering. Yellow leaves usually mean the soil stays wet for too long. Repot them in spring when the roots circle the pot.

## Conclusion

Remote work rewards teams that guard focus time. Cut meetings, fund home offices, and measure output rather than hours online.
"""


def _focused() -> str:
    """The drifting draft without its two off-topic sections."""
    start = DRIFTING.index("## My sourdough")
    end = DRIFTING.index("## Conclusion")
    return DRIFTING[:start] + DRIFTING[end:]


def _doc(text: str, name: str = "draft.md") -> documents.Document:
    return documents.load(name, text=text)


def test_topic_resolution_order() -> None:
    doc = _doc(DRIFTING)
    assert rel.resolve_topic(doc, "hybrid offices") == ("hybrid offices", "option")
    assert rel.resolve_topic(doc) == ("remote work productivity", "front_matter")
    kw = _doc("---\ntitle: T\nkeywords: [remote work, focus]\n---\nSome text here. More text.\n")
    assert rel.resolve_topic(kw) == ("remote work, focus", "keywords")
    titled = _doc("---\ntitle: Remote work focus\n---\nSome text here. More text.\n")
    assert rel.resolve_topic(titled) == ("Remote work focus", "title")
    bare = documents.load("-", text="just one sentence of text here. and another")
    assert rel.resolve_topic(bare)[1] == "text"


def test_calibration_is_monotonic_and_bounded() -> None:
    values = [rel.to_score(x / 100) for x in range(-20, 101)]
    assert values == sorted(values)
    assert values[0] == 0.0 and values[-1] == 100.0


def test_drifting_sections_flagged_by_line(shared_embedder) -> None:  # type: ignore[no-untyped-def]
    result = rel.compute_relevance(_doc(DRIFTING), shared_embedder)
    drifting = {s.heading: (s.line, s.end_line) for s in result.sections if s.drifting}
    assert drifting == {"My sourdough weekend": (18, 20), "Caring for houseplants": (22, 24)}
    on_topic = [s for s in result.sections if not s.drifting]
    assert min(s.score for s in on_topic) > max(s.score for s in result.sections if s.drifting) + 40
    messages = [s.message for s in result.suggestions if s.signal == "relevance"]
    assert any("lines 18-20" in m for m in messages) and any("lines 22-24" in m for m in messages)
    assert all(s.target == "relevance" and s.gain > 0 for s in result.suggestions)


def test_focused_draft_beats_drifting_one(shared_embedder) -> None:  # type: ignore[no-untyped-def]
    focused = rel.compute_relevance(_doc(_focused()), shared_embedder)
    drifting = rel.compute_relevance(_doc(DRIFTING), shared_embedder)
    assert not focused.drifting
    assert focused.score >= 70
    assert focused.score > drifting.score + 15
    # The drift suggestion's gain is what cutting the section is worth, within rounding.
    best = drifting.suggestions[0]
    assert best.gain > 5


def test_off_topic_scores_low(shared_embedder) -> None:  # type: ignore[no-untyped-def]
    doc = _doc(_focused())
    on = rel.compute_relevance(doc, shared_embedder)
    off = rel.compute_relevance(doc, shared_embedder, topic="how to bake sourdough bread")
    assert off.topic_source == "option"
    assert on.score >= 70
    assert off.score < 20


def test_to_dict_keys_and_texts_for(shared_embedder) -> None:  # type: ignore[no-untyped-def]
    doc = _doc(DRIFTING)
    texts = rel.texts_for(doc)
    shared_embedder.encode(texts)
    before = shared_embedder.encoded
    data = rel.compute_relevance(doc, shared_embedder).to_dict()
    assert shared_embedder.encoded == before  # everything it embedded was in texts_for
    assert {"score", "topic", "topic_source", "similarity", "sections", "coverage", "suggestions"} <= set(data)
    assert data["coverage"] is None
    assert {"heading", "line", "end_line", "similarity", "score", "drifting"} <= set(data["sections"][0])
    assert {"signal", "message", "gain", "line", "target"} <= set(data["suggestions"][0])


@pytest.mark.parametrize("topic", ["remote work", "remote work productivity survey"])
def test_single_section_draft_never_drifts(shared_embedder, topic: str) -> None:  # type: ignore[no-untyped-def]
    doc = _doc("Remote teams guard focus time. They cut meetings. They fund home offices.\n")
    result = rel.compute_relevance(doc, shared_embedder, topic=topic)
    assert len(result.sections) == 1 and not result.sections[0].drifting


# --------------------------------------------------------------------------- coverage

REFS = sorted((Path(__file__).parent / "relevance_refs").iterdir())

WITH_BURNOUT = """---
title: "What 1,200 remote workers told us about focus"
topic: remote work productivity
---

# What 1,200 remote workers told us about focus

We surveyed 1,200 remote employees at 40 companies about how they protect focus time. Remote workers reported fewer interruptions than their office-based colleagues.

## Meetings eat the remote week

Fully remote staff spent 11 hours a week in video meetings on average. Teams that moved status updates to written channels got back three hours a week.

## Burnout is the hidden cost

Burnout was the top worry of remote employees who answered our survey. Respondents who never logged off reported burnout twice as often. Managers who checked in weekly saw less burnout on their teams.
"""


def _refs() -> list[documents.Document]:
    return [documents.load(str(p)) for p in REFS]


def _subtopic(result: rel.Relevance, term: str):  # type: ignore[no-untyped-def]
    assert result.coverage is not None
    return next(s for s in result.coverage.subtopics if term in s.terms)


def test_coverage_reports_missing_subtopic_and_term(shared_embedder) -> None:  # type: ignore[no-untyped-def]
    result = rel.compute_relevance(_doc(_focused()), shared_embedder, compare=_refs())
    assert result.coverage is not None and result.topic_score is not None
    burnout = _subtopic(result, "burnout")
    assert not burnout.covered and burnout.references == 3
    assert "burnout" in burnout.example.lower()
    assert "Preventing burnout" in burnout.headings
    term = next(t for t in result.coverage.missing_terms if t.term == "burnout")
    assert term.references == 3 and term.uses >= 1 and "burnout" in term.example.lower()
    assert term.example_path.endswith(("ref-a.md", "ref-b.html", "ref-c.md"))
    messages = [s.message for s in result.suggestions if s.signal == "coverage"]
    assert any(m.startswith("Add a section on burnout") and "3 of 4 references" in m for m in messages)
    assert any("'burnout' (3/4)" in m for m in messages)
    # Generic words several references happen to use, and phrases made by dropping a stop word
    # ("meetings with written" -> "meetings written"), are not reported as missing terms.
    reported = {t.term for t in result.coverage.missing_terms}
    labels = {t for s in result.coverage.subtopics for t in s.terms}
    assert not reported & {"new", "keeps", "help"}
    assert "meetings written" not in reported | labels
    # The blended score sits between the topic score and the coverage score.
    lo, hi = sorted([result.topic_score, result.coverage.score])
    assert lo <= result.score <= hi


def test_covering_the_subtopic_raises_coverage(shared_embedder) -> None:  # type: ignore[no-untyped-def]
    without = rel.compute_relevance(_doc(_focused()), shared_embedder, compare=_refs())
    with_it = rel.compute_relevance(_doc(WITH_BURNOUT), shared_embedder, compare=_refs())
    assert _subtopic(with_it, "burnout").covered
    assert with_it.coverage is not None and without.coverage is not None
    assert "burnout" not in {t.term for t in with_it.coverage.missing_terms}
    assert with_it.coverage.score > without.coverage.score
    data = with_it.to_dict()["coverage"]
    assert {"references", "score", "subtopics", "missing_subtopics", "missing_terms"} <= set(data)
    assert {"label", "terms", "references", "similarity", "covered", "example"} <= set(data["subtopics"][0])


def test_subtopic_label_keeps_a_phrase_whole() -> None:
    from assistant.score import coverage

    texts = [
        "Write decisions down so colleagues in other time zones can read them.",
        "Overlap hours are enough for most time zones.",
        "A decision log keeps everyone informed regardless of their time zone.",
        "Bake the loaf in a preheated oven.", "The oven must be very hot for the loaf.",
    ]
    labels = coverage._label_clusters(texts, [[0, 1, 2], [3, 4]])
    assert labels[0][0] == "time zones" and "zones" not in labels[0] and "time" not in labels[0]
    assert labels[1][:2] == ["loaf", "oven"] or labels[1][:2] == ["oven", "loaf"]


def test_a_shared_word_does_not_cover_a_phrase_subtopic(shared_embedder) -> None:  # type: ignore[no-untyped-def]
    """The draft says 'time' (as in 'focus time') but never 'time zones': that subtopic is missing."""
    result = rel.compute_relevance(_doc(_focused()), shared_embedder, compare=_refs())
    assert result.coverage is not None
    zones = next(s for s in result.coverage.subtopics if s.terms[0] == "time zones")
    assert not zones.covered and "time" not in zones.terms


def test_texts_for_includes_references(shared_embedder) -> None:  # type: ignore[no-untyped-def]
    doc, refs = _doc(WITH_BURNOUT), _refs()
    shared_embedder.encode(rel.texts_for(doc, compare=refs))
    before = shared_embedder.encoded
    rel.compute_relevance(doc, shared_embedder, compare=refs)
    assert shared_embedder.encoded == before


def test_heavy_imports_are_lazy() -> None:
    code = (
        "import sys, assistant.score.relevance, assistant.score.coverage; "
        "print(sorted(m for m in ('sklearn', 'numpy', 'torch') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- the sample drafts

SAMPLES = Path(__file__).resolve().parent.parent / "sample_content"


def _heading_line(path: Path, words: str) -> int:
    """The 1-based line of the Markdown heading containing ``words``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith("#") and words in line.lower())


def test_sample_drift_flagged_by_line(shared_embedder) -> None:  # type: ignore[no-untyped-def]
    path = SAMPLES / "balcony-vegetable-garden.md"
    result = rel.compute_relevance(documents.load(str(path)), shared_embedder)
    drifting = {s.line for s in result.sections if s.drifting}
    assert {_heading_line(path, "mortgage"), _heading_line(path, "investing")} <= drifting
    assert not drifting & {_heading_line(path, "watering"), _heading_line(path, "containers")}
    strong = rel.compute_relevance(documents.load(str(SAMPLES / "remote-work-survey-2026.md")), shared_embedder)
    assert not strong.drifting
    assert strong.score >= 75 and strong.score > result.score + 15
