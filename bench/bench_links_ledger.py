"""`assist links list` and `summary` over 1,000,000 links and 10 snapshots.

The ledger is filled directly (a year of links from 60,000 sites, a fifth of them lost, ten export
snapshots and two checks a link for a tenth of them), then each query is timed in this process
(median of 5) and once through the CLI in a fresh process. Target (issue 11): under 1 s each.

    .venv/bin/python bench/bench_links_ledger.py [--links 1000000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

REASONS = ["page-gone", "redirected", "noindex", "not-canonical", "link-removed", "target-broken", "unreachable"]


def fill(links: int) -> None:
    from assistant import db

    conn = db.connect()
    rng = random.Random(7)
    start = datetime(2025, 12, 1, tzinfo=UTC)
    rows = []
    for i in range(links):
        site = f"site{rng.randrange(60_000)}.example"
        first = start + timedelta(seconds=rng.randrange(365 * 86400))
        lost = rng.random() < 0.2
        lost_at = first + timedelta(days=rng.randrange(1, 60)) if lost else None
        state = "lost" if lost else rng.choice(["live"] * 8 + ["changed", "unverified"])
        ts = lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
        rows.append((f"http://{site}/p/{i}", f"https://own.example/post-{i % 500}", site, "own.example", "ahrefs",
                     ts(first), state, rng.choice(REASONS) if lost else None, ts(lost_at or first),
                     f"anchor {i % 997}", ts(lost_at) if lost_at else None, ts(start + timedelta(days=364))))
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO backlinks (source_url, target_url, source_site, target_site, origin, first_seen, state, reason,"
        " state_since, anchor, lost_at, last_checked) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    for s in range(10):
        conn.execute("INSERT INTO backlink_snapshots (path, format, as_of, links, new_links) VALUES (?,?,?,?,?)",
                     (f"/exports/ahrefs-{s}.csv", "ahrefs", (start + timedelta(days=30 * s)).date().isoformat(),
                      links // 10, links // 20))
    checks = [(i, "2026-11-20T00:00:00Z", "live", 200) for i in range(1, links // 10)] * 2
    conn.executemany("INSERT INTO backlink_checks (link_id, checked_at, state, status) VALUES (?,?,?,?)", checks)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--links", type=int, default=1_000_000)
    args = ap.parse_args()
    home = tempfile.mkdtemp(prefix="assist-bench-ledger-")
    os.environ["ASSIST_HOME"] = home
    t0 = time.monotonic()
    fill(args.links)
    print(f"filled {args.links:,} links, 10 snapshots in {time.monotonic() - t0:.0f} s")
    from assistant import db
    from assistant.links import queries

    conn = db.connect()
    now = datetime(2026, 12, 1, tzinfo=UTC)
    cases = {
        "list (all, newest 200)": lambda: queries.list_links(conn, limit=200),
        "list --state lost --since 30d": lambda: queries.list_links(conn, state="lost", since=now - timedelta(days=30), limit=200),
        "list --state new": lambda: queries.list_links(conn, state="new", since=now - timedelta(days=30), limit=200),
        "list --site S": lambda: queries.list_links(conn, site="site123.example", limit=200),
        "summary (12 weeks)": lambda: queries.summary(conn, weeks=12, now=now),
        "summary (52 weeks)": lambda: queries.summary(conn, weeks=52, now=now),
    }
    worst = 0.0
    for name, fn in cases.items():
        times = []
        for _ in range(5):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        worst = max(worst, statistics.median(times))
        print(f"{name:32s} median {statistics.median(times) * 1000:7.1f} ms  (min {min(times) * 1000:.1f})")
    for argv in (["links", "list", "--state", "lost", "--limit", "200", "--format", "json"], ["links", "summary"]):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assistant", *argv], check=True, capture_output=True)
        took = time.perf_counter() - t
        worst = max(worst, took)
        print(f"assist {' '.join(argv):40s} fresh process {took * 1000:7.0f} ms")
    print("TARGET MET" if worst < 1 else "TARGET MISSED (< 1 s)")
    return 0 if worst < 1 else 1


if __name__ == "__main__":
    sys.exit(main())
