"""`assist report` over 200 drafts and 100,000 links: time (scoring vs the rest) and file size.

1. Writes N synthetic drafts (bench/drafts.py) and fills the ledger directly with SQL as
   bench_links_ledger.py does (a year of links, a fifth lost), plus 500 pitches, in a temporary
   ASSIST_HOME.
2. Loads the embedding model (the first time on a machine this includes the ONNX export), then
   runs the report's stages in this process with an empty embedding cache: finding and scoring
   the drafts (every text the scorer sends to the model is recorded), then the ledger, the
   outreach funnel, the charts, the page and the atomic write.
3. Times the raw model call (the backend's encode) on exactly the recorded texts: scoring / raw.
   Steps 2 and 3 alternate --repeat times (the cache emptied each time); the best of each is kept.
4. Runs `assist report` again in a fresh process (the cache now warm, as on a second run).

Target (issue 13): the report in under 10 s (model load excluded: it is paid once a process and
the export once a machine; it is printed) and the file under 5 MB. Exits 1 when missed.

    .venv/bin/python bench/bench_report.py [--drafts 200] [--words 600] [--links 100000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from drafts import write_drafts  # noqa: E402

TARGET_S = 10.0
TARGET_BYTES = 5 * 1024 * 1024


class Recording:
    """Wraps a backend and keeps every text it is asked to encode."""

    def __init__(self, backend: object) -> None:
        self.backend = backend
        self.texts: list[str] = []

    def encode(self, texts: list[str]):  # type: ignore[no-untyped-def]
        self.texts.extend(texts)
        return self.backend.encode(texts)  # type: ignore[attr-defined]


def fill_pitches(n: int) -> None:
    from assistant import db

    conn = db.connect()
    start = datetime(2026, 6, 1, tzinfo=UTC)
    stages = ["new", "sent", "sent", "followed-up", "replied", "won", "declined", "no-reply"]
    rows = []
    for i in range(n):
        at = (start + timedelta(hours=9 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        stage = stages[i % len(stages)]
        sent = at if stage != "new" else None
        reply = at if stage in ("replied", "won", "declined") else None
        rows.append((f"d{i % 200}", f"draft-{i % 200:03d}.md", f"Draft {i % 200}", f"site{i}.example",
                     ["intro", "resource", "broken-link"][i % 3], "{}", stage, at, at, sent, reply))
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO pitches (draft_key, draft_path, draft_title, site, template, context, stage,"
                     " stage_at, created_at, first_sent_at, reply_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    conn.execute("COMMIT")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--drafts", type=int, default=200)
    ap.add_argument("--words", type=int, default=600)
    ap.add_argument("--links", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=2, help="empty-cache runs (and raw encodes), the best kept")
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="assist-bench-report-"))
    os.environ["ASSIST_HOME"] = str(home)
    os.environ["HF_HUB_OFFLINE"] = "1"
    content = home / "content"
    write_drafts(content, args.drafts, args.words)
    from bench_links_ledger import fill

    t = time.perf_counter()
    fill(args.links)
    fill_pitches(500)
    print(f"{args.drafts} drafts of ~{args.words} words, {args.links:,} links, 500 pitches ready in "
          f"{time.perf_counter() - t:.1f} s")

    from assistant import config, db
    from assistant.web import report

    cfg = config.load()
    conn = db.connect(readonly=True)
    embedder = report._embedder(cfg, conn)
    t = time.perf_counter()
    recording = Recording(embedder.backend)
    embedder._backend = recording
    load_s = time.perf_counter() - t
    print(f"model ready ({type(recording.backend).__name__}; the first run on a machine includes the ONNX "
          f"export): {load_s:.1f} s")

    output = home / "report.html"
    when = report.period(None)
    runs, raws = [], []
    for attempt in range(args.repeat):  # alternated, the minimum kept: the machine is shared
        conn.execute("DELETE FROM embeddings")  # an empty cache each time, as on a first run
        recording.texts.clear()
        t0 = time.perf_counter()
        paths, empty = report.find_drafts([content], output)
        reports = report.score_drafts(paths, cfg, embedder)
        t1 = time.perf_counter()
        with report._Reserved(output) as reserved:
            html = report.render([content], report.Drafts(reports, empty), report.links_section(conn, when),
                                 report.outreach_section(conn, when), when)
            reserved.commit(html)
        t2 = time.perf_counter()
        runs.append((t2 - t0, t1 - t0, t2 - t1))
        texts = sorted(recording.texts, key=len)
        t = time.perf_counter()
        recording.backend.encode(texts)  # type: ignore[attr-defined]
        raws.append(time.perf_counter() - t)
        print(f"  run {attempt + 1}: report {runs[-1][0]:.2f} s (scoring {runs[-1][1]:.2f} s), "
              f"raw encode {raws[-1]:.2f} s")
    total, scoring, rest = min(runs, key=lambda r: r[0])
    raw = min(raws)
    size = output.stat().st_size
    print(f"report, empty cache (best of {args.repeat}): {total:.2f} s = scoring {scoring:.2f} s "
          f"({len(reports)} drafts, {len(recording.texts):,} texts embedded) + the rest {rest:.2f} s "
          "(ledger, funnel, charts, page, write)")
    print(f"raw model encode of the same {len(recording.texts):,} texts (best of {args.repeat}): {raw:.2f} s; "
          f"scoring / raw encode: {scoring / raw:.2f}x; everything but the model: {total - raw:.2f} s")
    print(f"file: {size / 1024:.0f} KB ({size:,} bytes)")

    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant", "report", str(content), "-o", str(home / "again.html")],
                   check=True, capture_output=True)
    warm = time.perf_counter() - t
    print(f"assist report in a fresh process, cache warm (a second run): {warm:.2f} s")

    met = total < TARGET_S and size < TARGET_BYTES and warm < TARGET_S
    print(("TARGET MET" if met else "TARGET MISSED") + f" (< {TARGET_S:.0f} s, < 5 MB)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
