"""Crawl a prospect site: home page, robots.txt, sitemap or feed, then up to N pages.

The crawler is polite and bounded: robots.txt rules and Crawl-delay for our user agent, a minimum
delay between two requests to the same host, a connect/read timeout and an overall time limit per
response, a byte cap on every body (bodies are streamed and cut at ``max_bytes``, never loaded
whole), and a limit on redirects. Each page keeps its main text (trafilatura, with a plain-text
fallback), title, outbound links with anchors, and a kind: ``home``, ``article``, ``resource``
(links pages), ``guest_post`` ("write for us" pages) or ``feed_item`` (known only from a feed).

Re-crawls are incremental: stored ETag / Last-Modified validators are sent back, a 304 keeps the
stored page, and a content hash avoids rewriting pages whose text and links did not change.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urljoin

import httpx

from assistant import __version__
from assistant import db as db_mod
from assistant.prospects import robots as robots_mod
from assistant.prospects import store
from assistant.prospects.fetch import MAX_CRAWL_DELAY, Fetch, Fetcher, _decode, bound_by_deadline
from assistant.prospects.pages import (
    MAX_TEXT_CHARS,
    FeedEntry,
    OutLink,
    ParsedPage,
    _by_lastmod,
    _gunzip,
    _url_hint,
    classify,
    parse_feed,
    parse_html,
    parse_sitemap,
)
from assistant.prospects.targets import _looks_like_page, check_url, clean_url, domain_of, same_site
from assistant.prospects.targets import read_targets as read_targets  # the CLI's URL|FILE argument
from assistant.sql import now_text

USER_AGENT = f"assist/{__version__} (+https://github.com/assist-dev/assist)"
MAX_CHILD_SITEMAPS = 3
CONSIDER_PER_PAGE = 50  # links looked at (robots check included) for each page --max-pages allows

Progress = Callable[[str, str], None]  # (event, url): "page", "skip", "error"


# --------------------------------------------------------------------------- results


@dataclass
class PageResult:
    """What happened to one URL of the crawl."""

    url: str  # final URL after redirects
    requested_url: str
    kind: str = "article"
    status: int | None = None
    title: str | None = None
    text: str | None = None
    outbound: list[OutLink] = field(default_factory=list)
    redirects: list[str] = field(default_factory=list)  # URLs that redirected, in order
    unchanged: bool = False
    stored: bool = False
    error: str | None = None
    note: str | None = None
    kind_reason: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    bytes: int = 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("text")
        data["text_chars"] = len(self.text or "")
        data["outbound"] = len(self.outbound)
        return data


@dataclass
class CrawlResult:
    """A site's crawl: its pages and what was skipped, failed or left unchanged."""

    domain: str
    url: str
    pages: list[PageResult] = field(default_factory=list)
    skipped_robots: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # off-site redirects, non-HTML, ...
    feed_items: int = 0
    sitemaps: list[str] = field(default_factory=list)
    feed: str | None = None
    robots_delay: float | None = None
    notes: list[str] = field(default_factory=list)
    error: str | None = None  # set when the site could not be crawled at all

    @property
    def fetched(self) -> int:
        """Pages read successfully (2xx, or 304 Not Modified)."""
        return sum(1 for p in self.pages if p.error is None and p.status is not None
                   and (200 <= p.status < 300 or p.unchanged))

    @property
    def unchanged(self) -> int:
        return sum(1 for p in self.pages if p.unchanged)

    @property
    def errors(self) -> int:
        """Pages that failed: network errors, timeouts and HTTP 4xx/5xx answers."""
        return sum(1 for p in self.pages if p.error is not None or (p.status or 0) >= 400)

    def of_kind(self, kind: str) -> list[PageResult]:
        return [p for p in self.pages if p.kind == kind and p.error is None]

    def summary(self) -> dict[str, Any]:
        """Counts for one line of the report."""
        return {
            "domain": self.domain, "url": self.url, "fetched": self.fetched,
            "unchanged": self.unchanged, "skipped_robots": len(self.skipped_robots),
            "skipped": len(self.skipped), "errors": self.errors, "feed_items": self.feed_items,
            "resource_pages": [p.url for p in self.of_kind("resource")],
            "guest_post_pages": [p.url for p in self.of_kind("guest_post")],
            "error": self.error,
        }

    def to_dict(self) -> dict[str, Any]:
        data = self.summary()
        data.update(sitemaps=self.sitemaps, feed=self.feed, robots_delay=self.robots_delay,
                    notes=self.notes, skipped_robots_urls=self.skipped_robots,
                    skipped_urls=self.skipped, pages=[p.to_dict() for p in self.pages])
        return data


# --------------------------------------------------------------------------- crawl


def crawl_site(url: str, *, max_pages: int = 20, timeout: float = 10.0, max_bytes: int = 2_000_000,
               delay: float = 1.0, user_agent: str = USER_AGENT, client: httpx.Client | None = None,
               store: sqlite3.Connection | None = None,
               progress: Progress | None = None) -> CrawlResult:
    """Crawl one site; store its pages and outbound links when ``store`` (a database) is given."""
    start = check_url(url)
    owns_client = client is None
    if client is None:
        client = make_client(timeout=timeout, user_agent=user_agent)
    try:
        fetcher = Fetcher(client, user_agent=user_agent, delay=delay, timeout=timeout,
                          max_bytes=max_bytes)
        return _Crawl(start, fetcher, max_pages, store, progress).run()
    finally:
        if owns_client:
            client.close()


SiteProgress = Callable[[str, str, str], None]  # (site URL, event, URL): start, page, skip, error, done


def crawl_sites(urls: list[str], *, workers: int = 4, db_path: Any = None, save: bool = True,
                progress: SiteProgress | None = None, **options: Any) -> list[CrawlResult]:
    """Crawl several sites, ``workers`` at a time (each site by one worker), in input order.

    Each worker has its own database connection; a failure inside one site's crawl is reported on
    that site's result instead of stopping the others.
    """
    from concurrent.futures import ThreadPoolExecutor

    report = progress or (lambda site, event, url: None)
    if save:  # create and migrate the database once, before workers open their connections
        db_mod.connect(db_path).close()

    def one(url: str) -> CrawlResult:
        report(url, "start", url)
        conn = None
        try:
            conn = db_mod.connect(db_path) if save else None
            result = crawl_site(url, store=conn, progress=lambda e, u: report(url, e, u), **options)
        except Exception as exc:  # noqa: BLE001 - one broken site must not stop the batch
            result = CrawlResult(domain_of(url), url, error=f"internal error: {type(exc).__name__}: {exc}")
        finally:
            if conn is not None:
                conn.close()
        report(url, "done", url)
        return result

    if workers <= 1 or len(urls) <= 1:
        return [one(u) for u in urls]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crawl") as pool:
        return list(pool.map(one, urls))


def make_client(*, timeout: float = 10.0, user_agent: str = USER_AGENT, max_connections: int = 10) -> httpx.Client:
    """An httpx client for crawling: our user agent, no automatic redirects, bounded timeouts."""
    return bound_by_deadline(httpx.Client(
        headers={"User-Agent": user_agent, "Accept": "text/html,application/xhtml+xml,"
                 "application/xml;q=0.9,*/*;q=0.8"},
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections // 2),
    ))


class _Crawl:
    """The state of one site's crawl."""

    def __init__(self, start: str, fetcher: Fetcher, max_pages: int,
                 store: sqlite3.Connection | None, progress: Progress | None) -> None:
        self.start = start
        self.fetcher = fetcher
        self.max_pages = max(max_pages, 0)
        self.store = store
        self.progress = progress or (lambda event, url: None)
        self.domain = domain_of(start)
        self.result = CrawlResult(self.domain, start)
        self.seen: set[str] = set()
        self.site_id: int | None = None

    def run(self) -> CrawlResult:
        rules = self.fetcher.rules(self.start)
        self.result.robots_delay = rules.min_interval()
        if rules.unreachable:
            self.result.error = f"unreachable: {rules.unreachable}"
            return self.result
        if rules.note:
            self.result.notes.append(rules.note)
        home = self._home(rules)
        if home is None:
            return self.result
        self._crawl_pages(self._candidates(home, rules))
        return self.result

    # -- home page and discovery
    def _home(self, rules: robots_mod.Robots) -> ParsedPage | None:
        if not rules.allowed(self.start):
            self.result.skipped_robots.append(self.start)
            self.result.error = rules.note or "robots.txt disallows the home page"
            return None
        # The home page is fetched unconditionally: it is where links and feeds are discovered.
        page, parsed = self._fetch_page(self.start, home=True, conditional=False)
        if parsed is None:
            self.result.error = page.error or page.note or f"home page answered {page.status}"
        else:
            self._describe_site(parsed)
        return parsed

    def _candidates(self, home: ParsedPage, rules: robots_mod.Robots) -> list[str]:
        """Pages to fetch, best first: hinted resource/guest pages, sitemap, feed, home links."""
        sitemap_urls = self._sitemap_urls(rules)
        feed_urls = self._feed_urls(home.feeds)
        home_links = [u for u, _ in home.internal]
        hinted = [u for u, anchor in home.internal if _url_hint(u, anchor)]
        hinted += [u for u in sitemap_urls if _url_hint(u)]
        ordered, seen = [], set(self.seen)
        for candidate in [*hinted, *sitemap_urls, *feed_urls, *home_links]:
            if candidate not in seen and same_site(candidate, self.domain) and _looks_like_page(candidate):
                seen.add(candidate)
                ordered.append(candidate)
        return ordered

    def _sitemap_urls(self, rules: robots_mod.Robots) -> list[str]:
        listed = [clean_url(u) for u in rules.sitemaps if same_site(u, self.domain)]
        queue = listed or [clean_url(urljoin(self.start, "/sitemap.xml"))]
        urls: list[str] = []
        children_left = MAX_CHILD_SITEMAPS
        while queue:
            sitemap = queue.pop(0)
            pages, children = self._fetch_sitemap(sitemap)
            urls += [clean_url(u) for u in _by_lastmod(pages) if same_site(u, self.domain)]
            for child in _by_lastmod(children)[:children_left]:
                if same_site(child, self.domain):
                    queue.append(clean_url(child))
                    children_left -= 1
        return urls

    def _fetch_sitemap(self, url: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        if not self.fetcher.allowed(url):
            self.result.skipped_robots.append(url)
            return [], []
        got = self.fetcher.get(url, accept=None, site=self.domain)
        if got.error or got.status != 200 or not got.body:
            return [], []
        pages, children = parse_sitemap(_gunzip(got.body, self.fetcher.max_bytes))
        if pages or children:
            self.result.sitemaps.append(got.url)
        return pages, children

    def _feed_urls(self, feeds: list[str]) -> list[str]:
        for feed_url in feeds:
            if not same_site(feed_url, self.domain):
                continue
            if not self.fetcher.allowed(feed_url):
                self.result.skipped_robots.append(feed_url)
                continue
            got = self.fetcher.get(feed_url, accept=None, site=self.domain)
            if got.error or got.status != 200 or not got.body:
                continue
            entries = [e for e in parse_feed(got.body, got.url) if same_site(e.url, self.domain)]
            if entries:
                self.result.feed = got.url
                self._store_feed_items(entries)
                return [e.url for e in entries]
        return []

    # -- pages
    def _crawl_pages(self, candidates: Iterable[str]) -> None:
        if self.result.robots_delay and self.result.robots_delay > MAX_CRAWL_DELAY:
            self.result.notes.append(
                f"Crawl-delay {self.result.robots_delay:g} s is above {MAX_CRAWL_DELAY:g} s:"
                " only the home page was fetched")
            return
        requests = 0
        considered = 0
        budget = CONSIDER_PER_PAGE * max(self.max_pages, 1)
        for url in candidates:
            if requests >= self.max_pages:
                break
            if url in self.seen:
                continue
            considered += 1
            if considered > budget:  # every considered link counts, disallowed ones too
                self.result.notes.append(f"stopped after considering {budget} links"
                                         f" ({len(self.result.skipped_robots)} disallowed by robots.txt)")
                break
            if not self.fetcher.allowed(url):
                self.seen.add(url)
                self.result.skipped_robots.append(url)
                self.progress("skip", url)
                continue
            self._fetch_page(url)
            requests += 1

    def _fetch_page(self, url: str, *, home: bool = False,
                    conditional: bool = True) -> tuple[PageResult, ParsedPage | None]:
        """Fetch, parse, classify and store one page."""
        self.seen.add(url)
        stored = self._stored(url)
        got = self.fetcher.get(url, headers=_validators(stored) if conditional else None,
                               site=self.domain, seen=self.seen)
        page = PageResult(got.url, url, kind="home" if home else "article", status=got.status,
                          redirects=got.redirects, error=got.error, bytes=len(got.body))
        if got.seen:
            page.status, page.note = None, f"redirects to {got.url}, already crawled"
            self.result.skipped.append(url)
            return page, None
        if got.url != url:  # redirected: compare with what is stored under the final URL
            stored = self._stored(got.url)
        self.seen.add(got.url)
        parsed = self._outcome(page, got, stored, home)
        if page.status is not None or page.error is not None:
            self.result.pages.append(page)
        self.progress("error" if page.error else "page", url)
        return page, parsed

    def _outcome(self, page: PageResult, got: Fetch, stored: dict[str, Any] | None,
                 home: bool) -> ParsedPage | None:
        if got.blocked:
            self.result.skipped_robots.append(got.url)
            page.status, page.note = None, "redirect target disallowed by robots.txt"
            return None
        if got.offsite:
            self.result.skipped.append(page.requested_url)
            page.status, page.note = None, f"redirects off-site to {got.url}"
            return None
        if got.error is not None:
            return None
        assert got.status is not None
        if got.status == 304 and stored is not None:
            page.unchanged, page.kind = True, stored["kind"]
            page.title, page.status = stored["title"], stored["status"] or 200
            self._touch(got.url)
            return None
        if got.status >= 300:
            page.note = f"HTTP {got.status}"
            self._save_status(page)
            return None
        if got.skipped_type is not None:
            self.result.skipped.append(got.url)
            page.status, page.note = None, f"not HTML ({got.skipped_type})"
            return None
        return self._parsed(page, got, stored, home)

    def _parsed(self, page: PageResult, got: Fetch, stored: dict[str, Any] | None,
                home: bool) -> ParsedPage:
        html = _decode(got.body, got.headers)
        parsed = parse_html(html, got.url, self.domain)
        page.title, page.text, page.outbound = parsed.title, parsed.text, parsed.outbound
        page.kind, page.kind_reason = classify(got.url, parsed, home=home)
        page.etag = got.headers.get("etag")
        page.last_modified = got.headers.get("last-modified")
        page.content_hash = _content_hash(page)
        if got.truncated:
            page.note = f"truncated at {len(got.body)} bytes"
        if stored is not None and stored["content_hash"] == page.content_hash:
            page.unchanged = True
        self._save(page)
        return parsed

    # -- storage
    def _stored(self, url: str) -> dict[str, Any] | None:
        if self.store is None:
            return None
        row = self.store.execute(
            "SELECT kind, title, status, etag, last_modified, content_hash FROM pages WHERE url = ?",
            (url,)).fetchone()
        return dict(row) if row is not None else None

    def _site(self) -> int:
        if self.site_id is None:
            assert self.store is not None
            self.site_id = store.upsert_site(self.store, self.domain, url=self.start, source="crawl")
        return self.site_id

    def _describe_site(self, home: ParsedPage) -> None:
        """Name and describe the site from its home page, unless a catalog already did."""
        if self.store is None:
            return
        row = self.store.execute("SELECT name, description FROM sites WHERE id = ?",
                                 (self._site(),)).fetchone()
        name = home.title if not row["name"] else None
        description = home.description if not row["description"] else None
        if name or description:
            store.upsert_site(self.store, self.domain, name=name, description=description)

    def _save(self, page: PageResult) -> None:
        if self.store is None:
            return
        site_id, now = self._site(), _now()
        fields: dict[str, Any] = dict(status=page.status, etag=page.etag,
                                      last_modified=page.last_modified, fetched_at=now)
        if not page.unchanged:
            fields.update(title=page.title, text=page.text, kind=page.kind,
                          content_hash=page.content_hash, outbound_links=len(page.outbound))
        with db_mod.transaction(self.store):
            store.upsert_page(self.store, site_id, page.url, **fields)
            if not page.unchanged:
                self._replace_links(page, now)
        page.stored = not page.unchanged

    def _replace_links(self, page: PageResult, now: str) -> None:
        self.store.execute("DELETE FROM links WHERE source_url = ? AND origin = 'crawl'", (page.url,))
        rows = [
            dict(source_url=page.url, source_domain=self.domain, target_url=link.url,
                 target_domain=link.domain, anchor=link.anchor, source_title=page.title,
                 nofollow=int(link.nofollow), ugc=int(link.ugc), sponsored=int(link.sponsored),
                 first_seen=now, last_seen=now, origin="crawl", context=link.context or None)
            for link in page.outbound
        ]
        if rows:
            store.add_links(self.store, rows)

    def _save_status(self, page: PageResult) -> None:
        if self.store is None:
            return
        store.upsert_page(self.store, self._site(), page.url, status=page.status, fetched_at=_now())

    def _touch(self, url: str) -> None:
        if self.store is not None:
            self.store.execute("UPDATE pages SET fetched_at = ? WHERE url = ?", (_now(), url))

    def _store_feed_items(self, entries: list[FeedEntry]) -> None:
        self.result.feed_items = len(entries)
        if self.store is None:
            return
        site_id = self._site()
        for entry in entries:
            existing = self._stored(entry.url)
            if existing is not None and existing["kind"] != "feed_item":
                continue  # a fetched page knows more than its feed entry
            digest = hashlib.sha256(f"{entry.title}\n{entry.text}".encode()).hexdigest()
            if existing is None or existing["content_hash"] != digest:
                store.upsert_page(self.store, site_id, entry.url, title=entry.title,
                                  text=entry.text[:MAX_TEXT_CHARS], kind="feed_item",
                                  content_hash=digest)


def _validators(stored: dict[str, Any] | None) -> dict[str, str]:
    """Conditional-request headers from a stored page's ETag and Last-Modified."""
    headers: dict[str, str] = {}
    if stored is None or stored.get("kind") == "feed_item":
        return headers
    if stored.get("etag"):
        headers["If-None-Match"] = stored["etag"]
    if stored.get("last_modified"):
        headers["If-Modified-Since"] = stored["last_modified"]
    return headers


def _content_hash(page: PageResult) -> str:
    links = "\n".join(sorted(f"{link.url} {link.anchor}" for link in page.outbound))
    return hashlib.sha256(f"{page.title}\n{page.text}\n{page.kind}\n{links}".encode()).hexdigest()


def _now() -> str:
    return now_text()
