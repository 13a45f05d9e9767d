"""The user's own mailbox over IMAP: was a pitch sent (:func:`find_sent`), file a copy of one we sent
(:func:`append_sent`), and read what came back (:func:`sync`, which classifies with :func:`parse`):
replies, bounces (RFC 3464 delivery status notifications and the common non-standard ones) and
requests to unsubscribe.

The client is the standard library's :mod:`imaplib`: maintained with Python, it speaks IMAP4rev1
over TLS, STARTTLS or plain TCP with a socket timeout, and the few commands used here (LIST,
EXAMINE, UID SEARCH, UID FETCH with BODY.PEEK, APPEND) need nothing more; no dependency to vet.

Reading never changes the mailbox: the inbox is opened with EXAMINE (read-only) and bodies are
fetched with BODY.PEEK, so nothing is marked \\Seen, moved or deleted. :func:`sync` is incremental
by UID: its state records, per folder, the UIDVALIDITY and the last UID read; a new UIDVALIDITY
rescans the folder. It lists the new UIDs with ``UID FETCH n:* (UID)`` (one short line each; a UID
SEARCH answer is one line, which imaplib caps at 1 MB, about 150,000 UIDs), fetches a few header
fields of each in batches, then the whole message (up to :data:`BODY_CAP`) only for those that
refer to one of ours or look like a bounce.

Message-IDs are handled with their angle brackets, as in the header: ``<id@host>``.

The classifier of what it reads is :mod:`assistant.outreach.incoming`.
"""

from __future__ import annotations

import base64
import imaplib
import itertools
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email import policy
from email.parser import BytesHeaderParser
from typing import Any, Literal

from assistant.errors import AssistError, ConfigError
from assistant.outreach.incoming import Incoming, _header, _ids, _looks_like_bounce, _utc, parse

Security = Literal["tls", "starttls", "none"]

SENT_NAMES = ("Sent", "Sent Items", "Sent Messages", "[Gmail]/Sent Mail")
HEADER_FIELDS = "MESSAGE-ID IN-REPLY-TO REFERENCES FROM SUBJECT DATE CONTENT-TYPE AUTO-SUBMITTED"
BODY_CAP = 256 * 1024  # bytes of a candidate message fetched: a reply or a DSN is far smaller
FULL_BATCH = 100  # candidates fetched whole per command


class MailboxError(AssistError):
    """The mail server could not be reached, refused us or failed a command: one line naming
    host:port and what failed, never the password."""


@dataclass(frozen=True)
class ImapSettings:
    """The user's IMAP account. ``sent=None``: the folder with the \\Sent special use (from LIST),
    else one with a usual name (:data:`SENT_NAMES`)."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    security: Security = "tls"
    inbox: str = "INBOX"
    sent: str | None = None
    timeout: float = 30

    def __post_init__(self) -> None:
        if self.security not in ("tls", "starttls", "none"):
            raise ConfigError(f"IMAP security must be tls, starttls or none, not {self.security!r}")


# --------------------------------------------------------------------------- the connection


class _Imap:
    """A logged-in connection whose every failure (network, timeout, refused command) is a
    MailboxError naming host:port and the step."""

    def __init__(self, settings: ImapSettings) -> None:
        self.settings = settings
        self.where = f"{settings.host}:{settings.port}"
        self.conn: imaplib.IMAP4 | None = None

    def __enter__(self) -> _Imap:
        with self.step("connect"):
            self.conn = _open(self.settings)
        with self.step("login"):
            _login(self.conn, self.settings)
        return self

    def __exit__(self, *exc: object) -> None:
        with suppress(OSError, imaplib.IMAP4.error):  # the session is over either way
            self.conn.logout() if self.conn is not None else None

    def error(self, what: str, reason: str) -> MailboxError:
        secret = self.settings.password
        reason = " ".join(reason.split())[:300] or "no reason given"
        if secret:
            reason = reason.replace(secret, "[redacted]")
        return MailboxError(f"IMAP {self.where}: {what} failed: {reason}")

    @contextmanager
    def step(self, what: str) -> Iterator[None]:
        """Turn the errors of one step (socket, TLS, imaplib) into a MailboxError."""
        try:
            yield
        except (OSError, imaplib.IMAP4.error, UnicodeError) as exc:
            raise self.error(what, _reason(exc, self.settings.timeout)) from None

    def run(self, what: str, command: str, *args: Any) -> list[Any]:
        """One command (``UID`` commands as "UID SEARCH"); returns its data, or raises on NO/BAD."""
        assert self.conn is not None
        with self.step(what):
            if command.startswith("UID "):
                typ, data = self.conn.uid(command[4:], *args)
            else:
                typ, data = getattr(self.conn, command.lower())(*args)
        if typ != "OK":
            raise self.error(what, _text(data))
        return list(data)

    def examine(self, folder: str) -> tuple[int, int]:
        """Open a folder read-only; returns its UIDVALIDITY and how many messages it holds."""
        assert self.conn is not None
        name = _imap_utf7(folder)
        exists = self.run(f"EXAMINE {folder}", "SELECT", _quote(name), True)
        count = int(exists[0]) if exists and isinstance(exists[0], bytes) and exists[0].isdigit() else 0
        _, data = self.conn.response("UIDVALIDITY")  # RFC 3501: a MUST in the answer to EXAMINE
        if not (data and isinstance(data[0], bytes) and data[0].isdigit()):
            raise self.error(f"EXAMINE {folder}", "the server gave no UIDVALIDITY")
        return int(data[0]), count

    def fetch(self, uids: list[int], items: str) -> Iterator[tuple[int, bytes, bytes]]:
        """(uid, literal, the rest of the response) of each message fetched by UID."""
        yield from _fetched(self.run("FETCH", "UID FETCH", _uid_set(uids), f"(UID {items})"))

    def sent_folder(self) -> str:
        """The Sent folder: as set, else by the \\Sent special use, else by a usual name."""
        if self.settings.sent:
            return _imap_utf7(self.settings.sent)
        names: list[str] = []
        for flags, name in _list_rows(self.run("LIST", "LIST", '""', '"*"')):
            if "\\sent" in flags:
                return name
            names.append(name)
        by_lower = {n.lower(): n for n in names}
        usual = [(prefix + name).lower() for name in SENT_NAMES for prefix in ("", "inbox.", "inbox/")]
        if found := next((by_lower[n] for n in usual if n in by_lower), None):
            return found
        raise self.error("finding the Sent folder", "no folder has the \\Sent special use or a usual name; "
                         "set the Sent folder's name in the settings")


def _open(s: ImapSettings) -> imaplib.IMAP4:
    if s.security == "tls":
        return imaplib.IMAP4_SSL(s.host, s.port, ssl_context=ssl.create_default_context(), timeout=s.timeout)
    conn = imaplib.IMAP4(s.host, s.port, timeout=s.timeout)
    if s.security == "starttls":
        try:
            conn.starttls(ssl.create_default_context())
        except BaseException:
            conn.shutdown()
            raise
    return conn


def _login(conn: imaplib.IMAP4, s: ImapSettings) -> None:
    if s.user.isascii() and s.password.isascii():
        conn.login(s.user, s.password)
    else:  # imaplib's LOGIN is ASCII only; SASL PLAIN carries UTF-8
        conn.authenticate("PLAIN", lambda _: f"\0{s.user}\0{s.password}".encode())


def _reason(exc: BaseException, timeout: float) -> str:
    """A short reason for a failure, in words."""
    if isinstance(exc, TimeoutError):  # socket.timeout too
        return f"no answer within {timeout:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server up, and the port right?)"
    if isinstance(exc, socket.gaierror):
        return f"host not found ({exc.strerror})"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not accepted ({exc.verify_message})"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed ({exc.reason or exc})"
    if isinstance(exc, imaplib.IMAP4.abort):
        return f"the connection broke ({_text(exc.args)})"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return _text(exc.args)


def _text(data: Any) -> str:
    """Server text from imaplib's data or exception arguments (bytes, or lists of them)."""
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    if isinstance(data, list | tuple):
        return " ".join(_text(d) for d in data if d is not None)
    return str(data)


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _imap_utf7(name: str) -> str:
    """A folder name as IMAP spells it (RFC 3501 modified UTF-7) when it has non-ASCII letters."""
    if name.isascii():
        return name
    out = []
    for printable, run in itertools.groupby(name, lambda ch: " " <= ch <= "~"):
        text = "".join(run)
        if printable:
            out.append(text.replace("&", "&-"))
        else:
            b64 = base64.b64encode(text.encode("utf-16-be")).decode().rstrip("=")
            out.append("&" + b64.replace("/", ",") + "-")
    return "".join(out)


_LIST_ROW = re.compile(rb'^\((?P<flags>[^)]*)\) (?:NIL|"(?:[^"\\]|\\.)*") (?P<name>.*)$', re.S)


def _list_rows(data: list[Any]) -> Iterator[tuple[str, str]]:
    """(flags in lower case, name) of each LIST row; a name may come as a literal."""
    for item in data:
        line, literal = (item[0], item[1]) if isinstance(item, tuple) else (item, None)
        found = _LIST_ROW.match(line or b"") if isinstance(line, bytes) else None
        if not found:
            continue
        raw = literal if literal is not None else found.group("name")
        if raw.startswith(b'"') and raw.endswith(b'"'):
            raw = re.sub(rb"\\(.)", rb"\1", raw[1:-1])
        yield found.group("flags").decode("ascii", "replace").lower(), raw.decode("utf-8", "replace")


def _uid_set(uids: list[int]) -> str:
    """A compact UID set: runs of consecutive UIDs as ``a:b``."""
    runs = [[u for _, u in run] for _, run in itertools.groupby(enumerate(sorted(uids)), lambda p: p[1] - p[0])]
    return ",".join(f"{r[0]}:{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


_UID = re.compile(rb"\bUID (\d+)")


def _fetched(data: list[Any]) -> Iterator[tuple[int, bytes, bytes]]:
    """(uid, literal, response text) per message from imaplib's FETCH data: a message with a literal
    is a (prefix, literal) tuple followed by the rest of its line as bytes; lines with no literal
    (flag updates a server may send along) are skipped."""
    pending: tuple[bytes, bytes] | None = None
    for item in [*data, None]:
        if pending is not None:
            meta = pending[0] + b" " + (item if isinstance(item, bytes) else b"")
            if found := _UID.search(meta):
                yield int(found.group(1)), pending[1], meta
            pending = None
            if isinstance(item, bytes):
                continue
        if isinstance(item, tuple) and len(item) == 2:
            pending = (item[0], item[1])


# --------------------------------------------------------------------------- the Sent folder


def find_sent(settings: ImapSettings, message_id: str) -> bool:
    """Whether the Sent folder holds a message with this Message-ID (after a crash: was it sent?)."""
    wanted = _bracketed(message_id)
    with _Imap(settings) as imap:
        folder = imap.sent_folder()
        imap.examine(folder)
        found = imap.run(f"searching {folder}", "UID SEARCH", "HEADER", "Message-ID", _quote(wanted))
        uids = [int(u) for u in b" ".join(x for x in found if isinstance(x, bytes)).split()]
        if not uids:
            return False
        # HEADER search matches substrings: confirm with the header itself
        for _, header, _ in imap.fetch(uids, "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"):
            if wanted in _ids(_header(BytesHeaderParser(policy=policy.compat32).parsebytes(header), "Message-ID")):
                return True
    return False


def append_sent(settings: ImapSettings, raw_message: bytes, when: datetime) -> None:
    """Save a copy of a message we sent in the Sent folder, marked \\Seen, dated ``when`` (a naive
    datetime is local time)."""
    when = when if when.tzinfo is not None else when.astimezone()
    with _Imap(settings) as imap:
        folder = imap.sent_folder()
        imap.run(f"APPEND to {folder}", "APPEND", _quote(folder), "(\\Seen)", when, raw_message)


def _bracketed(message_id: str) -> str:
    value = message_id.strip()
    if not value or not value.isascii() or any(c in value for c in ' "\\\r\n'):
        raise ValueError(f"not a Message-ID: {message_id!r}")
    return value if value.startswith("<") else f"<{value}>"


# --------------------------------------------------------------------------- reading the inbox


def sync(settings: ImapSettings, is_ours: Callable[[str], bool], state: dict[str, Any] | None, *,
         progress: Callable[[int, int], None] | None = None, batch: int = 500,
         ) -> tuple[list[Incoming], dict[str, Any]]:
    """The new messages of the inbox that refer to one of ours (``is_ours(message_id)``), and the
    state to pass next time (``{folder: {"uidvalidity": N, "last_uid": N}}``). Read-only: EXAMINE
    and BODY.PEEK. ``progress(done, total)`` is called after each batch of headers."""
    folder = settings.inbox
    saved = (state or {}).get(folder) or {}
    with _Imap(settings) as imap:
        uidvalidity, count = imap.examine(folder)
        last = int(saved.get("last_uid") or 0) if saved.get("uidvalidity") == uidvalidity else 0
        # "n:*" always matches the last message, even below n: hence the filter
        listed = imap.run(f"listing {folder}", "UID FETCH", f"{last + 1}:*", "(UID)") if count else []
        uids = sorted({int(m.group(1)) for x in listed if isinstance(x, bytes) and (m := _UID.search(x))
                       and int(m.group(1)) > last})
        candidates = []
        step = max(1, batch)
        for start in range(0, len(uids), step):
            for uid, header, _ in imap.fetch(uids[start:start + step], f"BODY.PEEK[HEADER.FIELDS ({HEADER_FIELDS})]"):
                if _is_candidate(header, is_ours):
                    candidates.append(uid)
            if progress is not None:
                progress(min(start + step, len(uids)), len(uids))
        events = []
        for start in range(0, len(candidates), FULL_BATCH):
            chunk = candidates[start:start + FULL_BATCH]
            for _, raw, meta in sorted(imap.fetch(chunk, f"INTERNALDATE BODY.PEEK[]<0.{BODY_CAP}>")):
                event = parse(raw)
                if event is not None and any(is_ours(i) for i in event.refers_to):
                    events.append(event if event.date else replace(event, date=_internal_date(meta)))
    new_state = dict(state or {})
    new_state[folder] = {"uidvalidity": uidvalidity, "last_uid": max(uids, default=last)}
    return events, new_state


def _is_candidate(header: bytes, is_ours: Callable[[str], bool]) -> bool:
    """From a few header fields: does it answer one of ours, or look like a bounce?"""
    msg = BytesHeaderParser(policy=policy.compat32).parsebytes(header)
    ids = _ids(_header(msg, "In-Reply-To")) + _ids(_header(msg, "References"))
    return any(is_ours(i) for i in ids) or _looks_like_bounce(msg)


def _internal_date(meta: bytes) -> str | None:
    """When the server received the message (for a message whose Date header is unreadable)."""
    local = imaplib.Internaldate2tuple(meta)
    return _utc(datetime.fromtimestamp(time.mktime(local), UTC)) if local else None
