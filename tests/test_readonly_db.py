"""A read-only database (file, directory or mount): commands that read work, commands that write say
so in one line (hardening issue 10, item 26).

The database is filled by real commands (`assist share` to the example channel, `assist sites
import`), then made read-only for real: chmod when not root (root writes through chmod), a read-only
bind mount in a private mount namespace (`unshare`) otherwise. Commands run as processes; the tests
that need a stand-in embedder run in this process, on a database SQLite itself opens read-only.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from example_plugin.fixtures import (  # noqa: F401 - fixtures
    TOKEN,
    FileFake,
    example_installed_fixture,
    example_site_fixture,
)

from assistant import config, db
from assistant.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DRAFT = ROOT / "sample_content" / "remote-work-survey-2026.md"
CATALOG = ROOT / "sample_content" / "catalog.csv"
ROOT_USER = os.geteuid() == 0
# Days a month ahead (UTC, the configured zone): `--at` refuses more than 366 days ahead.
SOON, SOON_2 = (f"{datetime.now(UTC).date() + timedelta(days=d)} 10:00" for d in (30, 31))


@functools.cache
def chmod_stops_writes() -> bool:
    """False for root (CAP_DAC_OVERRIDE writes through a mode of 444), True for everyone else."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe"
        probe.write_text("")
        probe.chmod(0o444)
        try:
            probe.open("a").close()
        except PermissionError:
            return True
        return False


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def read_only_says(home: Path) -> str:
    return (f"Error: database {home / 'assist.db'} is read-only; this command needs to write to it"
            " (check its permissions)")


@functools.cache
def can_mount() -> bool:
    """Whether this process may bind-mount read-only in a mount namespace of its own."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run([*unshare(), "sh", "-c", "mount --bind / / && mount -o remount,ro,bind / /"],
                           capture_output=True)
    return probe.returncode == 0


def unshare() -> list[str]:
    return ["unshare", "--mount"] + ([] if ROOT_USER else ["--map-root-user"])


def assist_process(how: str, path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``assist ARGS`` in a process that cannot write ``path`` (the database or its directory)."""
    command = [sys.executable, "-m", "assistant", *args]
    if how == "mount":
        script = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"'
        return subprocess.run([*unshare(), "sh", "-c", script, "sh", str(path), *command],
                              capture_output=True, text=True, env=dict(os.environ), timeout=120)
    mode = path.stat().st_mode
    path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        return subprocess.run(command, capture_output=True, text=True, env=dict(os.environ), timeout=120)
    finally:
        path.chmod(mode)


HOW = [
    pytest.param("chmod", marks=pytest.mark.skipif(not chmod_stops_writes(),
                                                   reason="root writes through chmod; see 'mount'")),
    "mount",
]


@pytest.fixture(params=HOW)
def how(request: pytest.FixtureRequest) -> str:
    if request.param == "mount" and not can_mount():
        pytest.skip("no private mount namespace here (unshare --mount refused)")
    return str(request.param)


@pytest.fixture
def filled(example_installed: Path, assist_home: Path, tmp_path: Path) -> int:
    """A database with one queued post and the sample catalog, all connections to it closed."""
    fake = FileFake(tmp_path / "platform")
    (assist_home / "config.toml").write_text(
        f'timezone = "UTC"\n[channels.example]\npath = "{fake.path}"\ntoken = "{TOKEN}"\n')
    shared = run("share", str(DRAFT), "--channel", "example", "--summary", "lead", "--at", SOON,
                 "--json")
    assert shared.exit_code == 0, shared.output
    assert run("sites", "import", str(CATALOG)).exit_code == 0
    gc.collect()  # the commands' connections: SQLite removes -wal and -shm as the last one closes
    assert sorted(p.name for p in assist_home.glob("assist.db*")) == ["assist.db"]
    return int(json.loads(shared.stdout)[0]["id"])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("what", ["file", "dir"])
def test_read_commands_print_their_results_from_a_read_only_database(how: str, what: str, filled: int,
                                                                      assist_home: Path) -> None:
    database = assist_home / "assist.db"
    before = digest(database)
    target = database if what == "file" else assist_home
    listed = assist_process(how, target, "queue", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [p["id"] for p in json.loads(listed.stdout)] == [filled] and listed.stderr == ""
    shown = assist_process(how, target, "queue", "show", str(filled), "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["state"] == "scheduled", shown.stderr
    sites = assist_process(how, target, "sites", "list", "--limit", "100", "--json")
    assert sites.returncode == 0 and len(json.loads(sites.stdout)) == 24, sites.stderr
    dry = assist_process(how, target, "share", str(DRAFT), "--channel", "example", "--summary", "lead",
                         "--at", SOON_2, "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert digest(database) == before


@pytest.mark.parametrize("what", ["file", "dir"])
def test_write_commands_fail_in_one_line_naming_the_read_only_database(how: str, what: str, filled: int,
                                                                       assist_home: Path) -> None:
    database = assist_home / "assist.db"
    before = digest(database)
    target = database if what == "file" else assist_home
    for args in (["share", str(DRAFT), "--channel", "example", "--summary", "lead", "--at", SOON_2],
                 ["queue", "cancel", str(filled)],
                 ["sites", "import", str(CATALOG)]):
        done = assist_process(how, target, *args)
        assert (done.returncode, done.stdout) == (1, ""), done.stderr
        assert done.stderr.splitlines() == [read_only_says(assist_home)]
    assert digest(database) == before
    assert json.loads(run("queue", "show", str(filled), "--json").stdout)["state"] == "scheduled"


def test_a_wal_holding_changes_in_a_read_only_directory_is_one_line(how: str, filled: int,
                                                                    assist_home: Path) -> None:
    """No -shm and a -wal with commits in it: reading needs a writable open first (immutable=1
    would silently leave the WAL's commits out)."""
    database = assist_home / "assist.db"
    crash = ("import os, sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
             " c.execute(\"UPDATE share_posts SET note = 'from the wal'\"); os._exit(0)")
    subprocess.run([sys.executable, "-c", crash, str(database)], check=True)
    (assist_home / "assist.db-shm").unlink()
    assert (assist_home / "assist.db-wal").stat().st_size > 0
    done = assist_process(how, assist_home, "queue", "list", "--json")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines() == [
        f"Error: cannot open database {database}: it is read-only and its -wal file holds changes that only"
        " a writable open can read; open it once writable"]


# ------------------------------------------------------------------ in this process


@pytest.fixture
def read_only(assist_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """Make the database read-only from now on: chmod 444, or (as root, which writes through that)
    tell ``connect`` it is, so SQLite opens it with mode=ro and refuses every write itself."""
    database = assist_home / "assist.db"
    made: list[int] = []

    def make() -> None:
        gc.collect()
        if not chmod_stops_writes():
            monkeypatch.setattr(db, "_writable", lambda path: False)
        else:
            made.append(database.stat().st_mode)
            database.chmod(0o444)

    yield make
    if made:
        database.chmod(made[0])


class HashBackend:
    """A stand-in model: a fixed unit vector per text, so ranking runs without loading one."""

    def __init__(self) -> None:
        self.texts = 0

    def encode(self, texts: list[str]) -> Any:
        import numpy as np

        self.texts += len(texts)
        rows = [np.random.default_rng(int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "big"))
                .standard_normal(384) for t in texts]
        matrix = np.array(rows, dtype=np.float32)
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


@pytest.fixture
def backend(monkeypatch: pytest.MonkeyPatch) -> HashBackend:
    """Every Embedder the CLI builds (prospects, sites show) encodes with one HashBackend."""
    from assistant.cli import prospects as cli_prospects
    from assistant.embeddings import Embedder

    fake = HashBackend()

    def embedder(conn: Any, cfg: Any) -> Embedder:
        made = Embedder(db=conn)
        made._backend = fake
        return made

    monkeypatch.setattr(cli_prospects, "_embedder", embedder)
    return fake


def cache_rows() -> tuple[int, int]:
    conn = sqlite3.connect(config.db_path())
    try:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[return-value]
                     for t in ("embeddings", "site_vectors"))
    finally:
        conn.close()


def test_prospects_and_sites_show_rank_from_a_read_only_database_and_store_no_cache(
        assist_home: Path, read_only: Callable[[], None], backend: HashBackend) -> None:
    assert run("sites", "import", str(CATALOG)).exit_code == 0
    read_only()
    for _ in range(2):  # nothing was kept: the second run embeds everything again
        before = backend.texts
        ranked = run("prospects", str(DRAFT), "--json", "--limit", "5")
        assert ranked.exit_code == 0, ranked.output
        assert len(json.loads(ranked.stdout)) == 5 and backend.texts > before
    shown = run("sites", "show", "focusfriday.net", "--json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["domain"] == "focusfriday.net", shown.output
    assert cache_rows() == (0, 0)


def test_a_read_only_database_still_serves_the_caches_it_has(assist_home: Path, read_only: Callable[[], None],
                                                             backend: HashBackend) -> None:
    assert run("sites", "import", str(CATALOG)).exit_code == 0
    first = run("prospects", str(DRAFT), "--json", "--limit", "5")
    assert first.exit_code == 0, first.output
    stored = cache_rows()
    assert min(stored) > 0
    read_only()
    before = backend.texts
    again = run("prospects", str(DRAFT), "--json", "--limit", "5")
    assert again.exit_code == 0, again.output
    assert backend.texts == before  # every vector came from the stored caches
    assert json.loads(again.stdout) == json.loads(first.stdout) and cache_rows() == stored


def test_an_old_schema_read_only_asks_for_one_writable_open(assist_home: Path,
                                                            read_only: Callable[[], None]) -> None:
    conn = db.connect(migrate_schema=False)
    db.migrate(conn, db._all_migrations()[:1])
    conn.close()
    read_only()
    listed = run("queue", "list")
    assert (listed.exit_code, listed.stdout) == (1, "")
    assert listed.stderr.splitlines() == [
        f"Error: database {assist_home / 'assist.db'} is read-only and needs an upgrade; open it once writable"]


def test_a_read_only_connection_keeps_cache_writes_in_memory_and_refuses_others(
        assist_home: Path, read_only: Callable[[], None]) -> None:
    db.connect().close()
    read_only()
    conn = db.connect(readonly=True)
    with db.transaction(conn):
        conn.execute("INSERT OR REPLACE INTO embeddings (model, text_hash, dim, vector) VALUES ('m', x'01', 1, x'00')")
    assert conn.execute("SELECT count(*) FROM embeddings WHERE model = 'm'").fetchone()[0] == 1
    with pytest.raises(sqlite3.OperationalError, match="attempt to write a readonly database"):
        conn.execute("INSERT INTO sites (domain) VALUES ('a.example')")
    assert cache_rows() == (0, 0)
    with pytest.raises(db.ReadOnlyDatabase, match="is read-only; this command needs to write to it"):
        db.connect()


def test_readonly_on_a_writable_database_is_an_ordinary_connection(assist_home: Path) -> None:
    """A command that only reads still creates and migrates a database it can write (a first run)."""
    conn = db.connect(readonly=True)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.execute("INSERT INTO sites (domain) VALUES ('a.example')")
    assert (assist_home / "assist.db").is_file()
