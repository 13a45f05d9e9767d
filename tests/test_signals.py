"""Each linkability signal moves up and down with small texts; weights and gains combine correctly."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant import documents
from assistant.errors import ConfigError
from assistant.score import signals, signals_content, signals_form
from assistant.score.signals import DEFAULT_WEIGHTS, linkability

TODAY = dt.date(2026, 6, 1)

SIMPLE = "The team met on Monday. They set a plan for the week. Everyone knew their job. "
PLAIN = (
    "Remote teams can work well when people trust each other. Managers should share goals clearly. "
    "Many teams find that fewer meetings help them focus. Writing things down is a good habit. "
)


def doc(body: str, name: str = "draft.md", **front: str) -> documents.Document:
    """A Markdown draft with optional front matter."""
    head = "".join(f"{k}: {v}\n" for k, v in front.items())
    text = f"---\n{head}---\n{body}" if front else body
    return documents.load(name, text=text)


def words(n: int, sentence: str = SIMPLE) -> str:
    """Paragraphs of simple prose adding up to about n words."""
    per = documents.count_words(sentence)
    paragraphs = [sentence * 4 for _ in range(max(1, n // (per * 4)))]
    return "\n\n".join(paragraphs) + "\n"


# --------------------------------------------------------------------------- depth


def test_depth_rises_with_length_and_suggests_the_next_band() -> None:
    short = signals_content.depth(doc(words(250)))
    long = signals_content.depth(doc(words(3100)))
    assert short.score < 20 < 95 <= long.score
    assert short.details["words"] < 300
    assert "1,000 words" in short.suggestions[0].message and short.suggestions[0].gain > 20
    assert long.suggestions == []


def test_depth_points_at_the_thinnest_section() -> None:
    body = "# T\n\n## Big\n\n" + words(600) + "\n## Thin one\n\nJust a line here. And another one.\n"
    sig = signals_content.depth(doc(body))
    assert "Thin one" in sig.suggestions[0].message
    assert sig.suggestions[0].line == body.splitlines().index("## Thin one") + 1


# --------------------------------------------------------------------------- evidence

RICH = """# Survey

We surveyed 1,204 managers in March. Our data shows that 42% of them cancelled status meetings.
According to [Gallup](https://www.gallup.com/workplace/), engagement fell by 3 points.
The [BLS](https://www.bls.gov/tus/) reports 35 million remote workers.
Teams with written norms met 5.4 hours a week.

| Team | Hours |
|---|---|
| A | 5.4 |
| B | 7.8 |

![Bar chart of meeting hours by team](chart.png)

> "We cancelled eleven meetings in one afternoon," said Priya Raman, an engineering manager.
"""


def test_evidence_finds_statistics_original_data_sources_tables_and_quotes() -> None:
    rich = signals_content.evidence(doc(RICH))
    plain = signals_content.evidence(doc(PLAIN * 3))
    assert plain.score == 0
    assert rich.score >= 90
    d = rich.details
    assert d["original_data"] >= 2 and d["tables"] == 1 and d["charts"] == 1 and d["quotes"] >= 1
    assert d["outbound_domains"] == ["bls.gov", "gallup.com"]
    lines = {e.line for e in rich.evidence if e.text.startswith("original data")}
    assert lines == {3}


def test_evidence_suggestions_point_at_an_unsourced_figure_and_a_vague_claim() -> None:
    text = "# Draft\n\nMost teams hold too many meetings.\n\nAbout 45% of meetings have no agenda.\n"
    sig = signals_content.evidence(doc(text))
    by_message = {s.message.split(":")[0]: s for s in sig.suggestions}
    assert by_message["Back claims with specific numbers"].line == 3
    assert by_message["Link to the sources behind your facts"].line == 5
    assert sum(s.gain for s in sig.suggestions) == pytest.approx(100 - sig.score)


def test_table_or_chart_suggestion_fits_what_the_draft_has() -> None:
    def figures(text: str) -> signals.Suggestion:
        sig = signals_content.evidence(doc(text))
        (s,) = [s for s in sig.suggestions if "table" in s.message or "chart" in s.message]
        return s

    # no numbers at all: a table of nothing is no advice; find sourced figures or original data first
    none = figures(PLAIN * 2)
    assert "Put the key numbers" not in none.message
    assert none.message.startswith("Find figures to show first: the draft has no numbers")
    assert "sourced statistics or your own data" in none.message
    # numbers in prose: put them in a table or chart, starting where the first one is
    some = figures("# D\n\nIntro line here.\n\nAbout 45% of meetings have no agenda.\n")
    assert some.message.startswith("Put the key numbers (the first is at line 5) in a table or a chart")
    assert some.line == 5
    # a table but no chart: chart it; a chart but no table: add the table behind it
    table = figures("# D\n\nAbout 45% of meetings have no agenda.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert table.message.startswith("Chart the figures of the table at line 5") and table.line == 5
    chart = figures("# D\n\nAbout 45% of meetings have no agenda.\n\n![Bar chart of hours](c.png)\n")
    assert chart.message.startswith("Add a table of the numbers behind the chart at line 5")
    assert table.gain == chart.gain == 5.0 and none.gain == some.gain == 15.0


def test_links_to_the_drafts_own_site_are_not_sources() -> None:
    text = "See [our post](https://me.example/a) and [another](https://me.example/b). It is 40% better.\n"
    sig = signals_content.evidence(doc(text, canonical_url="https://me.example/post"))
    assert sig.details["outbound_domains"] == []


# --------------------------------------------------------------------------- structure


def test_structure_flags_a_long_stretch_without_subheadings() -> None:
    flat = signals_form.structure(doc("# Title\n\n" + words(700)))
    body = "# Title\n\n" + "".join(f"## Part {i}\n\n{words(150)}\n- a point\n- another\n\n" for i in range(5))
    body += "| a | b |\n|---|---|\n| 1 | 2 |\n\n![Team photo at the offsite](team.jpg)\n"
    good = signals_form.structure(doc(body))
    assert flat.score <= 30 and good.score == 100
    run = next(e for e in flat.evidence if "without a subheading" in e.text)
    assert run.line == 3
    assert any("H2 subheadings" in s.message for s in flat.suggestions)


def test_structure_flags_skipped_heading_levels_and_missing_alt_text() -> None:
    body = "# Title\n\n## Intro\n\nSome words here.\n\n#### Deep\n\nMore words here.\n\n![](photo.png)\n"
    sig = signals_form.structure(doc(body))
    assert [h.line for h, _ in signals_form.skipped_levels(doc(body))] == [7]
    assert any(e.line == 7 and "skipped" in e.text for e in sig.evidence)
    assert any(e.line == 11 and "alt" in e.text for e in sig.evidence)
    fixed = signals_form.structure(doc(body.replace("####", "###").replace("![]", "![A photo of the team]")))
    assert fixed.score > sig.score + 15


# --------------------------------------------------------------------------- readability

CONVOLUTED = (
    "The comprehensive organisational restructuring initiative, which was announced by the executive "
    "leadership committee following considerable deliberation regarding operational inefficiencies, was "
    "implemented gradually across numerous international subsidiaries. The decision was taken by the board "
    "and the consequences were considered by the subsidiaries, which were informed by the regional "
    "administrators responsible for communicating organisational developments. "
)


def test_readability_prefers_short_active_sentences() -> None:
    easy = signals_form.readability(doc(words(200)))
    hard = signals_form.readability(doc(CONVOLUTED * 2))
    assert easy.score >= 95
    assert hard.score < 30
    assert hard.details["passive_share"] > 0.5 and hard.details["long_sentence_share"] == 1.0
    messages = " ".join(s.message for s in hard.suggestions)
    assert "Split long sentences" in messages and "active voice" in messages and "Flesch" in messages


def test_readability_evidence_stays_on_the_scales_readers_know() -> None:
    """Very plain text scores past Flesch's 0-100 and below grade 0; the report shows 100 and 0.0."""
    sig = signals_form.readability(doc("I ran. We ate. It is hot. Go now. We sat. I saw it.\n"))
    assert sig.evidence[0].text == "Flesch reading ease 100, grade 0.0"


def test_readability_flags_a_long_paragraph_by_line() -> None:
    para = SIMPLE * 14  # about 196 words in one paragraph
    sig = signals_form.readability(doc("# T\n\nShort intro here.\n\n" + para + "\n"))
    assert sig.details["long_paragraphs"] == 1
    assert any(s.line == 5 and "paragraph" in s.message for s in sig.suggestions)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The report was written by the team.", True),
        ("Mistakes were made.", True),
        ("The decision has been taken.", True),
        ("The meeting is usually held on Friday.", True),
        ("We were given a choice.", True),
        ("The tool is used by most teams.", True),
        ("The team wrote the report.", False),
        ("She is interested in data.", False),
        ("We are based in Lisbon.", False),
        ("The door is open.", False),
    ],
)
def test_passive_voice_detection(sentence: str, expected: bool) -> None:
    assert signals_form.passive(sentence) is expected


# --------------------------------------------------------------------------- title


def test_title_rewards_length_numbers_and_why_forms() -> None:
    weak = signals_form.title(doc(SIMPLE, title="Tips"))
    strong = signals_form.title(doc(SIMPLE, title="Why 63% of Remote Teams Dropped Status Meetings in 2026"))
    assert weak.score < 10 and strong.score == 100
    assert {s.message.split(" ")[0] for s in weak.suggestions} == {"Lengthen", "Put", "Frame"}


def test_title_too_long_and_missing() -> None:
    long = signals_form.title(doc(SIMPLE, title="How " + "very " * 25 + "long titles get cut off"))
    assert any(s.message.startswith("Shorten") for s in long.suggestions)
    missing = signals_form.title(doc(SIMPLE, name="my-draft.md"))
    assert missing.score == 0 and "Give the draft a title" in missing.suggestions[0].message
    assert signals_form.title(doc("# A Title From The H1 Heading\n\n" + SIMPLE, name="x.md")).score > 0


# --------------------------------------------------------------------------- asset format


def test_asset_format_recognises_original_research() -> None:
    sig = signals_content.asset_format(doc(RICH + "\n" + "Another 12% said no. Some 30% agreed. About 18% left.\n"))
    assert sig.details["format"] == "original_research" and sig.score == 100


def test_asset_format_plain_article_scores_low_and_suggests_an_upgrade() -> None:
    sig = signals_content.asset_format(doc("# Thoughts on teams\n\n" + PLAIN * 2))
    assert sig.details["format"] == "article" and sig.score == 25
    assert sig.suggestions and sig.suggestions[0].gain > 0


def test_asset_format_evidence_names_the_scored_format_first() -> None:
    # A definition page with a table is also a 20% match for original research (worth 20, not 65).
    body = "# What Is Technical Debt?\n\nTechnical debt is a cost you pay later.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    sig = signals_content.asset_format(doc(body))
    assert sig.details["format"] == "definition" and sig.score == 65
    assert [e.text for e in sig.evidence] == ["definition: 100% match (worth 65)",
                                              "original research: 20% match (worth 20)"]


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        ("Content Calendar Template", "- [ ] Pick topics\n- [ ] Set dates\n- [ ] Assign writers\n- [ ] Review\n- [ ] Ship\n",
         "tool_or_template"),
        ("What Is Technical Debt?", "Technical debt is a cost you pay later for a shortcut today. It grows.\n",
         "definition"),
        ("10 Ways to Run Better Meetings", "1. Send an agenda.\n2. Start on time.\n3. End early.\n", "listicle"),
    ],
)
def test_asset_format_detects_other_formats(title: str, body: str, expected: str) -> None:
    sig = signals_content.asset_format(doc(f"# {title}\n\n{body}"))
    assert sig.details["format"] == expected


# --------------------------------------------------------------------------- freshness


def test_freshness_current_figures_score_high_stale_ones_low_with_lines() -> None:
    fresh = signals_content.freshness(doc("As of 2026, 40% of teams work hybrid.\n"), today=TODAY)
    stale_doc = doc("Intro line here.\n\nIn 2015, 40% of teams worked remotely. It was 12 million people.\n")
    stale = signals_content.freshness(stale_doc, today=TODAY)
    assert fresh.score == 100
    assert stale.score < 30
    assert fresh.evidence[0].text == "1 dated fact(s), newest from 2026; 0 older than 3 years"
    assert (stale.evidence[0].text, stale.evidence[0].line) == ("1 dated fact(s), newest from 2015; 1 older than 3 years", 3)
    assert any(s.line == 3 and "2015" in s.message for s in stale.suggestions)


def test_freshness_ignores_history_and_rewards_dating() -> None:
    history = signals_content.freshness(doc("The company was founded in 1998 by two friends.\n"), today=TODAY)
    assert history.details["dated_facts"] == 0 and history.score == 45
    assert history.evidence[0].text.startswith("no dated facts")
    assert "Date your figures" in history.suggestions[0].message
    recent_fm = signals_content.freshness(doc(SIMPLE, updated="2026-03-01"), today=TODAY)
    assert recent_fm.score > history.score


BYLINE_HTML = """<html><head><title>How remote teams run meetings</title></head><body><article>
<h1>How remote teams run meetings</h1>
<p class="byline">By Ana Ruiz · Updated February 2026</p>
<p><time datetime="2025-03-13">Published on 13 March 2025</time></p>
<p>Last updated: 2 January 2026 · 6 min read</p>
<p>Remote teams can work well when people trust each other. Managers should share goals clearly.</p>
</article></body></html>
"""


def test_a_byline_dates_the_page_not_a_fact() -> None:
    d = documents.load("post.html", text=BYLINE_HTML)
    sig = signals_content.freshness(d, today=TODAY)
    assert sig.details["dated_facts"] == 0 and sig.details["byline_year"] == 2026
    assert sig.evidence[0].text.startswith("no dated facts")
    assert (sig.evidence[1].text, sig.evidence[1].line) == (
        "dated 2026 by its byline (the page's date, not a dated fact)", 3)
    assert sig.score == 55  # dated this year: like a front matter date
    assert "Date your figures" in sig.suggestions[0].message
    # nor is the day of the month in "Published on 13 March 2025" a statistic
    assert signals_content.evidence(d).details["statistics"] == 0
    # a figure next to the label is still a dated fact, and so is a study "published in 2024"
    facts = signals_content.freshness(doc("Updated February 2026: 42% of teams now meet less.\n\n"
                                  "The report was published in 2024.\n"), today=TODAY)
    assert facts.details["dated_facts"] == 2 and facts.details["byline_year"] is None


@pytest.mark.parametrize(("text", "expected"), [
    ("By Ana Ruiz · Updated February 2026", True),
    ("Published on 3 March 2025", True),
    ("Posted March 3, 2025 by Jo Smith", True),
    ("Written by Ana Ruiz and Tom Lee, published 03/03/2025 · 6 min read", True),
    ("Published 2025-03-03T10:00:00Z", True),
    ("Updated February 2026: 42% of teams now meet less.", False),
    ("The report was published in 2024.", False),
    ("We updated the data in 2025.", False),
    ("As of 2026, 40% of teams work hybrid.", False),
])
def test_byline_detection(text: str, expected: bool) -> None:
    assert signals_content.is_byline(text) is expected


def test_html_date_meta_dates_the_page() -> None:
    html = ('<html><head><title>T</title><meta property="article:modified_time" content="2026-02-01T09:00:00Z">'
            "</head><body><p>Remote teams can work well when people trust each other.</p></body></html>")
    sig = signals_content.freshness(documents.load("p.html", text=html), today=TODAY)
    assert sig.details["front_matter_year"] == 2026 and sig.score == 55
    assert sig.evidence[1].text == "dated 2026 in its <meta> tags"


def test_freshness_stale_years_threshold() -> None:
    d = doc("In 2022, 40% of teams met daily.\n")
    assert signals_content.freshness(d, today=TODAY, stale_years=3).details["stale"] == 1
    assert signals_content.freshness(d, today=TODAY, stale_years=5).details["stale"] == 0


# --------------------------------------------------------------------------- combining


def test_linkability_weights_and_gains() -> None:
    d = doc("# Tips\n\n" + PLAIN * 3)
    result = linkability(d, today=TODAY)
    total = sum(DEFAULT_WEIGHTS.values())
    expected = sum(s.score * DEFAULT_WEIGHTS[s.name] for s in result.signals) / total
    assert result.score == pytest.approx(expected)
    raw = signals_content.depth(d).suggestions[0].gain
    depth_gain = result.signal("depth").suggestions[0].gain
    assert depth_gain == pytest.approx(raw * DEFAULT_WEIGHTS["depth"] / total)
    gains = [s.gain for s in result.suggestions]
    assert gains == sorted(gains, reverse=True) and gains[0] > 0


def test_weight_overrides_change_the_score_and_are_validated() -> None:
    d = doc(RICH)
    base = linkability(d, today=TODAY).score
    only_evidence = linkability(d, {k: 0 for k in DEFAULT_WEIGHTS} | {"evidence": 1}, today=TODAY)
    assert only_evidence.score == pytest.approx(only_evidence.signal("evidence").score)
    assert only_evidence.score != pytest.approx(base)
    with pytest.raises(ConfigError, match="unknown signal 'speed'"):
        linkability(d, {"speed": 3})
    with pytest.raises(ConfigError, match=r"\[score\.weights\] depth: 'lots' is not a number"):
        linkability(d, {"depth": "lots"})
    with pytest.raises(ConfigError, match="expected a table"):
        linkability(d, 5)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="every weight is 0"):
        linkability(d, {k: 0 for k in DEFAULT_WEIGHTS})


def test_every_signal_has_a_source_and_a_weight() -> None:
    result = linkability(doc(RICH), today=TODAY)
    assert [s.name for s in result.signals] == list(DEFAULT_WEIGHTS)
    for sig in result.signals:
        assert sig.source and sig.weight == DEFAULT_WEIGHTS[sig.name]
        assert 0 <= sig.score <= 100
        assert set(sig.to_dict()) >= {"name", "score", "weight", "evidence", "suggestion"}
