"""The lexical signal of a ranking: Okapi BM25 over every site's text chunks (bm25s).

The chunks are the ones the semantic signal embeds (``site_vectors``: a site's description and
pages, chunked in full by ``index.site_texts``), each with the path words of its links added
(``chunking.path_words``). A query is the draft's most telling words, each
weighted by how often the draft uses it (1 + log tf), at most :data:`MAX_QUERY_TERMS`. A site's
lexical score is the BM25 score of its best-matching chunk: a resource list that names the draft's
project in one line scores on that line, not on the average of its other sections.

The index is saved beside the vector index and rebuilt only when the stored chunks change (the same
count-and-newest-``built_at`` check); each query maps it and adds up the posting lists of the query
terms (sparse, so it is milliseconds for millions of chunks).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

MAX_QUERY_TERMS = 200
K1, B = 1.2, 0.75
_TOKEN = re.compile(r"\b(?=[a-z0-9+#]*[a-z])[a-z0-9][a-z0-9+#]+")  # two or more characters, not a bare number
# English function words; the lexical signal is about subject words and names.
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most my
    myself no nor not now of off on once only or other our ours ourselves out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves also use using used via may might must shall one two get gets like make
    makes new etc eg ie www com org img src href""".split()
)


def tokens(text: str) -> list[str]:
    """Lower-case words of two or more characters, stop words left out."""
    return [t for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS]


def query_terms(text: str, limit: int = MAX_QUERY_TERMS) -> dict[str, float]:
    """The draft's words weighted 1 + log(count), the most frequent first, at most ``limit``."""
    counts = Counter(tokens(text))
    return {t: 1.0 + math.log(c) for t, c in counts.most_common(limit)}


@dataclass
class LexicalIndex:
    """BM25 over chunks: the bm25s score matrix (CSC by term), the vocabulary, and each chunk's site."""

    retriever: object
    vocab: dict[str, int]
    chunk_site: np.ndarray  # int64, one site id per chunk
    chunk_pos: np.ndarray  # int32, the chunk's position among its site's chunks

    @property
    def size(self) -> int:
        return len(self.chunk_site)

    def chunk_scores(self, terms: dict[str, float]) -> np.ndarray:
        """BM25 of every chunk for the weighted query terms."""
        return _scores(self.retriever, self.vocab, terms, self.size)

    def site_scores(self, terms: dict[str, float]) -> SiteScores:
        """Every site's best chunk for the weighted query terms."""
        import numpy as np

        scores = self.chunk_scores(terms)
        if not self.size:
            return SiteScores(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), scores, self)
        # chunks are stored site by site: one reduceat gives each site's best chunk
        starts = np.flatnonzero(np.r_[True, self.chunk_site[1:] != self.chunk_site[:-1]])
        return SiteScores(self.chunk_site[starts], np.maximum.reduceat(scores, starts), scores, self, starts)


@dataclass
class SiteScores:
    """Per site (ids sorted): the BM25 score of its best chunk; and where that chunk is."""

    ids: np.ndarray
    best: np.ndarray
    chunk_scores: np.ndarray
    index: LexicalIndex
    starts: np.ndarray | None = None

    def top(self) -> float:
        return float(self.best.max()) if len(self.best) else 0.0

    def get(self, site_id: int) -> float:
        import numpy as np

        at = int(np.searchsorted(self.ids, site_id))
        return float(self.best[at]) if at < len(self.ids) and self.ids[at] == site_id else 0.0

    def best_chunk(self, site_id: int) -> int | None:
        """The position, among the site's chunks, of its best-matching chunk (None without a match)."""
        import numpy as np

        at = int(np.searchsorted(self.ids, site_id))
        if self.starts is None or at >= len(self.ids) or self.ids[at] != site_id or self.best[at] <= 0:
            return None
        lo = int(self.starts[at])
        hi = int(self.starts[at + 1]) if at + 1 < len(self.starts) else len(self.chunk_scores)
        return int(self.index.chunk_pos[lo + int(np.argmax(self.chunk_scores[lo:hi]))])

    def top_ids(self, k: int) -> list[int]:
        """The k sites with the best lexical match (any match at all), best first."""
        import numpy as np

        values = self.best
        hit = np.flatnonzero(values > 0)
        if len(hit) > k:
            hit = hit[np.argpartition(-values[hit], k - 1)[:k]]
        return [int(self.ids[i]) for i in hit[np.argsort(-values[hit], kind="stable")]]


def _scores(retriever: object, vocab: dict[str, int], terms: dict[str, float], size: int) -> np.ndarray:
    """Sum over the query terms of weight x BM25 term score, from the CSC score matrix (by term)."""
    import numpy as np

    scores = np.zeros(size, dtype=np.float32)
    matrix = retriever.scores  # type: ignore[attr-defined]
    data, indices, indptr = matrix["data"], matrix["indices"], matrix["indptr"]
    for term, weight in terms.items():
        tid = vocab.get(term)
        if tid is None or tid + 1 >= len(indptr):
            continue
        lo, hi = int(indptr[tid]), int(indptr[tid + 1])
        if hi > lo:
            scores[indices[lo:hi]] += weight * data[lo:hi]  # a term appears once per document column
    return scores


@dataclass
class _Saved:
    """A saved score matrix (data, indices, indptr of the CSC matrix by term), as bm25s keeps it."""

    scores: dict[str, np.ndarray]


def _folder(model: str) -> Path:
    from assistant import config

    key = hashlib.sha256(model.encode()).hexdigest()[:12]
    return config.data_dir() / "index" / f"bm25-{key}"


def _build(db: sqlite3.Connection, model: str) -> tuple[list[list[int]], dict[str, int], list[int], list[int]]:
    """Every stored chunk as token ids (one pass: tokens are mapped as they are read), with its site."""
    corpus: list[list[int]] = []
    vocab: dict[str, int] = {"": 0}  # bm25s wants a token for empty chunks
    sites: list[int] = []
    positions: list[int] = []
    findall, stop = _TOKEN.findall, STOPWORDS
    cur = db.execute("SELECT site_id, labels FROM site_vectors WHERE model = ? ORDER BY site_id", (model,))
    cur.row_factory = None
    while rows := cur.fetchmany(5000):
        for site_id, meta in rows:
            data = json.loads(meta or "{}")
            texts, terms = data.get("texts", []), data.get("terms") or []
            for pos, text in enumerate(texts):
                ids = []
                if pos < len(terms) and terms[pos]:
                    text = f"{text} {terms[pos]}"  # the path words of the chunk's links
                for t in findall(text.lower()):
                    if t not in stop:
                        i = vocab.get(t)
                        if i is None:
                            i = vocab[t] = len(vocab)
                        ids.append(i)
                corpus.append(ids or [0])
                sites.append(site_id)
                positions.append(pos)
    return corpus, vocab, sites, positions


def lexical_index(db: sqlite3.Connection, model: str) -> LexicalIndex:
    """The saved BM25 index over the stored chunks of this model, rebuilt if the chunks changed.

    Call after the site vectors are up to date (``index.site_index`` or ``index.load_vectors``).
    Rankings at once (threads of the web app, other processes) build it once per process and never
    see one another's half-written folders (``index.save_folder``); when the data dir is read-only the
    index is built in memory, used and kept for this process only.
    """
    from assistant.prospects import index

    count, stamp = db.execute("SELECT count(*), max(built_at) FROM site_vectors WHERE model = ?", (model,)).fetchone()
    folder = _folder(model)
    meta = {"count": count, "stamp": stamp, "version": 2}
    found = _saved(folder, meta)
    if found is not None:
        return found
    with index.build_lock(folder):  # one thread builds; the others then read what it saved
        found = _saved(folder, meta)
        if found is not None:
            return found
        built = _built(db, model)
        # written aside then renamed into place: another process may be reading the old one
        if index.save_folder(folder, lambda tmp: _write(tmp, built, meta), lambda there: _meta(there) == meta):
            _unsaved.pop(folder, None)
        else:  # a read-only data dir: this ranking uses it unsaved, and so do the next ones of this process
            _unsaved[folder] = (meta, built)
        return built


# BM25 indexes built but not saved (the data dir is read-only): folder -> (meta, index)
_unsaved: dict[Path, tuple[dict[str, object], LexicalIndex]] = {}


def _meta(folder: Path) -> object:
    try:
        return json.loads((folder / "assist.json").read_text())
    except (OSError, ValueError):
        return None


def _saved(folder: Path, meta: dict[str, object]) -> LexicalIndex | None:
    """The index saved in ``folder`` (or kept unsaved by this process) if it was built for ``meta``;
    None when there is none, it is out of date, damaged, or was replaced while it was read."""
    import numpy as np

    from assistant.prospects import index

    kept = _unsaved.get(folder)
    if kept is not None and kept[0] == meta:
        return kept[1]
    try:
        before = os.stat(folder).st_ino
        if _meta(folder) != meta:
            return None
        # The score matrix as bm25s saved it, memory-mapped: a query needs no bm25s (nor scipy)
        # import, which alone took 200 ms of a fresh process.
        with index.NPY_LOCK:
            scores = {name: np.load(folder / f"{name}.csc.index.npy", mmap_mode="r")
                      for name in ("data", "indices", "indptr")}
            with np.load(folder / "chunks.npz") as arrays:
                chunk_site, chunk_pos = arrays["site"], arrays["pos"]
        vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        if os.stat(folder).st_ino != before:
            return None  # another builder swapped its folder in while these were read: not mixed
    except (OSError, ValueError, KeyError):
        return None  # a damaged or half-written index: build it again
    return LexicalIndex(_Saved(scores), vocab, chunk_site, chunk_pos)


def _built(db: sqlite3.Connection, model: str) -> LexicalIndex:
    """The BM25 index of the stored chunks, built in memory."""
    import bm25s
    import numpy as np

    corpus, vocab, sites, positions = _build(db, model)
    retriever = bm25s.BM25(k1=K1, b=B, method="lucene")
    retriever.index((corpus, vocab), show_progress=False)  # type: ignore[arg-type]
    retriever.vocab_dict = vocab
    return LexicalIndex(retriever, vocab, np.array(sites, dtype=np.int64), np.array(positions, dtype=np.int32))


def _write(folder: Path, built: LexicalIndex, meta: dict[str, object]) -> None:
    """Save an index into a new folder; its meta last (a folder without one is never read)."""
    import numpy as np

    built.retriever.save(str(folder), show_progress=False)  # type: ignore[attr-defined]
    np.savez(folder / "chunks.npz", site=built.chunk_site, pos=built.chunk_pos)
    (folder / "assist.json").write_text(json.dumps(meta))
