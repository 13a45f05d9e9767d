"""Ranking speed against a catalog of 100,000 sites (synthetic vectors), after the index is built.

Each site gets 8 chunk vectors (384-d, normalised, clustered by topic like real sites); the HNSW index
(assistant.prospects.index.SiteIndex) holds one centroid per site. A query is what `assist prospects`
does once the draft is embedded: ANN search for the 500 nearest sites, then the full topical score
(best and typical chunk match) on those candidates, sort, top 20. Prints build time, index memory and
p50/p95 milliseconds per query (target < 300 ms).

    python bench/bench_rank.py [--sites 100000] [--queries 200]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.prospects.index import SiteIndex  # noqa: E402

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

    index = SiteIndex(DIM, m=16, ef_construction=100, ef=128)
    start = time.perf_counter()
    index.build(np.arange(args.sites, dtype=np.int64), centroids)
    build_s = time.perf_counter() - start
    index_mb = args.sites * (DIM * 4 + 16 * 2 * 8 + 64) / 1e6
    print(f"HNSW build: {build_s:.1f} s for {args.sites:,} sites (M=16, ef_construction=100); "
          f"index ~{index_mb:,.0f} MB (vectors {args.sites * DIM * 4 / 1e6:,.0f} MB + graph)")

    timings, hits = [], 0
    for _ in range(args.queries):
        topic = int(rng.integers(0, len(topics)))
        draft = normalise(topics[topic][None, :] + rng.normal(scale=0.1, size=(20, DIM)))
        t0 = time.perf_counter()
        centroid = normalise(draft.mean(axis=0))
        ids, _ = index.query(centroid, args.candidates)
        cand = chunks[ids].astype(np.float32)  # candidates x CHUNKS x DIM
        sims = np.einsum("qd,ncd->nqc", draft, cand)  # candidates x draft chunks x site chunks
        best = sims.max(axis=(1, 2))
        typical = sims.max(axis=2).mean(axis=1)
        score = 0.6 * best + 0.4 * typical
        top = ids[np.argsort(-score)[:20]]
        timings.append((time.perf_counter() - t0) * 1000)
        hits += int(site_topic[top[0]] == topic)
    p50, p95 = np.percentile(timings, [50, 95])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"query (ANN top {args.candidates} + full rerank, top 20): p50 {p50:.1f} ms, p95 {p95:.1f} ms "
          f"over {args.queries} queries (target < 300 ms); top-1 on the right topic {hits / args.queries:.0%}")
    print(f"peak RSS {peak:,.0f} MB (mostly the synthetic chunk matrix)")


if __name__ == "__main__":
    main()
