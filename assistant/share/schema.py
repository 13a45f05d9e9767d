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


def _in_flight_since(db: sqlite3.Connection) -> None:
    """When the earliest attempt that may have published a post started (see assistant.share.queue).

    Posts already ``sending`` or flagged ``needs_check`` get their first attempt's start (or their
    claim's): the earliest time it can be, so a check never takes an old attempt for a recent one.
    """
    db.execute("ALTER TABLE share_posts ADD COLUMN in_flight_since REAL")
    db.execute(
        """UPDATE share_posts SET in_flight_since = min(updated_at, coalesce(
               (SELECT min(started_at) FROM share_attempts WHERE post_id = share_posts.id), updated_at))
           WHERE state = 'sending' OR needs_check"""
    )


MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = [
    ("share_001_queue", _queue),
    ("share_002_in_flight_since", _in_flight_since),
]
