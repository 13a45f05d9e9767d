"""The signals of what a draft says: depth (how long), evidence (figures, original data, sources,
tables and charts, quotes), asset format (research, statistics, tool, guide, definition) and
freshness (how old its dated facts are), with the detectors they share.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

from assistant.documents import Block, Document, Sentence
from assistant.score.model import Evidence, Signal, Suggestion
from assistant.score.signals_base import (
    _NUMBER_WORDS,
    DEPTH_CURVE,
    SOURCES,
    STALE_YEARS,
    _short,
    _signal,
    _suggest,
    ramp,
)

# --------------------------------------------------------------------------- depth


def depth(doc: Document) -> Signal:
    """Prose length against the long-form findings (3,000+ words earn the most links)."""
    words = doc.word_count
    score = ramp(words, DEPTH_CURVE)
    evidence = [Evidence(f"{words:,} words of prose (about {max(1, round(words / 238))} min to read)")]
    suggestions: list[Suggestion] = []
    # The next band worth the work: at least 30% longer, and at least 1,000 words.
    target = next((x for x, _ in DEPTH_CURVE if x >= words * 1.3 and x >= 1000), None)
    if target is not None:
        thin = sorted((s for s in doc.sections() if s.level >= 2), key=lambda s: s.word_count)[:1]
        where = f"; start with '{thin[0].heading}' (line {thin[0].line}, {thin[0].word_count} words)" if thin else ""
        message = (
            f"Expand to about {target:,} words (now {words:,}): long-form posts earn more links{where}"
        )
        line = thin[0].line if thin else None
        suggestions.append(_suggest("depth", message, ramp(target, DEPTH_CURVE) - score, line))
    return Signal("depth", score, evidence=evidence, suggestions=suggestions,
                  details={"words": words}, source=SOURCES["depth"])


# --------------------------------------------------------------------------- evidence

_YEAR_RE = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_STAT_RE = re.compile(
    r"\d[\d,.]*\s?(?:%|percent\b|per cent\b|percentage points?\b|x\b|times\b)"
    r"|[$€£¥]\s?\d"
    r"|\b\d[\d,.]*\s?(?:thousand|million|billion|trillion|k|m|bn)\b"
    r"|\b\d+\.\d+\b"
    r"|\b\d{1,3}(?:,\d{3})+\b"
    r"|\b(?:one|two|three|four|five|six|seven|eight|nine) in (?:two|three|four|five|six|seven|eight|nine|ten)\b"
    r"|\b\d+ (?:out )?of (?:\d+|every|ten|five)\b"
    r"|\b(?!(?:19|20)\d\d\b)\d{2,}\b",
    re.I,
)
_ORIGINAL_RE = re.compile(
    r"\b(?:we|i|our team)\s+(?:also\s+)?(?:surveyed|polled|interviewed|analy[sz]ed|measured|tracked|tested|"
    r"collected|asked|studied|benchmarked|crawled|scraped|reviewed|examined)\b"
    r"|\bour (?:own |new |latest |annual )?(?:survey|data|dataset|study|research|analysis|findings|"
    r"experiment|poll|benchmark|sample)\b"
    r"|\brespondents\b|\bmethodology\b",
    re.I,
)
_CHART_RE = re.compile(r"\b(?:chart|graph|figure|fig\.|diagram|plot|infographic|histogram|visuali[sz]ation)\b", re.I)
_QUOTE_SPEECH_RE = re.compile(
    r"[\"“][^\"”]{12,}[\"”].{0,60}\b(?:said|says|told|explains|explained|notes|noted|writes|wrote|adds|added)\b"
    r"|\b(?:said|says|told us|explains|explained|writes|wrote)[,:]?\s*[\"“]",
    re.I,
)
_CITE_RE = re.compile(
    r"\baccording to\b|\(source[:\s]|\bsource:|\bet al\.|\[\d+\]|\bpublished (?:by|in)\b|\breport(?:ed)? by\b",
    re.I,
)
_CLAIM_RE = re.compile(
    r"\b(?:most|many|more|less|fewer|majority|often|usually|increase[sd]?|decrease[sd]?|grow(?:s|ing|th)?|"
    r"rise|fall|double[sd]?|studies|research shows|popular|common)\b",
    re.I,
)


def external_links(doc: Document) -> list[Any]:
    """Links to other sites (http/https, a host other than the draft's canonical host)."""
    own = urlsplit(doc.canonical_url or "").hostname or ""
    out = []
    for link in doc.links:
        parts = urlsplit(link.url)
        if parts.scheme in ("http", "https") and parts.hostname and parts.hostname != own:
            out.append(link)
    return out


def _domain(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def stat_sentences(doc: Document) -> list[Sentence]:
    """Sentences with a figure; a byline ("Published on 13 March 2025") carries a date, not a figure."""
    return [s for s in doc.sentences if _STAT_RE.search(s.text) and not is_byline(s.text)]


_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# A calendar date with its year: "3 March 2025", "March 3, 2025", "February 2026", "2025-03-03", "03/03/2025".
_DATE_RE = re.compile(
    rf"\b(?:{_DAY}\s+{_MONTH},?\s+(?:19|20)\d\d|{_MONTH}\s+{_DAY},?\s+(?:19|20)\d\d|{_MONTH},?\s+(?:19|20)\d\d"
    r"|(?:19|20)\d\d-\d{1,2}-\d{1,2}(?:T[\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?|\d{1,2}[/.]\d{1,2}[/.](?:19|20)\d\d"
    r"|(?:19|20)\d\d)\b",
    re.I,
)
_BYLINE_LABEL_RE = re.compile(
    r"\b(?:(?:first|originally|last)\s+)?(?:published|updated|modified|posted|reviewed|revised|edited)(?:\s+(?:on|in|at))?\b"
    r"|\blast\s+updated\b|\bdate(?:d)?\b",
    re.I,
)
# What else a byline carries: the author ("By Ana Ruiz and Tom Lee"), a reading time, separators.
_BYLINE_REST_RE = re.compile(
    r"(?i:\b(?:written\s+)?by)\s+[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|&|de|van|von|da|del|le|la)|,\s+[A-Z][\w.'’-]*)*"
    r"|(?i:\b\d+\s*(?:-\s*)?min(?:ute)?s?\.?(?:\s+read)?\b|\breading\s+time\b)"
)


def is_byline(text: str) -> bool:
    """A byline or date line ("Updated February 2026", "By Ana Ruiz · Published on 3 March 2025 · 6 min
    read"): a publish/update label and a date, and nothing else but an author, a reading time and
    separators. It is the page's date, not a dated figure."""
    if not _BYLINE_LABEL_RE.search(text) or not _DATE_RE.search(text):
        return False
    rest = _BYLINE_REST_RE.sub(" ", _BYLINE_LABEL_RE.sub(" ", _DATE_RE.sub(" ", text)))
    return not re.search(r"\w", rest)


def byline_dates(doc: Document, today: dt.date) -> list[tuple[Sentence, int]]:
    """(sentence, year) of each byline in the draft: the page's own dates."""
    return [(s, year) for s in doc.sentences if is_byline(s.text) and (year := _newest_year(s.text, today))]


def _newest_year(text: str, today: dt.date) -> int | None:
    """The latest year the text names, up to next year (later ones are not dates), or None."""
    return max((int(y) for y in _YEAR_RE.findall(text) if int(y) <= today.year + 1), default=None)


def _figures(doc: Document) -> tuple[list[Block], list[Any]]:
    tables = [b for b in doc.blocks if b.kind == "table" and (len(b.rows) >= 2 or b.text.count("\n") >= 1)]
    charts = [i for i in doc.images if _CHART_RE.search(f"{i.alt} {i.src}")]
    return tables, charts


def _quotes(doc: Document) -> list[tuple[str, int]]:
    found = [(b.text, b.line) for b in doc.blocks if b.kind == "quote"]
    found += [(s.text, s.line) for s in doc.sentences
              if doc.blocks[s.block].kind != "quote" and _QUOTE_SPEECH_RE.search(s.text)]
    return found


def evidence(doc: Document) -> Signal:
    """Numbers, original data, sources, tables/charts and quotes: what others cite and link to."""
    words = max(doc.word_count, 1)
    stats = stat_sentences(doc)
    original = [s for s in doc.sentences if _ORIGINAL_RE.search(s.text)]
    ext = external_links(doc)
    domains = sorted({_domain(link.url) for link in ext})
    cites = [s for s in doc.sentences if _CITE_RE.search(s.text)]
    tables, charts = _figures(doc)
    quotes = _quotes(doc)
    stat_target = max(3, round(words / 250))
    cite_target = max(2, round(words / 400))
    cite_count = len(domains) + min(len(cites), len(domains) + 1)
    parts = {
        "statistics": 30 * min(1.0, len(stats) / stat_target),
        "original_data": 0.0 if not original else (12.0 if len(original) == 1 else 20.0),
        "citations": 20 * min(1.0, cite_count / cite_target),
        "tables_charts": min(15.0, 10.0 * bool(tables) + 10.0 * bool(charts)),
        "quotes": min(15.0, 8.0 * len(quotes)),
    }
    found = [Evidence(f"statistic: {_short(s.text)}", s.line) for s in stats[:5]]
    found += [Evidence(f"original data: {_short(s.text)}", s.line) for s in original[:3]]
    found += [Evidence(f"source: {_domain(link.url)}", link.line) for link in ext[:5]]
    found += [Evidence(f"table ({len(t.rows) or t.text.count(chr(10)) + 1} rows)", t.line) for t in tables[:3]]
    found += [Evidence(f"chart: {_short(c.alt or c.src)}", c.line) for c in charts[:3]]
    found += [Evidence(f"quote: {_short(q)}", line) for q, line in quotes[:3]]
    suggestions = _evidence_suggestions(doc, parts, stats, stat_target, cite_target, cite_count, ext,
                                        tables, charts)
    details = {"statistics": len(stats), "original_data": len(original), "outbound_domains": domains,
               "citations": len(cites), "tables": len(tables), "charts": len(charts), "quotes": len(quotes)}
    return _signal("evidence", parts, evidence=found, suggestions=suggestions, details=details)


def _evidence_suggestions(
    doc: Document, parts: dict[str, float], stats: list[Sentence], stat_target: int,
    cite_target: int, cite_count: int, ext: list[Any], tables: list[Block], charts: list[Any],
) -> list[Suggestion]:
    out: list[Suggestion] = []
    if parts["original_data"] < 20:
        out.append(_suggest(
            "evidence",
            "Add original data: survey readers or customers, or analyse your own numbers, and say so "
            "('we surveyed 300 ...', with a short methodology); original research is what others cite",
            20 - parts["original_data"],
        ))
    if parts["statistics"] < 30:
        claim = next((s for s in doc.sentences if _CLAIM_RE.search(s.text) and s not in stats), None)
        where = f", e.g. the claim at line {claim.line}: '{_short(claim.text, 60)}'" if claim else ""
        out.append(_suggest(
            "evidence",
            f"Back claims with specific numbers: {len(stats)} sentence(s) carry a statistic, aim for "
            f"{stat_target}{where}",
            30 - parts["statistics"], claim.line if claim else None,
        ))
    if parts["citations"] < 20:
        linked = {link.line for link in ext}
        bare = next((s for s in stats if s.line not in linked), None)
        where = f"; the figure at line {bare.line} has no source" if bare else ""
        out.append(_suggest(
            "evidence",
            f"Link to the sources behind your facts: {cite_count} cited source(s), aim for {cite_target}{where}",
            20 - parts["citations"], bare.line if bare else None,
        ))
    if parts["tables_charts"] < 15:
        out.append(_figures_suggestion(parts, stats, tables, charts))
    if parts["quotes"] < 15:
        out.append(_suggest(
            "evidence",
            "Quote a named expert or practitioner (a blockquote with their name and role)",
            15 - parts["quotes"],
        ))
    return out


def _figures_suggestion(
    parts: dict[str, float], stats: list[Sentence], tables: list[Block], charts: list[Any],
) -> Suggestion:
    """A table or chart, suggested for what the draft has: no figures yet, figures, a table or a chart."""
    gain = 15 - parts["tables_charts"]
    if tables and not charts:
        return _suggest("evidence", f"Chart the figures of the table at line {tables[0].line} (an image whose "
                        "alt text says 'chart of ...') that others can embed and cite", gain, tables[0].line)
    if charts and not tables:
        return _suggest("evidence", f"Add a table of the numbers behind the chart at line {charts[0].line}, "
                        "so others can quote the exact figures", gain, charts[0].line)
    if not stats:
        return _suggest("evidence", "Find figures to show first: the draft has no numbers; add sourced "
                        "statistics or your own data (a survey, your analytics), then put them in a table or "
                        "chart others can embed and cite", gain)
    return _suggest("evidence", f"Put the key numbers (the first is at line {stats[0].line}) in a table or a "
                    "chart (with alt text) that others can embed and cite", gain, stats[0].line)


# --------------------------------------------------------------------------- asset format

FORMAT_SCORES = {
    "original_research": 100.0, "statistics": 90.0, "tool_or_template": 80.0, "guide": 75.0,
    "definition": 65.0, "listicle": 35.0, "article": 25.0,
}
_STATS_TITLE_RE = re.compile(r"\b(?:statistics|stats|facts|figures|numbers|data|benchmarks?|trends)\b", re.I)
_TOOL_RE = re.compile(
    r"\b(?:template|checklist|calculator|worksheet|cheat ?sheet|swipe file|spreadsheet|planner|generator|"
    r"scorecard|framework|toolkit|download)\b", re.I,
)
_GUIDE_RE = re.compile(r"\b(?:guide|how to|tutorial|handbook|playbook|step[- ]by[- ]step|everything you need)\b", re.I)
_DEFINITION_TITLE_RE = re.compile(r"^\s*what (?:is|are)\b|\bdefinition\b|\bmeaning\b|\bexplained\b", re.I)
_DEFINITION_LEAD_RE = re.compile(r"^[\w\s\-'’()]{2,60}\b(?:is|are|refers to|means)\s+(?:a|an|the)\b", re.I)
_LISTICLE_RE = re.compile(rf"^\s*(?:the\s+)?(?:\d+|{_NUMBER_WORDS})\s+\w+", re.I)


def _statistics_strength(doc: Document, stats: int, items: list[Block]) -> float:
    numeric = sum(1 for b in items if _STAT_RE.search(b.text))
    if stats < 5 and not (items and numeric / len(items) >= 0.5):
        return 0.0
    return 0.5 * bool(_STATS_TITLE_RE.search(doc.title)) + 0.5 * min(1.0, stats / 15)


def _tool_strength(doc: Document, heads: str, items: list[Block]) -> float:
    checkboxes = "- [ ]" in doc.source or "* [ ]" in doc.source
    if not (_TOOL_RE.search(f"{doc.title} {heads}") or checkboxes):
        return 0.0
    return min(1.0, 0.6 * bool(_TOOL_RE.search(f"{doc.title} {heads}")) + 0.4 * (len(items) >= 5 or checkboxes))


def _guide_strength(doc: Document, h2: int) -> float:
    titled = bool(_GUIDE_RE.search(doc.title))
    if not titled and not (doc.word_count >= 1500 and h2 >= 5):
        return 0.0
    return 0.4 * titled + 0.3 * min(1.0, doc.word_count / 2000) + 0.3 * min(1.0, h2 / 5)


def _definition_strength(doc: Document) -> float:
    if _DEFINITION_TITLE_RE.search(doc.title):
        return 1.0
    first = doc.sentences[0].text if doc.sentences else ""
    return 0.6 if _DEFINITION_LEAD_RE.search(first) else 0.0


def detect_formats(doc: Document) -> dict[str, float]:
    """Each linkable-asset format's strength in the draft, 0-1."""
    heads = " ".join(h.text for h in doc.headings)
    stats = len(stat_sentences(doc))
    original = any(_ORIGINAL_RE.search(s.text) for s in doc.sentences)
    tables, charts = _figures(doc)
    items = [b for b in doc.blocks if b.kind == "list_item"]
    h2 = sum(1 for h in doc.headings if h.level == 2)
    return {
        "original_research": 0.6 * original + 0.2 * bool(tables or charts) + 0.2 * (stats >= 5),
        "statistics": _statistics_strength(doc, stats, items),
        "tool_or_template": _tool_strength(doc, heads, items),
        "guide": _guide_strength(doc, h2),
        "definition": _definition_strength(doc),
        "listicle": 1.0 if _LISTICLE_RE.search(doc.title) and items else 0.0,
        "article": 1.0,
    }


def asset_format(doc: Document) -> Signal:
    """Which linkable-asset format the draft is (research, statistics, tool/template, guide, definition)."""
    strengths = detect_formats(doc)
    values = {k: FORMAT_SCORES[k] * v for k, v in strengths.items()}
    best = max(values, key=lambda k: values[k])
    score = values[best]
    # The format that sets the score first (a 20% match of original research, worth 20, must not
    # head the list of a definition page that scores 65), then the others by what they are worth.
    ranked = sorted((k for k, v in strengths.items() if v and k != "article"), key=lambda k: -values[k])
    found = [Evidence(f"{k.replace('_', ' ')}: {strengths[k]:.0%} match (worth {values[k]:.0f})") for k in ranked] or [Evidence("no linkable-asset format recognised: a plain article")]
    suggestions = _format_suggestions(doc, best, score, strengths)
    return Signal("asset_format", score, evidence=found, suggestions=suggestions,
                  details={"format": best, "strengths": {k: round(v, 2) for k, v in strengths.items()}},
                  source=SOURCES["asset_format"])


def _format_suggestions(doc: Document, best: str, score: float, strengths: dict[str, float]) -> list[Suggestion]:
    out: list[Suggestion] = []
    if best != "original_research" or score < 100:
        gain = 100.0 * max(strengths["original_research"], 0.6) - score
        out.append(_suggest("asset_format", "Make it original research: publish your own numbers (a survey, an "
                            "analysis of your data) with a table and a methodology note", gain))
    if score < FORMAT_SCORES["tool_or_template"]:
        out.append(_suggest("asset_format", "Give readers something to reuse: a checklist, template or calculator "
                            "they can copy (reference assets keep earning links)",
                            FORMAT_SCORES["tool_or_template"] - score))
    if score < FORMAT_SCORES["statistics"] and strengths["statistics"] == 0 and len(stat_sentences(doc)) < 5:
        out.append(_suggest("asset_format", "Collect the key figures on the topic, each with its source, into a "
                            "statistics section journalists can cite", FORMAT_SCORES["statistics"] * 0.6 - score))
    return [s for s in out if s.gain > 0]


# --------------------------------------------------------------------------- freshness

# A year makes a sentence a dated fact only next to a figure or one of these words.
_DATED_RE = re.compile(r"\bas of\b|\bupdated\b|\b(?:survey|report|study|data|census|index|estimates?)\b", re.I)


def dated_facts(doc: Document, today: dt.date) -> list[tuple[Sentence, int]]:
    """(sentence, year) for sentences that date a figure (a year with a statistic, 'as of', a study).

    A byline ("Updated February 2026", "Published on 3 March 2025") dates the page, not a figure."""
    out: list[tuple[Sentence, int]] = []
    for s in doc.sentences:
        if is_byline(s.text):
            continue
        year = _newest_year(s.text, today)
        if year and (_STAT_RE.search(_YEAR_RE.sub("", s.text)) or _DATED_RE.search(s.text)):
            out.append((s, year))
    return out


def _front_matter_year(doc: Document) -> int | None:
    for key in ("updated", "lastmod", "last_modified", "modified", "date"):
        value = doc.front_matter.get(key)
        if isinstance(value, dt.date):
            return value.year
        if value and (m := _YEAR_RE.search(str(value))):
            return int(m.group(1))
    return None


def freshness(doc: Document, *, today: dt.date | None = None, stale_years: int = STALE_YEARS) -> Signal:
    """Dated facts, and how old they are: current figures get cited, stale ones get replaced."""
    today = today or dt.date.today()
    facts = dated_facts(doc, today)
    stale = [(s, y) for s, y in facts if today.year - y > stale_years]
    found = [Evidence(f"{y}: {_short(s.text)}", s.line) for s, y in facts[:5]]
    found += [Evidence(f"stale ({today.year - y} years old): {_short(s.text)}", s.line) for s, y in stale[:3]]
    fm_year = _front_matter_year(doc)
    bylines = byline_dates(doc, today)
    byline_year = max((y for _, y in bylines), default=None)
    page_year = fm_year or byline_year
    if fm_year:
        where = "its <meta> tags" if doc.format == "html" else "the front matter"
        found.insert(0, Evidence(f"dated {fm_year} in {where}", 1))
    elif bylines:
        line = next(s.line for s, y in bylines if y == byline_year)
        found.insert(0, Evidence(f"dated {byline_year} by its byline (the page's date, not a dated fact)", line))
    if facts:  # the summary first: it is what the score is made of
        newest = max(y for _, y in facts)
        found.insert(0, Evidence(f"{len(facts)} dated fact(s), newest from {newest}; {len(stale)} older "
                                 f"than {stale_years} years", facts[0][0].line))
    else:
        found.insert(0, Evidence("no dated facts (no figure says which year it is from)"))
    suggestions: list[Suggestion] = []
    if not facts:
        score = 45.0 + (10.0 if page_year and today.year - page_year <= 1 else 0.0)
        suggestions.append(_suggest("freshness", "Date your figures ('as of March 2026', 'in our 2026 survey') "
                                    "so readers can see they are current", 85.0 - score))
    else:
        age = today.year - max(y for _, y in facts)
        base = 70.0 if age <= 1 else (50.0 if age <= stale_years else 20.0)
        score = base + 30.0 * (1 - len(stale) / len(facts))
        if age > 1:
            suggestions.append(_suggest("freshness", f"Add current figures: the newest dated fact is from "
                                        f"{today.year - age} ({age} years ago)", 70.0 - base))
        for s, y in stale[:3]:
            suggestions.append(_suggest("freshness", f"Update the {y} figure at line {s.line} "
                                        f"({today.year - y} years old) or say why it still holds",
                                        30.0 / len(facts), s.line))
    details = {"dated_facts": len(facts), "stale": len(stale), "front_matter_year": fm_year,
               "byline_year": byline_year,
               "newest_year": max((y for _, y in facts), default=None)}
    return Signal("freshness", score, evidence=found, suggestions=suggestions, details=details,
                  source=SOURCES["freshness"])
