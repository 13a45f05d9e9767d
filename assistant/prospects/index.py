"""Site vectors (per-site chunk embeddings in ``site_vectors``) and an ANN index over site centroids.

Small catalogs are scored exhaustively. Large ones first ask an HNSW index (hnswlib, cosine) for the
sites nearest to the draft, then score only those candidates in full.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

MAX_SITE_CHUNKS = 40
PAGE_CHARS = 1500
ANN_THRESHOLD = 2000  # sites; below this, exhaustive scoring is fast enough


@dataclass
class SiteVectors:
    site_id: int
    vectors: np.ndarray  # chunks x dim, normalised
    labels: list[str]  # the page URL (or "profile") each chunk came from
    texts: list[str]

    @property
    def centroid(self) -> np.ndarray:
        import numpy as np

        c = self.vectors.mean(axis=0)
        return c / (np.linalg.norm(c) or 1.0)


def _chunks(text: str, words: int = 90, limit: int = 3) -> list[str]:
    parts = text.split()
    return [" ".join(parts[i : i + words]) for i in range(0, min(len(parts), words * limit), words)]


def site_texts(db: sqlite3.Connection, site: sqlite3.Row) -> list[tuple[str, str]]:
    """(label, text) units describing a site: its profile, page texts and the titles of its linking pages."""
    units: list[tuple[str, str]] = []
    profile = ". ".join(
        part for part in (site["name"], site["description"],
                          f"Topics: {site['topics']}" if site["topics"] else None) if part
    )
    if profile:
        units.append(("profile", profile))
    pages = db.execute(
        "SELECT url, title, text FROM pages WHERE site_id = ? AND (status IS NULL OR status < 400)"
        " ORDER BY CASE kind WHEN 'home' THEN 0 WHEN 'resource' THEN 1 WHEN 'guest_post' THEN 2 ELSE 3 END, id"
        " LIMIT 30",
        (site["id"],),
    ).fetchall()
    for page in pages:
        body = (page["text"] or "")[:PAGE_CHARS]
        title = page["title"] or ""
        chunks = _chunks(body) or [""]
        for i, chunk in enumerate(chunks):
            text = f"{title}. {chunk}".strip(". ") if i == 0 else chunk
            if text:
                units.append((page["url"], text))
    seen_titles = {t for _, t in units}
    titled = [
        (row["source_url"], row["source_title"])
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
        return [(titled[0][0], "; ".join(t for _, t in titled[:8]))]
    units.extend(titled[:5])
    return units[:MAX_SITE_CHUNKS]


def load_vectors(
    db: sqlite3.Connection, embedder: Any, sites: list[sqlite3.Row], progress: Any = None
) -> dict[int, SiteVectors]:
    """Stored vectors for these sites, building the missing ones (writers drop them when texts change)."""
    import numpy as np

    model = embedder.cache_identity
    stored = {}
    ids = [s["id"] for s in sites]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.execute(
            f"SELECT site_id, chunks, vectors, labels FROM site_vectors"
            f" WHERE model = ? AND site_id IN ({marks})",
            (model, *chunk),
        ):
            if row["labels"] is not None:
                stored[row["site_id"]] = row
    out: dict[int, SiteVectors] = {}
    todo: list[tuple[sqlite3.Row, list[tuple[str, str]]]] = []
    for site in sites:
        row = stored.get(site["id"])
        if row is not None:
            meta = json.loads(row["labels"])
            vecs = np.frombuffer(row["vectors"], dtype=np.float32).reshape(row["chunks"], -1)
            out[site["id"]] = SiteVectors(site["id"], vecs, meta["labels"], meta["texts"])
        else:
            units = site_texts(db, site) or [("domain", site["domain"].replace(".", " "))]
            todo.append((site, units))
    if todo:
        texts = [t for _, units in todo for _, t in units]
        matrix = embedder.encode(texts, progress=progress)
        pos = 0
        rows = []
        for site, units in todo:
            vecs = np.ascontiguousarray(matrix[pos : pos + len(units)], dtype=np.float32)
            pos += len(units)
            labels = [label for label, _ in units]
            texts_ = [t for _, t in units]
            out[site["id"]] = SiteVectors(site["id"], vecs, labels, texts_)
            meta = json.dumps({"labels": labels, "texts": [t[:200] for t in texts_]})
            rows.append((site["id"], model, len(units), vecs.tobytes(), meta))
        from assistant.db import transaction

        with transaction(db):
            db.executemany(
                "INSERT OR REPLACE INTO site_vectors (site_id, model, chunks, vectors, labels, built_at)"
                " VALUES (?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                rows,
            )
    return out


class SiteIndex:
    """HNSW (cosine) over one vector per site; ids are site ids."""

    def __init__(self, dim: int, *, m: int = 16, ef_construction: int = 200, ef: int = 100) -> None:
        import hnswlib

        self.dim = dim
        self.index = hnswlib.Index(space="cosine", dim=dim)
        self.m, self.ef_construction, self.ef = m, ef_construction, ef
        self.size = 0

    def build(self, ids: np.ndarray, vectors: np.ndarray, threads: int = -1) -> None:
        self.index.init_index(max_elements=max(1, len(ids)), M=self.m, ef_construction=self.ef_construction)
        self.index.add_items(vectors, ids, num_threads=threads)
        self.index.set_ef(self.ef)
        self.size = len(ids)

    def query(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(ids, cosine similarities) of the k nearest sites."""
        k = min(k, self.size)
        if k == 0:
            import numpy as np

            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        labels, distances = self.index.knn_query(vector.reshape(1, -1), k=k)
        return labels[0].astype("int64"), (1.0 - distances[0]).astype("float32")

    def save(self, path: Path) -> None:
        self.index.save_index(str(path))

    def load(self, path: Path, size: int) -> None:
        self.index.load_index(str(path), max_elements=size)
        self.index.set_ef(self.ef)
        self.size = size


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


def _index_paths(model: str) -> tuple[Path, Path]:
    import hashlib

    from assistant import config

    folder = config.data_dir() / "index"
    folder.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(model.encode()).hexdigest()[:12]
    return folder / f"sites-{key}.hnsw", folder / f"sites-{key}.json"


def site_index(db: sqlite3.Connection, embedder: Any, progress: Any = None) -> SiteIndex:
    """The persistent HNSW index of site centroids, brought up to date (vectors and index) if needed."""
    import numpy as np

    model = embedder.cache_identity
    stale = _stale_sites(db, model)
    if stale:
        for start in range(0, len(stale), 2000):
            load_vectors(db, embedder, stale[start : start + 2000], progress=progress)
    count, stamp = db.execute(
        "SELECT count(*), max(built_at) FROM site_vectors WHERE model = ?", (model,)
    ).fetchone()
    path, meta_path = _index_paths(model)
    meta = {"count": count, "stamp": stamp}
    if path.exists() and meta_path.exists() and json.loads(meta_path.read_text()) == meta:
        idx = SiteIndex(_dim(db, model))
        idx.load(path, count)
        return idx
    ids, centroids = [], []
    for row in db.execute("SELECT site_id, chunks, vectors FROM site_vectors WHERE model = ?", (model,)):
        vecs = np.frombuffer(row["vectors"], dtype=np.float32).reshape(row["chunks"], -1)
        c = vecs.mean(axis=0)
        ids.append(row["site_id"])
        centroids.append(c / (np.linalg.norm(c) or 1.0))
    idx = SiteIndex(len(centroids[0]) if centroids else 384)
    idx.build(np.array(ids, dtype=np.int64), np.stack(centroids).astype(np.float32))
    # written aside then renamed: another `assist prospects` may be loading the old file right now
    tmp = path.with_name(path.name + ".tmp")
    idx.save(tmp)
    tmp.replace(path)
    meta_tmp = meta_path.with_name(meta_path.name + ".tmp")
    meta_tmp.write_text(json.dumps(meta))
    meta_tmp.replace(meta_path)
    return idx


def _dim(db: sqlite3.Connection, model: str) -> int:
    row = db.execute("SELECT chunks, length(vectors) FROM site_vectors WHERE model = ? LIMIT 1", (model,)).fetchone()
    return int(row[1] // 4 // row[0]) if row else 384


def candidate_ids(
    db: sqlite3.Connection, embedder: Any, allowed: set[int] | Callable[[list[int]], set[int]],
    draft_centroid: np.ndarray, k: int, progress: Any = None,
) -> list[int]:
    """The k allowed sites nearest the draft by centroid, from the persistent HNSW index.

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
