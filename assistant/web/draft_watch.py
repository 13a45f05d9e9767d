"""The file watches behind the live draft pages' event streams (``/draft/events``).

One watch per folder with a draft open (a thread of its own, never one of the worker threads
requests run in), shared by every stream of every draft in it; where the system will not watch
(its inotify limits reached, or any failure of the watcher), the open drafts are polled. A stream
holds no thread while it waits.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

WATCH_TICK_MS = 250  # a folder's watch checks that the folder is still there this often
POLL_SECONDS = 0.1  # where the system will not watch, the open drafts are polled this often
MAX_WATCHED_FOLDERS = 32  # system watches (inotify instances) taken at most; further folders are polled

log = logging.getLogger(__name__)


class Subscription:
    """One event stream's interest in one file: set from the folder's watch thread when it changed."""

    def __init__(self, path: str) -> None:
        import asyncio

        self.path = path
        self.name = os.path.basename(path)
        self.loop = asyncio.get_running_loop()
        self.event = asyncio.Event()
        self.told = time.monotonic()  # when it was last told of a change
        self.stamp: Any = None  # polled by the stream itself (no watch thread could be started)

    def notify(self) -> None:  # from the watch thread
        self.told = time.monotonic()
        try:
            self.loop.call_soon_threadsafe(self.event.set)
        except RuntimeError:  # its event loop is closed: the stream is gone
            pass

    async def wait(self, timeout: float) -> bool:
        """True when the file changed (or may have) since the last call; False after ``timeout`` seconds."""
        import asyncio

        if self.stamp is not None:
            return await self._poll(timeout)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.event.wait(), timeout)
        if self.event.is_set():
            self.event.clear()
            return True
        return False

    def poll_here(self) -> None:
        self.stamp = (_stamp(self.path), _identity(os.path.dirname(self.path)))

    async def _poll(self, timeout: float) -> bool:
        import asyncio

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            await asyncio.sleep(POLL_SECONDS)
            now = (_stamp(self.path), _identity(os.path.dirname(self.path)))
            if now != self.stamp:
                self.stamp = now
                self.told = time.monotonic()
                return True
        return False


class Watcher:
    """The watches of the drafts' folders: one per folder (a thread of its own, never one of the
    worker threads requests run in), shared by every event stream of every draft in that folder."""

    def __init__(self) -> None:
        self.guard = threading.Lock()
        self.folders: dict[str, FolderWatch] = {}
        self.watching = 0  # folders watched by the system (the rest are polled)
        self.warned = False  # the fallback to polling is logged once

    @contextlib.asynccontextmanager
    async def watch(self, path: str) -> AsyncIterator[Subscription]:
        """Told (``await sub.wait(timeout)``) each time the file at ``path`` is written, created,
        moved or deleted, or its folder is."""
        folder = os.path.dirname(path)
        sub = Subscription(path)
        with self.guard:
            watch = self.folders.get(folder)
            fresh = watch is None
            if watch is None:
                watch = self.folders[folder] = FolderWatch(self, folder)
            watch.subs.add(sub)
        if fresh:
            try:
                watch.start()
            except RuntimeError as exc:  # no thread to be had: its streams poll their files themselves
                with self.guard:
                    orphans = list(watch.subs)  # this one, and any that joined it meanwhile
                    watch.subs.clear()
                    if self.folders.get(folder) is watch:
                        del self.folders[folder]
                self.fallback(folder, exc)
                for orphan in orphans:
                    orphan.poll_here()
        try:
            yield sub
        finally:
            with self.guard:
                watch.subs.discard(sub)
                if not watch.subs:
                    watch.stop.set()
                    if self.folders.get(folder) is watch:
                        del self.folders[folder]

    def claim(self) -> bool:
        """A system watch for one more folder, if the app has not taken MAX_WATCHED_FOLDERS yet (the
        user's editors need some too: Linux allows 128 inotify instances a user by default)."""
        with self.guard:
            if self.watching >= MAX_WATCHED_FOLDERS:
                return False
            self.watching += 1
            return True

    def release(self) -> None:
        with self.guard:
            self.watching -= 1

    def subscribers(self) -> int:
        with self.guard:
            return sum(len(w.subs) for w in self.folders.values())

    def fallback(self, folder: str, exc: BaseException) -> None:
        with self.guard:
            if self.warned:
                return
            self.warned = True
        from assistant.errors import first_line

        log.warning("cannot watch %s for changes (%s: %s); polling the open drafts every %d ms instead",
                    folder, type(exc).__name__, first_line(exc), POLL_SECONDS * 1000)


def _watch(folder: str, stop: threading.Event) -> Iterator[set[tuple[Any, str]]]:
    """The folder's changes (watchfiles: inotify, FSEvents, ...), an empty set every WATCH_TICK_MS."""
    from watchfiles import watch

    return watch(folder, watch_filter=None, recursive=False, step=20, debounce=400, rust_timeout=WATCH_TICK_MS,
                 yield_on_timeout=True, stop_event=stop, raise_interrupt=False)


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


def _stamp(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


class FolderWatch(threading.Thread):
    """One folder watched for the streams of the drafts in it, until the last of them ends.

    watchfiles watches the folder, not the file: editors save by writing a new file and renaming it
    over the old one; 20 ms of quiet ends a burst of events. Where the system will not watch (its
    inotify limits reached, or any other failure of the watcher), the open drafts' size, time and
    inode are polled instead. The folder itself is checked too: moved, deleted or replaced (it or a
    folder above it), every draft in it has changed; watched again when it is back.
    """

    def __init__(self, watcher: Watcher, folder: str) -> None:
        super().__init__(name=f"assist-watch {folder}", daemon=True)
        self.watcher = watcher
        self.folder = folder
        self.subs: set[Subscription] = set()
        self.stop = threading.Event()
        self.can_watch = True
        self.mode = ""  # "watch" or "poll", for tests

    def _tell(self, names: set[str] | None) -> None:
        """Notify the streams of these file names (None: all of them)."""
        with self.watcher.guard:
            subs = [s for s in self.subs if names is None or s.name in names]
        for sub in subs:
            sub.notify()

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                if self.can_watch and _identity(self.folder) is not None and self.watcher.claim():
                    try:
                        self._watch()
                    finally:
                        self.watcher.release()
                else:
                    self._poll()
        except Exception as exc:  # never a traceback: the streams keep their ticks, just no more news
            log.warning("watching %s stopped: %s", self.folder, exc)

    def _watch(self) -> None:
        self.mode = "watch"
        ident = _identity(self.folder)
        first = True
        changes = None
        try:
            changes = _watch(self.folder, self.stop)
            for found in changes:
                if first:  # watching now: a save made while it started is not lost
                    first = False
                    self._tell(None)
                paths = {p for _, p in found}
                if self.folder in paths or _identity(self.folder) != ident:
                    # The folder itself changed (deleted, moved, made again): watch it afresh. Made
                    # again at once it may have the same inode number, so that alone cannot tell.
                    self._tell(None)
                    return
                if paths:
                    self._tell({os.path.basename(p) for p in paths})
        except Exception as exc:  # WatchfilesRustInternalError (a RuntimeError), OSError, ...
            if _identity(self.folder) == ident:
                self.can_watch = False
                self.watcher.fallback(self.folder, exc)
            self._tell(None)
        finally:
            close = getattr(changes, "close", None)  # the system's watch let go now, not when collected
            if close is not None:
                with contextlib.suppress(Exception):
                    close()

    def _poll(self) -> None:
        self.mode = "poll"
        ident = _identity(self.folder)
        stamps: dict[str, tuple[int, int, int] | None] = {}
        while not self.stop.wait(POLL_SECONDS):
            with self.watcher.guard:
                names = {s.name for s in self.subs}
            changed = set()
            for name in names:
                now = _stamp(os.path.join(self.folder, name))
                if name not in stamps or stamps[name] != now:  # a new stream is told once: harmless
                    changed.add(name)
                stamps[name] = now
            if changed:
                self._tell(changed)
            now_ident = _identity(self.folder)
            if now_ident != ident:
                self._tell(None)
                ident = now_ident
            if self.can_watch and ident is not None and self.watcher.watching < MAX_WATCHED_FOLDERS:
                return  # the folder is back (or a watch is free): watch it
