"""The link graph (imports + crawls) at domain level, and PageRank as a fallback authority."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def domain_edges(db: sqlite3.Connection) -> list[tuple[str, str, int]]:
    """(source_domain, target_domain, distinct linking pages) for links between different domains."""
    return [
        (r[0], r[1], int(r[2]))
        for r in db.execute(
            "SELECT source_domain, target_domain, count(DISTINCT source_url) FROM links"
            " WHERE source_domain != target_domain GROUP BY source_domain, target_domain"
        )
    ]


def pagerank(
    edges: list[tuple[str, str, int]], *, damping: float = 0.85, tol: float = 1e-9, max_iter: int = 100
) -> dict[str, float]:
    """PageRank over a weighted directed graph by power iteration (scipy sparse); sums to 1."""
    import numpy as np
    from scipy import sparse

    nodes = sorted({s for s, _, _ in edges} | {t for _, t, _ in edges})
    if not nodes:
        return {}
    index = {name: i for i, name in enumerate(nodes)}
    n = len(nodes)
    src = np.fromiter((index[s] for s, _, _ in edges), dtype=np.int64, count=len(edges))
    dst = np.fromiter((index[t] for _, t, _ in edges), dtype=np.int64, count=len(edges))
    # log-damped weights: 1,000 pages of one sitewide blogroll are not 1,000 votes
    weight = np.fromiter((1.0 + np.log(w) for _, _, w in edges), dtype=np.float64, count=len(edges))
    out_weight = np.bincount(src, weights=weight, minlength=n)
    norm = weight / out_weight[src]
    # transition matrix M[dst, src]: rank flows from source to target
    matrix = sparse.csr_matrix((norm, (dst, src)), shape=(n, n))
    dangling = out_weight == 0
    rank = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = damping * (matrix @ rank + rank[dangling].sum() / n) + (1 - damping) / n
        if np.abs(new - rank).sum() < tol:
            rank = new
            break
        rank = new
    return {name: float(rank[i]) for name, i in index.items()}


def authority_scale(ranks: dict[str, float]) -> dict[str, float]:
    """PageRank mapped to 0-100 like imported metrics: log scale between the smallest and largest."""
    import numpy as np

    if not ranks:
        return {}
    values = np.log(np.array(list(ranks.values())))
    low, high = float(values.min()), float(values.max())
    span = high - low or 1.0
    return {name: round(100 * (v - low) / span, 1) for name, v in zip(ranks, values, strict=True)}


def domain_authority(db: sqlite3.Connection, cache_dir: Path | None = None) -> dict[str, float]:
    """PageRank authority (0-100) of every domain in the link graph.

    With ``cache_dir``, the result is kept in a file keyed by the database and the state of the
    links table (row count, largest and summed ids), so it is computed once per change of the
    graph rather than on every ranking (seconds after a 1,000,000-link import).
    """
    if cache_dir is None:
        return authority_scale(pagerank(domain_edges(db)))
    import hashlib
    import json

    stamp = list(db.execute("SELECT count(*), coalesce(max(id), 0), total(id) FROM links").fetchone())
    where = next((row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"), "") or ":memory:"
    path = cache_dir / f"pagerank-{hashlib.sha256(where.encode()).hexdigest()[:12]}.json"
    found = _cached_authority(path, stamp)
    if found is not None:
        return found
    from assistant.prospects.index import build_lock, save_file

    with build_lock(path):  # one thread of a process computes it; the others then read it
        found = _cached_authority(path, stamp)
        if found is not None:
            return found
        result = authority_scale(pagerank(domain_edges(db)))
        # written aside under a name of its own, then renamed; not kept when the folder is read-only
        save_file(path, lambda tmp: tmp.write_text(json.dumps({"stamp": stamp, "authority": result}),
                                                   encoding="utf-8"))
        return result


def _cached_authority(path: Path, stamp: list[int]) -> dict[str, float] | None:
    import json

    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        if saved.get("stamp") == stamp:
            return {k: float(v) for k, v in saved["authority"].items()}
    except (OSError, ValueError, KeyError, AttributeError):
        pass  # missing or damaged: compute it again
    return None


def links_from(db: sqlite3.Connection, domain: str) -> list[sqlite3.Row]:
    """Outbound links of one site (its pages -> other domains)."""
    return db.execute(
        "SELECT source_url, target_url, target_domain, anchor, source_title, nofollow, sponsored FROM links"
        " WHERE source_domain = ? AND target_domain != source_domain",
        (domain,),
    ).fetchall()


def as_array(values: list[float]) -> np.ndarray:
    import numpy as np

    return np.asarray(values, dtype=np.float32)
