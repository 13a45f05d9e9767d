"""Site vectors (per-site chunk embeddings in ``site_vectors``) and an ANN index over site centroids.

Small catalogs are scored exhaustively. Large ones first ask a persistent index of site centroids
(exact cosine search over a memory-mapped float32 matrix) for the sites nearest to the draft, then
score only those candidates in full.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.prospects import chunking
from assistant.prospects.chunking import Chunk, chunk_text
from assistant.prospects.evidence import text_evidence

if TYPE_CHECKING:
    import numpy as np

ANN_THRESHOLD = 2000  # sites; below this, exhaustive scoring is fast enough


# ------------------------------------------------------------------ saved indexes (index/ of the data dir)
#
# The indexes saved under the data dir's ``index/`` (the site centroid file here, the BM25 folder of
# lexical.py, the PageRank cache of graph.py) are caches: several rankings at once (the web app's thread
# pool, two `assist prospects`) may find one missing or out of date together. In one process one thread
# builds it while the others wait (``build_lock``) and then read what it saved; across processes each
# writes aside under a name of its own and renames into place, so none sees another's half-written
# files. When the folder cannot be written (a read-only data dir), the index is used unsaved.

_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()
# np.load parses each .npy header with ast.literal_eval, and CPython 3.11's AST constructor keeps its
# recursion depth in state shared by threads: two threads parsing at once can fail with "SystemError:
# AST constructor recursion depth mismatch" (python/cpython#106905, seen here under the web app's
# parallel rankings). The loads of the saved indexes take turns; reading a header takes microseconds.
NPY_LOCK = threading.Lock()


def build_lock(path: Path) -> threading.Lock:
    """The lock of one saved index in this process: the thread holding it builds, the others wait."""
    key = Path(os.path.abspath(path))
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def save_file(path: Path, write: Callable[[Path], None]) -> bool:
    """``write`` a file aside (a unique temporary name beside ``path``), then rename it over ``path``
    (atomic: a reader maps the old file or the new one, whole). False, with nothing left behind, when it
    cannot be written (a read-only data dir, a full disk)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f"{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError:
        return False
    os.close(fd)
    tmp = Path(name)
    placed = False
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # as a plain open() would make it (mkstemp's is 0600)
        os.replace(tmp, path)
        placed = True
    except OSError:
        return False
    finally:
        if not placed:  # an error, or Ctrl-C: no temporary file left behind
            tmp.unlink(missing_ok=True)
    return True


def _umask() -> int:
    """The process's umask, read without setting it (os.umask sets it: not safe among threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def save_folder(folder: Path, write: Callable[[Path], None], current: Callable[[Path], bool]) -> bool:
    """``write`` a folder aside (a unique temporary folder beside ``folder``), then rename it into place.

    A folder already there that is ``current`` (another builder, thread or process, finished first)
    is kept and this one dropped; an out-of-date one is moved aside under a unique name, removed, and
    this one renamed into place. False, with nothing left behind, when it cannot be written.
    """
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f"{folder.name}.", suffix=".tmp", dir=folder.parent))
    except OSError:
        return False
    placed = False
    try:
        write(tmp)
        os.chmod(tmp, 0o777 & ~_umask())  # as mkdir() would make it (mkdtemp's is 0700)
        for _ in range(20):
            try:
                os.rename(tmp, folder)  # atomic; refused while a folder (not empty) is there
                placed = True
                return True
            except OSError as exc:
                if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                    raise
            if current(folder):
                return True  # another builder's, as good as this one
            old = folder.with_name(f"{folder.name}.{uuid.uuid4().hex}.old")
            try:
                os.rename(folder, old)
            except FileNotFoundError:
                continue  # another builder moved it aside just now
            shutil.rmtree(old, ignore_errors=True)  # a reader that mapped its files keeps them
        return False
    except OSError:
        return False
    finally:
        if not placed:
            shutil.rmtree(tmp, ignore_errors=True)


class SiteVectors:
    """A site's chunk vectors (chunks x dim, normalised) and, per chunk, the page URL (or "profile")
    it came from and its text. Stored labels and texts are parsed from JSON only when asked for: a
    ranking reads the vectors of thousands of candidates but the labels of only the few it lists."""

    __slots__ = ("site_id", "vectors", "_labels", "_sections", "_texts", "_terms", "_meta", "_evidence")

    def __init__(self, site_id: int, vectors: np.ndarray, labels: list[str] | None = None,
                 texts: list[str] | None = None, meta: str | None = None,
                 sections: list[str] | None = None, evidence: str | dict[str, list[str]] | None = None,
                 terms: list[str] | None = None) -> None:
        self._evidence = evidence
        self.site_id = site_id
        self.vectors = vectors
        self._labels, self._texts, self._meta = labels, texts, meta
        self._sections = sections if sections is not None or labels is None else [""] * len(labels)
        self._terms = terms if terms is not None or labels is None else [""] * len(labels)

    def _parse(self) -> None:
        data = json.loads(self._meta or "{}")
        self._labels, self._texts, self._meta = data.get("labels", []), data.get("texts", []), None
        self._sections = data.get("sections") or [""] * len(self._labels)
        self._terms = data.get("terms") or [""] * len(self._labels)

    @property
    def evidence(self) -> dict[str, list[str]]:
        """What the site's own texts say against it (evidence.text_evidence), stored with its vectors."""
        if self._evidence is None:  # stored before evidence was: work it out from the chunk texts
            from assistant.prospects.evidence import text_evidence

            self._evidence = text_evidence(self.texts)
        elif isinstance(self._evidence, str):
            self._evidence = json.loads(self._evidence)
        return self._evidence  # type: ignore[return-value]

    @property
    def sections(self) -> list[str]:
        """The heading each chunk starts under ("" when none)."""
        if self._labels is None:
            self._parse()
        return self._sections  # type: ignore[return-value]

    @property
    def labels(self) -> list[str]:
        if self._labels is None:
            self._parse()
        return self._labels  # type: ignore[return-value]

    @property
    def texts(self) -> list[str]:
        if self._texts is None:
            self._parse()
        return self._texts  # type: ignore[return-value]

    @property
    def terms(self) -> list[str]:
        """Per chunk, the path words of its links (chunking.path_words): matched, never embedded."""
        if self._labels is None:
            self._parse()
        return self._terms  # type: ignore[return-value]

    @property
    def has_text(self) -> bool:
        """False for a site known by its domain name alone (its one vector is the domain's words)."""
        return len(self.vectors) > 1 or self.labels != ["domain"]

    @property
    def centroid(self) -> np.ndarray:
        import numpy as np

        c = self.vectors.mean(axis=0)
        return c / (np.linalg.norm(c) or 1.0)


def site_texts(db: sqlite3.Connection, site: sqlite3.Row) -> list[tuple[str, str, str, str]]:
    """(label, section, text, terms) chunks describing a site, every text in full
    (assistant.prospects.chunking): its profile (name, topics, description), the texts of its pages
    below HTTP 400 (home, resource and guest-post pages first), and the titles of pages of it seen in
    backlink exports. ``terms`` are the path words of the chunk's links (lexical match only). At most
    chunking.MAX_SITE_CHUNKS chunks."""
    units: list[tuple[str, str, str, str]] = []
    head = ". ".join(p for p in (site["name"], f"Topics: {site['topics']}" if site["topics"] else None) if p)
    profile = chunk_text(site["description"] or "")
    if profile:
        first = profile[0]
        units.append(("profile", first.section, f"{head}. {first.text}".strip(". "), first.terms))
        units.extend(("profile", c.section, c.text, c.terms) for c in profile[1:])
    elif head:
        units.append(("profile", "", head, ""))
    pages = db.execute(
        "SELECT url, title, text FROM pages WHERE site_id = ? AND (status IS NULL OR status < 400)"
        " ORDER BY CASE kind WHEN 'home' THEN 0 WHEN 'resource' THEN 1 WHEN 'guest_post' THEN 2 ELSE 3 END, id",
        (site["id"],),
    )
    for page in pages:
        if len(units) >= chunking.MAX_SITE_CHUNKS:
            break
        title = page["title"] or ""
        chunks = chunk_text(page["text"] or "") or [Chunk("", "")]
        for i, chunk in enumerate(chunks):
            text = f"{title}. {chunk.text}".strip(". ") if i == 0 else chunk.text
            if text:
                units.append((page["url"], chunk.section, text, chunk.terms))
    seen_titles = {t for _, _, t, _ in units}
    titled = [
        (row["source_url"], "", row["source_title"], "")
        for row in db.execute(
            "SELECT source_url, source_title FROM links WHERE source_domain = ? AND source_title IS NOT NULL"
            " GROUP BY source_title LIMIT 20",
            (site["domain"],),
        )
        if row["source_title"] not in seen_titles
    ]
    if not units and titled:
        # A site known only from backlink exports: one text of its page titles keeps the first
        # ranking after a large import (tens of thousands of such sites) to one embedding a site.
        return [(titled[0][0], "", "; ".join(t for _, _, t, _ in titled[:8]), "")]
    units.extend(titled[:5])
    return units[: chunking.MAX_SITE_CHUNKS]


def load_vectors(
    db: sqlite3.Connection, embedder: Any, sites: list[sqlite3.Row], progress: Any = None
) -> dict[int, SiteVectors]:
    """Stored vectors for these sites, building the missing ones (writers drop them when texts change)."""
    import numpy as np

    model = embedder.cache_identity
    stored: dict[int, tuple[int, bytes, str]] = {}
    ids = [s["id"] for s in sites]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        cur = db.execute(
            f"SELECT site_id, chunks, vectors, labels, evidence FROM site_vectors"
            f" WHERE model = ? AND labels IS NOT NULL AND site_id IN ({marks})",
            (model, *chunk),
        )
        cur.row_factory = None  # plain tuples: thousands of rows per ranking
        stored.update((r[0], r[1:]) for r in cur)
    out: dict[int, SiteVectors] = {}
    todo: list[tuple[sqlite3.Row, list[tuple[str, str, str, str]]]] = []
    for site in sites:
        sid = site["id"]
        found = stored.get(sid)
        if found is not None:
            chunks, blob, meta, evidence = found
            out[sid] = SiteVectors(sid, np.frombuffer(blob, dtype=np.float32).reshape(chunks, -1), meta=meta,
                                   evidence=evidence)
        else:
            units = site_texts(db, site) or [("domain", "", site["domain"].replace(".", " ").replace("/", " "), "")]
            todo.append((site, units))
    if todo:
        texts = [t for _, units in todo for _, _, t, _ in units]
        matrix = embedder.encode(texts, progress=progress)
        pos = 0
        rows = []
        for site, units in todo:
            vecs = np.ascontiguousarray(matrix[pos : pos + len(units)], dtype=np.float32)
            pos += len(units)
            labels = [label for label, _, _, _ in units]
            sections_ = [section for _, section, _, _ in units]
            texts_ = [t for _, _, t, _ in units]
            terms = [t for _, _, _, t in units]
            found = text_evidence([site["name"], site["domain"], *texts_])
            out[site["id"]] = SiteVectors(site["id"], vecs, labels, texts_, sections=sections_, evidence=found,
                                           terms=terms)
            # the whole chunk texts and their links' path words: the lexical index (lexical.py) is built from them
            meta = json.dumps({"labels": labels, "sections": sections_, "texts": texts_, "terms": terms})
            rows.append((site["id"], model, len(units), vecs.tobytes(), meta, json.dumps(found)))
        from assistant.sql import transaction

        with transaction(db):
            db.executemany(
                "INSERT OR REPLACE INTO site_vectors (site_id, model, chunks, vectors, labels, evidence, built_at)"
                " VALUES (?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                rows,
            )
    return out


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Matrix products on one BLAS thread. The products of a ranking are small (tens of ms); on a busy
    2-core machine OpenBLAS's second thread spin-waits for a core and made them 2-3x slower."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):
        yield


MAGIC = b"ASSISTCX"  # centroid index file: magic, version, n, dim (int64), JSON meta; ids; matrix
HEADER = 256


class SiteIndex:
    """Exact cosine search over one normalised centroid per site; ids are site ids.

    Saved as one file (header, int64 ids, float32 matrix) that ``load`` memory-maps: a query is one
    matrix-vector product over the mapped pages, so a CLI run pays no load step (an HNSW file had to
    be read whole into memory, ~120 ms for 100,000 sites, before its first query) and the result is
    exact, not approximate.
    """

    def __init__(self, dim: int) -> None:
        import numpy as np

        self.dim = dim
        self.ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, dim), dtype=np.float32)

    @property
    def size(self) -> int:
        return len(self.ids)

    def build(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        import numpy as np

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        self.ids = np.ascontiguousarray(ids, dtype=np.int64)
        self.matrix = vectors / norms

    def query(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(ids, cosine similarities) of the k nearest sites, nearest first."""
        import numpy as np

        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        q = np.asarray(vector, dtype=np.float32).reshape(-1)
        q = q / (np.linalg.norm(q) or 1.0)
        sims = np.empty(self.size, dtype=np.float32)
        step = 65536  # blocks keep the temporaries small on multi-million-row files
        with one_blas_thread():
            for lo in range(0, self.size, step):
                np.matmul(self.matrix[lo : lo + step], q, out=sims[lo : lo + step])
        top = np.argpartition(-sims, k - 1)[:k] if k < self.size else np.arange(self.size)
        top = top[np.lexsort((self.ids[top], -sims[top]))]  # nearest first, ties by id
        return self.ids[top], sims[top]

    def save(self, path: Path, meta: dict[str, Any] | None = None) -> None:
        import numpy as np

        info = json.dumps(meta or {}).encode()
        if len(info) > HEADER - len(MAGIC) - 24:
            raise ValueError("index meta too long")
        with open(path, "wb") as fh:
            fh.write(MAGIC + np.array([1, self.size, self.dim], dtype="<i8").tobytes())
            fh.write(info.ljust(HEADER - len(MAGIC) - 24))
            fh.write(self.ids.astype("<i8").tobytes())
            fh.write(self.matrix.astype("<f4").tobytes())

    @staticmethod
    def read_meta(path: Path) -> dict[str, Any] | None:
        """The meta saved with an index file (None if there is no readable index there)."""
        try:
            with open(path, "rb") as fh:
                head = fh.read(HEADER)
            if len(head) < HEADER or head[: len(MAGIC)] != MAGIC:
                return None
            meta = json.loads(head[len(MAGIC) + 24 :].decode().strip() or "{}")
        except (OSError, ValueError):
            return None
        return meta if isinstance(meta, dict) else None

    def load(self, path: Path) -> None:
        import numpy as np

        # one open file for the header and the maps: a file renamed over this one meanwhile is not mixed in
        with open(path, "rb") as fh:
            head = fh.read(HEADER)
            if len(head) < HEADER or head[: len(MAGIC)] != MAGIC:
                raise ValueError(f"{path}: not a site index file")
            _, n, dim = (int(x) for x in np.frombuffer(head[len(MAGIC) : len(MAGIC) + 24], dtype="<i8"))
            self.dim = dim
            if n == 0:
                self.ids, self.matrix = np.zeros(0, dtype=np.int64), np.zeros((0, dim), dtype=np.float32)
                return
            self.ids = np.array(np.memmap(fh, dtype="<i8", mode="r", offset=HEADER, shape=(n,)))
            self.matrix = np.memmap(fh, dtype="<f4", mode="r", offset=HEADER + 8 * n, shape=(n, dim))


def _stale_sites(db: sqlite3.Connection, model: str) -> list[sqlite3.Row]:
    """Sites without vectors for this model (from indexes only: never reads the vector blobs)."""
    sites = db.execute("SELECT count(*) FROM sites").fetchone()[0]
    have = db.execute("SELECT count(*) FROM site_vectors WHERE model = ?", (model,)).fetchone()[0]
    if have >= sites:  # every vector row belongs to a site (foreign key), so none is missing
        return []
    return db.execute(
        "SELECT s.* FROM sites s WHERE NOT EXISTS"
        " (SELECT 1 FROM site_vectors v WHERE v.site_id = s.id AND v.model = ?)",
        (model,),
    ).fetchall()


def _index_path(model: str) -> Path:
    import hashlib

    from assistant import config

    key = hashlib.sha256(model.encode()).hexdigest()[:12]
    return config.data_dir() / "index" / f"sites-{key}.idx"


def _drop_hnsw(path: Path) -> None:
    """Remove the HNSW files of 0.1 beside a site index file (when the folder can be written)."""
    key = path.stem.removeprefix("sites-")
    for old in (path.with_name(f"sites-{key}.hnsw"), path.with_name(f"sites-{key}.json")):
        try:
            old.unlink(missing_ok=True)
        except OSError:
            pass


# Site indexes built but not saved (the data dir is read-only): path -> (meta, index), for the next ranking
_unsaved: dict[Path, tuple[dict[str, Any], SiteIndex]] = {}


def _centroids(db: sqlite3.Connection, model: str, batch: int = 10_000) -> tuple[np.ndarray, np.ndarray]:
    """(site ids, normalised centroids) of every stored site vector matrix, in batches of rows."""
    import numpy as np

    ids: list[np.ndarray] = []
    parts: list[np.ndarray] = []
    cur = db.execute("SELECT site_id, chunks, vectors FROM site_vectors WHERE model = ? ORDER BY site_id", (model,))
    while rows := cur.fetchmany(batch):
        counts = np.array([r[1] for r in rows], dtype=np.int64)
        flat = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32)
        dim = len(flat) // int(counts.sum())
        sums = np.add.reduceat(flat.reshape(-1, dim), np.concatenate(([0], np.cumsum(counts)[:-1])), axis=0)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        parts.append((sums / norms).astype(np.float32))  # the mean's direction is the sum's
        ids.append(np.array([r[0] for r in rows], dtype=np.int64))
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 384), dtype=np.float32)
    return np.concatenate(ids), np.concatenate(parts)


def site_index(db: sqlite3.Connection, embedder: Any, progress: Any = None) -> SiteIndex:
    """The persistent index of site centroids, brought up to date (vectors and index) if needed.

    It is rebuilt only when the stored vectors change (their count or newest ``built_at``); every
    other run, in this process or any later one, memory-maps the saved file.
    """
    model = embedder.cache_identity
    stale = _stale_sites(db, model)
    if stale:
        for start in range(0, len(stale), 2000):
            load_vectors(db, embedder, stale[start : start + 2000], progress=progress)
    count, stamp = db.execute(
        "SELECT count(*), max(built_at) FROM site_vectors WHERE model = ?", (model,)
    ).fetchone()
    path = _index_path(model)
    meta = {"count": count, "stamp": stamp}
    found = _saved_index(path, meta)
    if found is not None:
        return found
    with build_lock(path):  # one thread builds; the others then read what it saved
        found = _saved_index(path, meta)
        if found is not None:
            return found
        ids, centroids = _centroids(db, model)
        idx = SiteIndex(centroids.shape[1])
        idx.build(ids, centroids)
        # written aside then renamed: another `assist prospects` may have the old file mapped right now
        if save_file(path, lambda tmp: idx.save(tmp, meta)):
            _unsaved.pop(path, None)
            _drop_hnsw(path)
        else:  # a read-only data dir: this ranking uses it unsaved, and so do the next ones of this process
            _unsaved[path] = (meta, idx)
        return idx


def _saved_index(path: Path, meta: dict[str, Any]) -> SiteIndex | None:
    """The site index saved at ``path`` (or kept unsaved by this process) if it was built for ``meta``."""
    kept = _unsaved.get(path)
    if kept is not None and kept[0] == meta:
        return kept[1]
    if SiteIndex.read_meta(path) != meta:
        return None
    idx = SiteIndex(0)
    try:
        idx.load(path)
    except (OSError, ValueError):
        return None  # replaced or damaged meanwhile: built again
    return idx


def candidate_ids(
    db: sqlite3.Connection, embedder: Any, allowed: set[int] | Callable[[list[int]], set[int]],
    draft_centroid: np.ndarray, k: int, progress: Any = None,
) -> list[int]:
    """The k allowed sites nearest the draft by centroid, from the persistent site index.

    ``allowed`` is a set of ids, or a function returning which of the given ids are allowed (so a
    large catalog never has to be read whole).
    """
    idx = site_index(db, embedder, progress=progress)
    want = k
    while True:
        found, _ = idx.query(draft_centroid.astype("float32"), min(idx.size, want))
        ids = [int(i) for i in found]
        ok = allowed(ids) if callable(allowed) else allowed
        keep = [i for i in ids if i in ok]
        if len(keep) >= k or want >= idx.size:
            return keep[:k]
        want *= 4  # excluded or filtered sites took places; ask for more
