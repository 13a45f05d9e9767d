"""Migrations of the share queue's tables (see assistant.db)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def _queue(db: sqlite3.Connection) -> None:
    """Posts (what to send, where, when, and where they stand) and every publish attempt.

    Times are Unix seconds (REAL). Only post content, target and options are stored: never a
    credential (channels read those from the environment or config when they publish).
    """
    db.execute(
        """CREATE TABLE share_posts (
            id INTEGER PRIMARY KEY,
            channel TEXT NOT NULL,
            target TEXT,
            text TEXT NOT NULL,
            url TEXT,
            title TEXT,
            options TEXT NOT NULL DEFAULT '{}',
            source TEXT,
            link_key TEXT,
            state TEXT NOT NULL DEFAULT 'scheduled' CHECK (state IN
                ('scheduled', 'sending', 'sent', 'failed', 'dead', 'cancelled', 'unknown')),
            due_at REAL NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            idempotency_key TEXT NOT NULL UNIQUE,
            needs_check INTEGER NOT NULL DEFAULT 0,
            lease_owner TEXT,
            lease_until REAL,
            remote_id TEXT,
            remote_url TEXT,
            last_error TEXT,
            note TEXT,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            sent_at REAL
        )"""
    )
    db.execute("CREATE INDEX share_posts_due ON share_posts (state, due_at)")
    db.execute("CREATE INDEX share_posts_link ON share_posts (channel, link_key)")
    db.execute("CREATE INDEX share_posts_channel_due ON share_posts (channel, due_at)")
    db.execute(
        """CREATE TABLE share_attempts (
            id INTEGER PRIMARY KEY,
            post_id INTEGER NOT NULL REFERENCES share_posts (id) ON DELETE CASCADE,
            channel TEXT NOT NULL,
            worker TEXT,
            started_at REAL NOT NULL,
            finished_at REAL,
            outcome TEXT NOT NULL,
            error TEXT,
            status INTEGER,
            retry_at REAL
        )"""
    )
    db.execute("CREATE INDEX share_attempts_post ON share_attempts (post_id)")
    db.execute("CREATE INDEX share_attempts_channel ON share_attempts (channel, started_at)")


MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = [
    ("share_001_queue", _queue),
]
