"""One SQLite file for all state, in WAL mode, with named migrations applied in order.

Each migration is a small function recorded by name in ``_migrations`` once applied, so a
database created by any earlier version is brought forward step by step. ``PRAGMA user_version``
mirrors the number applied, for tools that look there.

A command that only reads opens it with ``readonly=True``: a database this process cannot write
(a read-only file, directory or mount) is then opened read-only instead of refused (see
``_open_readonly``); commands that write are refused with one line saying the database is read-only.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from assistant import config
from assistant.errors import AssistError
from assistant.sql import run_script, transaction

__all__ = ["Migration", "ReadOnlyDatabase", "connect", "migrate", "run_script", "storage_problem", "transaction"]

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
    from assistant.links import schema as links_schema
    from assistant.outreach import schema as outreach_schema
    from assistant.prospects import schema as sites_schema
    from assistant.share import schema as queue_schema
    from assistant.web import schema as web_schema

    return [
        ("001_embedding_cache", _embedding_cache),
        *queue_schema.MIGRATIONS,
        *sites_schema.MIGRATIONS,
        *links_schema.MIGRATIONS,
        *outreach_schema.MIGRATIONS,
        *web_schema.MIGRATIONS,
    ]


def migrate(db: sqlite3.Connection, migrations: list[tuple[str, Migration]] | None = None) -> list[str]:
    """Apply the migrations not yet recorded; return the names applied."""
    steps = _all_migrations() if migrations is None else migrations
    # Nothing is written when nothing is to do: opening a current database takes no write lock, so
    # a command (or a page) that reads never waits for another process's long write.
    if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'").fetchone() is None:
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
    if db.execute("PRAGMA user_version").fetchone()[0] != count:
        db.execute(f"PRAGMA user_version = {int(count)}")
    return applied


def storage_problem(exc: BaseException) -> str | None:
    """One line for what the disk or the database refuses (a full disk, a read-only or locked
    database), None for anything else."""
    import errno as errno_mod

    text = str(exc).lower()
    where = config.db_path()
    if "disk is full" in text or getattr(exc, "errno", None) == errno_mod.ENOSPC:
        return f"the disk is full (writing {where} or a file beside it); free some space and run it again"
    if "readonly" in text or "read-only" in text or getattr(exc, "errno", None) == errno_mod.EROFS:
        return f"{where} is read-only; this command needs to write to it (check its permissions)"
    if "database is locked" in text or "database is busy" in text:
        return f"{where} is busy (another assist process is writing, a long import?); try again shortly"
    return None


class ReadOnlyDatabase(AssistError):
    """The database cannot be written by this process, and the command needs to write to it."""


def connect(path: Path | str | None = None, *, migrate_schema: bool = True,
            readonly: bool = False, busy_timeout: float = 30.0) -> sqlite3.Connection:
    """Open (creating if needed) the database, in WAL mode, migrated to the current schema.

    ``readonly``: the caller only reads, so a database this process cannot write is opened
    read-only (nothing migrated, cache writes kept for this connection only) rather than refused.
    ``busy_timeout``: how long a write waits for another process's write (seconds).
    """
    target = Path(path) if path is not None else config.db_path()
    if not _writable(target):
        if not target.exists():
            raise ReadOnlyDatabase(f"database {target} does not exist and its directory is read-only,"
                                   " so it cannot be created (check its permissions)")
        if readonly:
            return _open_readonly(target)
        raise ReadOnlyDatabase(f"database {target} is read-only; this command needs to write to it"
                               " (check its permissions)")
    if target.is_file() and target.stat().st_size == 0:  # say so: it is not silently a new database
        import sys

        print(f"warning: {target} was an empty file (0 bytes); starting a new, empty database there",
              file=sys.stderr)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(target, timeout=busy_timeout, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise AssistError(f"cannot open database {target}: {exc}") from None
    db.row_factory = sqlite3.Row
    _set_wal(db, target, busy_timeout)
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
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


def _writable(target: Path) -> bool:
    """Whether this process may write the database: the file, and the directory where SQLite creates
    the -wal and -shm files beside it (unless both exist, writable); for a new one, its directory."""
    if not target.exists():
        return not target.parent.is_dir() or os.access(target.parent, os.W_OK | os.X_OK)
    sides = [target.with_name(target.name + suffix) for suffix in ("-wal", "-shm")]
    return os.access(target, os.W_OK) and (os.access(target.parent, os.W_OK | os.X_OK)
                                           or all(os.access(side, os.W_OK) for side in sides))


# Caches a reading command fills as it goes (embedded texts, site vectors): on a read-only database
# their writes land in TEMP tables of the connection, so the command uses them and nothing is stored.
CACHE_TABLES = ("embeddings", "site_vectors")
# What SQLite answers when it can neither open nor create the -shm file of a WAL database: on a
# read-only mount, in a directory it may not write (chmod), a -shm file it cannot initialise.
NO_SHM = (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY_DIRECTORY, sqlite3.SQLITE_READONLY_CANTINIT)


def _open_readonly(target: Path) -> sqlite3.Connection:
    """The database opened read-only: no journal mode switch, no migration (an old schema is refused).

    A WAL database opened read-only needs its -shm file, which SQLite creates if it can; in a
    read-only directory without one it cannot (``NO_SHM``), and the documented way out is
    ``immutable=1`` (https://www.sqlite.org/wal.html#readonly). That is used only when there is no
    -wal file (or an empty one): then no connection has the database open, so nothing is writing to
    it, and no commit is left in a WAL that ``immutable`` would not read.
    """
    uri = target.resolve().as_uri() + "?mode=ro"
    try:
        db = _open_uri(uri)
    except sqlite3.Error as exc:
        wal = target.with_name(target.name + "-wal")
        if getattr(exc, "sqlite_errorcode", None) not in NO_SHM:
            raise AssistError(f"cannot open database {target}: {exc}") from None
        if wal.exists() and wal.stat().st_size > 0:
            raise AssistError(f"cannot open database {target}: it is read-only and its -wal file holds changes"
                              " that only a writable open can read; open it once writable") from None
        try:
            db = _open_uri(uri + "&immutable=1")
        except sqlite3.Error as again:
            raise AssistError(f"cannot open database {target}: {again}") from None
    try:
        _check_schema(db, target)
        for table in CACHE_TABLES:
            _cache_in_temp(db, table)
    except BaseException:
        db.close()
        raise
    return db


def _open_uri(uri: str) -> sqlite3.Connection:
    db = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opening is lazy: read now
    except sqlite3.Error:
        db.close()
        raise
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 30000")
    return db


def _check_schema(db: sqlite3.Connection, target: Path) -> None:
    """A read-only database must already have every migration: it cannot be brought forward."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name = '_migrations'").fetchone():
        raise AssistError(f"database {target} is read-only and has no assist tables (empty, or not assist's);"
                          " open it once writable")
    done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
    if any(name not in done for name, _ in _all_migrations()):
        raise AssistError(f"database {target} is read-only and needs an upgrade; open it once writable")


def _cache_in_temp(db: sqlite3.Connection, table: str) -> None:
    """Shadow ``table`` with a TEMP view (temp names come first) over its stored rows and a TEMP table;
    an INSTEAD OF trigger sends the view's INSERTs (OR REPLACE, by primary key) to the TEMP table."""
    info = db.execute(f"PRAGMA main.table_info({table})").fetchall()
    cols = ", ".join(row["name"] for row in info)
    key = ", ".join(row["name"] for row in sorted(info, key=lambda r: r["pk"]) if row["pk"])
    if not key:
        return
    scratch = f"_scratch_{table}"
    new = ", ".join(f"NEW.{row['name']}" for row in info)
    db.execute(f"CREATE TEMP TABLE {scratch} ({cols}, PRIMARY KEY ({key}))")
    db.execute(f"CREATE TEMP VIEW {table} AS SELECT {cols} FROM main.{table} WHERE ({key}) NOT IN"
               f" (SELECT {key} FROM {scratch}) UNION ALL SELECT {cols} FROM {scratch}")
    db.execute(f"CREATE TEMP TRIGGER {scratch}_insert INSTEAD OF INSERT ON {table}"
               f" BEGIN INSERT OR REPLACE INTO {scratch} ({cols}) VALUES ({new}); END")
