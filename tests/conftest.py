"""Shared fixtures: every test gets its own ASSIST_HOME; the embedding model loads once a session;
channel tests share a draft to one channel and run the queue (``share_to``)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_content"


@pytest.fixture(autouse=True)
def assist_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point all state at a fresh directory and drop any ASSIST_* settings from the caller's shell."""
    for name in list(os.environ):
        if name.startswith("ASSIST_"):
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "assist-home"
    home.mkdir()
    monkeypatch.setenv("ASSIST_HOME", str(home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from assistant import plugins

    plugins.reset()
    yield home
    plugins.reset()


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


STARTER_DRAFT = """---
title: Why sourdough starters smell of nail varnish
keywords: [sourdough, fermentation]
canonical_url: https://bread.example/starter-smell
---
# Why sourdough starters smell of nail varnish

A hungry starter makes ethyl acetate, which smells like nail varnish remover, when its yeast runs out of food.
Feeding it twice a day at room temperature usually clears the smell within three days.
"""


class ShareTo:
    """``assist share`` of a short draft to one channel, then ``assist queue run``, through the CLI."""

    def __init__(self, home: Path, tmp_path: Path) -> None:
        from click.testing import CliRunner

        self.home, self.tmp_path, self.runner = home, tmp_path, CliRunner()

    def share(self, name: str, settings: dict) -> dict:
        """Configure ``[channels.NAME]`` (checked listed as configured), share the draft with ``--at now``
        (checked to succeed) and return the queued post."""
        from assistant.cli import cli

        table = "\n".join(f"{k} = {json.dumps(v)}" for k, v in settings.items())
        (self.home / "config.toml").write_text(f'timezone = "UTC"\n[channels.{name}]\n{table}\n')
        draft = self.tmp_path / "starter.md"
        draft.write_text(STARTER_DRAFT)
        listed = json.loads(self.runner.invoke(cli, ["channels", "--json"]).stdout)
        row = next(r for r in listed if r["name"] == name)
        assert row["configured"] is True
        shared = self.runner.invoke(cli, ["share", str(draft), "--channel", name, "--summary", "lead", "--at", "now",
                                          "--json"])
        assert shared.exit_code == 0, shared.output
        [queued] = json.loads(shared.stdout)
        return queued

    def run(self, queued: dict) -> tuple[dict, bytes]:
        """Run the queue (checked: one post sent); return ``queue show`` of the post and the database's bytes."""
        from assistant import config
        from assistant.cli import cli

        ran = self.runner.invoke(cli, ["queue", "run", "--json"])
        assert ran.exit_code == 0, ran.output
        assert json.loads(ran.stdout)["outcomes"] == {"sent": 1}
        shown = json.loads(self.runner.invoke(cli, ["queue", "show", str(queued["id"]), "--json"]).stdout)
        stored = b"".join(f.read_bytes() for f in config.db_path().parent.glob("assist.db*"))  # with the WAL
        return shown, stored


@pytest.fixture
def share_to(assist_home: Path, tmp_path: Path) -> ShareTo:
    return ShareTo(assist_home, tmp_path)
