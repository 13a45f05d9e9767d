"""Composing 1,000 pitches from stored prospects: each pitch's email rendered from its template
(sandboxed Jinja), checked (placeholders, link, opt-out, postal address) and stored, as
`assist outreach draft` does. Target (issue 12): under 5 s.

    .venv/bin/python bench/bench_outreach_compose.py [--pitches 1000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime


def context(i: int) -> dict:
    site = f"site{i}.example"
    return {
        "draft": {"title": f"How to write async status updates, part {i}", "url": f"https://own.example/p/{i}",
                  "summary": "A field guide to written updates that replace the daily stand-up. " * 2,
                  "topic": "async status updates", "description": "", "headings": ["What to write", "When"],
                  "extra": None, "fact": f"Teams that wrote updates cut meetings by {i % 60}% in six weeks."},
        "site": {"domain": site, "name": f"Site {i}", "contact": None, "contact_name": None},
        "prospect": {"pitch_url": f"https://{site}/resources", "resource_pages": [f"https://{site}/resources"],
                     "matched_page": f"https://{site}/posts/{i}", "broken_targets": [f"https://gone.example/{i}"]},
        "linked": {"source_url": f"https://{site}/list", "target_url": f"https://other.example/{i}",
                   "similarity": 0.6, "anchor": "a guide"} if i % 2 else None,
        "reasons": ["its resources page lists guides to remote work", "it links to pages like this draft"],
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pitches", type=int, default=1000)
    args = ap.parse_args()
    os.environ["ASSIST_HOME"] = tempfile.mkdtemp(prefix="assist-bench-compose-")
    from assistant import db
    from assistant.outreach import compose, pipeline
    from assistant.sql import transaction

    conn = db.connect()
    templates = ["resource-page", "guest-post", "broken-link", "you-linked-to"]
    for i in range(args.pitches):
        pipeline.add(conn, pipeline.NewPitch(
            draft_key=f"d{i}", draft_path="d.md", draft_url=f"https://own.example/p/{i}", draft_title="t",
            site=f"site{i}.example", page_url=None, template=templates[i % 2 if i % 2 == 0 else 3],
            context=context(i), reasons=["r"], contact=f"editor{i}@site{i}.example", contact_source="given"),
            now=datetime.now(UTC))
    sender = compose.Sender("Ana Writer", "ana@own.example", "Remotely, 12 Rue des Lilas, 75011 Paris")
    rows = list(conn.execute("SELECT * FROM pitches"))
    started = time.perf_counter()
    refused = 0
    with transaction(conn):
        for row in rows:
            got = compose.compose_pitch(row, sender)
            if compose.problems(got.subject, got.body, recipient=row["contact"], draft_url=row["draft_url"],
                                sender=sender, empties=got.empties):
                refused += 1
            conn.execute("UPDATE pitches SET subject = ?, body = ?, stage = 'drafted' WHERE id = ?",
                         (got.subject, got.body, row["id"]))
    took = time.perf_counter() - started
    print(f"composed, checked and stored {len(rows):,} pitches in {took:.2f} s "
          f"({took / len(rows) * 1000:.2f} ms each); {refused} refused by the check")
    print("TARGET MET" if took < 5 else "TARGET MISSED (< 5 s)")
    return 0 if took < 5 and refused == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
