"""Fetching for the crawler: polite HTTP GETs (robots.txt, per-host delay, manual redirects,
timeouts, a byte cap on every body), the response they give, and decoding a body into text.
"""

from __future__ import annotations

import contextvars
import re
import threading
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from assistant.prospects import robots as robots_mod
from assistant.prospects.targets import clean_url, same_site

MAX_REDIRECTS = 5
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to parse at least 500 KiB
MAX_CRAWL_DELAY = 60.0  # above this, only the home page is fetched
HTML_TYPES = ("text/html", "application/xhtml+xml")


# -- one deadline for a whole request: connect, headers and body

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("assist_fetch_deadline", default=None)


@contextmanager
def deadline(seconds: float) -> Iterator[float]:
    """Every socket read and write of the requests made inside (in this thread) ends by then."""
    at = time.monotonic() + seconds
    token = _DEADLINE.set(at)
    try:
        yield at
    finally:
        _DEADLINE.reset(token)


def _bounded(timeout: float | None) -> float | None:
    at = _DEADLINE.get()
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the request's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation is bounded by the current deadline: httpx's read
    timeout is per read, so a server sending its headers a byte a second never trips it."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _bounded(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, _bounded(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._backend.connect_tcp(host, port, _bounded(timeout), local_address,
                                                         socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._backend.connect_unix_socket(path, _bounded(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def bound_by_deadline(client: httpx.Client) -> httpx.Client:
    """The client, its sockets (direct and through the proxies it took from the environment) bounded
    by :func:`deadline`. httpx has no public way to give a transport its network backend: each
    transport's connection pool is given ours before it has opened any connection."""
    transports = [client._transport, *client._mounts.values()]  # noqa: SLF001 - see the docstring
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        if pool is None or not hasattr(pool, "_network_backend"):
            raise RuntimeError("this httpx version hides its network backend; the crawler needs one it can bound")
        pool._network_backend = _DeadlineBackend()  # noqa: SLF001
    return client


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
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()
        self.stopping = threading.Event()  # set: waits end at once and no request starts (Ctrl-C)

    # -- politeness
    def interval(self, origin: str) -> float:
        rules = self.robots.get(origin)
        robots_delay = rules.min_interval() if rules else None
        return max(self.delay, min(robots_delay or 0.0, MAX_CRAWL_DELAY))

    def ready_at(self, origin: str) -> float:
        """The monotonic time the origin may next be asked (0 when never asked)."""
        last = self._last.get(origin)
        return 0.0 if last is None else last + self.interval(origin)

    def _lock(self, origin: str) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(origin, threading.Lock())

    def _wait(self, origin: str) -> bool:
        """Sleep until the origin may be asked; False when stopped meanwhile."""
        last = self._last.get(origin)
        if last is not None:
            pause = last + self.interval(origin) - time.monotonic()
            if pause > 0:
                self.stopping.wait(pause)
        return not self.stopping.is_set()

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
        """One request into ``result``; returns the redirect location, if any.

        The origin's lock is held across the wait and the request, so that threads sharing the fetcher
        (a redirect hop leads a worker to an origin another worker is asking) never ask one origin
        within its spacing."""
        origin = _origin(url)
        with self._lock(origin):
            if not self._wait(origin):
                result.error = "stopped before the request"
                return None
            try:
                return self._send(url, result, headers, max_bytes, accept)
            finally:
                self._done(origin)

    def _send(self, url: str, result: Fetch, headers: dict[str, str] | None,
              max_bytes: int | None, accept: tuple[str, ...] | None) -> str | None:
        limit = self._request_limit()
        try:
            with deadline(limit) as at:
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
                    result.body, result.truncated = self._read(resp, max_bytes or self.max_bytes, at)
        except (httpx.TimeoutException, _Deadline):
            if time.monotonic() >= at:
                result.error = f"no complete response within {limit:g} s"
            else:
                result.error = f"timed out after {self.timeout:g} s"
        except httpx.TooManyRedirects:
            result.error = "too many redirects"
        except httpx.HTTPError as exc:
            result.error = _network_error(exc)
        return None

    def _request_limit(self) -> float:
        """The most one request may take in all, headers and body included: three timeouts."""
        return max(self.timeout * 3, 1.0)

    def _read(self, resp: httpx.Response, max_bytes: int, at: float) -> tuple[bytes, bool]:
        """The body up to ``max_bytes`` *decoded* bytes, by the deadline ``at``.

        The raw bytes are decoded here, chunk by chunk, never past the cap: httpx's own decoders
        inflate a whole chunk at once, and ``Content-Encoding: gzip, gzip`` (1.8 KB on the wire) or
        zstd (32 KB) once grew to 2.1 GB before any size check ran."""
        decoder = _Decoders(resp.headers.get("content-encoding", ""), max_bytes)
        chunks: list[bytes] = []
        size = 0
        for raw in resp.iter_raw():  # as the bytes arrive, so the deadline is checked
            chunk = decoder.feed(raw)
            chunks.append(chunk)
            size += len(chunk)
            if size >= max_bytes or decoder.full:
                return b"".join(chunks)[:max_bytes], True
            if time.monotonic() > at:  # also for a caller's client, whose sockets ignore the deadline
                raise _Deadline
        return b"".join(chunks), False


class _Decoders:
    """Content-Encoding decoders (gzip, deflate, zstd; applied in reverse order of the header), each
    giving out at most ``limit`` bytes in all: a bomb stops at the cap instead of filling memory."""

    SLICE = 256  # zstd input fed at a time: its output per call is bounded only by its input

    def __init__(self, header: str, limit: int) -> None:
        names = [n.strip().lower() for n in header.split(",") if n.strip() and n.strip().lower() != "identity"]
        if len(names) > 3:
            raise httpx.DecodingError(f"{len(names)} content encodings stacked")
        self.limit = limit + 1
        self.stages = [self._stage(name) for name in reversed(names)]
        self.out = [0] * len(self.stages)
        self.full = False

    @staticmethod
    def _stage(name: str) -> Any:
        import zlib

        if name in ("gzip", "x-gzip"):
            return ("z", zlib.decompressobj(16 + zlib.MAX_WBITS))
        if name == "deflate":
            return ("deflate", None)
        if name == "zstd":
            try:
                import zstandard
            except ImportError:
                raise httpx.DecodingError("zstd content encoding, and no zstd decoder installed") from None
            return ("zstd", zstandard.ZstdDecompressor().decompressobj())
        raise httpx.DecodingError(f"unsupported content encoding {name[:40]!r}")

    def feed(self, data: bytes) -> bytes:
        for i, stage in enumerate(self.stages):
            if not data or self.full:
                return b""
            data = self._run(i, stage, data)
        return data

    def _run(self, i: int, stage: Any, data: bytes) -> bytes:
        import zlib

        kind, obj = stage
        room = self.limit - self.out[i]
        if kind == "deflate" and obj is None:  # zlib-wrapped or raw deflate: the first bytes say
            wbits = zlib.MAX_WBITS if data[:1] and (data[0] & 0x0F) == 8 and int.from_bytes(data[:2], "big") % 31 == 0 \
                else -zlib.MAX_WBITS
            obj = zlib.decompressobj(wbits)
            self.stages[i] = stage = ("z", obj)
            kind = "z"
        if kind == "z":
            out = obj.decompress(data, room)
            if obj.unconsumed_tail:  # more output than the cap allows
                self.full = True
        else:  # zstd, a slice at a time
            parts: list[bytes] = []
            got = 0
            for start in range(0, len(data), self.SLICE):
                piece = obj.decompress(data[start:start + self.SLICE])
                parts.append(piece)
                got += len(piece)
                if got >= room:
                    self.full = True
                    break
            out = b"".join(parts)[:room]
        self.out[i] += len(out)
        if self.out[i] >= self.limit:
            self.full = True
        return out


class _Deadline(Exception):
    pass


def origin_of(url: str) -> str:
    return _origin(url)


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
