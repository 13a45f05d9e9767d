"""The shapes every scorer returns: signals with evidence, and suggestions with their worth."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """One thing found in the draft (or found missing), with where it is."""

    text: str
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Suggestion:
    """A concrete change, where to make it, and the points it is expected to add.

    ``gain`` is in points of the score it belongs to (``target``: "linkability" or "relevance"),
    already multiplied by the signal's weight share, so suggestions can be ranked across signals.
    """

    signal: str
    message: str
    gain: float
    line: int | None = None
    target: str = "linkability"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["gain"] = round(self.gain, 1)
        return d


@dataclass
class Signal:
    """A named 0-100 measurement of one aspect of the draft."""

    name: str
    score: float
    weight: float = 1.0
    evidence: list[Evidence] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    source: str = ""  # the study or style guide the thresholds come from

    @property
    def suggestion(self) -> str | None:
        return self.suggestions[0].message if self.suggestions else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "score": round(self.score, 1),
            "weight": self.weight,
            "evidence": [e.to_dict() for e in self.evidence],
            "suggestion": self.suggestion,
            "suggestions": [s.to_dict() for s in self.suggestions],
            "details": self.details,
            "source": self.source,
        }
