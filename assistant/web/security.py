"""What keeps the local app local: the Host header checked (DNS rebinding), an access token when it
listens beyond loopback, a CSRF token on every POST, and headers that keep pages inert (a Content
Security Policy without inline scripts, no framing, no sniffing, no referrer sent to other sites)."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
TOKEN_COOKIE = "assist_token"
# same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with a form's POST, which
# the origin check refuses; other sites still get no referrer.
REFERRER_POLICY = b"same-origin"
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def new_token() -> str:
    return secrets.token_urlsafe(24)


MAX_BODY = 1 << 20  # a form of this app is a few hundred bytes; nothing larger is read
WILDCARDS = ("0.0.0.0", "::", "[::]")


def same(given: str, expected: str) -> bool:
    """Constant-time comparison of two tokens, any text (compare_digest refuses non-ASCII str)."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8"))


def secure_headers() -> list[tuple[bytes, bytes]]:
    return [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"), (b"referrer-policy", REFERRER_POLICY), (b"cache-control", b"no-store")]


class Guard:
    """ASGI middleware: Host check, access token (when set), CSRF on unsafe methods, safe headers.

    The checks that need no body (Host, token, Origin) run before a byte of the body is read; a body
    declared over MAX_BODY is refused unread, and one sent in chunks is refused as soon as its count
    passes MAX_BODY. ``hosts`` None (listening on every address) accepts any Host:
    the access token, always required then, is the guard."""

    def __init__(self, app: ASGIApp, *, hosts: Iterable[str] | None, csrf: str, token: str | None = None) -> None:
        self.app = app
        self.hosts = None if hosts is None else {h.lower() for h in hosts}
        self.csrf = csrf
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        unsafe = request.method not in ("GET", "HEAD", "OPTIONS")
        refused = self._refused(request)
        body = b""
        if refused is None and unsafe:
            length = request.headers.get("content-length", "0")
            if not length.isdigit() or int(length) > MAX_BODY:
                refused = PlainTextResponse("request too large", 413)
            else:
                try:
                    read = await read_body(receive, MAX_BODY)  # chunked bodies declare no length: count
                except Disconnected:
                    return  # the client went before its body ended: nothing is acted on, no one to answer
                if read is None:
                    refused = PlainTextResponse("request too large", 413)
                else:
                    body = read
                    refused = self._csrf_refused(request, body)
        if refused is not None:
            refused.headers.update({k.decode(): v.decode() for k, v in secure_headers()})
            await refused(scope, receive, send)
            return
        if unsafe:
            replayed = False

            async def receive_again() -> dict[str, Any]:  # the body was read here: hand it on
                nonlocal replayed
                if replayed:
                    return await receive()
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}

            receive = receive_again

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + secure_headers()
            await send(message)

        await self.app(scope, receive, with_headers)

    def _known(self, host: str) -> bool:
        return self.hosts is None or host.lower() in self.hosts

    def _refused(self, request: Request) -> Response | None:
        if not self._known(request.headers.get("host") or ""):
            return PlainTextResponse("unknown Host header: assist serves only the address it listens on", 421)
        if self.token is not None:
            given = request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
            if not same(given, self.token):
                return PlainTextResponse("an access token is needed: open the address assist serve printed", 401)
            if request.query_params.get("token"):  # once: keep it in a cookie, drop it from the address
                response = RedirectResponse(request.url.remove_query_params("token"), 303)
                response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
                return response
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("origin")
            if origin and not (urlsplit(origin).netloc and self._known(urlsplit(origin).netloc)
                               and urlsplit(origin).netloc.lower() == (request.headers.get("host") or "").lower()):
                return PlainTextResponse("cross-origin request refused", 403)
        return None

    def _csrf_refused(self, request: Request, body: bytes) -> Response | None:
        sent = request.headers.get("x-csrf-token")
        if sent is None and request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            from urllib.parse import parse_qs

            sent = (parse_qs(body.decode("utf-8", "replace")).get("csrf") or [""])[0]
        if not sent or not same(sent, self.csrf):
            return PlainTextResponse("missing or wrong CSRF token: reload the page and try again", 403)
        return None


class Disconnected(Exception):
    """The client closed the connection before the end of its request's body."""


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """The request body, or None as soon as it passes ``limit`` bytes (the rest is never read).
    A body cut short by a disconnect is Disconnected: a half form is never acted on."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(parts)


def host_names(bind: str, port: int) -> list[str] | None:
    """The Host header values to accept for an address (None: any, for a wildcard address)."""
    bare = bind.strip("[]")
    if bind in WILDCARDS or bare in WILDCARDS:
        return None
    shown = f"[{bare}]" if ":" in bare else bare
    names = [shown] + (["127.0.0.1", "localhost", "[::1]"] if bind in LOOPBACK or bare == "::1" else [])
    return [f"{n}:{port}" for n in names] + names


def url_host(bind: str) -> str:
    """The address as a URL writes it (IPv6 in brackets)."""
    bare = bind.strip("[]")
    return f"[{bare}]" if ":" in bare else bare


Endpoint = Callable[[Request], Awaitable[Response]]
