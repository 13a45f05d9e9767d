"""Import speed: a 1,000,000-row Ahrefs-like backlink export (UTF-16 LE, tab-separated).

Generates the export in a temporary directory (DuckDB writes it, then it is transcoded to UTF-16),
runs `assist sites import` on it in a child process against a fresh ASSIST_HOME, and prints rows/s,
seconds and the child's peak RSS. Targets: under 60 s and under 2 GB.

    python bench/bench_import.py [--rows 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import codecs
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = [
    "Referring page title", "Referring page URL", "Language", "Platform", "Referring page HTTP code",
    "Domain rating", "UR", "Domain traffic", "Referring domains", "Linked domains", "External links",
    "Page traffic", "Keywords", "Target URL", "Left context", "Anchor", "Right context", "Type", "Content",
    "Nofollow", "UGC", "Sponsored", "Rendered", "Raw", "Lost status", "First seen", "Last seen", "Lost",
]


def generate(path: Path, rows: int) -> None:
    """Write the export: ~50k referring domains, ~2k target pages, a malformed row every 100k."""
    import duckdb

    utf8 = path.with_suffix(".utf8.tsv")
    con = duckdb.connect()
    con.execute(
        f"""COPY (
          SELECT
            'How teams work: post ' || i AS "Referring page title",
            CASE WHEN i % 100000 = 7 THEN 'broken-' || i ELSE
              'https://' || CASE WHEN i % 5 = 0 THEN 'www.' ELSE '' END || 'site' || (hash(i) % 50000) || '.example/'
              || 'blog/post-' || i END AS "Referring page URL",
            'en' AS "Language", 'blogs' AS "Platform", '200' AS "Referring page HTTP code",
            (hash(i * 7) % 100)::VARCHAR AS "Domain rating", (i % 40)::VARCHAR AS "UR",
            format('{{:,}}', (hash(i * 3) % 90000)::BIGINT) AS "Domain traffic",
            (i % 900)::VARCHAR AS "Referring domains", '12' AS "Linked domains", '30' AS "External links",
            '0' AS "Page traffic", '0' AS "Keywords",
            'https://competitor' || (i % 20) || '.example/guide-' || (hash(i * 11) % 100) AS "Target URL",
            'as explained in' AS "Left context", 'anchor text ' || (i % 1000) AS "Anchor",
            'which covers it' AS "Right context", 'text' AS "Type", 'Content' AS "Content",
            CASE WHEN i % 9 = 0 THEN 'true' ELSE 'false' END AS "Nofollow", 'false' AS "UGC",
            CASE WHEN i % 31 = 0 THEN 'true' ELSE 'false' END AS "Sponsored",
            'false' AS "Rendered", 'true' AS "Raw", '' AS "Lost status",
            '2025-0' || (1 + i % 9) || '-1' || (i % 9) || ' 08:12:44' AS "First seen",
            '2026-11-0' || (1 + i % 9) || ' 03:01:10' AS "Last seen", '' AS "Lost"
          FROM range({rows}) t(i)
        ) TO '{utf8}' (HEADER, DELIMITER '\t', QUOTE '"')"""
    )
    con.close()
    encoder = codecs.getincrementalencoder("utf-16-le")()
    with utf8.open("r", encoding="utf-8", newline="") as src, path.open("wb") as dst:
        dst.write(codecs.BOM_UTF16_LE)
        while chunk := src.read(1 << 22):
            dst.write(encoder.encode(chunk))
    utf8.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", help="Write the export and database here instead of a temporary directory.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="assist-bench-import-") as tmp:
        work = Path(args.keep or tmp)
        work.mkdir(parents=True, exist_ok=True)
        export = work / "ahrefs-1m.csv"
        start = time.perf_counter()
        generate(export, args.rows)
        print(f"generated {args.rows:,} rows, {export.stat().st_size / 1e6:.0f} MB UTF-16 in "
              f"{time.perf_counter() - start:.1f} s")
        env = dict(os.environ, ASSIST_HOME=str(work / "home"))
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "assistant", "sites", "import", str(export)],
            env=env, capture_output=True, text=True,
        )
        seconds = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(proc.stdout.strip())
        if proc.stderr.strip():
            print(proc.stderr.strip()[:400])
        if proc.returncode != 0:
            sys.exit(f"import failed with exit code {proc.returncode}")
        print(f"import: {seconds:.1f} s, {args.rows / seconds:,.0f} rows/s, peak RSS {peak_mb:,.0f} MB "
              f"(targets: < 60 s, < 2048 MB)")


if __name__ == "__main__":
    main()
