"""One SQLite file for all state, in WAL mode, with named migrations applied in order.

Each migration is a small function recorded by name in ``_migrations`` once applied, so a
database created by any earlier version is brought forward step by step. ``PRAGMA user_version``
mirrors the number applied, for tools that look there.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from assistant import config
from assistant.errors import AssistError
from assistant.sql import run_script, transaction

__all__ = ["Migration", "connect", "migrate", "run_script", "transaction"]

Migration = Callable[[sqlite3.Connection], None]


def _embedding_cache(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE embeddings (
            model TEXT NOT NULL,
            text_hash BLOB NOT NULL,
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (model, text_hash)
        ) WITHOUT ROWID"""
    )


def _all_migrations() -> list[tuple[str, Migration]]:
    # Imported here so that opening a database never imports more than it needs at start-up.
    from assistant.prospects import schema as sites_schema
    from assistant.share import schema as queue_schema

    return [
        ("001_embedding_cache", _embedding_cache),
        *queue_schema.MIGRATIONS,
        *sites_schema.MIGRATIONS,
    ]


def migrate(db: sqlite3.Connection, migrations: list[tuple[str, Migration]] | None = None) -> list[str]:
    """Apply the migrations not yet recorded; return the names applied."""
    steps = _all_migrations() if migrations is None else migrations
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL"
        " DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"
    )
    done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
    applied = []
    for name, step in steps:
        if name in done:
            continue
        with db:  # one transaction per migration: all of it or none of it
            db.execute("BEGIN IMMEDIATE")
            if db.execute("SELECT 1 FROM _migrations WHERE name = ?", (name,)).fetchone():
                continue  # another process applied it while we waited for the lock
            step(db)
            if not db.in_transaction:  # the step committed: it was not all or nothing (see run_script)
                raise AssistError(f"migration {name} ended its own transaction; it must not commit")
            db.execute("INSERT INTO _migrations (name) VALUES (?)", (name,))
        applied.append(name)
    count = db.execute("SELECT count(*) FROM _migrations").fetchone()[0]
    db.execute(f"PRAGMA user_version = {int(count)}")
    return applied


def connect(path: Path | str | None = None, *, migrate_schema: bool = True) -> sqlite3.Connection:
    """Open (creating if needed) the database, in WAL mode, migrated to the current schema."""
    target = Path(path) if path is not None else config.db_path()
    if target.is_file() and target.stat().st_size == 0:  # say so: it is not silently a new database
        import sys

        print(f"warning: {target} was an empty file (0 bytes); starting a new, empty database there",
              file=sys.stderr)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(target, timeout=30, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise AssistError(f"cannot open database {target}: {exc}") from None
    db.row_factory = sqlite3.Row
    _set_wal(db, target)
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 30000")
    if migrate_schema:
        migrate(db)
    return db


def _set_wal(db: sqlite3.Connection, target: Path, timeout: float = 30.0) -> None:
    """Switch to WAL. SQLite answers "database is locked" at once, without waiting, while another
    process opening a new database at the same moment holds the lock this needs: so wait here."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.Error as exc:  # also a file that is not a database: the first statement says so
            if getattr(exc, "sqlite_errorcode", None) != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise AssistError(f"cannot open database {target}: {exc}") from None
            time.sleep(0.02)
