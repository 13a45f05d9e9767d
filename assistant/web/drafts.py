"""The drafts pages of `assist serve`: every draft in the content folders with its scores and a
sparkline of its overall score over its saved versions (``/``); one draft with its findings in
place and its suggestions ranked by gain (``/draft?path=...``); the live part of that page alone
(``/draft/fragment``); and a stream of Server-Sent Events (``/draft/events``) that says when the file
was saved and re-scored, which app.js answers by fetching the fragment, so the page follows the
writer's editor without a reload.

Scoring is the CLI's (``score_documents``) with the app's one Embedder over the database's embedding
cache, opened per call (a SQLite connection belongs to the thread that opened it; scoring runs in
worker threads), one scoring of a draft at a time and one model call at a time. The last scoring of
each draft is kept in memory by content hash (an unreadable draft's by its error), so a page view of
an unchanged draft scores nothing and waits for no other draft's scoring; each distinct version's
scores are stored (``draft_scores``) for the sparklines.

The event streams share the file watches of ``draft_watch``: one per folder with a draft open, so a
stream holds no thread while it waits.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse

from assistant.errors import AssistError, DocumentError, ModelError
from assistant.web.app import OneAtATime
from assistant.web.draft_watch import Watcher

HISTORY = 50  # versions a sparkline shows at most
RETRY_MS = 500  # how soon the browser reconnects a dropped event stream
TICK_MS = 500  # the event stream checks for a closed connection this often
STREAM_SECONDS = 300  # then it ends and the browser reconnects (Last-Event-ID: nothing is missed)
PING_SECONDS = 15



@dataclass(frozen=True)
class Entry:
    """A draft in a content folder: its path as the URL names it, and the file it resolves to."""

    rel: str
    real: str

    @property
    def url(self) -> str:
        return "/draft?path=" + quote(self.rel, safe="/")

    @property
    def query(self) -> str:
        return "path=" + quote(self.rel, safe="/")


@dataclass
class Scored:
    """A draft's last scoring (or the one-line error that stopped it), and its page fragment."""

    entry: Entry
    digest: str = ""
    doc: Any = None
    report: Any = None
    error: str | None = None
    note: str = ""
    history: tuple[float, ...] = ()
    html: str | None = None  # the page fragment (escaped HTML)

    @property
    def title(self) -> str:
        return self.doc.title if self.doc is not None and self.doc.title else self.entry.rel

    def summary(self) -> dict[str, Any]:
        r = self.report
        scores = {} if r is None or not r.ok else {
            "linkability": round(r.linkability.score, 1), "overall": round(r.score, 1),
            "relevance": round(r.relevance.score, 1) if r.relevance is not None else None}
        return {"hash": self.digest, "error": self.error, **scores}


_DEFAULT = object()


class Drafts:
    """The drafts of the content folders, scored on demand and remembered by content hash."""

    def __init__(self, site: Any) -> None:
        from assistant.documents import DEFAULT_MAX_BYTES

        self.site = site
        self.roots = [(p, None) if p.is_dir() else (p.parent, p.name) for p in (Path(c) for c in site.content)]
        cfg = site.settings
        mb = cfg.number("score.max_file_mb", DEFAULT_MAX_BYTES / 1024 / 1024, positive=True, maximum=1024)
        self.max_bytes = int(float(mb) * 1024 * 1024)
        self.weights = cfg.get("score.weights") or None
        self.stale_years = int(cfg.number("score.stale_years", 3, positive=True, maximum=1024))
        self.memo: dict[str, Scored] = {}
        self.guard = threading.Lock()  # guards the dict of locks below and the counters
        self.locks: dict[str, threading.Lock] = {}  # one per draft (real path): one scoring of it at a time
        self._embedder: Any = _DEFAULT
        self.watcher = Watcher()  # the folders watched for the event streams (no thread until one opens)
        self.flights: dict[tuple[int, Entry], tuple[float, Any]] = {}  # renders the event streams share
        self.note = ""  # why relevance was not measured (the model would not load), shown on the pages
        self.scorings = 0  # drafts scored (not answered from memory), for tests and the bench

    # -- which drafts

    def listing(self) -> list[Entry]:
        """Every draft in the content folders (as `assist score DIR` finds them), each once."""
        from assistant.documents import iter_paths

        seen: dict[str, Entry] = {}
        for root, only in self.roots:
            names = [only] if only else [Path(p).relative_to(root).as_posix() for p in iter_paths([str(root)])]
            for name in names:
                try:
                    name.encode("utf-8")
                except UnicodeEncodeError:  # a file name that is not UTF-8 cannot be a URL: left out
                    continue
                entry = self.resolve(name)
                if entry is not None and entry.rel not in seen and os.path.isfile(entry.real):
                    seen[entry.rel] = entry
        return list(seen.values())

    def resolve(self, rel: str) -> Entry | None:
        """The draft a URL names, strictly inside a content folder: no '..', no absolute path, no
        hidden part, a draft's suffix, and a real path (symbolic links followed) inside the folder."""
        from assistant.documents import SUPPORTED_SUFFIXES

        if not rel or len(rel) > 4096 or any(c in rel for c in "\\\x00") or rel.startswith("/"):
            return None
        pure = PurePosixPath(rel)
        if any(part in ("", "..") or part.startswith(".") for part in rel.split("/")):
            return None
        if pure.suffix.lower() not in SUPPORTED_SUFFIXES:
            return None
        inside: list[Entry] = []
        for root, only in self.roots:
            if only is not None and rel != only:
                continue
            base = os.path.realpath(root)
            real = os.path.realpath(os.path.join(base, *pure.parts))
            if only is not None or os.path.commonpath([base, real]) == base:
                inside.append(Entry(pure.as_posix(), real))
        # the first folder holding it; else (a draft deleted while its page is open) the first folder's
        return next((e for e in inside if os.path.isfile(e.real)), inside[0] if inside else None)

    # -- scoring

    def use_embedder(self, embedder: Any) -> None:
        """Score with this embedder (None: linkability only, no model); tests and benches use it."""
        self._embedder = embedder

    def embedder(self) -> Any:
        """The site's model (its encode calls take turns), or the one use_embedder gave, taking turns too."""
        if self._embedder is _DEFAULT:
            return self.site.embedder()
        return None if self._embedder is None else OneAtATime(self._embedder, self.site.model_lock)

    def score(self, entries: list[Entry]) -> list[Scored]:
        """Each draft's scoring: from memory when its text is unchanged, else scored (all in one batch).

        The memory is looked up first, without a lock: a draft scored before answers at once, whatever
        else is being scored. A draft to score is locked (each on its own, so other drafts wait for
        nothing) and looked up again: a request that waited for the same version's scoring uses it."""
        done: dict[Entry, Scored] = {}
        todo: list[tuple[Entry, str, Any]] = []
        for entry in entries:
            found = self._load(entry)
            if isinstance(found, Scored):
                done[entry] = found
            else:
                todo.append((entry, *found))
        if todo:
            with contextlib.ExitStack() as held:
                for real in sorted({e.real for e, _, _ in todo}):  # always in one order: no deadlock
                    held.enter_context(self._lock_of(real))
                fresh: list[tuple[Entry, str, Any]] = []
                for entry, digest, doc in todo:
                    memo = self.memo.get(entry.real)
                    if memo is not None and memo.digest == digest:
                        done[entry] = memo
                    else:
                        fresh.append((entry, digest, doc))
                for (entry, digest, doc), report in zip(fresh, self._reports([d for _, _, d in fresh]), strict=True):
                    done[entry] = self._remember(Scored(entry, digest, doc, report, error=report.error, note=self.note))
                if fresh:
                    self._record([done[e] for e, _, _ in fresh])
        return [done[e] for e in entries]

    def _lock_of(self, real: str) -> threading.Lock:
        with self.guard:
            return self.locks.setdefault(real, threading.Lock())

    def _load(self, entry: Entry) -> Scored | tuple[str, Any]:
        """The remembered scoring of an unchanged draft, an error, or (digest, Document) to score."""
        from assistant import documents
        from assistant.document_decoding import read_source

        try:
            text, encoding = read_source(entry.real, max_bytes=self.max_bytes)
        except DocumentError as exc:  # unreadable, too large, gone...: each error is a version of its own
            self.memo.pop(entry.real, None)
            error = f"{entry.rel}: {exc.reason}"
            return Scored(entry, hashlib.sha256(b"error\0" + error.encode("utf-8", "surrogatepass")).hexdigest(),
                          error=error)
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        memo = self.memo.get(entry.real)
        if memo is not None and memo.digest == digest:
            return memo
        try:
            doc = documents.load(entry.rel, text=text)  # named by its URL path: messages show that
        except DocumentError as exc:
            return self._remember(Scored(entry, digest, error=str(exc)))
        doc.encoding = encoding
        return digest, doc

    def _remember(self, scored: Scored) -> Scored:
        self.memo[scored.entry.real] = scored
        return scored

    def _reports(self, docs: list[Any]) -> list[Any]:
        from assistant.score.report import score_documents

        if not docs:
            return []
        with self.guard:
            self.scorings += len(docs)
        options = {"weights": self.weights, "stale_years": self.stale_years}
        try:
            return score_documents(docs, self.embedder(), **options)
        except ModelError as exc:
            self.note = f"relevance not measured: {exc}"
            return score_documents(docs, None, **options)

    # -- history

    def _record(self, scored: list[Scored]) -> None:
        """Store each newly scored version (a version scored before keeps its first time)."""
        rows = [(s.entry.real, s.digest, _now(), s.report.linkability.score,
                 s.report.relevance.score if s.report.relevance is not None else None, s.report.score)
                for s in scored if s.report is not None and s.report.ok]
        try:
            conn = self.site.db(readonly=False)
        except AssistError:
            return  # a read-only database: the pages work, the history does not grow
        try:
            with conn:
                conn.executemany(
                    "INSERT INTO draft_scores (path, content_hash, scored_at, linkability, relevance, overall)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (path, content_hash) DO UPDATE SET"
                    " linkability = excluded.linkability, relevance = excluded.relevance, overall = excluded.overall"
                    " WHERE draft_scores.relevance IS NULL AND excluded.relevance IS NOT NULL", rows)
        except sqlite3.Error:
            pass
        finally:
            conn.close()

    def history(self, entries: list[Entry]) -> dict[str, list[float]]:
        """Real path -> overall scores of its stored versions, oldest first (the last HISTORY)."""
        if not entries:
            return {}
        out: dict[str, list[float]] = {}
        try:
            conn = self.site.db(readonly=True)
        except AssistError:
            return out
        try:
            paths = [e.real for e in entries]
            for start in range(0, len(paths), 500):
                chunk = paths[start : start + 500]
                rows = conn.execute(f"SELECT path, overall FROM draft_scores WHERE path IN ({','.join('?' * len(chunk))})"
                                    " ORDER BY path, scored_at", chunk)
                for path, overall in rows:
                    out.setdefault(path, []).append(float(overall))
        except sqlite3.Error:
            return out
        finally:
            conn.close()
        return {k: v[-HISTORY:] for k, v in out.items()}

    # -- the page fragment

    def render(self, entry: Entry) -> Scored:
        """The draft scored (or remembered) with its page fragment rendered."""
        scored = self.score([entry])[0]
        if scored.html is None:
            from assistant.web import draft_view

            scored.history = tuple(self.history([entry]).get(entry.real, ()))
            view = draft_view.build(scored.doc, scored.report) if scored.report is not None and scored.report.ok else None
            scored.html = self.site.env.get_template("draft_fragment.html.j2").render(
                s=scored, view=view, kinds=draft_view.KINDS, spark=draft_view.sparkline(scored.history),
                shown=draft_view.shown)
        return scored

    async def render_since(self, entry: Entry, since: float) -> Scored:
        """``render(entry)`` in a worker thread, for the event streams: one render of a draft at a time,
        joined by every stream of it that needs a look at the file made after ``since`` (monotonic
        time), so a save seen by 100 open tabs takes one worker thread, not 100 (a long scoring
        would otherwise hold them all, and every other page would wait for a thread)."""
        import asyncio

        key = (id(asyncio.get_running_loop()), entry)
        flight = self.flights.get(key)
        if flight is None or flight[0] < since:
            task = asyncio.ensure_future(run_in_threadpool(self.render, entry))
            flight = self.flights[key] = (time.monotonic(), task)

            def landed(done: Any, key: Any = key, flight: Any = flight) -> None:
                if self.flights.get(key) is flight:
                    del self.flights[key]
                if not done.cancelled():
                    done.exception()  # its streams hear of it; never "exception was never retrieved"

            task.add_done_callback(landed)
        return await asyncio.shield(flight[1])


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")



def _event(scored: Scored) -> str:
    return f"id: {scored.digest}\nevent: update\ndata: {json.dumps(scored.summary())}\n\n"


async def stream(request: Request, drafts: Drafts, entry: Entry, last: str) -> AsyncIterator[str]:
    """Server-Sent Events: an ``update`` each time the draft's text changes (re-scored first), its
    error changes, or it is gone. Idle, a stream holds no thread: it waits for its folder's watch."""
    seen = [last]

    async def update(since: float) -> str:
        scored = await drafts.render_since(entry, since)
        if scored.digest == seen[0]:
            return ""
        seen[0] = scored.digest
        return _event(scored)

    yield f"retry: {RETRY_MS}\n\n"
    async with drafts.watcher.watch(entry.real) as sub:  # before the first check: no save falls between
        event = await update(sub.told)  # the page may be older than this stream
        if event:
            yield event
        started = pinged = time.monotonic()
        while True:
            changed = await sub.wait(TICK_MS / 1000)
            now = time.monotonic()
            if await request.is_disconnected() or now - started > STREAM_SECONDS:
                return
            if changed:
                event = await update(sub.told)
                if event:
                    yield event
            elif now - pinged > PING_SECONDS:
                pinged = now
                yield ": ping\n\n"

# --------------------------------------------------------------------------- routes


def routes(site: Any) -> None:
    drafts = Drafts(site)
    site.drafts = drafts  # tests and benches reach it as app.state.site.drafts

    def entry_of(request: Request, *, exists: bool = True) -> Entry:
        entry = drafts.resolve(request.query_params.get("path", ""))
        if entry is None or (exists and not os.path.isfile(entry.real)):
            raise HTTPException(404, "No such draft in the content folders.")
        return entry

    async def index(request: Request) -> Response:
        entries = drafts.listing()
        scored = await run_in_threadpool(drafts.score, entries)
        history = await run_in_threadpool(drafts.history, entries)
        from assistant.web.draft_view import shown, sparkline

        rows = [(s, sparkline(history.get(s.entry.real, []))) for s in scored]
        folders = [str(root / only) if only else str(root) for root, only in drafts.roots]
        missing = [f"The content {'folder' if only is None else 'file'} {name} is missing (moved or deleted?)."
                   for (root, only), name in zip(drafts.roots, folders, strict=True)
                   if not (os.path.isdir(name) if only is None else os.path.isfile(name))]
        return site.page(request, "drafts.html.j2", title="Drafts", rows=rows, shown=shown, folders=folders,
                         note=" ".join([*missing, drafts.note]).strip(), all_missing=len(missing) == len(folders))

    async def draft(request: Request) -> Response:
        scored = await run_in_threadpool(drafts.render, entry_of(request))
        return site.page(request, "draft.html.j2", title=scored.title, s=scored)

    async def fragment(request: Request) -> Response:
        scored = await run_in_threadpool(drafts.render, entry_of(request, exists=False))
        return HTMLResponse(scored.html, headers={"X-Draft-Hash": scored.digest})

    async def events(request: Request) -> Response:
        entry = entry_of(request)
        last = request.headers.get("last-event-id") or request.query_params.get("hash", "")
        return StreamingResponse(stream(request, drafts, entry, last), media_type="text/event-stream",
                                 headers={"X-Accel-Buffering": "no"})

    site.add("/", index, name="drafts")
    site.add("/draft", draft, name="draft")
    site.add("/draft/fragment", fragment, name="draft_fragment")
    site.add("/draft/events", events, name="draft_events")
