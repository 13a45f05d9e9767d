"""Ranking prospects with the data directory (ASSIST_HOME) read-only: the search indexes under its
``index/`` (BM25 folder, PageRank cache) cannot be saved, so the ranking uses them built in memory
and unsaved, never an error ("[Errno 30] Read-only file system: '.../index'", a 500 in the web app).

As in test_readonly_db.py, the directory is made read-only for real: a read-only bind mount in a
private mount namespace (``unshare``), or chmod when not root (root writes through chmod). `assist
prospects` and the web app run in that process, with a stand-in model (a fixed vector per text) so
that no model is loaded.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_readonly_db import CATALOG, DRAFT, HOW, can_mount, run, unshare

from assistant import db
from assistant.prospects import store

pytestmark = pytest.mark.slow  # processes

TESTS = Path(__file__).resolve().parent

# A stand-in model for the commands run in another process: a fixed unit vector per text.
STAND_IN = """
import hashlib, sys
import numpy as np
from assistant.embeddings import Embedder

class HashBackend:
    def encode(self, texts):
        rows = [np.random.default_rng(int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "big"))
                .standard_normal(384) for t in texts]
        matrix = np.array(rows, dtype=np.float32)
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)

def stand_in(conn=None, cfg=None):
    made = Embedder(db=conn)
    made._backend = HashBackend()
    return made
"""
# `assist ARGS` with the stand-in model.
CLI = STAND_IN + """
from assistant.cli import main, prospects
prospects._embedder = stand_in
main(sys.argv[1:])
"""
# The web app (uvicorn, requests in its thread pool) asked for the prospects page N times at once.
WEB = STAND_IN + """
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import urlopen

sys.path.insert(0, sys.argv[1])
from webtest import serve
from assistant.web.app import PerCallCache

content, draft, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
live = serve([Path(content)])
site = live.app.state.site
site._embedder = stand_in()
site._embedder.cache = PerCallCache(site.db_path)  # as the app's own: requests run in several threads

def get(_):
    try:
        with urlopen(live.url + "/prospects?" + urlencode({"path": draft}), timeout=120) as response:
            return response.status, response.read().decode()
    except HTTPError as exc:
        return exc.code, exc.read().decode()

with ThreadPoolExecutor(n) as pool:
    pages = list(pool.map(get, range(n)))
live.stop()
print(json.dumps(pages))
"""


def in_read_only(how: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -c ARGS`` in a process that cannot write ``home`` (nor its index folder)."""
    command = [sys.executable, "-c", *args]
    if how == "mount":
        script = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"'
        return subprocess.run([*unshare(), "sh", "-c", script, "sh", str(home), *command],
                              capture_output=True, text=True, env=dict(os.environ), timeout=180)
    index = home / "index"
    folders = [home, *([index, *(p for p in index.rglob("*") if p.is_dir())] if index.is_dir() else [])]
    modes = [(p, p.stat().st_mode) for p in folders]
    for p, _ in modes:
        p.chmod(0o555)
    try:
        return subprocess.run(command, capture_output=True, text=True, env=dict(os.environ), timeout=180)
    finally:
        for p, mode in reversed(modes):
            p.chmod(mode)


def writable(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", *args], capture_output=True, text=True, env=dict(os.environ),
                          timeout=180)


@pytest.fixture(params=HOW)
def how(request: pytest.FixtureRequest) -> str:
    if request.param == "mount" and not can_mount():
        pytest.skip("no private mount namespace here (unshare --mount refused)")
    return str(request.param)


def snapshot(home: Path) -> dict[str, str]:
    return {str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(home.rglob("*"))}


def prepare(home: Path, index: str) -> None:
    """The sample catalog, with its indexes never built, or built and then out of date (a site added)."""
    assert run("sites", "import", str(CATALOG)).exit_code == 0
    if index == "stale":
        first = writable(CLI, "prospects", str(DRAFT), "--json", "--limit", "5")
        assert first.returncode == 0, first.stderr
        assert list((home / "index").glob("bm25-*/assist.json"))
        conn = db.connect()
        try:  # no vectors yet: the ranking adds them, so the saved BM25 index is out of date
            store.upsert_site(conn, "asyncstandups.example", name="Async Standups",
                              description="Remote teams replace daily standups with written check-ins.",
                              authority=None, url="https://asyncstandups.example/", source="catalog")
        finally:
            conn.close()
    else:
        assert not (home / "index").exists()
    gc.collect()  # every connection closed: SQLite removes -wal and -shm as the last one closes


@pytest.mark.parametrize("index", ["missing", "stale"])
def test_prospects_rank_with_an_unsaved_index_when_the_data_dir_is_read_only(how: str, index: str,
                                                                             assist_home: Path) -> None:
    prepare(assist_home, index)
    before = snapshot(assist_home)
    done = in_read_only(how, assist_home, CLI, "prospects", str(DRAFT), "--json", "--limit", "5")
    assert done.returncode == 0, done.stderr
    assert all(line.startswith("note: ") for line in done.stderr.splitlines()), done.stderr
    listed = json.loads(done.stdout)
    assert len(listed) == 5
    assert snapshot(assist_home) == before  # nothing saved, nothing left behind
    # the same list as a ranking that can save its indexes
    again = writable(CLI, "prospects", str(DRAFT), "--json", "--limit", "5")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == listed
    assert list((assist_home / "index").glob("bm25-*/assist.json"))


@pytest.mark.parametrize("index", ["missing", "stale"])
def test_the_prospects_page_ranks_with_a_read_only_data_dir(how: str, index: str, assist_home: Path,
                                                          tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / DRAFT.name).write_text(DRAFT.read_text(encoding="utf-8"), encoding="utf-8")
    prepare(assist_home, index)
    before = snapshot(assist_home)
    done = in_read_only(how, assist_home, WEB, str(TESTS), str(content), DRAFT.name, "5")
    assert done.returncode == 0, done.stderr
    pages = json.loads(done.stdout)
    assert [status for status, _ in pages] == [200] * 5, [body[:2000] for _, body in pages if "Errno" in body]
    for _, body in pages:
        assert "Errno" not in body and "internal error" not in body
        rows = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        assert rows.count("<tr>") >= 5
    assert snapshot(assist_home) == before
