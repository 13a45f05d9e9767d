"""Real mail servers on 127.0.0.1 for tests: a throwaway Dovecot (IMAP) and an aiosmtpd SMTP server.

Use them from a test module with ``from mailservers import dovecot, smtp_server`` (pytest puts
tests/ on sys.path), or add that import to tests/conftest.py to offer them everywhere.

``dovecot``: one Dovecot per test session (it takes about a second to start), a fresh user with an
empty mailbox per test. How to run Dovecot unprivileged on loopback: ../shared/recipes/dovecot-loopback.md.
Skips when Dovecot is not installed (Debian package dovecot-imapd).

``smtp_server``: an aiosmtpd ``Controller`` per test that records every envelope, can require AUTH
and can fail on demand (421, 451, 535, or drop the connection after DATA).
"""

from __future__ import annotations

import contextlib
import grp
import imaplib
import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

DOVECOT_MISSING = "Dovecot is not installed (Debian package dovecot-imapd)"
PASSWORD = "loopback-secret-7Qx"  # every test user's password (a static passdb)

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
first_valid_uid = 1
mail_location = maildir:~/Maildir
mail_fsync = never
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
{unprivileged}}}
"""

# Without root, Dovecot cannot chroot its login and anvil processes nor switch users.
UNPRIVILEGED = """  chroot =
}
service anvil {
  chroot =
"""


def dovecot_binary() -> str | None:
    """The dovecot executable (it lives in /usr/sbin, often not on a user's PATH), or None."""
    found = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/usr/local/sbin")
    return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (free when asked; good enough for tests)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_greeting(host: str, port: int, greeting: bytes, deadline: float) -> bool:
    """Poll until host:port answers with a first line containing ``greeting`` (so not some other
    program that took the port meanwhile), or the deadline (monotonic) passes."""
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1) as s:
            return greeting in s.makefile("rb").readline(2000)
        time.sleep(0.05)
    return False


class Dovecot:
    """A Dovecot master process listening on 127.0.0.1, its files in a temporary directory."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        binary = dovecot_binary()
        if binary is None:
            raise RuntimeError(DOVECOT_MISSING)
        # Not under pytest's tmp_path: its parents are private to us, and mail processes run as
        # nobody when we are root, so they could not reach a mailbox there.
        self.root = Path(tempfile.mkdtemp(prefix="assist-dovecot-"))
        self.root.chmod(0o755)
        if os.getuid() == 0:
            nobody = pwd.getpwnam("nobody")
            self.uid, self.gid = nobody.pw_uid, nobody.pw_gid
            login_user, internal_user, internal_group, extra = "dovenull", "dovecot", "dovecot", ""
        else:
            self.uid, self.gid = os.getuid(), os.getgid()
            login_user = internal_user = pwd.getpwuid(self.uid).pw_name
            internal_group, extra = grp.getgrgid(self.gid).gr_name, UNPRIVILEGED
        mail = self.root / "mail"
        mail.mkdir()
        os.chown(mail, self.uid, self.gid)
        self.port = free_port()
        self.config = self.root / "dovecot.conf"
        self.config.write_text(CONFIG.format(
            root=self.root, port=self.port, password=PASSWORD, uid=self.uid, gid=self.gid,
            login_user=login_user, internal_user=internal_user, internal_group=internal_group,
            unprivileged=extra))
        self.process = subprocess.Popen([binary, "-F", "-c", str(self.config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if not wait_for_greeting(self.host, self.port, b"Dovecot", time.monotonic() + 15):
            log = self.log()
            self.stop()
            raise RuntimeError(f"Dovecot did not start on {self.host}:{self.port}: {log[-2000:]}")
        self._names = itertools.count(1)

    def log(self) -> str:
        """Dovecot's log so far (with the master's stderr once it has exited)."""
        path = self.root / "dovecot.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        if self.process.poll() is not None and self.process.stderr:
            text += self.process.stderr.read().decode(errors="replace")
        return text

    def mailbox(self, prefix: str = "user") -> Mailbox:
        """A new user with an empty mailbox (INBOX and Sent), unique within this server."""
        name = f"{re.sub(r'[^a-z0-9]+', '-', prefix.lower())[:40]}-{next(self._names)}"
        return Mailbox(self, name)

    def doveadm(self, *args: str) -> str:
        """Run doveadm against this server's configuration; returns its output."""
        binary = shutil.which("doveadm") or shutil.which("doveadm", path="/usr/sbin:/usr/bin")
        if binary is None:
            raise RuntimeError("doveadm is not installed")
        done = subprocess.run([binary, "-c", str(self.config), *args], capture_output=True,
                              text=True, timeout=30)
        if done.returncode:
            raise RuntimeError(f"doveadm {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def stop(self) -> None:
        """Stop the master (it stops its children) and remove every file."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class Mailbox:
    """One Dovecot user: where to connect, and helpers to seed and inspect its folders."""

    server: Dovecot
    user: str
    password: str = PASSWORD
    _serial: Iterator[int] = field(default_factory=itertools.count, repr=False)

    @property
    def host(self) -> str:
        return self.server.host

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def home(self) -> Path:
        return self.server.root / "mail" / self.user

    @property
    def maildir(self) -> Path:
        return self.home / "Maildir"

    def settings(self, **overrides: Any) -> Any:
        """assistant.outreach.mailbox.ImapSettings for this user (plain IMAP on loopback)."""
        from assistant.outreach.mailbox import ImapSettings

        values: dict[str, Any] = {"host": self.host, "port": self.port, "user": self.user,
                                  "password": self.password, "security": "none", "timeout": 10}
        return ImapSettings(**(values | overrides))

    @contextlib.contextmanager
    def imap(self) -> Iterator[imaplib.IMAP4]:
        """A logged-in imaplib connection (logged out afterwards)."""
        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        try:
            conn.login(self.user, self.password)
            yield conn
        finally:
            with contextlib.suppress(Exception):
                conn.logout()

    def append(self, raw: bytes, folder: str = "INBOX", flags: str = "",
               when: datetime | None = None) -> int:
        """APPEND one message; returns its UID (from Dovecot's APPENDUID answer)."""
        with self.imap() as conn:
            typ, data = conn.append(_quoted(folder), flags, when, raw)
        assert typ == "OK", data
        found = re.search(rb"APPENDUID \d+ (\d+)", data[0] or b"")
        assert found, data
        return int(found.group(1))

    def flags(self, folder: str = "INBOX") -> dict[int, set[str]]:
        """Every message's flags by UID."""
        with self.imap() as conn:
            conn.select(_quoted(folder), readonly=True)
            typ, data = conn.uid("FETCH", "1:*", "(UID FLAGS)")
        out: dict[int, set[str]] = {}
        for line in data:
            if isinstance(line, bytes) and (m := re.search(rb"UID (\d+) FLAGS \(([^)]*)\)", line)):
                out[int(m.group(1))] = set(m.group(2).decode().split())
        return out

    def uidvalidity(self, folder: str = "INBOX") -> int:
        with self.imap() as conn:
            typ, data = conn.status(_quoted(folder), "(UIDVALIDITY)")
        return int(re.search(rb"UIDVALIDITY (\d+)", data[0]).group(1))  # type: ignore[union-attr]

    def set_uidvalidity(self, value: int, folder: str = "INBOX") -> None:
        """Give a folder a new UIDVALIDITY, as a server restored from a backup would."""
        self.server.doveadm("mailbox", "update", "-u", self.user, "--uid-validity", str(value), folder)

    def write_maildir(self, messages: Iterable[bytes], folder: str = "INBOX") -> int:
        """Drop messages straight into the Maildir's new/ (fast; Dovecot indexes them when the folder
        is next opened). Returns how many were written."""
        with self.imap() as conn:  # Dovecot creates the Maildir and the folder's directories
            conn.select(_quoted(folder), readonly=True)
        target = self.maildir if folder == "INBOX" else self.maildir / f".{folder.replace('/', '.')}"
        stamp, count = int(time.time()), 0
        for raw in messages:
            path = target / "new" / f"{stamp}.M{next(self._serial)}P{os.getpid()}.assist-test"
            path.write_bytes(raw)
            os.chown(path, self.server.uid, self.server.gid)
            count += 1
        return count

    def remove(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


_server: Dovecot | None = None
_server_lock = threading.Lock()


def dovecot_server(config: pytest.Config) -> Dovecot:
    """The session's Dovecot, started on first use and stopped when pytest finishes."""
    global _server
    with _server_lock:
        if _server is None or _server.process.poll() is not None:
            if dovecot_binary() is None:
                pytest.skip(DOVECOT_MISSING)
            for attempt in range(3):  # the free port may be taken before Dovecot binds it
                try:
                    _server = Dovecot()
                    break
                except RuntimeError:
                    if attempt == 2:
                        raise
            config.add_cleanup(_server.stop)
        return _server


@pytest.fixture()
def dovecot(request: pytest.FixtureRequest) -> Iterator[Mailbox]:
    """A fresh Dovecot user (empty INBOX, Sent with the \\Sent special use) on a shared server."""
    box = dovecot_server(request.config).mailbox(request.node.name)
    yield box
    box.remove()


# --- SMTP -----------------------------------------------------------------------------------------


@dataclass
class Received:
    """One envelope the SMTP server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    dropped: bool = False  # the connection was cut after DATA, with no answer to the client


class SmtpServer:
    """aiosmtpd on 127.0.0.1 that records envelopes. Configure before the client connects:

    ``auth = (login, password)`` requires AUTH (PLAIN or LOGIN) with those credentials;
    ``fail(kind, times=1)`` makes the next ``times`` attempts fail: "421" (service closing, at
    MAIL), "451" (temporary, at RCPT), "535" (every AUTH of one connection refused, whatever the
    credentials), "drop" (DATA is read and recorded, then the connection is cut without an answer).
    ``messages`` lists what was received; ``logins`` the logins that succeeded."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Received] = []
        self.auth: tuple[str, str] | None = None
        self.logins: list[str] = []
        self._failures: list[str] = []
        self._lock = threading.Lock()
        for attempt in range(3):  # the free port may be taken before the server binds it
            self.port = free_port()
            self.controller = Controller(_Handler(self), hostname=self.host, port=self.port,
                                         authenticator=self._authenticate, auth_require_tls=False,
                                         ready_timeout=10)
            try:
                self.controller.start()
                break
            except OSError:
                if attempt == 2:
                    raise

    def fail(self, kind: str, times: int = 1) -> None:
        if kind not in ("421", "451", "535", "drop"):
            raise ValueError(f"unknown failure {kind!r}: 421, 451, 535 or drop")
        with self._lock:
            self._failures += [kind] * times

    def _take(self, kind: str) -> bool:
        with self._lock:
            if kind in self._failures:
                self._failures.remove(kind)
                return True
        return False

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        # a failing connection refuses every mechanism (smtplib tries PLAIN, then LOGIN)
        refused = getattr(session, "refuse_auth", False) or self._take("535")
        session.refuse_auth = refused
        ok = (not refused and self.auth is not None and isinstance(auth_data, LoginPassword)
              and (auth_data.login.decode(), auth_data.password.decode()) == self.auth)
        if ok:
            self.logins.append(self.auth[0])  # type: ignore[index]
        return AuthResult(success=ok, handled=False)

    def stop(self) -> None:
        self.controller.stop()


class _Handler:
    def __init__(self, owner: SmtpServer) -> None:
        self.owner = owner

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          mail_options: list[str]) -> str:
        if self.owner.auth is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        if self.owner._take("421"):
            server.loop.call_soon(server.transport.close)  # after the answer is written
            return "421 4.3.2 Service not available, closing transmission channel"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if self.owner._take("451"):
            return "451 4.3.0 Temporary failure, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content or b""
        if isinstance(content, str):
            content = content.encode()
        dropped = self.owner._take("drop")
        self.owner.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), content, dropped))
        if dropped:
            server.transport.abort()
        return "250 Message accepted for delivery"


@pytest.fixture()
def smtp_server() -> Iterator[SmtpServer]:
    """An SMTP server on 127.0.0.1 (a free port) for one test; see SmtpServer."""
    server = SmtpServer()
    yield server
    server.stop()
