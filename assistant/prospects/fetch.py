"""Fetching for the crawler: polite HTTP GETs (robots.txt, per-host delay, manual redirects,
timeouts, a byte cap on every body), the response they give, and decoding a body into text.
"""

from __future__ import annotations

import re
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from assistant.prospects import robots as robots_mod
from assistant.prospects.targets import clean_url, same_site

MAX_REDIRECTS = 5
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to parse at least 500 KiB
MAX_CRAWL_DELAY = 60.0  # above this, only the home page is fetched
HTML_TYPES = ("text/html", "application/xhtml+xml")


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
            except (LookupError, UnicodeError, ValueError):  # "undefined" is a codec that always raises
                continue
    return body.decode("utf-8", errors="replace")
