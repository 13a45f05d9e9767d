"""Shared fixtures: every test gets its own ASSIST_HOME; the embedding model loads once a session."""

from __future__ import annotations

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
