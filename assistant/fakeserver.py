"""A loopback HTTP server base for faking a platform's API in channel tests (stdlib only).

Subclass ``FakeServer`` and implement ``handle(req) -> (status, body, headers)``; ``with Fake() as
fake:`` serves it on 127.0.0.1 (a random port, ``fake.url``) so your channel's real client library
talks HTTP to it. Script failures with ``fail_next(status, body, headers)`` (429 with rate-limit
headers, 401, 5xx...) and hangs with ``hang(seconds)``; record publications in ``published``.
The built-in plugins ship their fakes on it (plugins/NAME/assist_NAME/testing.py).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class Failure:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    path: str | None = None  # only requests whose path starts with this fail
    times: int = 1
    delay: float = 0.0  # a hang: no answer for this long (see FakeServer.hang)
    process: bool = False  # during a hang, whether the request is carried out first


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


class FakeServer:
    """Subclasses implement ``handle(req) -> (status, body, headers)``; failures are injected first.

    ``delay`` (seconds) holds every answer back after ``handle`` did the work: a client that times
    out meanwhile leaves the post created.
    """

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.published: list[dict[str, Any]] = []
        self.failures: list[Failure] = []
        self.delay = 0.0
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- scripting
    def fail_next(self, status: int, body: Any = None, headers: dict[str, str] | None = None,
                  times: int = 1, path: str | None = None) -> None:
        with self.lock:
            self.failures.append(Failure(status, body, headers or {}, path, times))

    def hang(self, seconds: float, *, path: str | None = None, process: bool = False, times: int = 1) -> None:
        """The next matching request gets no answer for ``seconds`` (make it longer than the client's timeout).

        ``process=False``: the request is never carried out and the connection is then closed (the
        platform never saw it); ``process=True``: it is carried out at once and only the answer is
        late (the platform did the work, the client gave up waiting).
        """
        with self.lock:
            self.failures.append(Failure(0, path=path, times=times, delay=seconds, process=process))

    def _take_failure(self, path: str) -> Failure | None:
        with self.lock:
            for failure in self.failures:
                if failure.path is None or path.startswith(failure.path):
                    failure.times -= 1
                    if failure.times <= 0:
                        self.failures.remove(failure)
                    return failure
        return None

    def handle(self, req: Request) -> tuple[int, Any, dict[str, str]]:
        raise NotImplementedError

    def _answer(self, req: Request) -> tuple[int, Any, dict[str, str]]:
        answer = self.handle(req)
        if self.delay:  # after the work is done: the client's timeout fires with the post created
            time.sleep(self.delay)
        return answer

    # -- lifecycle
    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                req = Request(self.command, parts.path, parse_qs(parts.query),
                              {k.lower(): v for k, v in self.headers.items()}, body)
                with fake.lock:
                    fake.requests.append(req)
                failure = fake._take_failure(parts.path)
                if failure is not None and failure.delay and failure.process:
                    status, payload, headers = fake._answer(req)  # done; only the answer is late
                    time.sleep(failure.delay)
                elif failure is not None and failure.status == 0:
                    time.sleep(failure.delay)
                    self.close_connection = True
                    with contextlib.suppress(OSError):  # the client may have hung up already
                        self.connection.shutdown(2)
                    return
                elif failure is not None:
                    status, payload, headers = failure.status, failure.body, failure.headers
                else:
                    status, payload, headers = fake._answer(req)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                if self.close_connection:  # say so, or the client reuses a socket we are closing
                    self.send_header("Connection", "close")
                if "content-type" not in {k.lower() for k in headers}:
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


F = TypeVar("F", bound=FakeServer)


def fake_fixture(make: Callable[[], F]) -> Any:
    """A pytest fixture named ``fake``: a running ``make()`` for one test (``fake = fake_fixture(FakeX)``)."""

    @pytest.fixture(name="fake")
    def fixture() -> Iterator[F]:
        with make() as server:
            yield server

    return fixture
