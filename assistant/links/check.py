"""``assist links check``: re-fetch the pages that link to you, politely, and record what each shows.

Pages are fetched by a pool of workers that never asks one host twice within its spacing (the
``--delay``, or a longer robots.txt Crawl-delay) while other hosts are asked meanwhile: the worker
takes the host that is ready first. The pages of yours that are linked to are fetched first, so
that a link to a broken page of yours is known as such. Each page's outcome is committed as it
comes, so an interrupted run is resumed where it stopped.
"""

from __future__ import annotations

import heapq
import json
import queue
import sqlite3
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from assistant.links import page as page_mod
from assistant.links import store
from assistant.links.store import Change, NewLink, Outcome, Own, link_key
from assistant.prospects.fetch import HTML_TYPES, Fetch, Fetcher, _decode, origin_of
from assistant.prospects.targets import domain_of
from assistant.sql import transaction

TARGET_MAX_BYTES = 512 * 1024
GONE = (404, 410)
Progress = Callable[[int, int], None]


@dataclass
class CheckOptions:
    stale: timedelta | None = None  # re-check only links last checked longer ago than this
    domain: str | None = None  # only links from this site (and its subdomains)
    limit: int | None = None  # at most this many links
    delay: float = 1.0  # seconds between two requests to one host
    own_delay: float = 0.2  # the same, for your own sites (the linked pages)
    workers: int = 16  # requests in flight at once, across hosts
    timeout: float = 10.0
    max_bytes: int = 2_000_000
    resume: bool = True  # carry on an interrupted run: links it checked are not fetched again
    user_agent: str | None = None


@dataclass
class CheckReport:
    run_id: int
    links: int = 0
    pages: int = 0
    targets: int = 0
    changes: list[Change] = field(default_factory=list)
    found: int = 0  # links to you seen on the pages and not yet in the ledger
    resumed_from: str | None = None
    seconds: float = 0.0

    @property
    def newly_lost(self) -> list[Change]:
        return [c for c in self.changes if c.newly_lost]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for c in self.changes:
            out[c.after] += 1
        return dict(out)


# --------------------------------------------------------------------------- selecting


def select(db: sqlite3.Connection, opts: CheckOptions, now: datetime, resumed_from: str | None) -> list[sqlite3.Row]:
    """The links to check, least recently checked first."""
    where, params = ["origin != ?"], ["gsc_sites"]  # Search Console's sites list has no page to fetch
    cutoffs = []
    if opts.stale is not None:
        cutoffs.append(store.now_text(now - opts.stale))
    if resumed_from is not None:
        cutoffs.append(resumed_from)
    if cutoffs:
        where.append("(last_checked IS NULL OR last_checked < ?)")
        params.append(min(cutoffs))
    if opts.domain:
        site = opts.domain.lower().removeprefix("www.")
        where.append("(source_site = ? OR source_site LIKE ? ESCAPE '\\')")
        params += [site, "%." + site.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")]
    sql = ("SELECT * FROM backlinks" + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY last_checked IS NOT NULL, last_checked, id")
    if opts.limit is not None:
        sql += " LIMIT ?"
        params.append(opts.limit)
    return list(db.execute(sql, params))


# --------------------------------------------------------------------------- the pool


@dataclass
class _Task:
    url: str
    kind: str  # "target" | "page"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Done:
    task: _Task
    fetch: Fetch
    facts: page_mod.PageFacts | None = None


class _Pool:
    """Workers over hosts: one request at a time per host, spaced; other hosts meanwhile."""

    def __init__(self, fetcher: Fetcher, workers: int, work: Callable[[_Task], _Done]) -> None:
        self.fetcher = fetcher
        self.workers = max(1, workers)
        self.work = work
        self.cond = threading.Condition()
        self.heap: list[tuple[float, int, str]] = []
        self.tasks: dict[str, deque[_Task]] = {}
        self.busy = 0
        self.seq = 0
        self.stop = False
        self.results: queue.Queue[_Done | BaseException] = queue.Queue()

    def run(self, tasks: Iterable[_Task]) -> Iterable[_Done]:
        """Yields each task's result as it comes (in this thread, for the database)."""
        count = 0
        for task in tasks:
            self.tasks.setdefault(origin_of(task.url), deque()).append(task)
            count += 1
        for origin in self.tasks:
            self._push(origin, 0.0)
        threads = [threading.Thread(target=self._worker, daemon=True, name=f"links-check-{i}")
                   for i in range(min(self.workers, len(self.tasks)))]
        for t in threads:
            t.start()
        finished = False
        try:
            for _ in range(count):
                got = self.results.get()
                if isinstance(got, BaseException):
                    raise got
                yield got
            finished = True
        finally:
            with self.cond:
                self.stop = True
                self.cond.notify_all()
            if not finished:  # Ctrl-C or an error: a redirect hop waiting for its host gives up too
                self.fetcher.stopping.set()
            for t in threads:  # each ends after its request in flight, which the deadline bounds
                t.join()

    def _push(self, origin: str, ready: float) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (ready, self.seq, origin))

    def _worker(self) -> None:
        while True:
            with self.cond:
                while not self.heap and self.busy and not self.stop:
                    self.cond.wait()
                if self.stop or not self.heap:
                    self.cond.notify_all()
                    return
                ready, _, origin = heapq.heappop(self.heap)
                self.busy += 1
                while not self.stop and (pause := ready - time.monotonic()) > 0:
                    self.cond.wait(pause)  # woken early by a stop (Ctrl-C) or another worker's notice
                if self.stop:
                    self.busy -= 1
                    self.cond.notify_all()
                    return
            try:
                tasks = self.tasks[origin]
                if origin not in self.fetcher.robots and tasks[0].kind == "page":
                    self.fetcher.rules(tasks[0].url)  # a request of its own, spaced like the others
                else:
                    self.results.put(self.work(tasks.popleft()))
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread, which raises it
                self.results.put(exc)
                with self.cond:
                    self.stop = True
                    self.cond.notify_all()
                return
            with self.cond:
                self.busy -= 1
                if self.tasks[origin]:
                    self._push(origin, self.fetcher.ready_at(origin))
                self.cond.notify_all()


# --------------------------------------------------------------------------- one run


class _Run:
    def __init__(self, db: sqlite3.Connection, own: Own, opts: CheckOptions, fetcher: Fetcher,
                 now: Callable[[], datetime], progress: Progress | None) -> None:
        self.db = db
        self.own = own
        self.opts = opts
        self.fetcher = fetcher
        self.now = now
        self.progress = progress or (lambda done, total: None)
        self.targets: dict[str, int | None] = {}  # link_key(target) -> its status (None: unknown)

    def is_own(self, url: str) -> bool:
        return self.own.site_of(url) is not None

    # -- fetching (worker threads)
    def work(self, task: _Task) -> _Done:
        if task.kind == "target":
            got = self.fetcher.get(task.url, max_bytes=TARGET_MAX_BYTES, check_robots=False,
                                   site=self.own.site_of(task.url))
            facts = None
            if got.status == 200 and got.body:
                facts = page_mod.analyse(_decode(got.body, got.headers), got.url, targets=self.is_own,
                                         headers=got.headers)
            return _Done(task, got, facts)
        rules = self.fetcher.rules(task.url)
        if not rules.allowed(task.url):
            return _Done(task, Fetch(task.url, blocked=True, error=rules.note if rules.disallow_all else None))
        # A redirect to another site is not followed: the link is lost (redirected) wherever it now leads.
        got = self.fetcher.get(task.url, headers=task.headers, max_bytes=self.opts.max_bytes,
                               accept=HTML_TYPES, site=domain_of(task.url))
        facts = None
        if got.status == 200 and got.body and not got.blocked and not got.offsite:
            facts = page_mod.analyse(_decode(got.body, got.headers), got.url, targets=self.is_own,
                                     headers=got.headers)
        return _Done(task, got, facts)

    # -- recording (this thread)
    def record_target(self, done: _Done) -> None:
        got = done.fetch
        status = None if got.error or got.blocked else got.status
        self.targets[link_key(done.task.url)] = status
        facts = done.facts
        with transaction(self.db):
            self.db.execute(
                "INSERT INTO backlink_targets (url, status, final_url, error, checked_at, title, lang, text_sample)"
                " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (url) DO UPDATE SET status = excluded.status,"
                " final_url = excluded.final_url, error = excluded.error, checked_at = excluded.checked_at,"
                " title = coalesce(excluded.title, title), lang = coalesce(excluded.lang, lang),"
                " text_sample = coalesce(excluded.text_sample, text_sample)",
                (done.task.url, got.status, got.url, got.error, store.now_text(self.now()),
                 facts.title if facts else None, facts.lang if facts else None,
                 facts.text_sample if facts else None))

    def record_page(self, done: _Done, links: list[sqlite3.Row], report: CheckReport) -> None:
        got, facts = done.fetch, done.facts
        now = self.now()
        with transaction(self.db):
            if got.status == 304:
                facts = _stored_facts(self.db, done.task.url)
            elif facts is not None:
                self._store_page(done.task.url, got, facts, now)
            known = {link_key(r[0]) for r in self.db.execute(  # every row of the page, not only this run's
                "SELECT target_url FROM backlinks WHERE source_url = ?", (done.task.url,))}
            for link in links:
                report.changes.append(store.apply(self.db, link, self.outcome(link, got, facts), now=now,
                                                  run_id=report.run_id))
            if facts is not None and got.status == 200:
                report.found += self._found(done.task.url, facts, known, now, report)

    def outcome(self, link: sqlite3.Row, got: Fetch, facts: page_mod.PageFacts | None) -> Outcome:
        base: dict[str, Any] = {"status": got.status, "final_url": got.url, "redirects": tuple(got.redirects)}
        if got.blocked:
            return Outcome("failed", got.error or "robots.txt disallows the page", **base)
        if got.error is not None:
            return Outcome("failed", got.error, error=got.error, **base)
        if got.offsite:
            return Outcome("lost", "redirected", **base)
        status = got.status or 0
        if status in GONE:
            return Outcome("lost", "page-gone", **base)
        if status == 304 and facts is None:
            return Outcome("failed", "304 Not Modified, and nothing stored from before", **base)
        if status not in (200, 304):
            return Outcome("failed", f"HTTP {status}", **base)
        if facts is None:
            why = f"not an HTML page ({got.skipped_type})" if got.skipped_type else "empty page"
            return Outcome("failed", why, **base)
        found = _find(facts, link["target_url"])
        base.update(noindex=facts.meta_noindex, canonical=facts.canonical)
        if found is None:
            if got.truncated:  # the link may be in the part not read
                return Outcome("failed", f"the page is over {self.opts.max_bytes:,} bytes and the link is not in "
                               "the part read", present=False, **base)
            if facts.notes:  # the analysis cut the page short (too deep, too long, too many links): the same
                return Outcome("failed", f"the link is not in the part of the page read ({facts.notes[0]})",
                               present=False, **base)
            return Outcome("lost", "redirected" if got.redirects else "link-removed", present=False, **base)
        target = self.targets.get(link_key(link["target_url"]))
        seen = Outcome("live", present=True, anchor=found.anchor,
                       nofollow=found.nofollow or facts.meta_nofollow, sponsored=found.sponsored, ugc=found.ugc,
                       placement=found.placement, line=found.line, target_status=target, **base)
        if target in GONE:
            seen.state, seen.reason = "lost", "target-broken"
        elif facts.meta_noindex:
            seen.state, seen.reason = "lost", "noindex"
        elif facts.canonical_elsewhere:
            seen.state, seen.reason = "lost", "not-canonical"
        return seen

    def _found(self, url: str, facts: page_mod.PageFacts, known: set[str], now: datetime,
               report: CheckReport) -> int:
        """Links to you on the page that the ledger does not have yet: added, as seen now."""
        fresh: dict[str, page_mod.Link] = {}
        for link in facts.links:
            key = link_key(link.url)
            if key not in known and key not in fresh:
                fresh[key] = link
        if not fresh:
            return 0
        at = store.now_text(now)
        new = [NewLink(url, link.url, self.own.site_of(link.url) or "", "check", at) for link in fresh.values()]
        added = store.add_links(self.db, new)
        for link in new:
            row = self.db.execute("SELECT * FROM backlinks WHERE source_url = ? AND target_url = ?",
                                  (url, link.target_url)).fetchone()
            if row is not None and row["last_checked"] is None:
                report.changes.append(store.apply(self.db, row, self.outcome(row, _ok(url), facts),
                                                  now=now, run_id=report.run_id))
        return added

    def _store_page(self, url: str, got: Fetch, facts: page_mod.PageFacts, now: datetime) -> None:
        own_links = [{"url": link.url, "anchor": link.anchor, "placement": link.placement, "line": link.line,
                      "nofollow": link.nofollow, "sponsored": link.sponsored, "ugc": link.ugc}
                     for link in facts.links[:500]]
        stored = {"links": own_links, "noindex": facts.meta_noindex, "nofollow": facts.meta_nofollow,
                  "canonical": facts.canonical, "canonical_elsewhere": facts.canonical_elsewhere,
                  "notes": facts.notes}
        self.db.execute(
            "INSERT OR REPLACE INTO backlink_pages (url, etag, last_modified, status, checked_at, title, lang,"
            " outbound_links, outbound_domains, noindex, canonical, paid, directory, text_sample, facts)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (url, got.headers.get("etag"), got.headers.get("last-modified"), got.status, store.now_text(now),
             facts.title, facts.lang, facts.outbound_links, facts.outbound_domains, int(facts.meta_noindex),
             facts.canonical, _evidence(facts.paid_disclosure), _evidence(facts.directory_like),
             facts.text_sample, json.dumps(stored)))


def _ok(url: str) -> Fetch:
    return Fetch(url, status=200)


def _evidence(items: list[page_mod.Evidence]) -> str | None:
    if not items:
        return None
    return json.dumps([{"phrase": e.phrase, "line": e.line, "text": e.text} for e in items[:5]])


def _find(facts: page_mod.PageFacts, target: str) -> page_mod.Link | None:
    """The link to ``target`` on the page, the one in the main content if there are several."""
    key = link_key(target)
    matches = [link for link in facts.links if link_key(link.url) == key]
    if not matches:
        return None
    return next((m for m in matches if m.placement == "content"), matches[0])


def _stored_facts(db: sqlite3.Connection, url: str) -> page_mod.PageFacts | None:
    """What the last full fetch of the page saw (for a 304 answer)."""
    row = db.execute("SELECT facts FROM backlink_pages WHERE url = ?", (url,)).fetchone()
    if row is None or not row["facts"]:
        return None
    data = json.loads(row["facts"])
    return page_mod.PageFacts(
        url=url, links=[page_mod.Link(url=d["url"], anchor=d["anchor"], placement=d["placement"], line=d["line"],
                                      nofollow=d["nofollow"], sponsored=d["sponsored"], ugc=d["ugc"])
                        for d in data["links"]],
        canonical=data["canonical"], canonical_elsewhere=data["canonical_elsewhere"],
        meta_noindex=data["noindex"], meta_nofollow=data["nofollow"], notes=list(data.get("notes") or []))


def _conditional(db: sqlite3.Connection, url: str) -> dict[str, str]:
    row = db.execute("SELECT etag, last_modified, facts FROM backlink_pages WHERE url = ?", (url,)).fetchone()
    if row is None or not row["facts"]:
        return {}
    headers = {}
    if row["etag"]:
        headers["If-None-Match"] = row["etag"]
    if row["last_modified"]:
        headers["If-Modified-Since"] = row["last_modified"]
    return headers


def utc_now() -> datetime:
    return datetime.now(UTC)


def check(db: sqlite3.Connection, own: Own, opts: CheckOptions, *, now: Callable[[], datetime] = utc_now,
          progress: Progress | None = None, client: Any = None) -> CheckReport:
    """Check the selected links; each page's outcome is committed as it comes."""
    from assistant.prospects import crawl

    started = time.monotonic()
    run_id, resumed_from = store.start_run(db, now(), resume=opts.resume)
    report = CheckReport(run_id, resumed_from=resumed_from)
    links = select(db, opts, now(), resumed_from)
    by_page: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for link in links:
        by_page[link["source_url"]].append(link)
    targets = sorted({link["target_url"] for link in links})
    report.links, report.pages, report.targets = len(links), len(by_page), len(targets)
    agent = opts.user_agent or crawl.USER_AGENT
    own_client = client is None
    client = client or crawl.make_client(timeout=opts.timeout, user_agent=agent,
                                         max_connections=max(10, opts.workers * 2))
    try:
        done = 0
        total = len(targets) + len(by_page)
        own_fetcher = Fetcher(client, user_agent=agent, delay=opts.own_delay, timeout=opts.timeout,
                              max_bytes=TARGET_MAX_BYTES)
        run = _Run(db, own, opts, own_fetcher, now, progress)
        for result in _Pool(own_fetcher, opts.workers, run.work).run(_Task(t, "target") for t in targets):
            run.record_target(result)
            done += 1
            run.progress(done, total)
        run.fetcher = Fetcher(client, user_agent=agent, delay=opts.delay, timeout=opts.timeout,
                              max_bytes=opts.max_bytes)
        tasks = [_Task(url, "page", _conditional(db, url)) for url in by_page]
        for result in _Pool(run.fetcher, opts.workers, run.work).run(tasks):
            run.record_page(result, by_page[result.task.url], report)
            done += 1
            run.progress(done, total)
        store.finish_run(db, run_id, len(links), now())
    finally:
        if own_client:
            client.close()
    report.seconds = time.monotonic() - started
    return report
