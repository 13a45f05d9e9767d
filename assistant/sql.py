"""SQLite helpers every module that writes may use: a leaf (it imports nothing of assist), so the
modules that define tables and migrations (prospects.schema, share.schema) and the stores that write
them never import ``assistant.db``, which imports every schema to migrate a new connection."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # how times are stored: UTC, ISO 8601, sorting as text


def now_text(now: datetime | None = None) -> str:
    """A time (default: now) as the tables store it."""
    return (now or datetime.now(UTC)).astimezone(UTC).strftime(TIME_FORMAT)


def parse_time(text: str) -> datetime:
    """A stored time back (a date alone, or a time without a zone, is UTC)."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def run_script(db: sqlite3.Connection, script: str) -> None:
    """Run several ``;``-separated statements inside the current transaction.

    ``executescript`` would COMMIT the migration's transaction first, so a crash or a second process
    could see (or redo) half a migration.
    """
    start = 0
    for end, char in enumerate(script, start=1):
        if char == ";" and sqlite3.complete_statement(script[start:end]):
            db.execute(script[start:end])
            start = end
    if script[start:].strip():
        db.execute(script[start:])


@contextmanager
def transaction(db: sqlite3.Connection, mode: str = "IMMEDIATE") -> Iterator[sqlite3.Connection]:
    """An explicit transaction (autocommit connections): commit on success, roll back on error.

    Inside a transaction already open it joins it: the outer one commits or rolls back the lot.
    """
    if db.in_transaction:
        yield db
        return
    db.execute(f"BEGIN {mode}")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
