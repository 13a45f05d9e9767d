"""The SQLite database: WAL, named migrations applied once, in order, from any earlier schema."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant import db
from assistant.errors import AssistError


def test_connect_creates_a_real_wal_file_with_all_migrations(assist_home: Path) -> None:
    conn = db.connect()
    assert (assist_home / "assist.db").is_file()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    applied = [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY rowid")]
    assert applied == [name for name, _ in db._all_migrations()]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(applied)


def test_migrate_is_idempotent(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "a.db")
    assert db.migrate(conn) == []
    conn.close()
    again = db.connect(tmp_path / "a.db")
    assert db.migrate(again) == []


def test_only_missing_migrations_run_on_an_old_database(tmp_path: Path) -> None:
    calls: list[str] = []

    def step(name: str):  # type: ignore[no-untyped-def]
        def apply(conn: sqlite3.Connection) -> None:
            calls.append(name)
            conn.execute(f"CREATE TABLE {name} (x)")
        return apply

    old = [("m1", step("m1"))]
    conn = db.connect(tmp_path / "b.db", migrate_schema=False)
    assert db.migrate(conn, old) == ["m1"]
    assert db.migrate(conn, old + [("m2", step("m2"))]) == ["m2"]
    assert calls == ["m1", "m2"]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2


def test_a_failing_migration_leaves_nothing_half_done(tmp_path: Path) -> None:
    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half (x)")
        raise RuntimeError("boom")

    conn = db.connect(tmp_path / "c.db", migrate_schema=False)
    try:
        db.migrate(conn, [("broken", broken)])
    except RuntimeError:
        pass
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half'").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM _migrations").fetchone()[0] == 0


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "d.db", migrate_schema=False)
    conn.execute("CREATE TABLE t (x)")
    try:
        with db.transaction(conn):
            conn.execute("INSERT INTO t VALUES (1)")
            raise ValueError
    except ValueError:
        pass
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 0


def test_every_real_migration_is_all_or_nothing(tmp_path: Path) -> None:
    """A migration that fails half way (or a process killed in it) leaves the schema as it was, so the
    next start applies it again instead of failing on a table it half made."""
    steps = db._all_migrations()
    for n, (name, step) in enumerate(steps):
        conn = db.connect(tmp_path / f"m{n}.db", migrate_schema=False)
        db.migrate(conn, steps[:n])
        before = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()

        def broken(c: sqlite3.Connection, step=step) -> None:  # type: ignore[no-untyped-def]
            step(c)
            raise RuntimeError("killed mid-migration")

        try:
            db.migrate(conn, [(name, broken)])
        except RuntimeError:
            pass
        after = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        assert [tuple(r) for r in after] == [tuple(r) for r in before], name
        assert db.migrate(conn, steps) == [n for n, _ in steps[n:]]
        conn.close()


@pytest.mark.slow  # several Python processes
def test_processes_starting_at_once_on_a_new_database_all_open_it(tmp_path: Path) -> None:
    import subprocess
    import sys

    target = tmp_path / "race.db"
    code = f"from assistant import db; db.connect({str(target)!r}); print('ok')"
    for _ in range(10):
        for suffix in ("", "-wal", "-shm"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(4)]
        results = [p.communicate(timeout=120) for p in procs]
        assert [(p.returncode, out.strip()) for p, (out, _) in zip(procs, results, strict=True)] == [(0, "ok")] * 4, \
            [err.strip().splitlines()[-1:] for _, err in results]


def test_a_migration_that_commits_its_own_transaction_is_refused(tmp_path: Path) -> None:
    def commits(conn: sqlite3.Connection) -> None:
        conn.executescript("CREATE TABLE t (x);")  # executescript COMMITs first

    conn = db.connect(tmp_path / "e.db", migrate_schema=False)
    with pytest.raises(AssistError, match="m1 ended its own transaction"):
        db.migrate(conn, [("m1", commits)])
    assert conn.execute("SELECT count(*) FROM _migrations").fetchone()[0] == 0


def test_opening_waits_while_another_process_writes_to_a_new_database(tmp_path: Path) -> None:
    """SQLite refuses the switch to WAL at once (no busy wait) while another connection holds a write
    lock, as a second `assist` does on a database both are creating: connect waits instead."""
    import threading

    target = tmp_path / "busy.db"
    other = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE t (x)")
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES (1)")
    release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    release.start()
    try:
        conn = db.connect(target)
    finally:
        release.join()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_file_that_is_not_a_database_is_a_one_line_error_naming_it(tmp_path: Path) -> None:
    target = tmp_path / "assist.db"
    target.write_bytes(b"this is not SQLite " * 300)
    with pytest.raises(AssistError, match=f"cannot open database {target}: file is not a database"):
        db.connect(target)


def test_a_zero_byte_database_is_said_to_be_new(assist_home: Path) -> None:
    """A 0-byte database file was silently a new, empty database (issue 10, item 26)."""
    from click.testing import CliRunner

    from assistant.cli import cli

    (assist_home / "assist.db").write_bytes(b"")
    result = CliRunner().invoke(cli, ["queue", "list"])
    assert result.exit_code == 0 and "was an empty file (0 bytes); starting a new, empty database" in result.stderr


@pytest.mark.parametrize(("exc", "says"), [
    (sqlite3.OperationalError("database or disk is full"), "the disk is full"),
    (OSError(28, "No space left on device"), "the disk is full"),
    (sqlite3.OperationalError("attempt to write a readonly database"), "is read-only"),
    (sqlite3.OperationalError("database is locked"), "is busy"),
])
def test_storage_errors_are_one_line_not_internal_errors(assist_home: Path, monkeypatch: pytest.MonkeyPatch,
                                                         exc: BaseException, says: str) -> None:
    from click.testing import CliRunner

    from assistant.cli import cli
    from assistant.share import queue as queue_mod

    def refuse(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise exc

    monkeypatch.setattr(queue_mod.Queue, "list", refuse)
    result = CliRunner().invoke(cli, ["queue", "list"])
    assert result.exit_code == 1 and says in result.output and "internal error" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_opening_a_current_database_writes_nothing_so_readers_never_wait_for_a_writer(
        tmp_path: Path, write_lock_held: Callable[[Path], None]) -> None:
    """Another process in a long write (an import) holds the write lock: opening the database to read
    (or to write, before the first write) answers at once. Opening used to rewrite user_version,
    which waited out the whole busy timeout."""
    import time

    path = tmp_path / "assist.db"
    db.connect(path).close()
    write_lock_held(path)
    for readonly in (True, False):
        started = time.monotonic()
        conn = db.connect(path, readonly=readonly, busy_timeout=10)
        assert conn.execute("SELECT count(*) FROM _migrations").fetchone()[0] > 0
        conn.close()
        assert time.monotonic() - started < 2, readonly
    writer = db.connect(path, busy_timeout=0.3)
    with pytest.raises(sqlite3.OperationalError) as busy:
        writer.execute("BEGIN IMMEDIATE")
    said = db.storage_problem(busy.value)
    assert said is not None and "is busy" in said and "\n" not in said
