"""Score drafts: linkability signals plus topical relevance, one Report per draft.

Every text the relevance scorer will embed (topics, sentences, reference pages) is collected
from all drafts first and encoded in ONE call, so a batch of drafts costs one pass of the model
(and the on-disk cache means an unchanged draft costs none); each draft's relevance then reads
those vectors from memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from assistant.documents import DEFAULT_MAX_BYTES, Document
from assistant.errors import AssistError, first_line, raise_errors, shown_path
from assistant.score.model import Suggestion
from assistant.score.signals import Linkability, linkability, resolve_weights
from assistant.score.signals_base import STALE_YEARS

if TYPE_CHECKING:
    import numpy as np

    from assistant.embeddings import Embedder
    from assistant.score.relevance import Relevance

RELEVANCE_SHARE = 0.4  # of the overall score; the rest is linkability


class Progress(Protocol):
    """Where long work reports how far it has got (the CLI draws a rich progress bar)."""

    def start(self, label: str, total: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...


@dataclass
class Report:
    """One draft's scores, or the one-line error that stopped it from being scored."""

    path: str
    title: str = ""
    word_count: int = 0
    linkability: Linkability | None = None
    relevance: Relevance | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def score(self) -> float | None:
        """Overall: linkability, blended with relevance (RELEVANCE_SHARE) when it was measured."""
        if self.linkability is None:
            return None
        if self.relevance is None:
            return self.linkability.score
        return (1 - RELEVANCE_SHARE) * self.linkability.score + RELEVANCE_SHARE * self.relevance.score

    def overall_gain(self, suggestion: Suggestion) -> float:
        """A suggestion's expected gain in points of the overall score.

        ``gain`` is in points of linkability or of relevance (``target``); the overall score weighs
        them 0.6 / 0.4, so +5 relevance is worth +2 overall and +5 linkability +3.
        """
        if self.relevance is None:
            return suggestion.gain
        share = RELEVANCE_SHARE if suggestion.target == "relevance" else 1 - RELEVANCE_SHARE
        return suggestion.gain * share

    @property
    def suggestions(self) -> list[Suggestion]:
        """Every suggestion, the one expected to raise the overall score most first."""
        found = list(self.linkability.suggestions) if self.linkability else []
        found += list(self.relevance.suggestions) if self.relevance else []
        return sorted(found, key=lambda s: (-round(self.overall_gain(s), 6), s.line or 0))

    def to_dict(self) -> dict[str, Any]:
        if self.error is not None:
            return {"path": self.path, "error": self.error}
        score = self.score
        return {
            "path": self.path,
            "title": self.title,
            "word_count": self.word_count,
            "score": round(score, 1) if score is not None else None,
            "linkability": self.linkability.to_dict() if self.linkability else None,
            "relevance": self.relevance.to_dict() if self.relevance else None,
            "suggestions": [s.to_dict() | {"overall_gain": round(self.overall_gain(s), 1)} for s in self.suggestions],
        }


class _Memo:
    """An embedder that answers from vectors encoded up front, and asks the real one for the rest."""

    def __init__(self, embedder: Embedder, texts: Sequence[str], vectors: np.ndarray) -> None:
        self.embedder = embedder
        self.rows = {t: i for i, t in enumerate(texts)}
        self.vectors = vectors

    def encode(self, texts: Sequence[str], progress: Any = None) -> np.ndarray:
        import numpy as np

        texts = list(texts)
        missing = [t for t in dict.fromkeys(texts) if t not in self.rows]
        if missing:
            extra = self.embedder.encode(missing, progress=progress)
            start = len(self.vectors)
            self.vectors = np.vstack([self.vectors, extra]) if len(self.vectors) else extra
            self.rows.update({t: start + i for i, t in enumerate(missing)})
        return self.vectors[[self.rows[t] for t in texts]]


def _failed(path: str, exc: Exception) -> Report:
    if isinstance(exc, AssistError):
        return Report(path=path, error=str(exc))
    return Report(path=path, error=f"{shown_path(path)}: internal error: {type(exc).__name__}: {first_line(exc)}")


def load_documents(
    paths: Iterable[str], *, max_bytes: int = DEFAULT_MAX_BYTES, on_error: Callable[[Report], None] | None = None,
    progress: Progress | None = None,
) -> tuple[list[Document], list[Report]]:
    """Load every path; a bad one becomes an error Report (and the rest are still loaded)."""
    from assistant import documents

    docs: list[Document] = []
    errors: list[Report] = []
    paths = list(paths)
    if progress and len(paths) > 1:
        progress.start(f"Reading {len(paths):,} drafts", len(paths))
    for path in paths:
        if progress and len(paths) > 1:
            progress.advance(1)
        try:
            docs.append(documents.load(path, max_bytes=max_bytes))
        except AssistError as exc:
            errors.append(_failed(path, exc))
            if on_error:
                on_error(errors[-1])
    return docs, errors


def pre_encode(
    docs: Sequence[Document], embedder: Embedder, *, topic: str | None = None,
    compare: Sequence[Document] = (), progress: Progress | None = None,
) -> _Memo:
    """Encode every text the drafts' relevance needs in one call; return an embedder answering from it."""
    from assistant.score.relevance import texts_for

    texts: dict[str, None] = {}
    for doc in docs:
        texts.update(dict.fromkeys(texts_for(doc, topic, compare)))
    # Sorted by length, the embedder's batches hold texts of similar length: less padding, and as
    # fast as handing the model every text at once (which sorts them itself).
    ordered = sorted(texts, key=len)
    if progress:
        progress.start(f"Embedding {len(ordered):,} texts", len(ordered))
    vectors = embedder.encode(ordered, progress=progress.advance if progress else None)
    return _Memo(embedder, ordered, vectors)


def score_documents(
    docs: Sequence[Document],
    embedder: Embedder | None,
    *,
    topic: str | None = None,
    compare: Sequence[Document] = (),
    weights: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
    stale_years: int = STALE_YEARS,
) -> list[Report]:
    """Score each draft's linkability and (with an embedder) its relevance; errors become error Reports."""
    weights = resolve_weights(weights)  # a bad [score.weights] fails before any embedding
    memo = pre_encode(docs, embedder, topic=topic, compare=compare, progress=progress) if embedder and docs else None
    if progress:
        progress.start(f"Scoring {len(docs)} draft(s)", len(docs))
    reports = [_score_one(doc, memo, topic, compare, weights, today, stale_years) for doc in _ticking(docs, progress)]
    return reports


def _ticking(docs: Sequence[Document], progress: Progress | None) -> Iterable[Document]:
    for doc in docs:
        yield doc
        if progress:
            progress.advance(1)


def _score_one(
    doc: Document, memo: _Memo | None, topic: str | None, compare: Sequence[Document],
    weights: Mapping[str, Any] | None, today: dt.date | None, stale_years: int,
) -> Report:
    from assistant.errors import ConfigError

    try:
        link = linkability(doc, weights, today=today, stale_years=stale_years)
        relevance = None
        if memo is not None:
            from assistant.score.relevance import compute_relevance

            relevance = compute_relevance(doc, memo, topic=topic, compare=compare)  # type: ignore[arg-type]
    except ConfigError:
        raise  # a bad [score.weights] is the run's problem, not this draft's
    except Exception as exc:  # noqa: BLE001 - one draft must not stop a directory run
        if raise_errors():
            raise
        return _failed(doc.path, exc)
    return Report(path=doc.path, title=doc.title, word_count=doc.word_count, linkability=link, relevance=relevance)


@dataclass
class Batch:
    """Reports for a run over many paths, in the order the paths were given."""

    reports: list[Report] = field(default_factory=list)

    @property
    def errors(self) -> list[Report]:
        return [r for r in self.reports if not r.ok]

    def below(self, min_score: float) -> list[Report]:
        """Scored drafts whose linkability is under min_score."""
        return [r for r in self.reports if r.ok and r.linkability and r.linkability.score < min_score]


def score_paths(
    paths: Iterable[str], embedder: Embedder | None, *, max_bytes: int = DEFAULT_MAX_BYTES,
    on_error: Callable[[Report], None] | None = None, **kw: Any,
) -> Batch:
    """Load and score every path (directories expanded); bad files are error entries, the rest score."""
    from assistant.documents import iter_paths, unique_paths

    ordered: list[str] = []
    empty: list[Report] = []
    for path in paths:
        found = list(iter_paths([path]))
        if not found:  # a directory with no drafts in it
            empty.append(Report(path=path, error=f"{path}: no drafts (.md, .markdown, .html, .txt) in this directory"))
            if on_error:
                on_error(empty[-1])
        ordered += found or [path]
    ordered = unique_paths(ordered)
    docs, errors = load_documents([p for p in ordered if p not in {r.path for r in empty}],
                                  max_bytes=max_bytes, on_error=on_error, progress=kw.get("progress"))
    errors += empty
    scored = {r.path: r for r in score_documents(docs, embedder, **kw)}
    for report in scored.values():
        if not report.ok and on_error:  # a draft that broke while scored is named like a bad file
            on_error(report)
    failed = {r.path: r for r in errors}
    reports = [scored.get(p) or failed[p] for p in ordered if p in scored or p in failed]
    return Batch(reports)
