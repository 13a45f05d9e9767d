"""Ranking speed against a catalog of 100,000 sites (synthetic vectors), after the index is built.

Each site gets 8 chunk vectors (384-d, normalised, clustered by topic like real sites); the site index
(assistant.prospects.index.SiteIndex) holds one centroid per site and is saved to a file, then
memory-mapped as `assist prospects` does. A query is what `assist prospects` does once the draft is
embedded: exact search for the 500 sites nearest the draft's centroid, then the full topical score
(best and typical chunk match, assistant.prospects.rank._topical) on those candidates, sort, top 20.
Prints build time, index size and p50/p95 milliseconds per query; exits 1 over 300 ms.
bench/prospects_eval/rank_e2e.py times the whole ranking (SQLite, links, reasons) end to end.

    python bench/bench_rank.py [--sites 100000] [--queries 200]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.prospects.index import SiteIndex, SiteVectors  # noqa: E402
from assistant.prospects.rank import _topical  # noqa: E402

DIM = 384
CHUNKS = 8


def normalise(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--candidates", type=int, default=500)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    topics = normalise(rng.normal(size=(2000, DIM)))
    site_topic = rng.integers(0, len(topics), size=args.sites)
    start = time.perf_counter()
    # chunks = topic + noise; float16 storage keeps 100k x 8 x 384 at ~600 MB, as site_vectors would be on disk
    chunks = np.empty((args.sites, CHUNKS, DIM), dtype=np.float16)
    for lo in range(0, args.sites, 10_000):
        hi = min(args.sites, lo + 10_000)
        noise = rng.normal(scale=0.08, size=(hi - lo, CHUNKS, DIM))
        chunks[lo:hi] = normalise(topics[site_topic[lo:hi]][:, None, :] + noise)
    centroids = normalise(chunks.astype(np.float32).mean(axis=1)) if args.sites <= 20_000 else np.concatenate(
        [normalise(chunks[lo:lo + 10_000].astype(np.float32).mean(axis=1)) for lo in range(0, args.sites, 10_000)])
    print(f"generated {args.sites:,} sites x {CHUNKS} chunks in {time.perf_counter() - start:.1f} s")

    folder = tempfile.TemporaryDirectory(prefix="assist-bench-rank-")
    path = Path(folder.name) / "sites.idx"
    start = time.perf_counter()
    built = SiteIndex(DIM)
    built.build(np.arange(args.sites, dtype=np.int64), centroids)
    built.save(path, {"count": args.sites})
    build_s = time.perf_counter() - start
    print(f"index build (centroids normalised, saved): {build_s:.1f} s for {args.sites:,} sites;"
          f" file {path.stat().st_size / 1e6:,.0f} MB")
    del built

    timings, hits = [], 0
    for _ in range(args.queries):
        topic = int(rng.integers(0, len(topics)))
        draft = normalise(topics[topic][None, :] + rng.normal(scale=0.1, size=(20, DIM)))
        t0 = time.perf_counter()
        index = SiteIndex(0)
        index.load(path)  # memory-mapped, as every `assist prospects` process does
        centroid = normalise(draft.mean(axis=0))
        ids, _ = index.query(centroid, args.candidates)
        cand = [SiteVectors(int(i), chunks[i].astype(np.float32), ["profile"] * CHUNKS) for i in ids]
        best, typical = _topical(draft, cand)
        score = 0.6 * best + 0.4 * typical
        top = ids[np.argsort(-score)[:20]]
        timings.append((time.perf_counter() - t0) * 1000)
        hits += int(site_topic[top[0]] == topic)
    p50, p95 = np.percentile(timings, [50, 95])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"query (map the index, exact top {args.candidates} + full rerank, top 20): p50 {p50:.1f} ms,"
          f" p95 {p95:.1f} ms over {args.queries} queries (target < 300 ms); top-1 on the right topic"
          f" {hits / args.queries:.0%}")
    print(f"peak RSS {peak:,.0f} MB (mostly the synthetic chunk matrix)")
    folder.cleanup()
    sys.exit(1 if p50 >= 300 else 0)


if __name__ == "__main__":
    main()
