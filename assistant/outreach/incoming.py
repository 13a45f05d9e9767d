"""What came back, classified: :func:`parse` reads one message (a reply, a bounce as an RFC 3464
delivery status notification or a common non-standard one, a request to unsubscribe, or other)
into an :class:`Incoming`. Pure and total: malformed mail gives what can be read, never an error.

Message-IDs are handled with their angle brackets, as in the header: ``<id@host>``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser, HeaderParser
from email.utils import parseaddr, parsedate_to_datetime
from typing import Literal

Kind = Literal["reply", "bounce", "unsubscribe", "other"]
EXCERPT_LINES = 5
EXCERPT_CHARS = 500


@dataclass
class Incoming:
    """One message of the inbox, classified. ``refers_to``: the Message-IDs it answers (In-Reply-To,
    then References; for a bounce the returned message's own ID first). ``date``: ISO 8601 in UTC
    (from Date; :func:`sync` falls back on the server's arrival date). ``bounced_recipient``,
    ``status`` (e.g. ``5.1.1``) and ``permanent`` (a 5.x.x status; for a bounce with no status, an
    SMTP 5xx reply or "permanent" in its text) describe a bounce; ``status`` is also set for a
    delay notice (kind ``other``). Auto-replies are ``other`` too."""

    kind: Kind
    message_id: str | None
    refers_to: list[str]
    from_addr: str | None
    date: str | None
    excerpt: str
    bounced_recipient: str | None = None
    status: str | None = None
    permanent: bool = False


# --------------------------------------------------------------------------- classifying one message

_MSGID = re.compile(r"<[^<>\s]+>")
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|vs|antw|antwort|ré|rif|r|fw|fwd|wg|tr)\s*(\[\d+\])?\s*:\s*)+", re.I)
_BOUNCE_FROM = ("mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon")
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered mail|delivery status notification|delivery (has )?failed|delivery failure|"
    r"mail delivery (failed|failure|subsystem)|returned (mail|to sender)|failure notice|non[- ]?delivery|"
    r"could not be delivered|unzustellbar|nicht zustellbar|non remis|no entregado", re.I)
_DELAY_SUBJECT = re.compile(r"\bdelay(ed)?\b|\bwarning\b|still being retried|will retry|verzögert", re.I)
_AUTO_SUBJECT = re.compile(
    r"^(auto(matic|matische)?[ -]?(reply|response|antwort)|out of (the )?office|abwesen|absence|"
    r"réponse automatique|respuesta automática|risposta automatica|automatisch antwoord)", re.I)
_UNSUBSCRIBE = re.compile(
    r"\b(unsubscribe|opt[- ]?out|remove me|take me off|stop (e-?mailing|mailing|sending|contacting|writing)|"
    r"do not (contact|e-?mail|write to) me|don'?t (contact|e-?mail|write to) me|abmelden|austragen|"
    r"d[ée]sabonner|d[ée]sinscri\w*|darme de baja|dar de baja|afmelden|uitschrijven|disiscriv\w*|cancellami)\b",
    re.I)
_STOP_ONLY = re.compile(r"^\W*(stop|unsubscribe|remove|stopp|arr[êe]te[rz]?|baja|basta)\W*$", re.I)
_QUOTE_HEAD = re.compile(
    r"^(on\b.{0,200}\bwrote:?|le\b.{0,200}\ba [ée]crit\s*:?|am\b.{0,200}\bschrieb.{0,100}|"
    r"el\b.{0,200}\bescribi[óo]:?|-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|"
    r"mensaje original|messaggio originale)\s*-{2,}|from:\s.+|von:\s.+|de\s?:\s.+|_{8,}|sent from my \w+.*)$", re.I)
_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
_RECIPIENT_LINE = re.compile(r"^\s*<?([^\s<>@:;]+@[^\s<>@:;]+\.[^\s<>@:;]+?)>?:?\s*$|^<([^\s<>@]+@[^\s<>]+)>:", re.M)
_TEXT_MESSAGE_ID = re.compile(r"^message-id:\s*(<[^<>\s]+>)", re.I | re.M)


def parse(raw: bytes) -> Incoming | None:
    """Classify one incoming message: a reply, a bounce, an unsubscribe request or other (an
    auto-reply, a delay notice, anything else). None when ``raw`` has no header at all. Never
    raises: a message too broken to read gets the little a plain scan finds (kind ``other``)."""
    try:
        return _parse(raw)
    except Exception:  # noqa: BLE001 - total by contract: one odd message must not stop a sync
        try:
            return _scan(raw)
        except Exception:  # noqa: BLE001
            return None


def _parse(raw: bytes) -> Incoming | None:
    if not isinstance(raw, bytes | bytearray) or not raw.strip():
        return None
    msg = BytesParser(policy=policy.compat32).parsebytes(bytes(raw))
    if not msg.keys():
        return None
    message_id = next(iter(_ids(_header(msg, "Message-ID"))), None)
    refers = list(dict.fromkeys(_ids(_header(msg, "In-Reply-To")) + _ids(_header(msg, "References"))))
    from_addr = parseaddr(_header(msg, "From"))[1] or None
    subject = _header(msg, "Subject")
    text = _plain_text(msg)
    base = Incoming("other", message_id, refers, from_addr, _date(_header(msg, "Date")), _excerpt(text))
    report = _report(msg) or _plain_bounce(msg, from_addr, subject, text)
    if report is not None:
        action, recipient, status, original, permanent = report
        refers_to = list(dict.fromkeys(([original] if original else []) + refers))
        if action != "failed":  # delayed, delivered, relayed: news, not a bounce
            return replace(base, refers_to=refers_to, status=status)
        return replace(base, kind="bounce", refers_to=refers_to, bounced_recipient=recipient, status=status,
                       permanent=permanent)
    if _is_auto_reply(msg, subject):
        return base
    if _asks_to_unsubscribe(subject, base.excerpt):
        return replace(base, kind="unsubscribe")
    return replace(base, kind="reply") if base.refers_to else base


def _scan(raw: bytes) -> Incoming | None:
    """The last resort for a message the parser choked on: IDs from the header block, kind other."""
    head = bytes(raw).split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].decode("utf-8", "replace")
    fields = {}
    for found in re.finditer(r"^([A-Za-z-]+):(.*(?:\r?\n[ \t].*)*)", head, re.M):
        fields.setdefault(found.group(1).lower(), " ".join(found.group(2).split()))
    if not fields:
        return None
    refers = list(dict.fromkeys(_ids(fields.get("in-reply-to", "")) + _ids(fields.get("references", ""))))
    return Incoming("other", next(iter(_ids(fields.get("message-id", ""))), None), refers,
                    parseaddr(fields.get("from", ""))[1] or None, _date(fields.get("date", "")), "")


def _header(msg: Message, name: str) -> str:
    """A header's text, decoded (RFC 2047 words, raw UTF-8 or Latin-1 bytes), on one line."""
    for key, value in msg.raw_items():
        if key.lower() == name.lower():
            return _decode_value(str(value))
    return ""


def _decode_value(value: str) -> str:
    data = value.encode("ascii", "surrogateescape")  # the parser keeps 8-bit bytes as surrogates
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", "replace")
    if "=?" in text:
        try:
            text = str(make_header(decode_header(text)))
        except Exception:  # noqa: BLE001 - a malformed encoded word: keep the raw text
            pass
    return " ".join(text.split())


def _ids(value: str) -> list[str]:
    return _MSGID.findall(value)


def _date(value: str) -> str | None:
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return _utc(when)


def _utc(when: datetime) -> str:
    when = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parts(msg: Message) -> Iterator[Message]:
    """The leaf parts of a message, not descending into attached messages (message/rfc822)."""
    if msg.is_multipart() and msg.get_content_maintype() == "multipart":
        for part in msg.get_payload():
            if isinstance(part, Message):
                yield from _parts(part)
    else:
        yield msg


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        payload = str(part.get_payload() or "").encode("utf-8", "surrogateescape")
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except (LookupError, ValueError):  # an unknown charset, or a name no codec could have
        return payload.decode("utf-8", "replace")


def _plain_text(msg: Message) -> str:
    """The message's own text: its first plain-text part, else its first HTML part as text."""
    html_part = None
    for part in _parts(msg):
        if (part.get("Content-Disposition") or "").lower().startswith("attachment"):
            continue
        kind = part.get_content_type()
        if kind == "text/plain":
            return _decoded(part)
        if kind == "text/html" and html_part is None:
            html_part = part
    return _html_text(_decoded(html_part)) if html_part is not None else ""


def _html_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style|head|blockquote)\b.*?</\1\s*>", " ", markup[:200_000])
    markup = re.sub(r"(?i)<br\s*/?>|</(p|div|li|tr|h\d)\s*>", "\n", markup)
    return html.unescape(re.sub(r"<[^>]*>", "", markup))


def _excerpt(text: str) -> str:
    """The first lines of the writer's own text: no quoted lines, no signature, nothing from the
    quoted original on ("On ... wrote:")."""
    lines: list[str] = []
    rows = text[:100_000].splitlines()
    for n, line in enumerate(rows):
        stripped = line.strip()
        if line.rstrip() == "--" or line == "-- ":
            break
        following = rows[n + 1].strip() if n + 1 < len(rows) else ""
        if _QUOTE_HEAD.match(stripped) or (stripped.lower().startswith(("on ", "le ", "am ", "el "))
                                           and _QUOTE_HEAD.match(f"{stripped} {following}")):
            break
        if not stripped or stripped.startswith(">"):
            continue
        lines.append(stripped)
        if len(lines) == EXCERPT_LINES:
            break
    return "\n".join(lines)[:EXCERPT_CHARS]


def _is_auto_reply(msg: Message, subject: str) -> bool:
    auto = _header(msg, "Auto-Submitted").lower()
    precedence = _header(msg, "Precedence").lower()
    return ((bool(auto) and auto != "no") or bool(_header(msg, "X-Autoreply") or _header(msg, "X-Autorespond"))
            or precedence in ("auto_reply", "bulk", "junk") or bool(_AUTO_SUBJECT.match(_REPLY_PREFIX.sub("", subject))))


def _asks_to_unsubscribe(subject: str, excerpt: str) -> bool:
    """The subject or the first lines ask to unsubscribe. A "Re: <our subject>" is not read (our own
    subject could say "opt out"), unless what is left is one word such as "stop"."""
    bare = _REPLY_PREFIX.sub("", subject)
    if _STOP_ONLY.match(bare) or (bare == subject and _UNSUBSCRIBE.search(subject)):
        return True
    first = excerpt.splitlines()[:3]
    return any(_STOP_ONLY.match(line) or _UNSUBSCRIBE.search(line) for line in first)


def _looks_like_bounce(msg: Message) -> bool:
    if msg.get_content_type() == "multipart/report":
        return True
    local = parseaddr(_header(msg, "From"))[1].split("@")[0].lower()
    return local in _BOUNCE_FROM or bool(_BOUNCE_SUBJECT.search(_header(msg, "Subject")))


# action, recipient, status, the original Message-ID, permanent
_Report = tuple[str, str | None, str | None, str | None, bool]


def _report(msg: Message) -> _Report | None:
    """An RFC 3464 delivery status notification: the first failed recipient (else the first one)."""
    if msg.get_content_type() != "multipart/report":
        return None
    if str(msg.get_param("report-type") or "").lower() != "delivery-status":
        return None
    blocks: list[Message] = []
    original = None
    for part in msg.get_payload() if isinstance(msg.get_payload(), list) else []:
        kind = part.get_content_type()
        if kind in ("message/delivery-status", "message/global-delivery-status") and not blocks:
            blocks = _status_blocks(part)
        elif kind in ("message/rfc822", "text/rfc822-headers", "message/global", "message/global-headers"):
            original = original or _original_id(part)
    recipients = [b for b in blocks if _header(b, "Action")]
    if not recipients:
        return None
    chosen = next((b for b in recipients if _header(b, "Action").lower().startswith("failed")), recipients[0])
    status = _STATUS.search(_header(chosen, "Status"))
    # "rfc822; someone@example.org"
    field = _header(chosen, "Final-Recipient") or _header(chosen, "Original-Recipient")
    recipient = field.split(";", 1)[-1].strip().strip("<>").strip() or None
    action = _header(chosen, "Action").lower().split()[0]
    code = status.group(1) if status else None
    return action, recipient, code, original, bool(code and code.startswith("5"))


def _status_blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [b for b in payload if isinstance(b, Message)]
    text = _decoded(part)  # not split by the parser (e.g. base64): parse the blocks here
    return [HeaderParser(policy=policy.compat32).parsestr(b.strip() + "\n")
            for b in re.split(r"\r?\n\s*\r?\n", text) if b.strip()]


def _original_id(part: Message) -> str | None:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        return next(iter(_ids(_header(payload[0], "Message-ID"))), None)
    found = _TEXT_MESSAGE_ID.search(_decoded(part))
    return found.group(1) if found else None


def _plain_bounce(msg: Message, from_addr: str | None, subject: str, text: str) -> _Report | None:
    """A bounce that is not RFC 3464 (qmail, old Exim, some providers): from MAILER-DAEMON or
    postmaster, or with a bounce's subject, the original's headers somewhere in the body."""
    local = (from_addr or "").split("@")[0].lower()
    if local not in _BOUNCE_FROM and not _BOUNCE_SUBJECT.search(subject):
        return None
    own = _header(msg, "Message-ID")
    original = None
    for part in msg.walk():  # attached originals (message/rfc822) and copies pasted in the text
        found = _ids(_header(part, "Message-ID")) if part is not msg else []
        if not found and part.get_content_maintype() == "text":
            found = _TEXT_MESSAGE_ID.findall(_decoded(part))
        original = next((i for i in found if i not in own), None)
        if original:
            break
    head = text[:4000]
    status = _STATUS.search(head)
    if original is None and status is None and not _BOUNCE_SUBJECT.search(subject):
        return None  # a person writing from postmaster@ (a reply, say): nothing of a bounce in it
    recipient = next((a or b for a, b in _RECIPIENT_LINE.findall(head) if (a or b) != from_addr), None)
    action = "delayed" if _DELAY_SUBJECT.search(subject) else "failed"
    code = status.group(1) if status else None
    # no enhanced status code: an SMTP 5xx reply or the word "permanent" says the same
    permanent = code.startswith("5") if code else bool(re.search(r"permanent|\b5[0-5]\d\b", head, re.I))
    return action, recipient, code, original, permanent
