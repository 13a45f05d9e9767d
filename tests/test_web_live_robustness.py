"""The drafts pages under load and mishaps: event streams share one file watch per folder (and fall
back to polling when the system will not watch), idle streams hold no worker thread, a draft being
scored holds up no other draft's page, every change of an error (or a draft moved away) is an
event, and a content folder deleted while serving is named as missing.

All against the app served for real by uvicorn (``live_app``), with stand-in embedders.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from starlette.testclient import TestClient
from webtest import WordsEmbedder

from assistant.web import draft_watch
from assistant.web import drafts as drafts_module
from assistant.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_content"
DRAFT = "balcony-vegetable-garden.md"



class BlockingEmbedder(WordsEmbedder):
    """Holds any batch with the word "zanzibar" in it until released: a long scoring."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def encode(self, texts: Any, progress: Any = None) -> np.ndarray:
        if any("zanzibar" in t.lower() for t in texts):
            self.entered.set()
            assert self.release.wait(30)
        return super().encode(texts, progress)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(SAMPLES, folder)
    return folder


def wait_until(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def next_event(lines: Iterator[str]) -> dict[str, str]:
    """The next event's fields (comments skipped); the client's read timeout fails a missing one."""
    event: dict[str, str] = {}
    for line in lines:
        if not line:
            if event:
                return event
        elif not line.startswith(":"):
            key, _, value = line.partition(": ")
            event[key] = value
    raise AssertionError("the stream ended")


@contextlib.contextmanager
def streams(client: httpx.Client, url: str, paths: list[str], digests: dict[str, str]) -> Iterator[list[Any]]:
    """One event stream per path (each told the hash its page shows), past their ``retry:``."""
    with contextlib.ExitStack() as stack:
        opened = []
        for path in paths:
            response = stack.enter_context(client.stream(
                "GET", f"{url}/draft/events", params={"path": path, "hash": digests.get(path, "")}))
            assert response.status_code == 200
            lines = response.iter_lines()
            assert next_event(lines) == {"retry": str(drafts_module.RETRY_MS)}
            opened.append(lines)
        yield opened


def digest_of(url: str, path: str) -> str:
    return httpx.get(f"{url}/draft/fragment", params={"path": path}).headers["x-draft-hash"]


def inotify_fds() -> int:
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            count += os.readlink(f"/proc/self/fd/{fd}") == "anon_inode:inotify"
    return count


def watch_threads() -> int:
    return sum(1 for t in threading.enumerate() if t.name.startswith("assist-watch") and t.is_alive())


def serve(live_app: Any, folder: Path, embedder: Any = None) -> Any:
    live = live_app([folder])
    live.app.state.site.drafts.use_embedder(embedder if embedder is not None else WordsEmbedder())
    live.server.config.timeout_graceful_shutdown = 1  # open streams must not hold up the stop
    return live


def save(path: Path, data: str | bytes) -> None:
    """As editors save: a new file renamed over the old one (never seen half written)."""
    new = path.with_name(f".{path.name}.new")
    new.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    os.replace(new, path)


def edit(path: Path, line: str) -> None:
    save(path, path.read_text(encoding="utf-8") + f"\n{line}\n")


# --------------------------------------------------------------------------- 1. watcher failures


@pytest.mark.parametrize("when", ["at start", "while running", "no thread"])
def test_a_watcher_that_fails_falls_back_to_polling_logged_once(
        live_app: Any, content: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        when: str) -> None:
    from watchfiles._rust_notify import WatchfilesRustInternalError

    message = "OS file watch limit reached. Too many open files (os error 24)"

    def broken(folder: str, stop: threading.Event) -> Iterator[set[Any]]:
        if when == "while running":
            yield set()
        raise WatchfilesRustInternalError(message)

    def no_thread(self: Any) -> None:
        raise RuntimeError(message)

    if when == "no thread":
        monkeypatch.setattr(draft_watch.FolderWatch, "start", no_thread)
    else:
        monkeypatch.setattr(draft_watch, "_watch", broken)
    caplog.set_level(logging.WARNING, logger="assistant.web.draft_watch")
    live = serve(live_app, content)
    drafts = live.app.state.site.drafts
    names = [DRAFT, "productivity-tips-listicle.md"]
    digests = {name: digest_of(live.url, name) for name in names}
    with httpx.Client(timeout=5) as client, streams(client, live.url, names, digests) as opened:
        if when == "no thread":
            assert wait_until(lambda: len(caplog.records) == 1) and not drafts.watcher.folders
        else:
            assert wait_until(lambda: [w.mode for w in drafts.watcher.folders.values()] == ["poll"])
        for name, lines in zip(names, opened, strict=True):
            edit(content / name, f"We measured {len(name)} balcony pots in 2026.")
            event = next_event(lines)  # still alive: the save arrives through the polling
            assert event["event"] == "update" and event["id"] not in ("", digests[name])
    warnings = [r for r in caplog.records if "polling" in r.getMessage()]
    assert len(warnings) == 1 and "Too many open files" in warnings[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


# --------------------------------------------------------------------------- 1, 2. shared watches


def test_many_streams_share_one_watch_per_folder_and_all_hear_a_save(live_app: Any, content: Path) -> None:
    (content / "sub").mkdir()
    (content / "sub" / "nested.md").write_text((content / DRAFT).read_text(encoding="utf-8"), encoding="utf-8")
    live = serve(live_app, content)
    drafts = live.app.state.site.drafts
    names = [DRAFT, "productivity-tips-listicle.md", "sub/nested.md"]
    digests = {name: digest_of(live.url, name) for name in names}
    fds, threads = inotify_fds(), watch_threads()
    paths = [names[i % len(names)] for i in range(60)]
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    with httpx.Client(timeout=5, limits=limits) as client, streams(client, live.url, paths, digests) as opened:
        assert wait_until(lambda: drafts.watcher.subscribers() == len(paths))
        assert wait_until(lambda: all(w.mode == "watch" for w in drafts.watcher.folders.values()))
        assert sorted(drafts.watcher.folders) == sorted([str(content.resolve()), str((content / "sub").resolve())])
        assert watch_threads() - threads == 2  # 60 streams, 2 folders
        assert inotify_fds() - fds <= 2
        edit(content / DRAFT, "We also grew 12 tomato plants in 2026.")
        for path, lines in zip(paths, opened, strict=True):
            if path == DRAFT:
                event = next_event(lines)
                assert event["event"] == "update" and event["id"] != digests[DRAFT]
    assert wait_until(lambda: not drafts.watcher.folders and watch_threads() == threads)
    assert wait_until(lambda: inotify_fds() <= fds)


def test_folders_past_the_cap_on_system_watches_are_polled(
        live_app: Any, content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(draft_watch, "MAX_WATCHED_FOLDERS", 1)
    (content / "sub").mkdir()
    shutil.copy(content / DRAFT, content / "sub" / "post.md")
    live = serve(live_app, content)
    drafts = live.app.state.site.drafts
    names = [DRAFT, "sub/post.md"]
    digests = {name: digest_of(live.url, name) for name in names}
    with httpx.Client(timeout=5) as client, streams(client, live.url, names, digests) as opened:
        assert wait_until(lambda: sorted(w.mode for w in drafts.watcher.folders.values()) == ["poll", "watch"])
        for name, lines in zip(names, opened, strict=True):
            edit(content / name, "We counted 31 seedlings in 2026.")
            assert next_event(lines)["id"] != digests[name]
    assert wait_until(lambda: drafts.watcher.watching == 0 and not drafts.watcher.folders)


def test_open_streams_leave_the_worker_threads_to_the_pages(live_app: Any, content: Path) -> None:
    live = serve(live_app, content)
    drafts = live.app.state.site.drafts
    digest = digest_of(live.url, DRAFT)  # scored: its fragment is answered from memory

    def fragment_time() -> float:
        started = time.monotonic()
        assert httpx.get(f"{live.url}/draft/fragment", params={"path": DRAFT}).status_code == 200
        return time.monotonic() - started

    baseline = min(fragment_time() for _ in range(3))
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    with httpx.Client(timeout=5, limits=limits) as client, streams(client, live.url, [DRAFT] * 100, {DRAFT: digest}):
        assert wait_until(lambda: drafts.watcher.subscribers() == 100)
        time.sleep(1.2)  # every stream through a few of its ticks
        times = [fragment_time() for _ in range(5)]
    print(f"\nfragment from memory: {baseline * 1000:.0f} ms alone, {max(times) * 1000:.0f} ms max with 100 streams")
    assert max(times) < 0.5


# --------------------------------------------------------------------------- 3. one draft scoring


def test_a_long_scoring_holds_up_no_other_drafts_page(live_app: Any, content: Path) -> None:
    embedder = BlockingEmbedder()
    live = serve(live_app, content, embedder)
    drafts = live.app.state.site.drafts
    assert httpx.get(f"{live.url}/draft", params={"path": DRAFT}).status_code == 200  # scored
    (content / "long.md").write_text("# Zanzibar spices\n\nZanzibar grows cloves. Zanzibar exports pepper.\n"
                                     "Cloves dry in the sun for days.\n", encoding="utf-8")
    scorings = drafts.scorings
    answers: list[int] = []

    def open_long() -> None:
        answers.append(httpx.get(f"{live.url}/draft", params={"path": "long.md"}, timeout=30).status_code)

    waiting = [threading.Thread(target=open_long) for _ in range(2)]  # the same draft, twice
    try:
        waiting[0].start()
        assert embedder.entered.wait(10)
        waiting[1].start()
        for url in ("/draft", "/draft/fragment"):
            started = time.monotonic()
            page = httpx.get(f"{live.url}{url}", params={"path": DRAFT}, timeout=10)
            elapsed = time.monotonic() - started
            assert page.status_code == 200 and elapsed < 0.5, (url, elapsed)
        assert waiting[0].is_alive()  # still scoring
    finally:
        embedder.release.set()
        for thread in waiting:
            thread.join(30)
    assert answers == [200, 200]
    assert drafts.scorings == scorings + 1  # the second request waited for the first's scoring


def test_a_save_seen_by_many_tabs_is_scored_once_holding_one_worker_thread(live_app: Any, content: Path) -> None:
    embedder = BlockingEmbedder()
    live = serve(live_app, content, embedder)
    drafts = live.app.state.site.drafts
    digests = {name: digest_of(live.url, name) for name in (DRAFT, "productivity-tips-listicle.md")}
    scorings = drafts.scorings
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    with httpx.Client(timeout=10, limits=limits) as client, streams(client, live.url, [DRAFT] * 60, digests) as opened:
        assert wait_until(lambda: drafts.watcher.subscribers() == 60)
        time.sleep(0.4)
        try:
            edit(content / DRAFT, "Zanzibar cloves grow in balcony pots too.")
            assert embedder.entered.wait(10)
            time.sleep(0.3)  # every stream has heard of the save by now
            started = time.monotonic()
            other = httpx.get(f"{live.url}/draft/fragment", params={"path": "productivity-tips-listicle.md"})
            elapsed = time.monotonic() - started
            assert other.status_code == 200 and elapsed < 0.5, elapsed
        finally:
            embedder.release.set()
        ids = {next_event(lines)["id"] for lines in opened}
    assert len(ids) == 1 and digests[DRAFT] not in ids
    assert drafts.scorings == scorings + 1


# --------------------------------------------------------------------------- 4. errors and moves


def test_one_error_then_another_sends_an_event_each(live_app: Any, content: Path) -> None:
    live = serve(live_app, content)
    live.app.state.site.drafts.max_bytes = 4096
    draft = content / DRAFT
    save(draft, draft.read_text(encoding="utf-8")[:3000])
    digest = digest_of(live.url, DRAFT)
    with httpx.Client(timeout=5) as client, streams(client, live.url, [DRAFT], {DRAFT: digest}) as [lines]:
        save(draft, b"\x00\x01\x02PNG\x00" * 40)
        binary = next_event(lines)
        assert '"error": "balcony-vegetable-garden.md: binary file' in binary["data"]
        save(draft, "Balcony pots need water. " * 400)  # 10 KB: over the limit
        large = next_event(lines)
        assert '"error": "balcony-vegetable-garden.md: too large' in large["data"]
        assert len({digest, binary["id"], large["id"], ""}) == 4
        save(draft, "# Back\n\nBalcony pots are back. They need water every day.\n")
        back = next_event(lines)
        assert '"error": null' in back["data"]
    fragment = httpx.get(f"{live.url}/draft/fragment", params={"path": DRAFT})
    assert fragment.headers["x-draft-hash"] == back["id"]


@pytest.mark.parametrize(("name", "moved"), [("sub/post.md", "sub"), (DRAFT, "content"), ("sub/post.md", "content")],
                         ids=["its folder", "the content folder", "a folder above its own"])
def test_a_draft_whose_folder_is_moved_away_is_gone_and_back(live_app: Any, content: Path, name: str,
                                                             moved: str) -> None:
    (content / "sub").mkdir()
    shutil.copy(content / DRAFT, content / "sub" / "post.md")
    folder = content / "sub" if moved == "sub" else content
    live = serve(live_app, content)
    digest = digest_of(live.url, name)
    with httpx.Client(timeout=5) as client, streams(client, live.url, [name], {name: digest}) as [lines]:
        time.sleep(0.4)  # watching
        folder.rename(folder.with_name(folder.name + "-moved"))
        gone = next_event(lines)
        assert gone["event"] == "update" and gone["id"] not in ("", digest)
        assert f'"error": "{name}: no such file or directory"' in gone["data"]
        folder.with_name(folder.name + "-moved").rename(folder)
        back = next_event(lines)
        assert back["id"] == digest and '"error": null' in back["data"]
        time.sleep(0.4)  # watched again
        edit(content / name, "We planted 9 more pots in 2026.")
        assert next_event(lines)["id"] not in (digest, gone["id"])


def test_a_folder_deleted_and_made_again_is_watched_again(live_app: Any, content: Path) -> None:
    """`rm -rf posts && git checkout posts`: on ext4 the new folder often gets the old inode number,
    so the watch must not judge by it; the save after the folder is back is heard."""
    (content / "sub").mkdir()
    shutil.copy(content / DRAFT, content / "sub" / "post.md")
    saved = (content / "sub" / "post.md").read_bytes()
    name = "sub/post.md"
    live = serve(live_app, content)
    digest = digest_of(live.url, name)
    with httpx.Client(timeout=5) as client, streams(client, live.url, [name], {name: digest}) as [lines]:
        time.sleep(0.4)  # watching
        shutil.rmtree(content / "sub")
        (content / "sub").mkdir()
        gone = next_event(lines)
        assert f'"error": "{name}: no such file or directory"' in gone["data"]
        time.sleep(0.4)  # the new folder watched
        (content / "sub" / "post.md").write_bytes(saved)
        assert next_event(lines)["id"] == digest
        edit(content / name, "We planted 9 more pots in 2026.")
        assert next_event(lines)["id"] not in (digest, gone["id"])


# --------------------------------------------------------------------------- 5. a missing folder


def test_a_content_folder_deleted_while_serving_is_named_as_missing(content: Path) -> None:
    app = create_app([content], hosts=["testserver"])
    app.state.site.drafts.use_embedder(None)
    client = TestClient(app)
    assert "is missing" not in client.get("/").text
    shutil.rmtree(content)
    page = client.get("/")
    assert page.status_code == 200
    assert f'<p class="warn">The content folder {content} is missing (moved or deleted?).</p>' in page.text
    assert "No drafts (.md" not in page.text  # the folder is gone, not empty
