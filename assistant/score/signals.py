"""Linkability: named signals, each a pure function of a Document, combined by weight.

Every signal returns a 0-100 score, the evidence it found (with lines), and suggestions whose
``gain`` is in the signal's own points; :func:`linkability` weights the signals and converts each
gain into points of the overall score (weight share x points the signal would rise), so
suggestions from different signals can be ranked together. docs/scoring.md lists each signal's
thresholds and the study or style guide they come from.

The signals themselves are in assistant.score.signals_content (depth, evidence, asset_format,
freshness) and assistant.score.signals_form (structure, readability, title); their sources,
thresholds and shared helpers in assistant.score.signals_base.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.documents import Document
from assistant.score.model import Signal, Suggestion
from assistant.score.signals_base import STALE_YEARS
from assistant.score.signals_content import asset_format, depth, evidence, freshness
from assistant.score.signals_form import readability, structure, title

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
    from assistant.settings import weights

    return weights(overrides, DEFAULT_WEIGHTS, "score.weights", what="signal", allow_all_zero=False)


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
