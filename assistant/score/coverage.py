"""Subtopic and term coverage of a draft against reference pages (``--compare``).

Like a term report in Clearscope, but explained: which words and phrases most of the references
use and the draft does not (TF-IDF over the references and the draft, with how many references use
each term and a sentence where one does), and which subtopics the references discuss that no
sentence of the draft comes close to (the references' sentence embeddings clustered; each cluster
labelled by its most distinctive terms). scikit-learn is imported only when this runs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.score.model import Suggestion

if TYPE_CHECKING:
    import numpy as np

    from assistant.documents import Document
    from assistant.embeddings import Embedder

MAX_REFERENCE_SENTENCES = 400  # per reference: keeps clustering quick on long pages
MIN_SENTENCE_WORDS = 4  # shorter "sentences" (captions, buttons) are noise for subtopics
CLUSTER_DISTANCE = 0.62  # average-linkage cosine distance at which sentence clusters stop merging
COVERED_SIMILARITY = 0.65  # a subtopic is covered when a draft sentence is this close to one of its
COVERED_TERMS = 0.5  # ... or uses its first label term and this rank-weighted share of them all
MAX_TERMS = 15
MAX_SHARED_TERMS = 150  # shared terms considered (and embedded) per set of references
TERM_MIN_SIMILARITY = 0.2  # a term this far from the references' centroid is generic, not a topic term
MAX_SUBTOPICS = 10
SUBTOPIC_SHARE = 0.75  # of the coverage score; the rest comes from terms
COVERAGE_SHARE = 0.3  # of the relevance score, when references are given
TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*\b"


@dataclass
class Term:
    """A word or phrase the references use and the draft does not."""

    term: str
    references: int  # how many references use it
    uses: int  # median uses in the references that use it
    weight: float  # mean TF-IDF over the references
    example: str = ""
    example_path: str = ""
    similarity: float = 0.0  # to the centroid of the references' sentences

    def to_dict(self) -> dict[str, Any]:
        return {
            "term": self.term, "references": self.references, "uses": self.uses,
            "weight": round(self.weight, 4), "similarity": round(self.similarity, 3),
            "example": self.example, "example_path": self.example_path,
        }


@dataclass
class Subtopic:
    """A cluster of reference sentences about one thing, and how close the draft comes to it."""

    label: str
    terms: list[str]
    references: int
    sentences: int
    similarity: float  # the closest pair of a draft sentence and one of the subtopic's sentences
    covered: bool
    term_share: float = 0.0  # rank-weighted share of the label terms the draft uses
    headings: list[str] = field(default_factory=list)  # the references' headings over it
    example: str = ""
    example_path: str = ""
    draft_line: int | None = None  # the closest draft sentence

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label, "terms": self.terms, "references": self.references,
            "sentences": self.sentences, "similarity": round(self.similarity, 3),
            "covered": self.covered, "term_share": round(self.term_share, 3),
            "headings": self.headings, "example": self.example, "example_path": self.example_path,
            "draft_line": self.draft_line,
        }


@dataclass
class Coverage:
    """How much of what the references discuss the draft covers, and what it misses."""

    references: list[str]
    score: float
    subtopics: list[Subtopic] = field(default_factory=list)
    missing_terms: list[Term] = field(default_factory=list)
    shared_terms: int = 0  # terms at least half the references use (the base of the term share)
    term_share: float = 1.0

    @property
    def missing_subtopics(self) -> list[Subtopic]:
        return [s for s in self.subtopics if not s.covered]

    def to_dict(self) -> dict[str, Any]:
        return {
            "references": self.references,
            "score": round(self.score, 1),
            "subtopics": [s.to_dict() for s in self.subtopics],
            "missing_subtopics": [s.label for s in self.missing_subtopics],
            "missing_terms": [t.to_dict() for t in self.missing_terms],
            "shared_terms": self.shared_terms,
            "term_share": round(self.term_share, 3),
        }

    def suggestions(self, share: float = COVERAGE_SHARE) -> list[Suggestion]:
        """One suggestion per missing subtopic and one for the missing terms, gains in relevance points."""
        out: list[Suggestion] = []
        n = len(self.references)
        total = sum(s.references for s in self.subtopics) or 1
        for sub in self.missing_subtopics:
            gain = share * SUBTOPIC_SHARE * 100 * sub.references / total
            example = f", e.g. '{_clip(sub.example)}'" if sub.example else ""
            titled = ", ".join(f"'{h}'" for h in sub.headings)
            under = f" (their headings: {titled})" if titled else ""
            message = f"Add a section on {sub.label}: {sub.references} of {n} references cover it{under}{example}"
            out.append(Suggestion("coverage", message, gain, None, "relevance"))
        if self.missing_terms:
            top = self.missing_terms[:6]
            per_term = share * (1 - SUBTOPIC_SHARE) * 100 / max(1, self.shared_terms)
            shared = [t for t in top if t.references * 2 >= n]
            gain = per_term * len(shared) if shared else 0.5
            listed = ", ".join(f"'{t.term}' ({t.references}/{n})" for t in top)
            out.append(Suggestion("coverage", f"Use terms the references use and the draft does not: {listed}",
                                  gain, None, "relevance"))
        return out


def _clip(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _ref_sentences(ref: Document) -> list[str]:
    seen = dict.fromkeys(s.text for s in ref.sentences if len(s.text.split()) >= MIN_SENTENCE_WORDS)
    return list(seen)[:MAX_REFERENCE_SENTENCES]


def _headings(ref: Document) -> dict[str, str]:
    """Each sentence's section heading in a reference (none for the introduction)."""
    out: dict[str, str] = {}
    for section in ref.sections():
        if section.level:
            for sentence in section.sentences:
                out.setdefault(sentence.text, section.heading)
    return out


def reference_texts(compare: Sequence[Document]) -> list[str]:
    """Every text compute_coverage embeds: the reference sentences and their shared terms."""
    refs = [r for r in compare if _ref_sentences(r)]
    sentences = (t for ref in refs for t in _ref_sentences(ref))
    terms = (t.term for t in shared_terms(refs))
    return list(dict.fromkeys([*sentences, *terms]))


def compute_coverage(
    doc: Document, draft_vectors: np.ndarray, compare: Sequence[Document], embedder: Embedder
) -> Coverage:
    """Compare the draft with the references: missing terms and uncovered subtopics."""
    refs = [r for r in compare if _ref_sentences(r)]
    paths = [r.path for r in compare]
    if not refs:
        return Coverage(paths, 100.0)
    subtopics, centroid = find_subtopics(doc, draft_vectors, refs, embedder)
    terms, shared, term_share = missing_terms(doc, refs, embedder, centroid)
    total = sum(s.references for s in subtopics)
    covered = sum(s.references for s in subtopics if s.covered)
    sub_share = covered / total if total else 1.0
    score = 100 * (SUBTOPIC_SHARE * sub_share + (1 - SUBTOPIC_SHARE) * term_share)
    return Coverage(paths, score, subtopics, terms, shared, term_share)


# --------------------------------------------------------------------------- terms


def _vectorizer(**kw: Any) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(ngram_range=(1, 2), stop_words="english", token_pattern=TOKEN_PATTERN,
                           sublinear_tf=True, lowercase=True, **kw)


def shared_terms(refs: Sequence[Document]) -> list[Term]:
    """Terms at least half the references (and at least two, when there are two) use.

    The MAX_SHARED_TERMS most used, by number of references then mean TF-IDF over the references.
    """
    import numpy as np

    if not refs:
        return []
    vec = _vectorizer()
    try:
        tfidf = vec.fit_transform([r.text for r in refs])
    except ValueError:  # only stop words
        return []
    vocab = vec.get_feature_names_out()
    ref_counts = np.asarray((tfidf > 0).sum(axis=0)).ravel()
    weights = np.asarray(tfidf.sum(axis=0)).ravel() / len(refs)
    needed = max(2, math.ceil(len(refs) / 2)) if len(refs) > 1 else 1
    shared = sorted(np.flatnonzero(ref_counts >= needed), key=lambda i: (-ref_counts[i], -weights[i]))
    return [Term(str(vocab[i]), int(ref_counts[i]), 0, float(weights[i])) for i in shared[:MAX_SHARED_TERMS]]


def missing_terms(
    doc: Document, refs: Sequence[Document], embedder: Embedder | None = None,
    centroid: np.ndarray | None = None,
) -> tuple[list[Term], int, float]:
    """Shared terms of the references that the draft does not use, best first.

    With an embedder and the references' centroid, terms far from what the references are about
    (generic words such as 'new' or 'keeps') are dropped first. Returns (the missing terms, how many
    shared terms there are, the share of them the draft uses).
    """
    shared = shared_terms(refs)
    if shared and embedder is not None and centroid is not None:
        sims = embedder.encode([t.term for t in shared]) @ centroid
        for term, sim in zip(shared, sims, strict=True):
            term.similarity = float(sim)
        shared = [t for t in shared if t.similarity >= TERM_MIN_SIMILARITY]
    if not shared:
        return [], 0, 1.0
    draft_terms = _draft_terms(doc)
    missing = [t for t in shared if not _variants(t.term) & draft_terms]
    share = 1 - len(missing) / len(shared)
    missing.sort(key=lambda t: (-t.references, -t.similarity, -t.weight))
    chosen: list[Term] = []
    for t in missing:
        # A unigram inside an already chosen phrase used by as many references adds nothing.
        if " " not in t.term and any(t.term in c.term.split() and c.references >= t.references for c in chosen):
            continue
        t.example, t.example_path = _example(t.term, refs)
        if not t.example:
            continue  # a "phrase" made by dropping a stop word between two words ("meetings written")
        t.uses = _median_uses(t.term, refs)
        chosen.append(t)
        if len(chosen) >= MAX_TERMS:
            break
    return chosen, len(shared), share


def _term_re(term: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in term.split()]
    return re.compile(r"\b" + r"\W+".join(words) + r"\b", re.I)


def _example(term: str, refs: Sequence[Document]) -> tuple[str, str]:
    pattern = _term_re(term)
    for ref in refs:
        for s in ref.sentences:
            if pattern.search(s.text):
                return _clip(s.text, 200), ref.path
    return "", ""


def _median_uses(term: str, refs: Sequence[Document]) -> int:
    pattern = _term_re(term)
    counts = sorted(c for c in (len(pattern.findall(r.text)) for r in refs) if c)
    return counts[len(counts) // 2] if counts else 0


# --------------------------------------------------------------------------- subtopics


def find_subtopics(
    doc: Document, draft_vectors: np.ndarray, refs: Sequence[Document], embedder: Embedder
) -> tuple[list[Subtopic], np.ndarray | None]:
    """Cluster the references' sentences; keep clusters several references share; test the draft.

    Also returns the normalised centroid of all the reference sentences (None when there are none).
    """
    import numpy as np

    texts: list[str] = []
    owner: list[int] = []
    headings: list[str] = []
    for n, ref in enumerate(refs):
        under = _headings(ref)
        for t in _ref_sentences(ref):
            texts.append(t)
            owner.append(n)
            headings.append(under.get(t, ""))
    if not texts:
        return [], None
    vectors = embedder.encode(texts)
    overall = vectors.mean(axis=0)
    overall /= float(np.linalg.norm(overall)) or 1.0
    if len(texts) < 2:
        return [], overall
    labels = _cluster(vectors)
    clusters = [np.flatnonzero(labels == k).tolist() for k in sorted(set(labels.tolist()))]
    names = _label_clusters(texts, clusters)
    needed = max(2, math.ceil(len(refs) / 2)) if len(refs) > 1 else 1
    draft_terms = _draft_terms(doc)
    out: list[Subtopic] = []
    for members, terms in zip(clusters, names, strict=True):
        sources = {owner[i] for i in members}
        if len(sources) < needed or len(members) < 2:
            continue
        pairs = vectors[members] @ draft_vectors.T if len(draft_vectors) else np.zeros((len(members), 1))
        _, draft_i = np.unravel_index(int(pairs.argmax()), pairs.shape)
        similarity = float(pairs.max())
        centroid = vectors[members].mean(axis=0)
        central = members[int(np.argmax(vectors[members] @ centroid))]
        term_share = _term_presence(terms, draft_terms)
        out.append(Subtopic(
            label=" / ".join(terms[:2]) if terms else _clip(texts[central], 40),
            terms=terms,
            references=len(sources),
            sentences=len(members),
            similarity=similarity,
            covered=similarity >= COVERED_SIMILARITY
            or (term_share >= COVERED_TERMS and _uses(terms[0], draft_terms)),
            term_share=term_share,
            headings=list(dict.fromkeys(h for h in (headings[i] for i in members) if h))[:3],
            example=_clip(texts[central], 200),
            example_path=refs[owner[central]].path,
            draft_line=doc.sentences[int(draft_i)].line if len(draft_vectors) else None,
        ))
    out.sort(key=lambda s: (-s.references, -s.sentences))
    return out[:MAX_SUBTOPICS], overall


def _variants(term: str) -> set[str]:
    """The term and its naive singular/plural, so 'meeting' matches 'meetings'."""
    out = {term}
    if term.endswith("s") and len(term) > 3:
        out.add(term[:-1])
    else:
        out.add(term + "s")
    return out


def _draft_terms(doc: Document) -> set[str]:
    analyzer = _vectorizer().build_analyzer()
    return set(analyzer(" ".join([doc.title, doc.text, *(b.text for b in doc.headings)])))


def _uses(term: str, draft_terms: set[str]) -> bool:
    """The draft uses the term, a plural/singular of it, or (for a phrase) each of its words."""
    if _variants(term) & draft_terms:
        return True
    words = term.split()
    return len(words) > 1 and all(_variants(w) & draft_terms for w in words)


def _term_presence(terms: list[str], draft_terms: set[str]) -> float:
    """Rank-weighted share of a subtopic's label terms the draft uses (first term counts most)."""
    weights = [len(terms) - i for i in range(len(terms))]
    found = sum(w for t, w in zip(terms, weights, strict=True) if _uses(t, draft_terms))
    return found / sum(weights) if weights else 0.0


def _cluster(vectors: np.ndarray) -> np.ndarray:
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=CLUSTER_DISTANCE
    )
    return model.fit_predict(vectors)


def _label_clusters(texts: list[str], clusters: list[list[int]]) -> list[list[str]]:
    """Each cluster's distinctive terms: share of its sentences using a term x rarity across clusters."""
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    counter = CountVectorizer(ngram_range=(1, 2), stop_words="english", token_pattern=TOKEN_PATTERN,
                              binary=True)
    try:
        x = counter.fit_transform(texts).tocsr()
    except ValueError:
        return [[] for _ in clusters]
    vocab = counter.get_feature_names_out()
    df = np.vstack([np.asarray(x[m].sum(axis=0)).ravel() for m in clusters])  # clusters x terms
    idf = np.log((1 + len(clusters)) / (1 + (df > 0).sum(axis=0))) + 1
    phrase = np.array([1.3 if " " in t else 1.0 for t in vocab])
    out: list[list[str]] = []
    for members, row in zip(clusters, df, strict=True):
        weight = row / len(members) * idf * phrase
        joined = " \n ".join(texts[i] for i in members)
        terms: list[str] = []
        for i in np.argsort(-weight):
            if row[i] == 0 or len(terms) >= 4:
                break
            t = str(vocab[i])
            if len(members) > 1 and row[i] < 2 and terms:
                continue
            if " " in t and not _term_re(t).search(joined):
                continue  # two words that only meet once a stop word between them is dropped
            overlap = [c for c in terms if t in c or c in t]
            if overlap:
                # "time" then "time zones" (in as many sentences): the phrase names it, not "time / zones".
                word = overlap[0]
                if len(overlap) == 1 and " " not in word and word in t.split() and row[i] >= 2:
                    terms[terms.index(word)] = t
                continue
            terms.append(t)
        out.append(terms)
    return out
