"""What a draft page shows, as plain data for the templates: the draft's blocks with the findings in
place (long sentences, passive voice, figures without a source, sections off topic, images without
alt text), each at its source line; the suggestions ranked by gain; and a sparkline of its scores.

The findings are the scorer's own tests, not copies: ``count_words`` against LONG_SENTENCE_WORDS and
``passive`` (the readability signal), ``stat_sentences`` on a line without an outside link (the
evidence signal's "the figure at line N has no source"), the relevance sections' scores and drift
flags, and ``Document.images`` without alt (the structure signal). Every text here is the draft's
text with control characters dropped; the templates escape it (autoescape), so the draft's own HTML
is shown, never run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from assistant.documents import PROSE_KINDS, Block, Document, count_words
from assistant.score.signals_base import LONG_SENTENCE_WORDS
from assistant.score.signals_content import external_links, stat_sentences
from assistant.score.signals_form import passive
from assistant.terminal import printable

KINDS = {  # finding kind -> what the page calls it
    "long": "long sentence",
    "passive": "passive voice",
    "unsourced": "figure without a source",
    "offtopic": "section off topic",
    "noalt": "image without alt text",
}
MIN_GAIN = 0.05  # suggestions worth less than this (in overall points) are not listed, as in the CLI
SHADES = ((75.0, 0), (50.0, 1), (35.0, 2), (20.0, 3))  # relevance >= score -> shade class rel-N (else 4)


@dataclass(frozen=True)
class Finding:
    kind: str
    line: int
    label: str  # "long sentence (27 words)"
    excerpt: str


@dataclass
class Piece:
    """A sentence of a block (or a heading's text), with the findings on it."""

    text: str
    line: int
    findings: list[Finding] = field(default_factory=list)
    anchor: int | None = None  # this element carries id="line-N"

    @property
    def classes(self) -> str:
        return " ".join(dict.fromkeys(f.kind for f in self.findings))

    @property
    def title(self) -> str:
        return "; ".join(f"line {f.line}: {f.label}" for f in self.findings)


@dataclass
class Item:
    """One rendered element: a block, an image, or a list (whose ``items`` are its entries)."""

    kind: str  # heading | paragraph | quote | code | html | table | image | list | list_item
    line: int
    pieces: list[Piece] = field(default_factory=list)
    level: int = 0
    ordered: bool = False
    text: str = ""  # code, raw HTML, a table without rows, an image's src
    alt: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    items: list[Item] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    anchor: int | None = None
    before: list[int] = field(default_factory=list)  # lines with no element of their own: anchors here


@dataclass
class Group:
    """Consecutive items of one relevance section (or of none)."""

    items: list[Item]
    section: Any = None  # SectionRelevance
    shade: int = 0
    finding: Finding | None = None  # the section drifts off topic


@dataclass
class SuggestionView:
    line: int | None
    message: str
    signal: str
    gain: float  # overall points
    own: str  # "+5.0 relevance" when it differs from the overall gain, else ""


@dataclass
class View:
    groups: list[Group]
    findings: list[Finding]
    suggestions: list[SuggestionView]
    tail: list[int] = field(default_factory=list)  # anchors after the last element

    def count(self, kind: str) -> int:
        return sum(1 for f in self.findings if f.kind == kind)


def _short(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def sentence_findings(doc: Document) -> dict[int, list[Finding]]:
    """Index into doc.sentences -> the findings on that sentence."""
    linked = {link.line for link in external_links(doc)}
    figures = set(stat_sentences(doc))
    out: dict[int, list[Finding]] = {}
    for i, s in enumerate(doc.sentences):
        text = _short(printable(s.text))
        found: list[Finding] = []
        words = count_words(s.text)
        if words > LONG_SENTENCE_WORDS:
            found.append(Finding("long", s.line, f"long sentence ({words} words)", text))
        if passive(s.text):
            found.append(Finding("passive", s.line, "passive voice", text))
        if s in figures and s.line not in linked:
            found.append(Finding("unsourced", s.line, "figure without a source (no link on its line)", text))
        if found:
            out[i] = found
    return out


def _block_item(block: Block, pieces: list[Piece]) -> Item:
    if block.kind == "heading":
        return Item("heading", block.line, [Piece(printable(block.text), block.line)], level=min(max(block.level, 1), 6))
    if block.kind in PROSE_KINDS:
        pieces = pieces or [Piece(printable(" ".join(block.text.split())), block.line)]
        return Item(block.kind, block.line, pieces, level=block.level, ordered=block.ordered)
    if block.kind == "table" and block.rows:
        return Item("table", block.line, rows=tuple(tuple(printable(c) for c in r) for r in block.rows))
    kind = block.kind if block.kind in ("code", "html") else "code"
    return Item(kind, block.line, text=printable(block.text))


def _items(doc: Document, found: dict[int, list[Finding]]) -> tuple[list[Item], list[Finding]]:
    """The blocks and images in source order (lists grouped), and every finding on them."""
    pieces: dict[int, list[Piece]] = {}
    for i, s in enumerate(doc.sentences):
        pieces.setdefault(s.block, []).append(Piece(printable(s.text), s.line, found.get(i, [])))
    entries: list[tuple[int, int, Item]] = [(b.line, 0, _block_item(b, pieces.get(n, []))) for n, b in enumerate(doc.blocks)]
    findings = [f for fs in found.values() for f in fs]
    for image in doc.images:
        item = Item("image", image.line, text=printable(image.src), alt=printable(image.alt))
        if not image.alt:
            item.findings.append(Finding("noalt", image.line, "image without alt text", _short(item.text, 60)))
            findings += item.findings
        entries.append((image.line, 1, item))
    out: list[Item] = []
    for _, _, item in sorted(entries, key=lambda e: (e[0], e[1])):
        if item.kind == "list_item":
            if not out or out[-1].kind != "list":
                out.append(Item("list", item.line, ordered=item.ordered))
            out[-1].items.append(item)
        else:
            out.append(item)
    return out, findings


def _groups(items: list[Item], sections: Sequence[Any]) -> tuple[list[Group], list[Finding]]:
    """Items grouped by the relevance section holding their line; drifting sections are findings."""
    groups: list[Group] = []
    findings: list[Finding] = []
    for item in items:
        section = next((s for s in sections if s.line <= item.line <= s.end_line), None)
        if groups and groups[-1].section is section:
            groups[-1].items.append(item)
            continue
        group = Group([item], section)
        if section is not None:
            group.shade = next((n for floor, n in SHADES if section.score >= floor), 4)
            if section.drifting:
                label = f"section off topic (relevance {section.score:.0f}/100, lines {section.line}-{section.end_line})"
                group.finding = Finding("offtopic", section.line, label, _short(printable(section.heading), 60))
                findings.append(group.finding)
        groups.append(group)
    return groups, findings


def _slots(groups: list[Group]) -> list[Item | Piece]:
    """Every element that can carry an id, in document order."""
    out: list[Item | Piece] = []
    for group in groups:
        for item in group.items:
            for entry in item.items or [item]:
                out.append(entry)
                out.extend(p for p in entry.pieces if p.line != entry.line)
    return out


def _anchor(groups: list[Group], wanted: set[int]) -> list[int]:
    """id="line-N" on the first element of each line; a wanted line without one gets an empty anchor
    before the next element (front matter lines, the end of a section). Returns the lines left over."""
    slots = _slots(groups)
    taken: set[int] = set()
    for slot in slots:
        if slot.line not in taken:
            slot.anchor = slot.line
            taken.add(slot.line)
    tail: list[int] = []
    for line in sorted(wanted - taken):
        after = next((s for s in slots if s.line > line and isinstance(s, Item)), None)
        if after is None:
            tail.append(line)
        else:
            after.before.append(line)
    return tail


def _suggestions(report: Any) -> list[SuggestionView]:
    out = []
    for s in report.suggestions:
        gain = report.overall_gain(s)
        if gain < MIN_GAIN:
            continue
        own = f"+{s.gain:.1f} {s.target} points" if report.relevance is not None else ""
        out.append(SuggestionView(s.line, printable(s.message), s.signal, gain, own))
    return out


def build(doc: Document, report: Any) -> View:
    """The view of a scored draft: items grouped by section, findings, suggestions, anchors."""
    items, findings = _items(doc, sentence_findings(doc))
    sections = report.relevance.sections if report.relevance is not None else []
    groups, drift = _groups(items, sections)
    findings = sorted(findings + drift, key=lambda f: (f.line, f.kind))
    suggestions = _suggestions(report)
    wanted = {f.line for f in findings} | {s.line for s in suggestions if s.line}
    tail = _anchor(groups, wanted)
    return View(groups, findings, suggestions, tail)


def sparkline(values: Sequence[float], *, width: int = 120, height: int = 28, label: str = "Overall score") -> str:
    """A small inline SVG (escaped HTML) of scores (0-100) over versions, oldest first; the last dotted."""
    if not values:
        return ""
    lo = max(0.0, min(values) - 5)
    hi = min(100.0, max(values) + 5)
    span = max(hi - lo, 1.0)
    pad = 3.0
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    points = [(pad + i * step if len(values) > 1 else width / 2, pad + (hi - v) / span * (height - 2 * pad))
              for i, v in enumerate(values)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    versions = "version" if len(values) == 1 else "versions"
    title = escape(f"{label} over {len(values)} saved {versions}: " + " → ".join(f"{v:.0f}" for v in values[-8:]))
    return (f'<svg class="spark" xmlns="http://www.w3.org/2000/svg" width="{width:d}" height="{height:d}" '
            f'viewBox="0 0 {width:d} {height:d}" role="img" aria-label="{title}"><title>{title}</title>'
            f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{path}"/>'
            f'<circle cx="{points[-1][0]:.1f}" cy="{points[-1][1]:.1f}" r="2.5" fill="currentColor"/></svg>')


def shown(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"

