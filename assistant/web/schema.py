"""The web app's tables: each scored version of a draft (by content hash), for the sparkline of
its scores over its saved versions on the drafts page."""

from __future__ import annotations

import sqlite3

from assistant.sql import run_script


def _web_001(db: sqlite3.Connection) -> None:
    run_script(
        db,
        """
        CREATE TABLE draft_scores (
            path TEXT NOT NULL,                -- the draft's resolved path
            content_hash TEXT NOT NULL,        -- sha256 of its text: one row per distinct version
            scored_at TEXT NOT NULL,           -- when the app first scored this version (UTC, ISO 8601)
            linkability REAL NOT NULL,
            relevance REAL,                    -- NULL: scored without the embedding model
            overall REAL NOT NULL,
            PRIMARY KEY (path, content_hash)
        ) WITHOUT ROWID;
        CREATE INDEX draft_scores_path_time ON draft_scores(path, scored_at);
        """,
    )


MIGRATIONS = [("web_001_draft_scores", _web_001)]
