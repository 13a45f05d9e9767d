"""Shared fixtures: every test gets its own ASSIST_HOME; the embedding model loads once a session;
channel tests share a draft to one channel and run the queue (``share_to``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Real servers for the web app (uvicorn + headless Chromium: webtest.py) and for mail (aiosmtpd +
# Dovecot: mailservers.py); each skips, naming the Debian package, where its server is missing.
from mailservers import dovecot, smtp_server  # noqa: E402,F401 - fixtures
from webtest import _chromium, browser, live_app  # noqa: E402,F401 - fixtures

# The channel kit's fixtures (assistant.testing), as a plugin's own tests use them: every test gets
# its own ASSIST_HOME (autouse); `share_to` runs `assist share` + `assist queue run` for one channel.
from assistant.testing import assist_home, share_to  # noqa: F401 - fixtures

# The example plugin's own tests need it installed; test_plugins_example runs them in a copy of
# its folder against a pip-installed copy, as a plugin author would.
collect_ignore = ["example_plugin/tests"]

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_content"


# Fixtures that load the embedding model (a session fixture: the first test to ask for it pays the
# load and the ONNX export, 10-30 s on a cold machine).
MODEL_FIXTURES = frozenset({"shared_embedder"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``slow`` every test that uses the embedding model through a fixture, so the fast lane
    (``pytest -m "not slow"``) never loads it. ``item.fixturenames`` is the closure of the fixtures a
    test needs, so a test is marked too when the model comes through another fixture (``onnx`` in
    test_embeddings.py, ``cli_embedder`` in test_prospects_rank.py, ``fakes`` in test_share_e2e.py).
    Tests that load the model some other way (a subprocess, the CLI's own Embedder) carry
    ``@pytest.mark.slow`` in their module, as do tests that take more than about a second."""
    slow = pytest.mark.slow
    for item in items:
        if MODEL_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(slow)


@pytest.fixture(scope="session")
def model_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A state directory shared by the whole session, so the model and its cache are built once."""
    return tmp_path_factory.mktemp("model-home")


@pytest.fixture(scope="session")
def shared_embedder(model_home: Path):  # type: ignore[no-untyped-def]
    """One Embedder (model loaded once per test session) over a session-wide cache database."""
    from assistant import db
    from assistant.embeddings import Embedder

    os.environ["HF_HUB_OFFLINE"] = "1"
    conn = db.connect(model_home / "assist.db")
    embedder = Embedder(db=conn, models_dir=model_home / "models")  # the ONNX export, once a session
    yield embedder
    conn.close()




@pytest.fixture
def write_lock_held() -> Iterator[Callable[[Path], None]]:
    """write_lock_held(DB_PATH): another process holds the database's write lock (as a long import
    does) until the test ends."""
    import subprocess
    import sys

    holders: list[subprocess.Popen[str]] = []

    def hold(path: Path) -> None:
        holder = subprocess.Popen(
            [sys.executable, "-c", "import sqlite3, time\n"
             f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
             "c.execute('BEGIN IMMEDIATE'); c.execute('CREATE TABLE held (x)')\n"
             "print('held', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
        holders.append(holder)
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"

    yield hold
    for holder in holders:
        holder.kill()
        holder.wait()
