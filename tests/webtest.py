"""Fixtures for the web app's tests: the app served for real by uvicorn on 127.0.0.1 (a free port,
in a thread), and a real headless Chromium driven by Playwright (Debian's `chromium` package; the
browser tests skip, naming it, on a machine without it).

Use: ``from webtest import browser, live_app  # noqa: F401 - fixtures``.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_MISSING = "Chromium is not installed (Debian package chromium; .ci/run installs it)"


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class WordsEmbedder:
    """A stand-in for the model in the web tests: a bag of words hashed into 384 dimensions,
    normalised, so texts sharing words are close; deterministic and fast."""

    cache_identity = "words-test"  # the prospects ranking keeps site vectors per model
    cache = None

    def encode(self, texts: Any, progress: Any = None) -> Any:
        import re
        import zlib

        import numpy as np

        out = np.zeros((len(texts), 384), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]{3,}", text.lower()):
                out[row, zlib.crc32(word.encode()) % 384] += 1
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else out[row]
        if progress is not None:
            progress(len(texts))
        return out


@dataclass
class LiveApp:
    url: str
    app: Any
    server: Any
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def serve(content: list[Path], **options: Any) -> LiveApp:
    """The app on 127.0.0.1 at a free port, served by uvicorn in a thread until stop()."""
    import uvicorn

    from assistant.web import app as web_app
    from assistant.web import security

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = web_app.create_app(content, hosts=security.host_names("127.0.0.1", port), **options)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                                           timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    return LiveApp(f"http://127.0.0.1:{port}", app, server, thread)


@pytest.fixture
def live_app() -> Iterator[Callable[..., LiveApp]]:
    """live_app(content_dirs, **create_app options) -> LiveApp, stopped after the test."""
    started: list[LiveApp] = []

    def start(content: list[Path], **options: Any) -> LiveApp:
        started.append(serve(content, **options))
        return started[-1]

    yield start
    for one in started:
        one.stop()


@pytest.fixture(scope="session")
def _chromium() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        pytest.skip(CHROMIUM_MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def browser(_chromium: Any) -> Iterator[Any]:
    """A fresh browser page (its own context: no cookies shared between tests)."""
    context = _chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
