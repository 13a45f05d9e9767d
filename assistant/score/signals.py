"""Linkability: named signals, each a pure function of a Document, combined by weight.

Every signal returns a 0-100 score, the evidence it found (with lines), and suggestions whose
``gain`` is in the signal's own points; :func:`linkability` weights the signals and converts each
gain into points of the overall score (weight share x points the signal would rise), so
suggestions from different signals can be ranked together. docs/scoring.md lists each signal's
thresholds and the study or style guide they come from.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from assistant.documents import PROSE_KINDS, Block, Document, Sentence, count_words
from assistant.errors import ConfigError
from assistant.score.model import Evidence, Signal, Suggestion

# Points of 100 each signal carries; override with [score.weights] in config.toml.
DEFAULT_WEIGHTS: dict[str, float] = {
    "depth": 20,
    "evidence": 25,
    "structure": 15,
    "readability": 10,
    "title": 5,
    "asset_format": 15,
    "freshness": 10,
}

SOURCES = {
    "depth": "Backlinko & BuzzSumo, 'We analyzed 912 million blog posts' (2019): posts over 3,000 words "
    "earn 77.2% more referring domains than posts under 1,000; BuzzSumo & Moz (2015): 85% of posts are "
    "under 1,000 words, and long-form posts get more links.",
    "evidence": "BuzzSumo & Moz, 'Content, shares and links' (2015): research-backed content earns more "
    "links; Backlinko & BuzzSumo (2019): 94% of posts earn no external links at all.",
    "structure": "Yoast SEO readability analysis: subheading distribution (no more than 300 words of "
    "text without a subheading), heading hierarchy, images with alt text (WCAG 2.1, 1.1.1).",
    "readability": "Flesch (1948) reading ease via textstat; Yoast SEO: at most 25% of sentences over "
    "20 words, paragraphs at most 150 words, at most 10% of sentences in the passive voice.",
    "title": "Moz title-tag guidance (50-60 characters display in full); Backlinko & BuzzSumo (2019): "
    "'why' and 'what' posts earn 25.8% more links, question titles 23.3% more shares.",
    "asset_format": "Backlinko & BuzzSumo (2019) and BuzzSumo & Moz (2015): original research, data, "
    "'why'/'what' explainers and reference formats (guides, tools, templates) attract links.",
    "freshness": "Google Search Central, 'Influence your byline dates': show when content was published "
    "or updated; assist's heuristic: figures older than score.stale_years get replaced or re-checked.",
}

LONG_SENTENCE_WORDS = 20  # Yoast
LONG_SENTENCE_SHARE = 0.25  # Yoast
LONG_PARAGRAPH_WORDS = 150  # Yoast
PASSIVE_SHARE = 0.10  # Yoast
SUBHEADING_WORDS = 300  # Yoast
STALE_YEARS = 3

DEPTH_CURVE = ((0, 0.0), (300, 15.0), (600, 35.0), (1000, 55.0), (1500, 70.0), (2000, 82.0), (3000, 100.0))
TITLE_LENGTH_CURVE = (
    (0, 0.0), (20, 10.0), (40, 35.0), (50, 45.0), (60, 45.0), (70, 35.0), (90, 15.0), (120, 0.0),
)


def ramp(x: float, points: tuple[tuple[float, float], ...]) -> float:
    """Piecewise-linear interpolation through (x, y) points, flat beyond both ends."""
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


def _signal(name: str, parts: dict[str, float], **kw: Any) -> Signal:
    """A signal whose score is the sum of its parts (kept in details)."""
    score = max(0.0, min(100.0, sum(parts.values())))
    details = {"parts": {k: round(v, 1) for k, v in parts.items()}, **kw.pop("details", {})}
    return Signal(name=name, score=score, details=details, source=SOURCES[name], **kw)


def _suggest(name: str, message: str, gain: float, line: int | None = None) -> Suggestion:
    return Suggestion(signal=name, message=message, gain=max(0.0, gain), line=line)


def _prose(doc: Document) -> list[Block]:
    return [b for b in doc.blocks if b.kind in PROSE_KINDS]


def _short(text: str, n: int = 70) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


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


# --------------------------------------------------------------------------- structure


def _body_headings(doc: Document) -> list[Block]:
    """Headings after the title (a leading H1 that is the title is not part of the hierarchy)."""
    heads = doc.headings
    if heads and heads[0].level == 1 and heads[0].line == doc.title_line:
        heads = heads[1:]
    elif heads and heads[0].level == 1 and heads[0].text.strip() == doc.title.strip():
        heads = heads[1:]
    return heads


def skipped_levels(doc: Document) -> list[tuple[Block, int]]:
    """Headings that skip a level (an H4 right under an H2), with the level they came after."""
    out: list[tuple[Block, int]] = []
    previous = 1
    for head in _body_headings(doc):
        if head.level > previous + 1:
            out.append((head, previous))
        previous = head.level
    return out


def long_runs(doc: Document, limit: int = SUBHEADING_WORDS) -> list[tuple[int, int]]:
    """(line, words) of each stretch of prose longer than ``limit`` words without a subheading."""
    runs: list[tuple[int, int]] = []
    start, words = None, 0
    for block in doc.blocks:
        if block.kind == "heading":
            if words > limit and start is not None:
                runs.append((start, words))
            start, words = None, 0
        elif block.kind in PROSE_KINDS:
            start = block.line if start is None else start
            words += count_words(block.text)
    if words > limit and start is not None:
        runs.append((start, words))
    return runs


def structure(doc: Document) -> Signal:
    """Heading hierarchy, subheading distribution, lists, tables and images with alt text."""
    words = doc.word_count
    heads = _body_headings(doc)
    skips = skipped_levels(doc)
    runs = long_runs(doc)
    lists = [b for b in doc.blocks if b.kind == "list_item"]
    tables = [b for b in doc.blocks if b.kind == "table"]
    no_alt = [i for i in doc.images if not i.alt]
    short = words < SUBHEADING_WORDS
    hierarchy = 25.0 if (heads or short) else 0.0
    hierarchy = max(0.0, hierarchy - 10.0 * len(skips))
    parts = {
        "hierarchy": hierarchy,
        "subheadings": max(0.0, 30.0 - 10.0 * len(runs)),
        "lists": 15.0 if (lists or short) else 0.0,
        "tables": 10.0 if tables else 0.0,
        "images": (10.0 + 10.0 * (1 - len(no_alt) / len(doc.images))) if doc.images else 0.0,
    }
    found = [Evidence(f"H{h.level}: {_short(h.text)}", h.line) for h in heads[:8]]
    found += [Evidence(f"H{h.level} follows H{prev}: a level is skipped", h.line) for h, prev in skips]
    found += [Evidence(f"{n} words without a subheading", line) for line, n in runs]
    found += [Evidence(f"image without alt text: {_short(i.src, 50)}", i.line) for i in no_alt]
    if lists:
        found.append(Evidence(f"{len(lists)} list items", lists[0].line))
    suggestions = _structure_suggestions(parts, heads, skips, runs, no_alt, short, doc)
    details = {"headings": len(heads), "skipped_levels": len(skips), "long_runs": len(runs),
               "list_items": len(lists), "tables": len(tables), "images": len(doc.images),
               "images_without_alt": len(no_alt)}
    return _signal("structure", parts, evidence=found, suggestions=suggestions, details=details)


def _structure_suggestions(
    parts: dict[str, float], heads: list[Block], skips: list[tuple[Block, int]],
    runs: list[tuple[int, int]], no_alt: list[Any], short: bool, doc: Document,
) -> list[Suggestion]:
    out: list[Suggestion] = []
    if not heads and not short:
        out.append(_suggest("structure", "Break the text into sections with H2 subheadings", 25.0))
    for head, prev in skips[:3]:
        out.append(_suggest("structure", f"Make '{_short(head.text, 40)}' an H{prev + 1} (it skips from "
                            f"H{prev} to H{head.level})", 10.0, head.line))
    for line, n in runs[:3]:
        out.append(_suggest("structure", f"Add a subheading in the {n}-word stretch starting at line {line} "
                            f"(at most {SUBHEADING_WORDS} words per subheading)", 10.0, line))
    if not parts["lists"]:
        out.append(_suggest("structure", "Turn a sequence of steps or options into a bulleted or numbered list", 15.0))
    if not parts["tables"]:
        out.append(_suggest("structure", "Add a comparison or summary table", 10.0))
    if not doc.images:
        out.append(_suggest("structure", "Add an image, chart or diagram with descriptive alt text", 20.0))
    elif no_alt:
        out.append(_suggest("structure", f"Write alt text for {len(no_alt)} image(s), first at line {no_alt[0].line}",
                            20.0 - parts["images"], no_alt[0].line))
    return out


# --------------------------------------------------------------------------- readability

_PASSIVE_RE = re.compile(
    r"\b(?:am|is|are|was|were|be|been|being|get|gets|got|gotten)\s+(?:(?:not|never|also|often|still|"
    r"already|being|\w+ly)\s+){0,2}(\w+(?:ed|en)|" + "|".join(
        "awoken borne beaten become begun bent bet bid bitten blown broken brought built bought caught chosen "
        "come cut dealt done drawn driven eaten fallen fed felt fought found flown forbidden forgotten forgiven "
        "frozen given gone ground grown hung had heard hidden hit held hurt kept known laid led left lent let "
        "lit lost made meant met paid put quit read ridden rung risen run said seen sought sold sent set shaken "
        "shed shot shown shut sung sunk sat slain slept slid spoken spent spun split spread stood stolen stuck "
        "stung struck sworn swept swum taken taught torn told thought thrown understood woken worn woven won "
        "written".split()
    ) + r")\b",
    re.I,
)
# -ed/-en words that follow "is/are" as adjectives or nouns far more often than as participles.
_NOT_PARTICIPLES = {
    "often", "open", "even", "been", "ten", "then", "when", "happen", "listen", "children", "women", "men",
    "kitchen", "garden", "golden", "sudden", "certain", "red", "bed", "need", "speed", "based", "interested",
    "tired", "excited", "married", "supposed", "related", "bored", "worried", "concerned", "scared",
    "pleased", "satisfied", "surprised", "limited", "complicated", "detailed", "advanced", "experienced",
    "qualified", "skilled", "talented", "dedicated", "hundred", "indeed", "exceed", "proceed", "succeed",
    "feed", "seed", "weed", "oven", "heaven", "eleven", "seven", "token", "own", "down", "ahead", "instead",
}


def passive(sentence: str) -> bool:
    """Yoast-style check: a form of 'be'/'get' followed by a past participle."""
    for match in _PASSIVE_RE.finditer(sentence):
        if match.group(1).lower() not in _NOT_PARTICIPLES:
            return True
    return False


def readability(doc: Document) -> Signal:
    """Flesch reading ease, long sentences, long paragraphs and passive voice (Yoast's checks)."""
    from assistant.score import readability as rd

    text = doc.text
    fre = rd.flesch_reading_ease(text)
    grade = rd.flesch_kincaid_grade(text)
    sentences = doc.sentences
    lengths = [(s, count_words(s.text)) for s in sentences]
    long_ = [(s, n) for s, n in lengths if n > LONG_SENTENCE_WORDS]
    long_share = len(long_) / max(1, len(sentences))
    paragraphs = [(b, count_words(b.text)) for b in doc.blocks if b.kind == "paragraph"]
    long_paras = [(b, n) for b, n in paragraphs if n > LONG_PARAGRAPH_WORDS]
    passives = [s for s in sentences if passive(s.text)]
    passive_share = len(passives) / max(1, len(sentences))
    parts = {
        "reading_ease": ramp(fre, ((30.0, 0.0), (60.0, 30.0))),
        "sentence_length": ramp(long_share, ((LONG_SENTENCE_SHARE, 25.0), (0.5, 0.0))),
        "paragraph_length": max(0.0, 20.0 - 7.0 * len(long_paras)),
        "passive_voice": ramp(passive_share, ((PASSIVE_SHARE, 25.0), (0.25, 0.0))),
    }
    # The formulas run past their scales on very short, plain text (ease 107, grade -0.1): show them
    # on the scales readers know; the score uses the raw value either way.
    found = [Evidence(f"Flesch reading ease {min(100.0, max(0.0, fre)):.0f}, grade {max(0.0, grade):.1f}")]
    found.append(Evidence(f"{long_share:.0%} of sentences over {LONG_SENTENCE_WORDS} words"))
    found += [Evidence(f"{n}-word sentence: {_short(s.text)}", s.line)
              for s, n in sorted(long_, key=lambda x: -x[1])[:3]]
    found += [Evidence(f"{n}-word paragraph", b.line) for b, n in long_paras[:3]]
    found += [Evidence(f"passive: {_short(s.text)}", s.line) for s in passives[:3]]
    suggestions = _readability_suggestions(parts, fre, grade, long_, long_share, long_paras, passives, passive_share)
    details = {"flesch_reading_ease": round(fre, 1), "grade": round(grade, 1),
               "long_sentence_share": round(long_share, 3), "long_paragraphs": len(long_paras),
               "passive_share": round(passive_share, 3), "sentences": len(sentences)}
    return _signal("readability", parts, evidence=found, suggestions=suggestions, details=details)


def _readability_suggestions(
    parts: dict[str, float], fre: float, grade: float, long_: list[tuple[Sentence, int]], long_share: float,
    long_paras: list[tuple[Block, int]], passives: list[Sentence], passive_share: float,
) -> list[Suggestion]:
    out: list[Suggestion] = []
    if long_ and parts["sentence_length"] < 25:
        s, n = max(long_, key=lambda x: x[1])
        out.append(_suggest("readability", f"Split long sentences: {long_share:.0%} run over "
                            f"{LONG_SENTENCE_WORDS} words (at most 25%); the longest is at line {s.line} ({n} words)",
                            25 - parts["sentence_length"], s.line))
    for block, n in long_paras[:2]:
        out.append(_suggest("readability", f"Split the {n}-word paragraph at line {block.line} "
                            f"(at most {LONG_PARAGRAPH_WORDS} words)", 7.0, block.line))
    if passives and parts["passive_voice"] < 25:
        s = passives[0]
        out.append(_suggest("readability", f"Use the active voice: {passive_share:.0%} of sentences are passive "
                            f"(at most 10%), e.g. line {s.line}: '{_short(s.text, 60)}'",
                            25 - parts["passive_voice"], s.line))
    if parts["reading_ease"] < 30:
        out.append(_suggest("readability", f"Use shorter words and sentences: Flesch reading ease {fre:.0f} "
                            f"(grade {grade:.1f}); aim for 60 or more", 30 - parts["reading_ease"]))
    return out


# --------------------------------------------------------------------------- title

_NUMBER_WORDS = r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|fifty|hundred"
_TITLE_NUMBER_RE = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.I)
_TITLE_WHY_RE = re.compile(r"^\s*(?:why|what)\b|\?\s*$|\b(?:why|what)\b.*\b(?:is|are|does|do|means?)\b", re.I)
_TITLE_FORM_RE = re.compile(
    r"\bhow (?:to|we|i|much|many)\b|\bguide\b|\bstatistics\b|\bstats\b|\bsurvey\b|\bstudy\b|\breport\b|"
    r"\bchecklist\b|\btemplate\b|\bvs\.?\b|\bversus\b|\bexplained\b|\bdata\b|\bbenchmarks?\b",
    re.I,
)


def title_given(doc: Document) -> bool:
    """False when the title is only the file name (no front matter title, H1 or HTML <title>)."""
    if doc.front_matter.get("title") or any(h.level == 1 for h in doc.headings):
        return True
    stem = doc.path.rsplit("/", 1)[-1].rsplit(".", 1)[0].replace("-", " ").replace("_", " ")
    return bool(doc.title.strip()) and doc.title != stem


def title(doc: Document) -> Signal:
    """Title length (50-60 characters show in full), a number, and a why/what/question or how form."""
    text = doc.title.strip()
    if not title_given(doc):
        msg = "Give the draft a title (front matter 'title:' or an H1) of 50-60 characters"
        return Signal("title", 0.0, evidence=[Evidence("no title: only the file name")],
                      suggestions=[_suggest("title", msg, 80.0, doc.title_line)], source=SOURCES["title"])
    n = len(text)
    has_number = bool(_TITLE_NUMBER_RE.search(text))
    form = 30.0 if _TITLE_WHY_RE.search(text) else (20.0 if _TITLE_FORM_RE.search(text) else 0.0)
    parts = {"length": ramp(n, TITLE_LENGTH_CURVE), "number": 25.0 if has_number else 0.0, "form": form}
    found = [Evidence(f"title: {text} ({n} characters)", doc.title_line)]
    out: list[Suggestion] = []
    if parts["length"] < 45:
        verb = "Shorten" if n > 60 else "Lengthen"
        out.append(_suggest("title", f"{verb} the title to 50-60 characters (now {n})",
                            45 - parts["length"], doc.title_line))
    if not has_number:
        out.append(_suggest("title", "Put a specific number in the title (a sample size, a count, a year)",
                            25.0, doc.title_line))
    if form < 30:
        out.append(_suggest("title", "Frame the title as the 'why' or 'what' question the draft answers",
                            30 - form, doc.title_line))
    return _signal("title", parts, evidence=found, suggestions=out,
                   details={"length": n, "number": has_number, "form": form})


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


# --------------------------------------------------------------------------- combining

SignalFn = Callable[[Document], Signal]
SIGNALS: dict[str, SignalFn] = {
    "depth": depth,
    "evidence": evidence,
    "structure": structure,
    "readability": readability,
    "title": title,
    "asset_format": asset_format,
    "freshness": freshness,
}


@dataclass
class Linkability:
    """The weighted linkability score, its signals, and every suggestion ranked by gain."""

    score: float
    signals: list[Signal] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)

    def signal(self, name: str) -> Signal:
        return next(s for s in self.signals if s.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {"score": round(self.score, 1), "signals": [s.to_dict() for s in self.signals]}


def resolve_weights(overrides: Mapping[str, Any] | None = None) -> dict[str, float]:
    """DEFAULT_WEIGHTS with [score.weights] overrides, validated (known names, numbers >= 0)."""
    weights = dict(DEFAULT_WEIGHTS)
    if overrides is not None and not isinstance(overrides, Mapping):
        raise ConfigError(f"score.weights: expected a table of signal = weight, got {overrides!r}")
    for name, value in (overrides or {}).items():
        if name not in weights:
            raise ConfigError(f"score.weights: unknown signal '{name}' (known: {', '.join(DEFAULT_WEIGHTS)})")
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError(f"score.weights.{name}: expected a number >= 0, got {value!r}")
        weights[name] = float(value)
    if not any(weights.values()):
        raise ConfigError("score.weights: every weight is 0")
    return weights


def linkability(
    doc: Document, weights: Mapping[str, Any] | None = None, *,
    today: dt.date | None = None, stale_years: int = STALE_YEARS,
) -> Linkability:
    """Run every signal, weight it, and turn each suggestion's gain into points of the overall score."""
    resolved = resolve_weights(weights)
    total = sum(resolved.values())
    signals: list[Signal] = []
    for name, fn in SIGNALS.items():
        sig = freshness(doc, today=today, stale_years=stale_years) if name == "freshness" else fn(doc)
        share = resolved[name] / total
        sig.weight = resolved[name]
        sig.suggestions = sorted(
            (replace(s, gain=s.gain * share) for s in sig.suggestions), key=lambda s: -s.gain
        )
        signals.append(sig)
    score = sum(s.score * s.weight for s in signals) / total
    suggestions = sorted((s for sig in signals for s in sig.suggestions if s.gain > 0), key=lambda s: -s.gain)
    return Linkability(score=score, signals=signals, suggestions=suggestions)
