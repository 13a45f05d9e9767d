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

import gzip
import hashlib
import re
import sqlite3
import time
import zlib
from collections.abc import Callable, Collection, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

import httpx

from assistant import __version__
from assistant import db as db_mod
from assistant.prospects import identity, store
from assistant.prospects import robots as robots_mod

USER_AGENT = f"assist/{__version__} (+https://github.com/assist-dev/assist)"
MAX_REDIRECTS = 5
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to parse at least 500 KiB
MAX_CRAWL_DELAY = 60.0  # above this, only the home page is fetched
MAX_CHILD_SITEMAPS = 3
MAX_FEED_ITEMS = 50
MAX_TEXT_CHARS = 200_000
HTML_TYPES = ("text/html", "application/xhtml+xml")
SKIP_EXTENSIONS = frozenset(
    "jpg jpeg png gif webp svg ico bmp tif tiff avif pdf zip gz tgz rar 7z tar mp3 mp4 m4a wav ogg "
    "webm mov avi css js json xml rss atom txt csv xls xlsx doc docx ppt pptx exe dmg apk woff woff2 "
    "ttf eot".split()
)
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json",
              "application/rdf+xml")

Progress = Callable[[str, str], None]  # (event, url): "page", "skip", "error"


# --------------------------------------------------------------------------- results


@dataclass
class OutLink:
    """A link from a crawled page to another site."""

    url: str
    domain: str
    anchor: str
    nofollow: bool = False
    ugc: bool = False
    sponsored: bool = False
    context: str = ""  # the list item, paragraph or cell the link sits in


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


# --------------------------------------------------------------------------- URLs


def domain_of(url: str) -> str:
    """The site key of a URL (host without "www.", plus the owner's path on a shared host); "" when none."""
    try:
        return store.normalize_domain(url)
    except store.InvalidURL:
        return ""


def same_site(url: str, domain: str) -> bool:
    """Is the URL on the site (its domain or one of its subdomains; on a shared host such as
    github.com, under the owner's path: see assistant.prospects.identity)?"""
    key = domain_of(url)
    return bool(key) and identity.contains(domain, key)


def clean_url(url: str) -> str:
    """Absolute http(s) URL without fragment, with a path ("/" at least)."""
    url, _ = urldefrag(url.strip())
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def check_url(url: str) -> str:
    """The URL cleaned, or ValueError when it is not an absolute http(s) URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL (add https://)")
    if not domain_of(url):
        raise ValueError(f"{url!r} has no usable host name")
    return clean_url(url)


def _looks_like_page(url: str) -> bool:
    path = urlsplit(url).path.lower()
    ext = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    return ext not in SKIP_EXTENSIONS


# --------------------------------------------------------------------------- targets


_DOMAIN_LIKE = re.compile(r"[\w.-]+\.[A-Za-z]{2,}(:\d+)?(/\S*)?")


def read_targets(target: str) -> list[str]:
    """Start URLs from a URL, a text file of URLs (# comments) or a CSV with a url or domain column.

    One URL per site (the first one given); a URL without a scheme is an error rather than a guess,
    except in a CSV ``domain`` column, whose values become ``https://<domain>/``.
    """
    from pathlib import Path

    from assistant.errors import UsageError

    if "://" in target:
        try:
            return [check_url(target)]
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    path = Path(target)
    if path.is_file():
        return _dedupe_sites(_read_target_file(path))
    if path.exists():
        raise UsageError(f"{target}: not a file")
    if _DOMAIN_LIKE.fullmatch(target) and not re.search(
            r"\.(txt|csv|tsv|json|jsonl|md|list)$", target, re.I):
        raise UsageError(f"{target!r} has no scheme: write https://{target} (or http://)")
    raise UsageError(f"{target}: no such file, and not a URL")


def _read_target_file(path: Any) -> list[str]:
    from assistant.errors import UsageError
    from assistant.prospects.sniff import detect_encoding

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from None
    if not data.strip():
        raise UsageError(f"{path}: empty file")
    # the same detection as imports: BOMs, UTF-16 without one, binary data refused
    encoding = detect_encoding(data[:65536], str(path))
    if encoding == "cp1252":
        raise UsageError(f"{path}: not UTF-8 text")
    try:
        text = data.decode("utf-16" if encoding.startswith("utf-16") and data[:2] in (b"\xff\xfe", b"\xfe\xff")
                           else encoding).lstrip("\ufeff")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    lines = text.splitlines()
    first = next((line for line in lines if line.strip() and not line.lstrip().startswith("#")), "")
    if path.suffix.lower() in (".csv", ".tsv") or re.search(r"(^|[,;\t])\s*\"?(url|domain)\"?\s*([,;\t]|$)",
                                                          first, re.I):
        urls = _read_target_csv(path, text)
    else:
        urls = _read_target_lines(path, lines)
    if not urls:
        raise UsageError(f"{path}: no URLs to crawl")
    return urls


def _read_target_lines(path: Any, lines: list[str]) -> list[str]:
    from assistant.errors import UsageError

    urls = []
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            urls.append(check_url(line))
        except ValueError:
            hint = f": write https://{line}" if _DOMAIN_LIKE.fullmatch(line) else ""
            raise UsageError(f"{path}:{number}: {line!r} is not an http(s) URL{hint}") from None
    return urls


URL_COLUMNS = ("url", "website", "homepage", "site url")  # as in site catalogs
DOMAIN_COLUMNS = ("domain", "site", "host")


def _read_target_csv(path: Any, text: str) -> list[str]:
    import csv

    from assistant.errors import UsageError

    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    columns = {(name or "").strip().lower().replace("_", " "): name for name in reader.fieldnames or []}
    url_col = next((columns[n] for n in URL_COLUMNS if n in columns), None)
    column = url_col or next((columns[n] for n in DOMAIN_COLUMNS if n in columns), None)
    if column is None:
        raise UsageError(f"{path}: a CSV of sites needs a url or domain column")
    is_domain = url_col is None
    urls = []
    for number, row in enumerate(reader, 2):
        value = (row.get(column) or "").strip()
        if not value:
            continue
        candidate = f"https://{value.strip('/')}/" if is_domain and "://" not in value else value
        try:
            urls.append(check_url(candidate))
        except ValueError:
            raise UsageError(f"{path}:{number}: {value!r} is not an http(s) URL") from None
    return urls


def _dedupe_sites(urls: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for url in urls:
        key = domain_of(url)
        if key and key not in seen:
            seen.add(key)
            out.append(url)
    return out


# --------------------------------------------------------------------------- fetching


@dataclass
class Fetch:
    """One response (after redirects): status, headers and the capped body."""

    url: str
    status: int | None = None
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes = b""
    redirects: list[str] = field(default_factory=list)
    truncated: bool = False
    error: str | None = None  # network-level failure (timeout, refused, too many redirects)
    blocked: bool = False  # a redirect led to a URL robots.txt disallows
    offsite: bool = False  # a redirect left the site
    skipped_type: str | None = None  # content type we do not read
    seen: bool = False  # a redirect led to a URL already crawled

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


class Fetcher:
    """HTTP GETs with per-host politeness, robots.txt checks, redirects, timeouts and a byte cap."""

    def __init__(self, client: httpx.Client, *, user_agent: str, delay: float, timeout: float,
                 max_bytes: int) -> None:
        self.client = client
        self.user_agent = user_agent
        self.delay = delay
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.robots: dict[str, robots_mod.Robots] = {}
        self._last: dict[str, float] = {}

    # -- politeness
    def interval(self, origin: str) -> float:
        rules = self.robots.get(origin)
        robots_delay = rules.min_interval() if rules else None
        return max(self.delay, min(robots_delay or 0.0, MAX_CRAWL_DELAY))

    def _wait(self, origin: str) -> None:
        last = self._last.get(origin)
        if last is not None:
            pause = last + self.interval(origin) - time.monotonic()
            if pause > 0:
                time.sleep(pause)

    def _done(self, origin: str) -> None:
        self._last[origin] = time.monotonic()

    # -- robots
    def rules(self, url: str) -> robots_mod.Robots:
        """The robots.txt rules of the URL's origin, fetched once."""
        origin = _origin(url)
        if origin not in self.robots:
            got = self.get(origin + "/robots.txt", max_bytes=ROBOTS_MAX_BYTES, check_robots=False,
                           accept=None)
            if got.error is not None:
                rules = robots_mod.unreachable(self.user_agent, got.error)
            elif got.status is not None and got.status >= 400:
                rules = robots_mod.from_status(got.status, self.user_agent)
            else:
                rules = robots_mod.parse(_decode(got.body, got.headers), self.user_agent)
            self.robots[origin] = rules
        return self.robots[origin]

    def allowed(self, url: str) -> bool:
        return self.rules(url).allowed(url)

    # -- requests
    def get(self, url: str, *, headers: dict[str, str] | None = None, max_bytes: int | None = None,
            check_robots: bool = True, accept: tuple[str, ...] | None = HTML_TYPES,
            site: str | None = None, seen: Collection[str] = ()) -> Fetch:
        """GET with manual redirects (each hop robots-checked and throttled) and a capped body.

        A redirect to a URL in ``seen`` (already crawled) is not followed.
        """
        result = Fetch(url)
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            if current != url and current in seen:
                result.seen, result.url = True, current
                return result
            if site is not None and not same_site(current, site):
                result.offsite, result.url = True, current
                return result
            if check_robots and current != url and not self.allowed(current):
                result.blocked, result.url = True, current
                return result
            location = self._request(current, result, headers, max_bytes, accept)
            if location is None:
                result.url = current
                return result
            result.redirects.append(current)
            current = clean_url(urljoin(current, location))
        result.error, result.url = f"more than {MAX_REDIRECTS} redirects", current
        return result

    def _request(self, url: str, result: Fetch, headers: dict[str, str] | None,
                 max_bytes: int | None, accept: tuple[str, ...] | None) -> str | None:
        """One request into ``result``; returns the redirect location, if any."""
        origin = _origin(url)
        self._wait(origin)
        try:
            # Per-request settings, so that a caller's client cannot bypass redirect checks.
            with self.client.stream("GET", url, headers={"User-Agent": self.user_agent, **(headers or {})},
                                    follow_redirects=False, timeout=httpx.Timeout(self.timeout)) as resp:
                result.status, result.headers = resp.status_code, resp.headers
                if resp.is_redirect and resp.headers.get("location"):
                    return resp.headers["location"]
                if resp.status_code >= 300:
                    return None
                if accept is not None and result.content_type not in accept:
                    result.skipped_type = result.content_type or "unknown"
                    return None
                result.body, result.truncated = self._read(resp, max_bytes or self.max_bytes)
        except httpx.TimeoutException:
            result.error = f"timed out after {self.timeout:g} s"
        except _BodyTimeout:
            result.error = f"body not received within {self._body_limit():g} s"
        except httpx.TooManyRedirects:
            result.error = "too many redirects"
        except httpx.HTTPError as exc:
            result.error = _network_error(exc)
        finally:
            self._done(origin)
        return None

    def _body_limit(self) -> float:
        return max(self.timeout * 3, 1.0)

    def _read(self, resp: httpx.Response, max_bytes: int) -> tuple[bytes, bool]:
        """The body up to ``max_bytes`` (decoded from gzip/deflate), within an overall deadline."""
        deadline = time.monotonic() + self._body_limit()
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.iter_bytes():  # as the bytes arrive, so the deadline is checked
            chunks.append(chunk)
            size += len(chunk)
            if size >= max_bytes:
                return b"".join(chunks)[:max_bytes], True
            if time.monotonic() > deadline:  # a server trickling bytes defeats the read timeout
                raise _BodyTimeout
        return b"".join(chunks), False


class _BodyTimeout(Exception):
    pass


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _network_error(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {str(exc) or type(exc).__name__}"
    return f"{type(exc).__name__}: {str(exc) or 'request failed'}"


_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _decode(body: bytes, headers: httpx.Headers) -> str:
    """Text of a body: charset from Content-Type, else <meta charset>, else UTF-8 (lenient)."""
    match = re.search(r"charset=([\w.:-]+)", headers.get("content-type", ""), re.I)
    charset = match.group(1) if match else None
    if charset is None and (meta := _META_CHARSET.search(body[:4096])):
        charset = meta.group(1).decode("ascii", "replace")
    for candidate in (charset, "utf-8"):
        if candidate:
            try:
                return body.decode(candidate)
            except (LookupError, UnicodeDecodeError):
                continue
    return body.decode("utf-8", errors="replace")


# --------------------------------------------------------------------------- HTML


@dataclass
class ParsedPage:
    """What the crawler keeps from one HTML page."""

    title: str | None
    text: str
    outbound: list[OutLink]
    internal: list[tuple[str, str]]  # (url, anchor) on the same site
    feeds: list[str]
    headings: list[str]
    list_outbound: int  # outbound links inside list items
    description: str | None = None  # <meta name="description">, else og:description


def parse_html(html: str, url: str, domain: str) -> ParsedPage:
    """Title, main text, links and feed links of an HTML page."""
    import lxml.html

    tree = _tree(html)
    if tree is None:
        return ParsedPage(None, "", [], [], [], [], 0)
    base = urljoin(url, (tree.xpath("//base/@href") or [url])[0])
    outbound, internal, list_outbound = _links(tree, base, domain)
    feeds = [
        clean_url(urljoin(base, href))
        for link in tree.xpath("//link[@rel and @href]")
        if "alternate" in link.get("rel", "").lower().split()
        and link.get("type", "").lower().strip() in FEED_TYPES
        and (href := link.get("href", "").strip())
    ]
    headings = [_squash(h.text_content()) for h in tree.xpath("//h1|//h2")][:20]
    text = _main_text(html, url) or _fallback_text(lxml.html, tree)
    return ParsedPage(_title(tree), text[:MAX_TEXT_CHARS], outbound, internal, feeds, headings,
                      list_outbound, _description(tree))


def _tree(html: str) -> Any:
    import lxml.etree
    import lxml.html

    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)  # lxml refuses str input with a declaration
    if not html.strip():
        return None
    try:
        return lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _title(tree: Any) -> str | None:
    for path in ("//title", "//meta[@property='og:title']/@content", "//h1"):
        found = tree.xpath(path)
        if found:
            value = _squash(found[0] if isinstance(found[0], str) else found[0].text_content())
            if value:
                return value[:500]
    return None


def _description(tree: Any) -> str | None:
    for path in ("//meta[@name='description']/@content", "//meta[@property='og:description']/@content"):
        found = [_squash(v) for v in tree.xpath(path)]
        if found and found[0]:
            return found[0][:1000]
    return None


def _links(tree: Any, base: str, domain: str) -> tuple[list[OutLink], list[tuple[str, str]], int]:
    outbound: dict[str, OutLink] = {}
    internal: dict[str, str] = {}
    in_lists = 0
    for a in tree.xpath("//a[@href]"):
        href = a.get("href", "").strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
            continue
        target = urljoin(base, href)
        if urlsplit(target).scheme not in ("http", "https") or not urlsplit(target).hostname:
            continue
        target = clean_url(target)
        anchor = _squash(a.text_content()) or _squash(a.get("title")) or _squash(
            " ".join(a.xpath(".//img/@alt")))
        if same_site(target, domain):
            internal.setdefault(target, anchor)
            continue
        if target not in outbound:
            rel = set(a.get("rel", "").lower().split())
            block = a.xpath("ancestor::*[self::li or self::p or self::td or self::dd or self::dt"
                            " or self::h1 or self::h2 or self::h3 or self::h4 or self::blockquote][1]")
            context = _squash(block[0].text_content())[: store.MAX_CONTEXT] if block else ""
            outbound[target] = OutLink(target, domain_of(target), anchor[:500], "nofollow" in rel,
                                       "ugc" in rel, "sponsored" in rel, context)
            in_lists += bool(a.xpath("ancestor::li"))
    return list(outbound.values()), list(internal.items()), in_lists


def _main_text(html: str, url: str) -> str | None:
    import trafilatura

    try:
        text = trafilatura.extract(html, url=url, include_comments=False, include_tables=True)
    except Exception:  # noqa: BLE001 - a page trafilatura cannot handle falls back to plain text
        return None
    return text.strip() if text and text.strip() else None


def _fallback_text(lxml_html: Any, tree: Any) -> str:
    """Visible text of the body without scripts, styles and navigation."""
    body = tree.find(".//body")
    root = body if body is not None else tree
    root = lxml_html.fromstring(lxml_html.tostring(root))  # a copy: do not edit the parsed tree
    for bad in root.xpath("//script|//style|//noscript|//nav|//template"):
        bad.drop_tree()
    blocks = [_squash(t) for t in root.itertext()]
    return "\n".join(b for b in blocks if b)


# --------------------------------------------------------------------------- classification

# Guest-post pages: a whole path segment, a phrase in a title or heading, or a short title that
# is only the word ("Contribute | Site"), so "how-to-contribute-to-open-source" stays an article.
_GUEST_URL = re.compile(
    r"(^|/)(write-?for-?[\w-]+|guest-?(post|posts|posting|blogging|author|authors|contributors?)"
    r"(-guidelines)?|contribute|contributors?|contributor-?guidelines|become-?an?-?(writer|"
    r"contributor|author)|submit-?(an?-)?(article|post|guest-?post|story)|submissions?|"
    r"submission-?guidelines|pitch-?us|writers?-?wanted)(/|\.html?|\.php|$)", re.I)
_GUEST_TITLE = re.compile(
    r"\b(write for (us|me)|guest (post|posting|blogging)s? guidelines|accepting guest posts|"
    r"contributors? guidelines|submission guidelines|submit (an? )?(article|guest post)|"
    r"become an? (writer|contributor|author)|pitch us|writers wanted)\b"
    r"|^\s*(write for \w+|contribute|contributors|submissions|guest posts?)\s*($|[|:·–—-])",
    re.I)
_GUEST_TEXT = (
    "write for us", "guest post", "guest posts", "submit an article", "submit your article",
    "submission guidelines", "contributor guidelines", "we accept guest", "pitch us",
    "become a contributor", "send us your pitch", "original, unpublished",
)
_RESOURCE_URL = re.compile(
    r"(^|/)(resources?|useful-?links|links|link-?list|recommended(-\w+)?|tools|toolkit|"
    r"reading-?list|further-?reading|blogroll|link-?roundup|directory|best-?of|library)(/|\.html?|$)",
    re.I)
_RESOURCE_TITLE = re.compile(
    r"\b(resources|resource (list|page|guide|library)|useful links|helpful links|"
    r"recommended (tools|reading|resources|sites|books|links|blogs)|further reading|"
    r"link roundup|blogroll|reading list|tools (we|i) (use|love|recommend)|toolkit)\b"
    r"|^\s*(links|tools|directory)\s*($|[|:·–—-])",
    re.I)


def classify(url: str, page: ParsedPage, *, home: bool = False) -> tuple[str, str | None]:
    """The page's kind and why: home, guest_post, resource or article."""
    if home:
        return "home", None
    path = urlsplit(url).path
    names = " | ".join(filter(None, [page.title, *page.headings[:3]]))
    guest, guest_why = _guest_score(path, names, page.text)
    if guest >= 2:
        return "guest_post", guest_why
    resource, resource_why = _resource_score(path, names, page)
    if resource >= 3:
        return "resource", resource_why
    return "article", None


def _guest_score(path: str, names: str, text: str) -> tuple[int, str]:
    score, why = 0, []
    if _GUEST_URL.search(path):
        score, why = score + 2, [*why, f"URL {path}"]
    if m := next(filter(None, (_GUEST_TITLE.search(n) for n in names.split(" | "))), None):
        score, why = score + 2, [*why, f"title/heading says {m.group(0)!r}"]
    lowered = text.lower()
    phrases = [p for p in _GUEST_TEXT if p in lowered]
    if phrases:
        score += min(len(phrases), 2)
        why.append("text mentions " + ", ".join(repr(p) for p in phrases[:3]))
    return score, "; ".join(why)


def _resource_score(path: str, names: str, page: ParsedPage) -> tuple[int, str]:
    score, why = 0, []
    if _RESOURCE_URL.search(path):
        score, why = score + 2, [*why, f"URL {path}"]
    if m := next(filter(None, (_RESOURCE_TITLE.search(n) for n in names.split(" | "))), None):
        score, why = score + 2, [*why, f"title/heading says {m.group(0)!r}"]
    listed = page.list_outbound
    if listed >= 15 and listed * 2 >= len(page.outbound):
        score, why = score + 3, [*why, f"{listed} outbound links in lists"]
    elif listed >= 5:
        score, why = score + 1, [*why, f"{listed} outbound links in lists"]
    return score, "; ".join(why)


def _url_hint(url: str, anchor: str = "") -> bool:
    """Does a link look like a resource or write-for-us page? (crawled first)"""
    path = urlsplit(url).path
    return bool(_GUEST_URL.search(path) or _RESOURCE_URL.search(path)
                or _GUEST_TITLE.search(anchor) or _RESOURCE_TITLE.search(anchor))


# --------------------------------------------------------------------------- sitemaps and feeds


def parse_sitemap(body: bytes) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(page URLs, child sitemaps) of a sitemap or sitemap index, each with its lastmod."""
    import lxml.etree

    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=True,
                                  huge_tree=False)
    try:
        root = lxml.etree.fromstring(body, parser)
    except lxml.etree.XMLSyntaxError:
        return [], []
    if root is None:
        return [], []
    pages: list[tuple[str, str]] = []
    children: list[tuple[str, str]] = []
    for node in root.iter("{*}url", "{*}sitemap"):
        loc = node.findtext("{*}loc") or ""
        lastmod = (node.findtext("{*}lastmod") or "").strip()
        if loc.strip():
            bucket = children if lxml.etree.QName(node).localname == "sitemap" else pages
            bucket.append((loc.strip(), lastmod))
    return pages, children


def _gunzip(body: bytes, max_bytes: int) -> bytes:
    """Decompress a gzipped sitemap, at most ``max_bytes`` of output."""
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, max_bytes)
    except (zlib.error, gzip.BadGzipFile):
        return b""


def _by_lastmod(entries: list[tuple[str, str]]) -> list[str]:
    """URLs newest first (ISO dates sort as text); entries without lastmod keep their order, last."""
    dated = sorted((e for e in entries if e[1]), key=lambda e: e[1], reverse=True)
    return [url for url, _ in dated] + [url for url, lastmod in entries if not lastmod]


@dataclass
class FeedEntry:
    url: str
    title: str | None
    text: str


def parse_feed(body: bytes, base: str) -> list[FeedEntry]:
    """Entries of an RSS or Atom feed: link, title and text (content, else summary)."""
    import feedparser

    feed = feedparser.parse(body, response_headers={"content-location": base})
    entries = []
    for entry in feed.entries[:MAX_FEED_ITEMS]:
        link = entry.get("link")
        if not link:
            continue
        html = (entry.get("content") or [{}])[0].get("value") or entry.get("summary") or ""
        entries.append(FeedEntry(clean_url(urljoin(base, link)), entry.get("title"),
                                 _html_to_text(html)))
    return entries


def _html_to_text(html: str) -> str:
    import lxml.html

    tree = _tree(html)
    return _fallback_text(lxml.html, tree) if tree is not None else ""


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


def make_client(*, timeout: float = 10.0, user_agent: str = USER_AGENT) -> httpx.Client:
    """An httpx client for crawling: our user agent, no automatic redirects, bounded timeouts."""
    return httpx.Client(
        headers={"User-Agent": user_agent, "Accept": "text/html,application/xhtml+xml,"
                 "application/xml;q=0.9,*/*;q=0.8"},
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=10, max_keepalive_connections=5),
    )


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
        for url in candidates:
            if requests >= self.max_pages:
                break
            if url in self.seen:
                continue
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
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
