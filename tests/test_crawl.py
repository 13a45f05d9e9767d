"""The crawler against loopback servers serving the real sites in tests/crawl_site/."""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from assistant import db as db_mod
from assistant.prospects import crawl
from assistant.prospects.fetch import MAX_REDIRECTS, Fetcher, _decode
from assistant.prospects.pages import _by_lastmod, _gunzip, classify, parse_html, parse_sitemap
from assistant.prospects.targets import check_url, read_targets

SITES = Path(__file__).parent / "crawl_site"
LAST_MODIFIED = formatdate(1793606100, usegmt=True)  # Mon, 02 Nov 2026 08:15:00 GMT
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml",
                 ".txt": "text/plain; charset=utf-8"}


@dataclass
class Hit:
    """One request the server received."""

    at: float
    path: str
    headers: dict[str, str]
    target: str = ""  # the request target as sent, with its query


class QuietServer(ThreadingHTTPServer):
    """Clients hanging up early (size caps, timeouts) are expected, not worth a traceback."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@dataclass
class SiteServer:
    """A threaded HTTP server for one test site, with a request log and special routes."""

    root: Path
    hits: list[Hit] = field(default_factory=list)
    slow: set[str] = field(default_factory=set)  # paths answered after `slow_seconds`
    slow_seconds: float = 2.0
    huge: set[str] = field(default_factory=set)  # paths streaming `huge_bytes` of HTML
    huge_bytes: int = 20 * 1024 * 1024
    huge_sent: int = 0
    conditional: bool = True  # answer If-None-Match / If-Modified-Since with 304
    robots_status: int | None = None  # answer /robots.txt with this status instead
    trickle: set[str] = field(default_factory=set)  # paths sending a byte every 0.1 s
    trickle_headers: set[str] = field(default_factory=set)  # paths sending their headers a byte at a time
    custom: dict[str, tuple[int, bytes, dict[str, str]]] = field(default_factory=dict)  # path -> answer
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def paths(self) -> list[str]:
        return [h.path for h in self.hits]

    def start(self) -> SiteServer:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                path = urlsplit(self.path).path
                with site.lock:
                    site.hits.append(Hit(time.monotonic(), path,
                                         {k.lower(): v for k, v in self.headers.items()}, self.path))
                site.respond(self, path)

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # -- routes
    def respond(self, h: BaseHTTPRequestHandler, path: str) -> None:
        if path in self.custom:
            status, body, headers = self.custom[path]
            return self.send(h, status, body, headers)
        if path in self.slow:
            time.sleep(self.slow_seconds)
        if path in self.huge:
            return self.stream_huge(h)
        if path in self.trickle:
            return self.stream_trickle(h)
        if path in self.trickle_headers:
            return self.stream_trickle_headers(h)
        if path == "/robots.txt" and self.robots_status is not None:
            return self.send(h, self.robots_status, b"unavailable", {"Content-Type": "text/plain"})
        if path == "/sitemap.xml.gz":
            body = gzip.compress(self.render(self.root / "sitemap-posts.xml"))
            return self.send(h, 200, body, {"Content-Type": "application/gzip"})
        redirects = {"/old-guide": "/guide/", "/guide/": "/articles/plain-language-guide.html",
                     "/latest": "/articles/linkable-content.html",
                     "/loop": "/loop", "/away": "https://elsewhere.example/"}
        if path in redirects:
            return self.send(h, 301 if path == "/old-guide" else 302, b"",
                             {"Location": redirects[path]})
        if path == "/broken":
            return self.send(h, 500, b"<h1>Internal Server Error</h1>", {"Content-Type": "text/html"})
        if path == "/media/cover":
            return self.send(h, 200, b"\x89PNG\r\n\x1a\n" + b"\0" * 5000, {"Content-Type": "image/png"})
        self.serve_file(h, path)

    def serve_file(self, h: BaseHTTPRequestHandler, path: str) -> None:
        file = self.root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
        if ".." in path or not file.is_file():
            return self.send(h, 404, b"<h1>Not found</h1>", {"Content-Type": "text/html"})
        body = self.render(file)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        headers = {"Content-Type": CONTENT_TYPES.get(file.suffix, "application/octet-stream"),
                   "ETag": etag, "Last-Modified": LAST_MODIFIED}
        if self.conditional and h.headers.get("If-None-Match") == etag:
            return self.send(h, 304, b"", {"ETag": etag})
        self.send(h, 200, body, headers)

    def render(self, file: Path) -> bytes:
        return file.read_bytes().replace(b"{{base}}", self.url.encode())

    def stream_trickle(self, h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        try:
            for _ in range(100):
                h.wfile.write(b"<p>.</p>")
                h.wfile.flush()
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True

    def stream_trickle_headers(self, h: BaseHTTPRequestHandler) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"X-Padding: " + b"z" * 200 + b"\r\n\r\n"
        h.close_connection = True
        try:
            for i in range(len(head)):
                h.wfile.write(head[i:i + 1])
                h.wfile.flush()
                time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def send(self, h: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]) -> None:
        h.send_response(status)
        for key, value in headers.items():
            h.send_header(key, value)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def stream_huge(self, h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(self.huge_bytes))
        h.end_headers()
        head = b"<html><head><title>Huge page</title></head><body>"
        chunk = b"<p>All work and no play makes a very long page indeed.</p>\n" * 1024
        try:
            h.wfile.write(head)
            self.huge_sent = len(head)
            while self.huge_sent < self.huge_bytes:
                part = chunk[: self.huge_bytes - self.huge_sent]
                h.wfile.write(part)
                self.huge_sent += len(part)
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that resolves a host other than loopback: no test may touch the internet."""
    import socket

    real = socket.getaddrinfo

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in ("127.0.0.1", "localhost", "::1"):
            raise AssertionError(f"a crawl test tried to resolve {name!r}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)


@pytest.fixture
def main_site() -> Iterator[SiteServer]:
    server = SiteServer(SITES / "main").start()
    yield server
    server.stop()


@pytest.fixture
def atom_site() -> Iterator[SiteServer]:
    server = SiteServer(SITES / "atom").start()
    yield server
    server.stop()


@pytest.fixture
def conn():  # type: ignore[no-untyped-def]
    db = db_mod.connect()
    yield db
    db.close()


def run(site: SiteServer, **kwargs: Any) -> crawl.CrawlResult:
    options: dict[str, Any] = {"max_pages": 20, "timeout": 2.0, "delay": 0.0, **kwargs}
    return crawl.crawl_site(site.url + "/", **options)


def by_path(result: crawl.CrawlResult) -> dict[str, crawl.PageResult]:
    return {urlsplit(p.url).path: p for p in result.pages}


# --------------------------------------------------------------------------- robots, discovery


def test_disallowed_paths_are_never_requested(main_site: SiteServer, conn) -> None:
    result = run(main_site, store=conn)
    requested = main_site.paths()
    assert requested[0] == "/robots.txt"
    assert not [p for p in requested if p.startswith(("/private/", "/drafts/"))
                and p != "/private/press-kit.html"]
    assert "/feedback.php" not in requested  # Disallow: /*.php$
    assert not [h.target for h in main_site.hits if "replytocom" in h.target]  # /*?replytocom=
    skipped = {u.split("://", 1)[1].split("/", 1)[1] for u in result.skipped_robots}
    assert {"private/admin.html", "drafts/next-post.html", "feedback.php",
            "articles/linkable-content.html?replytocom=12"} <= skipped
    # Allow: /private/press-kit.html is longer than Disallow: /private/, so it wins.
    assert by_path(result)["/private/press-kit.html"].status == 200
    # The `*` group's 30 s Crawl-delay is not ours: the `assist` group has none.
    assert result.robots_delay is None
    assert result.error is None


def test_sitemap_index_and_feed_are_followed(main_site: SiteServer, conn) -> None:
    result = run(main_site, store=conn)
    requested = main_site.paths()
    assert "/sitemap_index.xml" in requested
    assert {"/sitemap-posts.xml", "/sitemap-pages.xml"} <= set(requested)
    assert "/sitemap.xml" not in requested  # robots.txt named the index
    assert "/feed.xml" in requested
    assert result.feed == main_site.url + "/feed.xml"
    assert len(result.sitemaps) == 3
    pages = by_path(result)
    assert pages["/"].kind == "home"
    for path in ("/articles/linkable-content.html", "/articles/readable-sentences.html", "/about.html"):
        assert pages[path].status == 200, path
    # Sitemap URLs on other hosts are not crawled.
    assert not any("elsewhere" in p.url for p in result.pages)


def test_resource_and_write_for_us_pages_are_classified(main_site: SiteServer, conn) -> None:
    result = run(main_site, store=conn)
    pages = by_path(result)
    assert pages["/resources/"].kind == "resource"
    assert pages["/write-for-us/"].kind == "guest_post"
    assert pages["/articles/linkable-content.html"].kind == "article"
    assert pages["/about.html"].kind == "article"
    summary = result.summary()
    assert summary["resource_pages"] == [main_site.url + "/resources/"]
    assert summary["guest_post_pages"] == [main_site.url + "/write-for-us/"]
    # Hinted pages are fetched first, right after the home page.
    html_requests = [p for p in main_site.paths() if p.endswith(("/", ".html"))]
    assert html_requests[:3] == ["/", "/resources/", "/write-for-us/"]
    kinds = dict(conn.execute("SELECT url, kind FROM pages").fetchall())
    assert kinds[main_site.url + "/resources/"] == "resource"
    assert kinds[main_site.url + "/write-for-us/"] == "guest_post"


@pytest.mark.slow  # waits out robots.txt crawl delays
def test_links_page_recognised_by_structure_and_atom_feed(atom_site: SiteServer, conn) -> None:
    result = run(atom_site, store=conn)
    assert "/sitemap.xml" in atom_site.paths()  # tried, 404, then the Atom feed
    assert result.feed == atom_site.url + "/atom.xml"
    pages = by_path(result)
    assert pages["/posts/roundup.html"].kind == "resource"
    assert "16 outbound links in lists" in (pages["/posts/roundup.html"].kind_reason or "")
    assert pages["/posts/onboarding.html"].kind == "article"
    assert "/tmp/scratch.html" not in atom_site.paths()
    # Crawl-delay: 0.3 (for every agent) is honoured between all requests.
    assert result.robots_delay == pytest.approx(0.3)
    times = [h.at for h in atom_site.hits]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(gaps) >= 5 and min(gaps) >= 0.29


def test_outbound_links_are_stored_with_anchors(main_site: SiteServer, conn) -> None:
    run(main_site, store=conn)
    source = main_site.url + "/articles/linkable-content.html"
    rows = {r["target_url"]: r for r in conn.execute(
        "SELECT * FROM links WHERE source_url = ?", (source,))}
    assert set(rows) == {
        "https://developers.google.com/search/docs/fundamentals/creating-helpful-content",
        "https://backlinko.com/hub/seo/link-building",
        "https://www.nngroup.com/articles/how-users-read-on-the-web/",
    }
    nielsen = rows["https://www.nngroup.com/articles/how-users-read-on-the-web/"]
    assert nielsen["anchor"] == "how users read on the web"
    assert nielsen["target_domain"] == "nngroup.com"
    assert nielsen["origin"] == "crawl"
    assert nielsen["source_domain"] == "127.0.0.1"
    # the paragraph the link sits in: what the linking site says of the page it links to
    assert nielsen["context"].startswith("Start with a question your readers actually ask. The guidance on helpful")
    assert "For a longer treatment, read how users read on the web." in nielsen["context"]
    assert rows["https://backlinko.com/hub/seo/link-building"]["nofollow"] == 1
    page = conn.execute("SELECT * FROM pages WHERE url = ?", (source,)).fetchone()
    assert page["outbound_links"] == 3
    assert page["title"] == "What makes a page worth linking to | Plain Pages"
    assert "People link to pages that save them work" in page["text"]
    assert "About Plain Pages" not in page["text"]  # boilerplate left out by trafilatura
    resources = conn.execute("SELECT count(*) FROM links WHERE source_url = ?",
                             (main_site.url + "/resources/",)).fetchone()[0]
    assert resources == 16
    site = conn.execute("SELECT * FROM sites").fetchone()
    assert site["domain"] == "127.0.0.1" and "crawl" in site["sources"]
    assert site["name"].startswith("Plain Pages — writing for the web")
    assert site["description"].startswith("Essays and guides on technical writing")


def test_catalog_name_and_description_are_kept(main_site: SiteServer, conn) -> None:
    from assistant.prospects import store

    store.upsert_site(conn, "127.0.0.1", name="Plain Pages", source="catalog")
    run(main_site, store=conn, max_pages=0)
    site = conn.execute("SELECT * FROM sites").fetchone()
    assert site["name"] == "Plain Pages"  # the catalog's name wins
    assert site["description"].startswith("Essays and guides")  # was unknown: filled in
    assert site["sources"] == "catalog,crawl"


def test_feed_items_are_stored_when_their_pages_are_not_fetched(main_site: SiteServer, conn) -> None:
    result = run(main_site, store=conn, max_pages=2)
    assert result.feed_items == 3
    rows = {r["url"]: r for r in conn.execute("SELECT * FROM pages WHERE kind = 'feed_item'")}
    item = rows[main_site.url + "/articles/checklists.html"]
    assert item["title"] == "Checklists that documentation teams actually use"
    assert "review checklist" in item["text"] and "<strong>" not in item["text"]
    assert "/articles/checklists.html" not in main_site.paths()


# --------------------------------------------------------------------------- HTTP behaviour


def test_redirects_are_followed_and_recorded(main_site: SiteServer, conn) -> None:
    result = run(main_site, store=conn)
    moved = by_path(result)["/articles/plain-language-guide.html"]
    assert moved.requested_url == main_site.url + "/old-guide"
    assert moved.redirects == [main_site.url + "/old-guide", main_site.url + "/guide/"]
    assert moved.status == 200
    assert conn.execute("SELECT count(*) FROM pages WHERE url LIKE '%/old-guide'").fetchone()[0] == 0
    # A redirect to a page already crawled is not fetched twice.
    assert main_site.url + "/latest" in result.skipped
    assert [p.url for p in result.pages].count(main_site.url + "/articles/linkable-content.html") == 1
    assert main_site.paths().count("/articles/linkable-content.html") == 1


def test_errors_are_recorded_not_fatal(main_site: SiteServer, conn) -> None:
    result = run(main_site, store=conn)
    pages = by_path(result)
    assert pages["/gone.html"].status == 404
    assert pages["/broken"].status == 500
    statuses = dict(conn.execute("SELECT url, status FROM pages").fetchall())
    assert statuses[main_site.url + "/gone.html"] == 404
    assert statuses[main_site.url + "/broken"] == 500
    assert result.error is None
    assert (result.fetched, result.errors) == (8, 3)  # 404 checklists, 404 gone, 500 broken
    # Non-HTML is skipped without storing; a .pdf link is not even requested.
    assert main_site.url + "/media/cover" in result.skipped
    assert main_site.url + "/media/cover" not in statuses
    assert "/files/checklist.pdf" not in main_site.paths()


def test_too_many_redirects_and_offsite_redirects(main_site: SiteServer) -> None:
    client = crawl.make_client(timeout=2.0)
    fetcher = Fetcher(client, user_agent=crawl.USER_AGENT, delay=0, timeout=2.0,
                      max_bytes=10_000)
    loop = fetcher.get(main_site.url + "/loop", site="127.0.0.1")
    assert loop.error == f"more than {MAX_REDIRECTS} redirects"
    assert main_site.paths().count("/loop") == MAX_REDIRECTS + 1
    away = fetcher.get(main_site.url + "/away", site="127.0.0.1")
    assert away.offsite and away.url == "https://elsewhere.example/"
    client.close()


@pytest.mark.slow  # waits out a timeout
def test_slow_response_hits_the_timeout(main_site: SiteServer, conn) -> None:
    main_site.slow.add("/about.html")
    main_site.slow_seconds = 3.0
    started = time.monotonic()
    result = run(main_site, store=conn, timeout=1.0)
    about = by_path(result)["/about.html"]
    assert about.error == "timed out after 1 s"
    assert about.status is None
    assert by_path(result)["/resources/"].status == 200  # the rest of the crawl went on
    assert time.monotonic() - started < 5


def test_unreachable_host_is_reported_not_raised() -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = crawl.crawl_site(f"http://127.0.0.1:{port}/", timeout=1.0, delay=0)
    assert result.error is not None and "cannot connect" in result.error
    assert result.pages == []


def test_huge_response_is_capped_without_reading_it_all(main_site: SiteServer) -> None:
    main_site.huge.add("/")
    started = time.monotonic()
    result = run(main_site, max_bytes=200_000)
    home = result.pages[0]
    assert home.bytes == 200_000
    assert home.note == "truncated at 200000 bytes"
    assert home.title == "Huge page"
    assert "All work and no play" in (home.text or "")
    time.sleep(0.2)
    assert main_site.huge_sent < main_site.huge_bytes  # the client hung up early
    assert time.monotonic() - started < 10


@pytest.mark.slow  # waits out crawl delays
def test_politeness_delay_between_requests_to_one_host(main_site: SiteServer) -> None:
    run(main_site, max_pages=3, delay=0.2)
    times = [h.at for h in main_site.hits]
    assert len(times) >= 6
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.19


def test_user_agent_is_sent(main_site: SiteServer) -> None:
    run(main_site, max_pages=1)
    agents = {h.headers.get("user-agent") for h in main_site.hits}
    assert agents == {crawl.USER_AGENT}
    assert crawl.USER_AGENT.startswith("assist/")


def test_a_callers_client_cannot_bypass_redirect_checks(main_site: SiteServer) -> None:
    import httpx

    with httpx.Client(follow_redirects=True, headers={"User-Agent": "other/1"}) as client:
        result = crawl.crawl_site(main_site.url + "/", client=client, delay=0, timeout=2.0)
    assert by_path(result)["/articles/plain-language-guide.html"].redirects == [
        main_site.url + "/old-guide", main_site.url + "/guide/"]
    assert {h.headers.get("user-agent") for h in main_site.hits} == {crawl.USER_AGENT}


@pytest.mark.slow  # waits out a timeout
def test_trickling_response_hits_the_overall_limit(main_site: SiteServer) -> None:
    main_site.trickle.add("/about.html")
    started = time.monotonic()
    result = run(main_site, timeout=0.5)
    assert by_path(result)["/about.html"].error == "no complete response within 1.5 s"
    assert time.monotonic() - started < 6


@pytest.mark.parametrize("path", ["/about.html", "/robots.txt"])
def test_trickling_headers_hit_the_overall_limit(main_site: SiteServer, path: str) -> None:
    """A byte of headers every 0.05 s never trips a per-read timeout: the deadline covers them."""
    main_site.trickle_headers.add(path)
    started = time.monotonic()
    result = run(main_site, timeout=0.4)
    took = time.monotonic() - started
    if path == "/robots.txt":
        assert result.error == "unreachable: no complete response within 1.2 s"
    else:
        assert by_path(result)["/about.html"].error == "no complete response within 1.2 s"
    assert took < 5  # the headers alone take 11 s to arrive


@pytest.mark.parametrize(("status", "crawled"), [(404, True), (503, False)])
def test_robots_txt_errors_follow_rfc_9309(main_site: SiteServer, status: int, crawled: bool) -> None:
    main_site.robots_status = status
    result = run(main_site, max_pages=3)
    if crawled:  # no robots.txt: everything is allowed, /sitemap.xml is tried
        assert result.error is None and "/private/admin.html" not in main_site.paths()[:5]
        assert "/sitemap.xml" in main_site.paths()
    else:  # server error: the whole site is treated as disallowed
        assert result.error == "robots.txt answered 503: the site is treated as disallowed"
        assert main_site.paths() == ["/robots.txt"]


def test_gzipped_sitemap_is_read(main_site: SiteServer) -> None:
    client = crawl.make_client(timeout=2.0)
    fetcher = Fetcher(client, user_agent=crawl.USER_AGENT, delay=0, timeout=2.0,
                      max_bytes=100_000)
    got = fetcher.get(main_site.url + "/sitemap.xml.gz", accept=None)
    client.close()
    pages, children = parse_sitemap(_gunzip(got.body, 100_000))
    assert children == []
    assert _by_lastmod(pages)[:2] == [main_site.url + "/drafts/next-post.html",
                                      main_site.url + "/articles/linkable-content.html"]


# --------------------------------------------------------------------------- incremental


def test_recrawl_sends_validators_and_keeps_304_pages(main_site: SiteServer, conn) -> None:
    first = run(main_site, store=conn)
    # fetched_at has one-second resolution: backdate it rather than sleep
    conn.execute("UPDATE pages SET fetched_at = '2000-01-01T00:00:00Z' WHERE fetched_at IS NOT NULL")
    before = {r["url"]: dict(r) for r in conn.execute("SELECT * FROM pages")}
    links_before = conn.execute("SELECT count(*) FROM links").fetchone()[0]
    main_site.hits.clear()
    second = run(main_site, store=conn)
    article = main_site.url + "/articles/linkable-content.html"
    hit = next(h for h in main_site.hits if h.path == "/articles/linkable-content.html")
    assert hit.headers["if-none-match"] == before[article]["etag"]
    assert hit.headers["if-modified-since"] == LAST_MODIFIED
    page = by_path(second)["/articles/linkable-content.html"]
    assert page.unchanged and page.kind == "article"
    after = {r["url"]: dict(r) for r in conn.execute("SELECT * FROM pages")}
    for key in ("title", "text", "kind", "content_hash", "etag", "outbound_links"):
        assert after[article][key] == before[article][key]
    assert after[article]["fetched_at"] > before[article]["fetched_at"]
    assert conn.execute("SELECT count(*) FROM links").fetchone()[0] == links_before
    unchanged = {urlsplit(p.url).path for p in second.pages if p.unchanged}
    errors = {"/gone.html", "/broken", "/articles/checklists.html"}  # 404, 500, 404
    assert unchanged == {urlsplit(p.url).path for p in first.pages} - errors
    assert "/" in unchanged and "/articles/plain-language-guide.html" in unchanged
    assert not [h for h in main_site.hits if h.path == "/" and "if-none-match" in h.headers]


def test_unchanged_content_is_not_rewritten(main_site: SiteServer, conn) -> None:
    main_site.conditional = False  # a server that ignores validators
    run(main_site, store=conn)
    conn.execute("UPDATE pages SET text = text || ' [marker]' WHERE url LIKE '%readable-sentences%'")
    result = run(main_site, store=conn)
    page = by_path(result)["/articles/readable-sentences.html"]
    assert page.unchanged and not page.stored
    text = conn.execute("SELECT text FROM pages WHERE url LIKE '%readable-sentences%'").fetchone()[0]
    assert text.endswith("[marker]")  # same content hash: the row was not rewritten


def test_changed_page_replaces_its_links(main_site: SiteServer, conn, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "site"
    shutil.copytree(SITES / "main", root)
    main_site.root = root
    run(main_site, store=conn)
    page = root / "articles" / "linkable-content.html"
    page.write_text(page.read_text().replace(
        '<a href="https://backlinko.com/hub/seo/link-building" rel="nofollow">this link building hub</a>',
        "a link building hub"))
    result = run(main_site, store=conn)
    assert not by_path(result)["/articles/linkable-content.html"].unchanged
    targets = {r[0] for r in conn.execute(
        "SELECT target_url FROM links WHERE source_url LIKE '%linkable-content.html'")}
    assert "https://backlinko.com/hub/seo/link-building" not in targets and len(targets) == 2


# --------------------------------------------------------------------------- units


def test_check_url_requires_a_scheme() -> None:
    assert check_url("HTTPS://Example.com") == "https://example.com/"
    for bad in ("example.com", "ftp://example.com/", "https://", "/just/a/path"):
        with pytest.raises(ValueError):
            check_url(bad)


def test_robots_groups_are_merged_and_a_bom_is_ignored() -> None:
    from assistant.prospects import robots

    rules = robots.parse("\ufeffUser-agent: *\nDisallow: /private\n", "assist/0.1")
    assert not rules.allowed("https://x.test/private/a") and rules.allowed("https://x.test/a")
    # RFC 9309: several groups for the same agent are one group
    rules = robots.parse("User-agent: *\nDisallow: /a\n\nUser-agent: *\nDisallow: /b\n", "assist/0.1")
    assert not rules.allowed("https://x.test/a") and not rules.allowed("https://x.test/b")
    text = "User-agent: assist\nDisallow: /a\n\nUser-agent: *\nDisallow: /\n\nUser-agent: assist\nDisallow: /b\n"
    rules = robots.parse(text, "assist/0.1")
    assert [rules.allowed(f"https://x.test/{p}") for p in "abc"] == [False, False, True]
    # our own group with no rules allows everything, whatever the * group says
    rules = robots.parse("User-agent: assist\nDisallow:\n\nUser-agent: *\nDisallow: /\n", "assist/0.1")
    assert rules.allowed("https://x.test/a")


def test_charset_undefined_and_crawl_delay_nan_are_survived(main_site: SiteServer) -> None:
    """Hostile headers (issue 10, item 12): `charset=undefined` names a codec that always raises, and
    `Crawl-delay: nan` parses as a float; neither is an internal error or NaN in --json."""
    import json as json_mod

    import httpx

    from assistant.prospects import robots

    main_site.custom["/robots.txt"] = (200, b"User-agent: *\nCrawl-delay: nan\nDisallow: /private/\n",
                                       {"Content-Type": "text/plain; charset=undefined"})
    main_site.custom["/"] = (200, "<html><head><title>Caf\u00e9 notes</title></head><body><p>Espresso and"
                                  " grinders.</p></body></html>".encode(), {"Content-Type": "text/html; charset=undefined"})
    result = invoke(main_site.url + "/", "--max-pages", "0", "--json")
    assert result.exit_code == 0, result.output
    assert "NaN" not in result.output and "Infinity" not in result.output
    [site] = json_mod.loads(result.output)
    assert site["error"] is None and any("Caf\u00e9 notes" == (p.get("title") or "") for p in site["pages"])
    assert "Café" in _decode("Café".encode(), httpx.Headers({"content-type": "text/html; charset=undefined"}))
    for value in ("nan", "inf", "-inf", "NaN"):
        assert robots.crawl_delay(["User-agent: *", f"Crawl-delay: {value}"], "assist/0.1") is None


@pytest.mark.parametrize(("rule", "path", "allowed"), [
    ("/private", "/private/x", False), ("/private$", "/private", False), ("/private$", "/private/x", True),
    ("/*.pdf$", "/docs/a.pdf", False), ("/*.pdf$", "/docs/a.pdf?x=1", True), ("/a*b*c", "/a-x-b-y-c-z", False),
    ("/a*b*c", "/a-x-c-y-b", True), ("/*", "/anything", False), ("*a*b$", "/aab", False), ("/x*", "/y", True),
])
def test_robots_wildcards_match_as_rfc_9309_says(rule: str, path: str, allowed: bool) -> None:
    from assistant.prospects import robots

    rules = robots.parse(f"User-agent: *\nDisallow: {rule}\n", "assist/0.1")
    assert rules.allowed(f"http://a.test{path}") is allowed


def test_a_backtracking_robots_pattern_is_matched_in_linear_time() -> None:
    """`Disallow: /*a*a*a*a*a*a*a*a*a*a*a*a*b` and one 120-character link once took 100% CPU until
    killed (issue 10, item 9)."""
    from assistant.prospects import robots

    rules = robots.parse("User-agent: *\nDisallow: /*a*a*a*a*a*a*a*a*a*a*a*a*b\n", "assist/0.1")
    started = time.monotonic()
    assert rules.allowed("http://a.test/" + "a" * 120) is True
    assert rules.allowed("http://a.test/" + "a" * 120 + "b") is False
    assert time.monotonic() - started < 0.5


def test_robots_rules_lines_and_paths_are_capped_as_documented() -> None:
    """More than MAX_RULES rules: the later ones are ignored; a line over MAX_RULE_LENGTH is cut there
    (a final `$` cut off with it); a URL is matched on its first MAX_PATH characters (issue 10, item 9)."""
    from assistant.prospects import robots

    long_rule = "/long/" + "a" * (2 * robots.MAX_RULE_LENGTH) + "$"
    rules = "".join(f"Disallow: /r{i}/\n" for i in range(robots.MAX_RULES - 2))
    text = (f"User-agent: *\nDisallow: {long_rule}\nDisallow: /*.php$\n{rules}"
            "Disallow: /past-the-cap/\n")
    started = time.monotonic()
    parsed = robots.parse(text, "assist/0.1")
    assert parsed.allowed("http://a.test/r0/x") is False
    assert parsed.allowed(f"http://a.test/r{robots.MAX_RULES - 3}/x") is False  # the last rule within the cap
    assert parsed.allowed("http://a.test/past-the-cap/x") is True  # rule MAX_RULES + 1: ignored
    kept = robots.MAX_RULE_LENGTH - len("Disallow: ")  # what is left of the long rule after the cut
    assert parsed.allowed("http://a.test" + long_rule[:kept]) is False
    assert parsed.allowed("http://a.test" + long_rule[:kept] + "zzz") is False  # the `$` was cut off
    assert parsed.allowed("http://a.test" + long_rule[: kept - 1]) is True
    assert parsed.allowed("http://a.test/page.php") is False
    assert parsed.allowed("http://a.test/" + "b" * robots.MAX_PATH + ".php") is True  # past MAX_PATH: not seen
    assert time.monotonic() - started < 10


def test_a_huge_robots_file_and_many_disallowed_links_stay_bounded(main_site: SiteServer) -> None:
    """512 KB of rules x 50,000 disallowed links once took hours (issue 10, item 10): rules are compiled
    once and every considered link counts against a budget; 2,000 Sitemap lines were all fetched
    (item 11): at most a few are."""
    rules = "".join(f"Disallow: /blocked-{i}/*x*y*z$\n" for i in range(12_000))
    sitemaps = "".join(f"Sitemap: {main_site.url}/sitemap-{i}.xml\n" for i in range(2_000))
    main_site.custom["/robots.txt"] = (200, f"User-agent: *\n{rules}Disallow: /d/\n{sitemaps}".encode()[:500_000],
                                       {"Content-Type": "text/plain"})
    links = "".join(f'<a href="/d/{i}">page {i}</a>' for i in range(50_000))
    main_site.custom["/"] = (200, f"<html><head><title>Many</title></head><body>{links}</body></html>".encode(),
                             {"Content-Type": "text/html"})
    started = time.monotonic()
    result = run(main_site, max_pages=5, delay=0.0)
    assert time.monotonic() - started < 30
    fetched_sitemaps = [p for p in main_site.paths() if p.startswith("/sitemap-")]
    assert len(fetched_sitemaps) <= 5
    assert any("stopped after considering" in n for n in result.notes), result.notes
    assert not any(p.startswith("/d/") for p in main_site.paths())  # all disallowed: none fetched


@pytest.mark.parametrize("encoding", ["gzip, gzip", "gzip", "deflate", "zstd"])
def test_a_decompression_bomb_stops_at_the_size_cap(main_site: SiteServer, encoding: str) -> None:
    """`Content-Encoding: gzip, gzip` (1.8 KB on the wire) and zstd (32 KB) once took 2.1 GB: the
    decoded size is capped while decoding, chunk by chunk (issue 10, item 7)."""
    import tracemalloc
    import zlib

    bomb = b"<html><body>" + b"a" * (60 * 1024 * 1024)
    if encoding == "zstd":
        zstandard = pytest.importorskip("zstandard")
        body = zstandard.ZstdCompressor().compress(bomb)
    elif encoding == "deflate":
        body = zlib.compress(bomb, 9)
    else:
        body = gzip.compress(bomb, 9)
        if encoding == "gzip, gzip":
            body = gzip.compress(body, 9)
    del bomb
    main_site.custom["/bomb"] = (200, body, {"Content-Type": "text/html", "Content-Encoding": encoding})
    fetcher = Fetcher(crawl.make_client(timeout=5), user_agent=crawl.USER_AGENT, delay=0, timeout=5,
                      max_bytes=1_000_000)
    tracemalloc.start()
    try:
        got = fetcher.get(main_site.url + "/bomb", check_robots=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got.error is None and got.truncated and len(got.body) == 1_000_000
    assert peak < 20 * 1024 * 1024, f"decoding used {peak / 1e6:.0f} MB"


def test_a_gzipped_sitemap_bomb_is_read_only_up_to_the_size_cap(main_site: SiteServer) -> None:
    """A sitemap.xml.gz of 64 KB on the wire that unpacks to 64 MB is gunzipped only up to --max-bytes,
    in bounded memory, and its first URLs are still used (issue 10, item 7)."""
    import tracemalloc

    first = f"{main_site.url}/articles/linkable-content.html"
    bomb = gzip.compress(b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                         + f"<url><loc>{first}</loc></url>".encode() + b" " * (64 * 1024 * 1024) + b"</urlset>", 9)
    assert len(bomb) < 200_000
    main_site.custom["/robots.txt"] = (200, f"User-agent: *\nSitemap: {main_site.url}/bomb.xml.gz\n".encode(),
                                       {"Content-Type": "text/plain"})
    main_site.custom["/bomb.xml.gz"] = (200, bomb, {"Content-Type": "application/gzip"})
    fetcher = Fetcher(crawl.make_client(timeout=5), user_agent=crawl.USER_AGENT, delay=0, timeout=5,
                      max_bytes=1_000_000)
    tracemalloc.start()
    try:  # what the crawl does with a sitemap (crawl._Crawl._fetch_sitemap)
        unpacked = _gunzip(fetcher.get(main_site.url + "/bomb.xml.gz", accept=None).body, fetcher.max_bytes)
        pages, _ = parse_sitemap(unpacked)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(unpacked) == 1_000_000 and [url for url, _ in pages] == [first]
    assert peak < 10 * 1024 * 1024, f"reading the sitemap used {peak / 1e6:.0f} MB"
    started = time.monotonic()
    result = run(main_site, max_bytes=1_000_000)
    assert time.monotonic() - started < 30
    assert result.sitemaps == [f"{main_site.url}/bomb.xml.gz"]
    assert "/articles/linkable-content.html" in by_path(result)


def test_an_unknown_or_stacked_content_encoding_is_an_error_not_garbage(main_site: SiteServer) -> None:
    main_site.custom["/odd"] = (200, b"xx", {"Content-Type": "text/html", "Content-Encoding": "snappy"})
    main_site.custom["/stacked"] = (200, b"xx", {"Content-Type": "text/html",
                                                 "Content-Encoding": "gzip, gzip, gzip, gzip"})
    fetcher = Fetcher(crawl.make_client(timeout=5), user_agent=crawl.USER_AGENT, delay=0, timeout=5,
                      max_bytes=1_000_000)
    assert "unsupported content encoding 'snappy'" in (fetcher.get(main_site.url + "/odd", check_robots=False).error or "")
    assert "4 content encodings stacked" in (fetcher.get(main_site.url + "/stacked", check_robots=False).error or "")


def test_robots_rules_for_status_codes() -> None:
    from assistant.prospects import robots

    assert robots.from_status(404, "assist/1").allowed("http://a.test/x")
    assert not robots.from_status(503, "assist/1").allowed("http://a.test/x")
    assert robots.crawl_delay(["User-agent: assist", "Crawl-delay: 1.5"], "assist/0.1") == 1.5
    assert robots.crawl_delay(["User-agent: other", "Crawl-delay: 9"], "assist/0.1") is None


# --------------------------------------------------------------------------- CLI


def invoke(*args: str):  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from assistant.cli import cli

    return CliRunner().invoke(cli, ["sites", "crawl", *args])


def test_cli_crawls_a_url_and_prints_json(main_site: SiteServer) -> None:
    result = invoke(main_site.url + "/", "--delay", "0", "--timeout", "2", "--json")
    assert result.exit_code == 0, result.output
    import json

    (site,) = json.loads(result.stdout)
    assert site["domain"] == "127.0.0.1"
    assert site["resource_pages"] == [main_site.url + "/resources/"]
    assert site["guest_post_pages"] == [main_site.url + "/write-for-us/"]
    assert site["skipped_robots"] >= 2 and site["errors"] == 3 and site["fetched"] == 8
    conn = db_mod.connect()
    assert conn.execute("SELECT count(*) FROM pages WHERE status = 200").fetchone()[0] >= 7
    conn.close()


def test_cli_crawls_a_file_of_urls(main_site: SiteServer, atom_site: SiteServer, tmp_path: Path) -> None:
    atom_url = atom_site.url.replace("127.0.0.1", "localhost")  # a second domain on loopback
    listing = tmp_path / "sites.txt"
    listing.write_text(f"# prospects\n{main_site.url}/\n\n{atom_url}/\n{main_site.url}/about.html\n")
    result = invoke(str(listing), "--delay", "0", "--max-pages", "3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("127.0.0.1: 4 page(s) fetched, 0 unchanged")
    assert "  resource page: " + main_site.url + "/resources/" in lines
    assert any(line.startswith("localhost: ") for line in lines)
    assert main_site.paths().count("/") == 1  # one crawl per site, even if listed twice


def test_cli_reads_a_catalog_csv(main_site: SiteServer, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.csv"
    catalog.write_text(f"name,url,description\nPlain Pages,{main_site.url}/,Writing blog\n")
    result = invoke(str(catalog), "--delay", "0", "--max-pages", "1", "--json")
    assert result.exit_code == 0, result.output
    assert "/resources/" in main_site.paths()


@pytest.mark.parametrize(("content", "message"), [
    (b"https://ok.example/\nexample.com\n", "sites.txt:2: 'example.com' is not an http(s) URL: write https://example.com"),
    (b"# nothing here\n\n", "sites.txt: no URLs to crawl"),
    (b"\xff\xfe" + "example.com\n".encode("utf-16-le"),  # UTF-16 is decoded, then checked
     "sites.txt:1: 'example.com' is not an http(s) URL: write https://example.com"),
    (b"https://caf\xe9.example/\n", "sites.txt: not UTF-8 text"),
    (b"", "sites.txt: empty file"),
    (bytes(range(256)), "sites.txt: binary data, not a text export"),
    (b"name;homepage\nA;https://a.example/\n", "sites.txt:1: 'name;homepage' is not an http(s) URL"),
    (b"ftp://files.example/\n", "sites.txt:1: 'ftp://files.example/' is not an http(s) URL"),
])
def test_cli_bad_files_give_one_line_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "sites.txt"
    path.write_bytes(content)
    result = invoke(str(path))
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {path.parent}/{message}"


def test_targets_from_utf16_lists_and_catalog_columns(tmp_path: Path) -> None:
    listing = tmp_path / "sites.txt"
    listing.write_bytes("https://a.example/\nhttps://b.example/x\n".encode("utf-16-le"))  # no BOM
    assert read_targets(str(listing)) == ["https://a.example/", "https://b.example/x"]
    catalog = tmp_path / "catalog.csv"  # the column names site catalogs use
    catalog.write_text("name,website\nA,https://a.example/\n", encoding="utf-8")
    assert read_targets(str(catalog)) == ["https://a.example/"]
    catalog.write_text("name,site\nA,www.a.example\n", encoding="utf-8")
    assert read_targets(str(catalog)) == ["https://www.a.example/"]


@pytest.mark.parametrize(("target", "message"), [
    ("example.com", "'example.com' has no scheme: write https://example.com (or http://)"),
    ("www.example.org/blog/", "'www.example.org/blog/' has no scheme: write https://www.example.org/blog/ (or http://)"),
    ("missing.txt", "missing.txt: no such file, and not a URL"),
    ("mailto://x", "'mailto://x' is not an http(s) URL (add https://)"),
])
def test_cli_bad_targets_give_one_line_errors(target: str, message: str) -> None:
    result = invoke(target)
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {message}"


def test_cli_unreachable_site_is_reported_per_site(main_site: SiteServer, tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://localhost:{sock.getsockname()[1]}/"
    listing = tmp_path / "sites.txt"
    listing.write_text(f"{dead}\n{main_site.url}/\n")
    result = invoke(str(listing), "--delay", "0", "--max-pages", "1", "--timeout", "1")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output, result.output
    assert "localhost: not crawled: unreachable: cannot connect" in result.stdout
    assert result.stdout.splitlines()[1].startswith("127.0.0.1: 2 page(s) fetched")
    assert result.stderr.strip().splitlines()[-1].startswith(
        "Error: 1 of 2 site(s) could not be crawled: localhost (unreachable")


def _kind(url: str, title: str, body: str) -> str:
    html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    return classify(url, parse_html(html, url, "site.test"))[0]


ARTICLE_TEXT = "<p>" + "Documentation work is mostly editing and testing examples. " * 20 + "</p>"
LINK_LIST = "<ul>" + "".join(f'<li><a href="https://ex{i}.test/">Tool {i}</a></li>' for i in range(16)) + "</ul>"


@pytest.mark.parametrize(("url", "title", "body", "kind"), [
    ("https://site.test/write-for-us/", "Write for us | Site", ARTICLE_TEXT, "guest_post"),
    ("https://site.test/contribute", "Contribute — Site", ARTICLE_TEXT, "guest_post"),
    ("https://site.test/p/42", "Guest post guidelines", ARTICLE_TEXT, "guest_post"),
    ("https://site.test/about", "About us", "<p>We accept guest posts. Read our submission guidelines.</p>", "guest_post"),
    ("https://site.test/blog/how-to-contribute-to-open-source", "How to contribute to open source",
     ARTICLE_TEXT, "article"),
    ("https://site.test/blog/my-first-guest-post-elsewhere", "I wrote a guest post for a friend",
     "<p>Last month I wrote a guest post for a friend's newsletter.</p>", "article"),
    ("https://site.test/resources/", "Resources", LINK_LIST, "resource"),
    ("https://site.test/useful-links.html", "Useful links", "<p>Coming soon.</p>", "resource"),
    ("https://site.test/2026/11/friday", "Friday", LINK_LIST, "resource"),
    ("https://site.test/resources/", "Resources", "<p>Nothing listed yet.</p>", "resource"),
    ("https://site.test/tools/", "Pricing", "<p>Our product has three plans.</p>", "article"),
    ("https://site.test/blog/links", "Notes on links", ARTICLE_TEXT, "article"),
])
def test_classification_by_url_title_text_and_structure(url: str, title: str, body: str, kind: str) -> None:
    assert _kind(url, title, body) == kind


def test_decoding_uses_header_then_meta_charset() -> None:
    import httpx

    body = '<meta charset="windows-1252"><title>Café</title>'.encode("cp1252")
    assert "Café" in _decode(body, httpx.Headers({"content-type": "text/html"}))
    latin = "<title>Crème</title>".encode("latin-1")
    assert "Crème" in _decode(latin, httpx.Headers({"content-type": "text/html; charset=ISO-8859-1"}))
    assert _decode(b"\xff\xfe broken", httpx.Headers()).endswith("broken")


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("ASSIST_CRAWL__MAX_PAGES", "many", "[crawl] max_pages: 'many' is not a whole number"),
    ("ASSIST_CRAWL__TIMEOUT", "0", "[crawl] timeout: must be at least 0.1, not 0"),
    ("ASSIST_CRAWL__DELAY", "true", "[crawl] delay: True is not a number"),
])
def test_cli_bad_settings_give_one_line_errors(monkeypatch: pytest.MonkeyPatch, variable: str,
                                               value: str, message: str) -> None:
    monkeypatch.setenv(variable, value)
    result = invoke("https://never-fetched.example/")
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {message}"


def test_cli_settings_apply_when_options_are_absent(main_site: SiteServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSIST_CRAWL__MAX_PAGES", "1")
    monkeypatch.setenv("ASSIST_CRAWL__DELAY", "0")
    result = invoke(main_site.url + "/")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("127.0.0.1: 2 page(s) fetched")


def test_proxies_from_the_environment_are_used(main_site: SiteServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTP_PROXY is honoured as httpx honours it, with the crawler's deadline on its sockets."""
    monkeypatch.setenv("HTTP_PROXY", main_site.url)
    monkeypatch.setenv("NO_PROXY", "")
    result = crawl.crawl_site("http://blog.example/", max_pages=1, timeout=2.0, delay=0.0)
    assert result.error is None
    assert [h.target for h in main_site.hits][:2] == ["http://blog.example/robots.txt", "http://blog.example/"]
