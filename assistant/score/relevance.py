"""Topical relevance: how close a draft stays to its topic, section by section.

The draft's sentences and the topic are embedded (``assistant.embeddings``); the draft is scored
on a blend of its centroid's similarity to the topic and its best sentences' similarity, mapped to
0-100 by a calibration measured on real text (see docs/embeddings.md). Sections whose own
similarity to the topic and to the rest of the draft are low are flagged as drifting.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from assistant.documents import count_words
from assistant.score.model import Suggestion
from assistant.score.signals_base import ramp

if TYPE_CHECKING:
    import numpy as np

    from assistant.documents import Document, Section
    from assistant.embeddings import Embedder
    from assistant.score.coverage import Coverage

# Cosine (blend of centroid and top sentences vs the topic) -> 0-100, linear between points.
# Measured with all-MiniLM-L6-v2: on-topic drafts blend 0.45-0.65, drafts on a neighbouring
# subject 0.15-0.25, unrelated ones around 0.0 (docs/embeddings.md has the figures).
CALIBRATION: tuple[tuple[float, float], ...] = (
    (0.05, 0.0), (0.15, 20.0), (0.30, 50.0), (0.45, 75.0), (0.60, 92.0), (0.75, 100.0),
)
CENTROID_SHARE = 0.5  # the rest of the blend is the mean of the top sentences
TOP_SHARE = 0.1  # top sentences: 10% of the sentences, at least TOP_MIN
TOP_MIN = 3
DRIFT_SCORE = 40.0  # a section scoring below this against the topic ...
DRIFT_REST_MARGIN = 0.15  # ... and this much less similar to the rest than the draft's median
DRIFT_HARD_SCORE = 20.0  # below this a section drifts whatever the rest says
DRIFT_MIN_SENTENCES = 2  # one-line sections (a call to action) are not judged
DRIFT_PENALTY = 0.8  # the score is multiplied by 1 - DRIFT_PENALTY * (share of words drifting)


@dataclass
class SectionRelevance:
    """One section's closeness to the topic and to the rest of the draft."""

    heading: str
    line: int
    end_line: int
    similarity: float  # blend of the section's centroid and top sentences vs the topic
    score: float
    rest_similarity: float  # section centroid vs the centroid of every other section
    drifting: bool = False
    sentences: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "heading": self.heading,
            "line": self.line,
            "end_line": self.end_line,
            "similarity": round(self.similarity, 3),
            "score": round(self.score, 1),
            "rest_similarity": round(self.rest_similarity, 3),
            "drifting": self.drifting,
            "sentences": self.sentences,
        }


@dataclass
class Relevance:
    """The draft's topical relevance, its sections, coverage against references and suggestions."""

    score: float
    topic: str
    topic_source: str  # option | front_matter | keywords | title | text
    similarity: float
    centroid_similarity: float = 0.0
    topic_score: float | None = None  # the score before coverage was blended in (None: no references)
    sections: list[SectionRelevance] = field(default_factory=list)
    coverage: Coverage | None = None
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def drifting(self) -> list[SectionRelevance]:
        return [s for s in self.sections if s.drifting]

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 1),
            "topic": self.topic,
            "topic_source": self.topic_source,
            "similarity": round(self.similarity, 3),
            "centroid_similarity": round(self.centroid_similarity, 3),
            "topic_score": round(self.topic_score, 1) if self.topic_score is not None else None,
            "sections": [s.to_dict() for s in self.sections],
            "coverage": self.coverage.to_dict() if self.coverage is not None else None,
            "suggestions": [s.to_dict() for s in self.suggestions],
        }


def resolve_topic(doc: Document, topic: str | None = None) -> tuple[str, str]:
    """The topic text and where it came from: the option, front matter, keywords, title or text."""
    if topic and topic.strip():
        return " ".join(topic.split()), "option"
    if doc.topic:
        return doc.topic, "front_matter"
    if doc.keywords:
        return ", ".join(doc.keywords), "keywords"
    if doc.title.strip():
        return doc.title.strip(), "title"
    fallback = doc.description or (doc.sentences[0].text if doc.sentences else "")
    return fallback, "text"


def texts_for(doc: Document, topic: str | None = None, compare: Sequence[Document] = ()) -> list[str]:
    """Every text compute_relevance embeds for this draft (so callers can pre-encode in one batch)."""
    texts = [resolve_topic(doc, topic)[0]]
    texts.extend(s.text for s in doc.sentences)
    if compare:
        from assistant.score.coverage import reference_texts

        texts.extend(reference_texts(compare))
    return list(dict.fromkeys(texts))


def to_score(similarity: float) -> float:
    """Map a blended cosine to 0-100 along CALIBRATION."""
    return ramp(similarity, CALIBRATION)


def _centroid(vectors: np.ndarray) -> np.ndarray:
    import numpy as np

    c = vectors.mean(axis=0)
    norm = float(np.linalg.norm(c))
    return c / norm if norm > 0 else c


def blend(vectors: np.ndarray, topic_vec: np.ndarray) -> tuple[float, float]:
    """(blended similarity, centroid similarity) of a set of sentence vectors to the topic."""
    import numpy as np

    if len(vectors) == 0:
        return 0.0, 0.0
    sims = vectors @ topic_vec
    k = min(len(sims), max(TOP_MIN, math.ceil(TOP_SHARE * len(sims))))
    top = float(np.sort(sims)[-k:].mean())
    centroid = float(_centroid(vectors) @ topic_vec)
    return CENTROID_SHARE * centroid + (1 - CENTROID_SHARE) * top, centroid


def compute_relevance(
    doc: Document,
    embedder: Embedder,
    topic: str | None = None,
    compare: Sequence[Document] = (),
) -> Relevance:
    """Score the draft's closeness to its topic, flag drifting sections, and compare coverage."""
    topic_text, source = resolve_topic(doc, topic)
    sentence_texts = [s.text for s in doc.sentences]
    vectors = embedder.encode([topic_text, *sentence_texts])
    topic_vec, sent_vecs = vectors[0], vectors[1:]
    similarity, centroid_sim = blend(sent_vecs, topic_vec)
    sections = _sections(doc.sections(), sent_vecs, topic_vec, doc)
    score = _score(doc, sent_vecs, topic_vec, sections)
    suggestions = [
        _drift_suggestion(s, score, doc, sent_vecs, topic_vec, sections, topic_text) for s in sections if s.drifting
    ]
    result = Relevance(
        score=score, topic=topic_text, topic_source=source, similarity=similarity,
        centroid_similarity=centroid_sim, sections=sections, suggestions=suggestions,
    )
    if compare:
        from assistant.score.coverage import COVERAGE_SHARE, compute_coverage

        result.coverage = compute_coverage(doc, sent_vecs, compare, embedder)
        result.topic_score = score
        result.score = (1 - COVERAGE_SHARE) * score + COVERAGE_SHARE * result.coverage.score
        result.suggestions = [
            replace(s, gain=s.gain * (1 - COVERAGE_SHARE)) for s in result.suggestions
        ] + result.coverage.suggestions(COVERAGE_SHARE)
    result.suggestions.sort(key=lambda s: -s.gain)
    return result


def _rows(doc: Document, section: SectionRelevance | Section) -> list[int]:
    """Indexes into doc.sentences of the sentences within a section's lines."""
    return [i for i, s in enumerate(doc.sentences) if section.line <= s.line <= section.end_line]


def _score(
    doc: Document, sent_vecs: np.ndarray, topic_vec: np.ndarray,
    sections: list[SectionRelevance], skip: SectionRelevance | None = None,
) -> float:
    """The calibrated blend, less the share of words in drifting sections (optionally one cut)."""
    cut = set(_rows(doc, skip)) if skip is not None else set()
    keep = [i for i in range(len(doc.sentences)) if i not in cut]
    if not keep:
        return 0.0
    words = [count_words(doc.sentences[i].text) for i in keep]
    drifting: set[int] = set()
    for sec in sections:
        if sec.drifting and sec is not skip:
            drifting.update(_rows(doc, sec))
    share = sum(w for i, w in zip(keep, words, strict=True) if i in drifting) / max(1, sum(words))
    return to_score(blend(sent_vecs[keep], topic_vec)[0]) * (1 - DRIFT_PENALTY * share)


def _sections(
    sections: list[Section], sent_vecs: np.ndarray, topic_vec: np.ndarray, doc: Document
) -> list[SectionRelevance]:
    import numpy as np

    rows = [_rows(doc, sec) for sec in sections]
    centroids = [_centroid(sent_vecs[r]) if r else None for r in rows]
    out: list[SectionRelevance] = []
    for n, (sec, r) in enumerate(zip(sections, rows, strict=True)):
        if not r:
            continue
        sim, _ = blend(sent_vecs[r], topic_vec)
        others = [c for m, c in enumerate(centroids) if m != n and c is not None]
        rest = float(centroids[n] @ _centroid(np.stack(others))) if others else 1.0
        out.append(SectionRelevance(sec.heading, sec.line, sec.end_line, sim, to_score(sim), rest, sentences=len(r)))
    _flag_drift(out)
    return out


def _flag_drift(sections: list[SectionRelevance]) -> None:
    """Off topic AND unlike the rest of the draft; or far off topic whatever the rest says."""
    if len(sections) < 2:
        return
    rests = sorted(s.rest_similarity for s in sections)
    median = rests[len(rests) // 2]
    for s in sections:
        if s.sentences < DRIFT_MIN_SENTENCES:
            continue
        unlike_rest = s.rest_similarity < median - DRIFT_REST_MARGIN
        s.drifting = s.score < DRIFT_HARD_SCORE or (s.score < DRIFT_SCORE and unlike_rest)


def _drift_suggestion(
    section: SectionRelevance, score: float, doc: Document, sent_vecs: np.ndarray,
    topic_vec: np.ndarray, sections: list[SectionRelevance], topic: str = "",
) -> Suggestion:
    """Cut or refocus a drifting section; the gain is the score without its sentences."""
    gain = max(_score(doc, sent_vecs, topic_vec, sections, skip=section) - score, 0.5)
    named = f" '{topic if len(topic) <= 80 else topic[:79].rsplit(' ', 1)[0] + '…'}'" if topic else ""
    message = (
        f"Section '{section.heading}' (lines {section.line}-{section.end_line}) wanders off the topic{named} "
        f"(relevance {section.score:.0f}/100): cut it, or rewrite it to show how it bears on that topic"
    )
    return Suggestion(signal="relevance", message=message, gain=gain, line=section.line, target="relevance")
