"""Ranking speed end to end: `Ranker.rank` on 100,000 sites stored in SQLite, after the index is built.

bench_rank.py times the ANN search and rerank on in-memory arrays; this one times what
`assist prospects` really runs once the draft is embedded: reading the sites from SQLite, the
persistent HNSW index (loaded from disk), the candidates' stored vectors, their links and pages,
scoring, reasons and pitch. Site vectors are synthetic (topic-clustered, 4 chunks a site) and the
embedder is a stand-in that maps a text to its topic's vector, so no model is loaded.

    python bench/prospects_eval/rank_e2e.py [--sites 100000] [--queries 20]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DIM, CHUNKS, TOPICS = 384, 4, 2000


def normalise(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


class TopicEmbedder:
    """Stands in for the model: a text's vector is its topic's vector plus a little noise."""

    cache_identity = "bench-synthetic-384"

    def __init__(self, topics: np.ndarray, topic: int) -> None:
        self.topics, self.topic = topics, topic

    def encode(self, texts: list[str], progress: object = None) -> np.ndarray:
        seeds = [int(hashlib.sha256(t.encode()).hexdigest()[:8], 16) for t in texts]
        noise = np.stack([np.random.default_rng(s).normal(scale=0.1, size=DIM) for s in seeds]) if texts else \
            np.zeros((0, DIM))
        return normalise(self.topics[self.topic][None, :] + noise)


def populate(conn, sites: int, topics: np.ndarray, rng: np.random.Generator) -> None:  # type: ignore[no-untyped-def]
    site_topic = rng.integers(0, len(topics), size=sites)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO sites (id, domain, url, name, description, authority, sources) VALUES (?, ?, ?, ?, ?, ?, 'catalog')",
        ((i + 1, f"site{i}.example", f"https://site{i}.example/", f"Site {i}", f"Topic {site_topic[i]}",
          float(i % 90 + 5)) for i in range(sites)),
    )
    for lo in range(0, sites, 10_000):
        hi = min(sites, lo + 10_000)
        vecs = normalise(topics[site_topic[lo:hi]][:, None, :] + rng.normal(scale=0.08, size=(hi - lo, CHUNKS, DIM)))
        rows = []
        for j, i in enumerate(range(lo, hi)):
            labels = ["profile"] + [f"https://site{i}.example/p{c}" for c in range(1, CHUNKS)]
            meta = json.dumps({"labels": labels, "texts": [f"Site {i} text {c}" for c in range(CHUNKS)]})
            rows.append((i + 1, TopicEmbedder.cache_identity, CHUNKS, vecs[j].tobytes(), meta))
        conn.executemany(
            "INSERT INTO site_vectors (site_id, model, chunks, vectors, labels) VALUES (?, ?, ?, ?, ?)", rows)
    # a sprinkling of links, so the link and target-similarity steps have work to do
    conn.executemany(
        "INSERT INTO links (source_url, source_domain, target_url, target_domain, origin) VALUES (?, ?, ?, ?, 'plain')",
        ((f"https://site{i}.example/p1", f"site{i}.example", f"https://competitor.example/guide-{i % 50}",
          "competitor.example") for i in range(0, sites, 20)),
    )
    conn.execute("COMMIT")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=20)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="assist-bench-rank-")
    os.environ["ASSIST_HOME"] = tmp.name
    from assistant import db, documents
    from assistant.prospects import rank

    rng = np.random.default_rng(7)
    topics = normalise(rng.normal(size=(TOPICS, DIM)))
    conn = db.connect()
    start = time.perf_counter()
    populate(conn, args.sites, topics, rng)
    print(f"stored {args.sites:,} sites x {CHUNKS} vectors in SQLite in {time.perf_counter() - start:.1f} s")
    doc = documents.load(str(ROOT / "bench" / "prospects_eval" / "drafts" / "async-status-updates.md"))
    embedder = TopicEmbedder(topics, topic=int(rng.integers(0, TOPICS)))
    start = time.perf_counter()
    rank.rank(conn, doc, embedder, limit=20)
    print(f"first query (builds and saves the HNSW index): {time.perf_counter() - start:.1f} s")
    linking = args.sites // 20
    for label, competitors in (("", ()), (f", --competitor linked from {linking:,} sites", ("competitor.example",))):
        timings = []
        for _ in range(args.queries):
            embedder.topic = int(rng.integers(0, TOPICS))
            t0 = time.perf_counter()
            found = rank.rank(conn, doc, embedder, limit=20, competitors=competitors)
            timings.append((time.perf_counter() - t0) * 1000)
        p50, p95 = np.percentile(timings, [50, 95])
        print(f"query end to end{label} (SQLite + index from disk + rerank + reasons, top 20): p50 {p50:.0f} ms,"
              f" p95 {p95:.0f} ms over {args.queries} queries (target < 300 ms); {len(found)} found")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MB")
    conn.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()
