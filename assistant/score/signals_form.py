"""The signals of how a draft is written and laid out: structure (headings, lists, tables, images),
readability (Flesch reading ease, long sentences and paragraphs, passive voice) and title.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.documents import PROSE_KINDS, Block, Document, Sentence, count_words
from assistant.score.model import Evidence, Signal, Suggestion
from assistant.score.signals_base import (
    _NUMBER_WORDS,
    LONG_PARAGRAPH_WORDS,
    LONG_SENTENCE_SHARE,
    LONG_SENTENCE_WORDS,
    PASSIVE_SHARE,
    SOURCES,
    SUBHEADING_WORDS,
    TITLE_LENGTH_CURVE,
    _short,
    _signal,
    _suggest,
    ramp,
)

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
