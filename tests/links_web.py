"""A web of many hosts on 127.0.0.1, for the ledger's tests: one threaded HTTP server that answers
as a forward proxy (``HTTP_PROXY`` points at it), so ``http://blog.example/post`` reaches it with
the host in the request line and the crawler's real HTTP stack runs unchanged.

Unknown hosts answer 502 as a proxy that cannot resolve them does; unknown paths 404. Answers may
be slow, may carry an ETag (a matching If-None-Match gets 304), and every request is logged.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0
    etag: bool = False


@dataclass
class Hit:
    at: float
    host: str
    path: str
    headers: dict[str, str]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up on a slow answer is not a test failure


class Web:
    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], Answer | Callable[[], Answer]] = {}
        self.hosts: set[str] = set()
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.server: _Server | None = None

    @property
    def proxy(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    # -- content
    def page(self, url: str, html: str = "", *, status: int = 200, headers: dict[str, str] | None = None,
             delay: float = 0.0, etag: bool = False) -> None:
        parts = urlsplit(url)
        host = parts.hostname or ""
        self.hosts.add(host)
        base = {"Content-Type": "text/html; charset=utf-8"}
        self.answers[(host, parts.path or "/")] = Answer(status, html.encode(), {**base, **(headers or {})}, delay, etag)

    def redirect(self, url: str, location: str, status: int = 301) -> None:
        self.page(url, status=status, headers={"Location": location})

    def robots(self, host: str, text: str) -> None:
        self.page(f"http://{host}/robots.txt", text, headers={"Content-Type": "text/plain"})

    def paths(self, host: str) -> list[str]:
        return [h.path for h in self.hits if h.host == host]

    # -- serving
    def start(self) -> Web:
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                parts = urlsplit(self.path)
                host = (parts.hostname or self.headers.get("Host", "").split(":")[0]).lower()
                path = parts.path or "/"
                with web.lock:
                    web.hits.append(Hit(time.monotonic(), host, path, {k.lower(): v for k, v in self.headers.items()}))
                answer = web.answers.get((host, path))
                if callable(answer):
                    answer = answer()
                if answer is None:
                    answer = Answer(502, b"unknown host") if host not in web.hosts else Answer(404, b"<h1>Not found</h1>")
                if answer.delay:
                    time.sleep(answer.delay)
                headers = dict(answer.headers)
                body = answer.body
                status = answer.status
                if answer.etag:
                    tag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
                    headers["ETag"] = tag
                    if self.headers.get("If-None-Match") == tag:
                        status, body = 304, b""
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        self.server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def article(*links: str, title: str = "A post", head: str = "", footer: str = "", lang: str = "en") -> str:
    """A page whose article holds ``links`` (raw <a> HTML) and whose footer holds ``footer``."""
    body = "\n".join(f"<p>Further reading: {a} is worth a look.</p>" for a in links)
    return (f'<!doctype html>\n<html lang="{lang}"><head><title>{title}</title>{head}</head>\n<body>\n'
            f'<nav><a href="/">Home</a></nav>\n<main><article><h1>{title}</h1>\n<p>Some text about the subject, '
            f'long enough to be an article.</p>\n{body}\n</article></main>\n<footer>{footer}</footer>\n</body></html>\n')
