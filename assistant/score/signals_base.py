"""What the linkability signals are built from: the study or guide behind each signal (SOURCES),
the thresholds and curves they score against, and the helpers that make a Signal and its
suggestions. docs/scoring.md states these thresholds; a test checks that they match.
"""

from __future__ import annotations

from typing import Any

from assistant.documents import PROSE_KINDS, Block, Document
from assistant.score.model import Signal, Suggestion

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

# Numbers written as words, for the title and asset_format signals.
_NUMBER_WORDS = r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|fifty|hundred"


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
