"""The mail queue: emails queued with a Message-ID chosen before sending, claimed by one run at a
time under a lease, sent over the user's SMTP server (STARTTLS or TLS) or written as .eml files,
and never sent twice: an email whose run died while sending is looked for in the Sent folder over
IMAP (by its Message-ID) and marked ``unknown`` for the user when it cannot be found, never resent.

Safety rules before an email leaves, each overridable only by a flag that names it: the daily cap
per mailbox (``--ignore-daily-cap``) and the spacing between sends (``--ignore-spacing``, at queue
time). The suppression list (opt-outs, bounces) has no override.
"""

from __future__ import annotations

import os
import smtplib
import socket
import sqlite3
import ssl
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path
from typing import Any

from assistant.errors import AssistError, UsageError
from assistant.outreach import compose, pipeline
from assistant.sql import now_text, parse_time, transaction

DAILY_CAP = 30
SPACING = timedelta(minutes=2)
LEASE = timedelta(minutes=5)
BACKOFF = timedelta(minutes=15)
MAX_TRIES = 5


class SendError(AssistError):
    """The mail server refused us as a whole (login, sender): the run stops, nothing is lost."""


@dataclass
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"  # starttls | tls | none
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_settings(cls, settings: Any) -> SmtpSettings | None:
        from assistant.settings import count_setting, duration_setting

        host = settings.get("outreach.smtp.host")
        if not host:
            return None
        security = str(settings.get("outreach.smtp.security", "starttls")).lower()
        if security not in ("starttls", "tls", "none"):
            raise UsageError("[outreach.smtp] security must be starttls, tls or none")
        default_port = {"starttls": 587, "tls": 465, "none": 25}[security]
        port = count_setting(settings.get("outreach.smtp.port", default_port), "outreach.smtp.port", minimum=1)
        if port > 65535:
            raise UsageError("[outreach.smtp] port must be at most 65535")
        return cls(str(host), port, security, settings.get("outreach.smtp.user"),
                   settings.get("outreach.smtp.password"),
                   duration_setting(settings.get("outreach.smtp.timeout", 30), "outreach.smtp.timeout", positive=True))


@dataclass
class Rules:
    daily_cap: int = DAILY_CAP
    spacing: timedelta = SPACING
    lease: timedelta = LEASE
    repitch_after: timedelta = pipeline.REPITCH_AFTER


# --------------------------------------------------------------------------- queueing


def enqueue(db: sqlite3.Connection, pitch: sqlite3.Row, composed: compose.Composed, *, step: int,
            sender: compose.Sender, via: str, at: datetime, rules: Rules, ignore_spacing: bool = False,
            allow: frozenset[str] | set[str] = frozenset()) -> int:
    """Queue one email of a pitch after the check; returns the message's row id.

    A pitch's first email is held to the site rules again here (they were checked when it was
    added, but two pitches added on one day have sent nothing yet): another pitch to the site with
    an email queued, sent or maybe sent within ``rules.repitch_after`` is refused."""
    if pitch["stage"] in pipeline.FINAL or (step > 0 and pitch["stage"] in pipeline.STOPS_FOLLOW_UPS):
        raise UsageError(f"pitch {pitch['id']} is {pitch['stage']}: no more emails go to {pitch['site']}")
    recipient = pitch["contact"]
    found = compose.problems(composed.subject, composed.body, recipient=recipient, draft_url=pitch["draft_url"],
                             sender=sender, empties=composed.empties)
    if found:
        raise UsageError(f"pitch {pitch['id']} cannot be sent: " + "; ".join(found))
    domain = (sender.email or "localhost").rsplit("@", 1)[-1]
    with transaction(db):  # the rules read what is queued: checked and written under one write lock
        now_row = db.execute("SELECT stage, contact FROM pitches WHERE id = ?", (pitch["id"],)).fetchone()
        if now_row is None or (now_row["stage"], now_row["contact"]) != (pitch["stage"], pitch["contact"]):
            raise UsageError(f"pitch {pitch['id']} changed while its email was being queued (its stage or contact);"
                             " queue it again")
        if step == 0:
            for flag, message in _site_rules(db, pitch, at, rules):
                if flag not in allow:
                    raise UsageError(f"{message} ({flag} to send anyway)")
        if recipient and pipeline.is_suppressed(db, recipient):
            raise UsageError(f"{recipient} is on the suppression list (it opted out or bounced): it is never written to")
        existing = db.execute("SELECT id, state FROM outreach_messages WHERE pitch_id = ? AND step = ?",
                              (pitch["id"], step)).fetchone()
        if existing is not None and existing["state"] != "cancelled":
            raise UsageError(f"pitch {pitch['id']} already has email {existing['id']} ({existing['state']}) for this step")
        when = at
        if not ignore_spacing:
            last = db.execute("SELECT max(coalesce(sent_at, scheduled_at)) FROM outreach_messages WHERE sender = ?"
                              " AND state IN ('scheduled', 'sending', 'sent', 'failed')", (sender.email,)).fetchone()[0]
            if last:
                when = max(when, parse_time(last) + rules.spacing)
        if existing is not None:
            db.execute("DELETE FROM outreach_messages WHERE id = ?", (existing["id"],))
        mid = db.execute(
            "INSERT INTO outreach_messages (pitch_id, step, message_id, sender, recipient, subject, body, via,"
            " scheduled_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (pitch["id"], step, make_msgid(domain=domain), sender.email, recipient, composed.subject, composed.body,
             via, now_text(when))).lastrowid
        pipeline.event(db, pitch["id"], "queued", f"{'pitch' if step == 0 else f'follow-up {step}'} via {via}, "
                       f"at {now_text(when)}")
    return int(mid or 0)


def _site_rules(db: sqlite3.Connection, pitch: sqlite3.Row, at: datetime, rules: Rules) -> list[tuple[str, str]]:
    out = []
    other = db.execute(
        "SELECT p.id, p.draft_key = ? AS same_draft, max(coalesce(m.sent_at, m.scheduled_at)) AS at"
        " FROM pitches p JOIN outreach_messages m ON m.pitch_id = p.id WHERE p.site = ? AND p.id != ?"
        " AND m.state IN ('scheduled', 'sending', 'sent', 'failed', 'unknown') GROUP BY p.id ORDER BY at DESC",
        (pitch["draft_key"], pitch["site"], pitch["id"])).fetchall()
    if any(r["same_draft"] for r in other):
        first = next(r for r in other if r["same_draft"])
        out.append(("--allow-second-pitch", f"{pitch['site']} already has pitch {first['id']} about this draft "
                    "with an email queued or sent"))
    since = now_text(at - rules.repitch_after)
    recent = [r for r in other if r["at"] >= since]
    if recent:
        out.append(("--allow-recent-site", f"{pitch['site']} has pitch {recent[0]['id']} with an email queued or "
                    f"sent on {recent[0]['at'][:10]}; no site is pitched again within {rules.repitch_after.days} days"))
    return out


# --------------------------------------------------------------------------- the message


def build(row: sqlite3.Row, sender: compose.Sender, first_message_id: str | None, now: datetime) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = formataddr((sender.name or "", row["sender"]))
    msg["To"] = row["recipient"]
    msg["Subject"] = row["subject"]
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = row["message_id"]
    if first_message_id and first_message_id != row["message_id"]:
        msg["In-Reply-To"] = first_message_id
        msg["References"] = first_message_id
    msg["List-Unsubscribe"] = f"<mailto:{row['sender']}?subject=unsubscribe>"
    body = row["body"]
    msg.set_content(body, cte="7bit" if body.isascii() and max(map(len, body.splitlines() or [""])) < 990
                    else "quoted-printable")
    return msg


def wire(msg: EmailMessage) -> bytes:
    """The message as sent: CRLF line ends (SMTP's, which ``smtplib.data`` does not add to bytes)."""
    from email import policy

    return msg.as_bytes(policy=policy.SMTP)


# --------------------------------------------------------------------------- running


@dataclass
class RunReport:
    sent: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    reconciled: list[tuple[int, str]] = field(default_factory=list)
    cancelled: list[tuple[int, str]] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # the check failed at send time
    capped: int = 0
    spaced: int = 0  # waiting for the spacing after the last email
    files: list[str] = field(default_factory=list)


def _reconcile(db: sqlite3.Connection, now: datetime, imap: Any, report: RunReport) -> None:
    """Emails left ``sending`` by a run that died (lease over), and ``unknown`` ones: sent if the Sent
    folder (or the .eml file) has them, else ``unknown`` for the user. Never resent."""
    rows = list(db.execute("SELECT * FROM outreach_messages WHERE (state = 'sending' AND lease_until < ?)"
                           " OR state = 'unknown'", (now_text(now),)))
    for row in rows:
        found = False
        if row["via"] == "eml":
            found = bool(row["eml_path"]) and Path(row["eml_path"]).is_file()
        elif imap is not None:
            from assistant.outreach import mailbox

            try:
                found = mailbox.find_sent(imap, row["message_id"])
            except AssistError:
                found = False
        if found:
            _mark_sent(db, row, now, "found in the Sent folder after an interrupted run")
            report.reconciled.append((row["id"], "sent"))
        elif row["state"] == "sending":
            with transaction(db):
                db.execute("UPDATE outreach_messages SET state = 'unknown', last_error = ? WHERE id = ?",
                           ("the run sending it stopped; not found in the Sent folder" if imap else
                            "the run sending it stopped, and no IMAP server is set to check the Sent folder", row["id"]))
                pipeline.event(db, row["pitch_id"], "unknown", f"email {row['id']} may have left: check your Sent "
                               "folder, then assist outreach resolve", now)
            report.reconciled.append((row["id"], "unknown"))


def _mark_sent(db: sqlite3.Connection, row: sqlite3.Row, now: datetime, note: str | None = None,
               eml: str | None = None) -> None:
    with transaction(db):
        db.execute("UPDATE outreach_messages SET state = 'sent', sent_at = ?, lease_until = NULL, last_error = ?,"
                   " eml_path = coalesce(?, eml_path) WHERE id = ?", (now_text(now), note, eml, row["id"]))
        pitch = db.execute("SELECT stage FROM pitches WHERE id = ?", (row["pitch_id"],)).fetchone()
        if row["step"] == 0:
            db.execute("UPDATE pitches SET first_sent_at = coalesce(first_sent_at, ?) WHERE id = ?",
                       (now_text(now), row["pitch_id"]))
        if pitch is not None and pitch["stage"] in ("new", "drafted", "sent", "followed-up"):
            pipeline.set_stage(db, row["pitch_id"], "sent" if row["step"] == 0 else "followed-up",
                               f"email {row['id']} to {row['recipient']}" + (f" ({eml})" if eml else ""), now)


def _claim(db: sqlite3.Connection, row: sqlite3.Row, now: datetime, rules: Rules) -> bool:
    """Take the email for this run; the lease runs from now (the claim), not from the run's start."""
    with transaction(db):
        return db.execute("UPDATE outreach_messages SET state = 'sending', lease_until = ?, tries = tries + 1"
                          " WHERE id = ? AND state IN ('scheduled', 'failed')",
                          (now_text(now + rules.lease), row["id"])).rowcount == 1


def _fail(db: sqlite3.Connection, row: sqlite3.Row, now: datetime, error: str, *, final: bool = False) -> None:
    dead = final or row["tries"] + 1 >= MAX_TRIES
    retry = now + BACKOFF * (2 ** row["tries"])
    with transaction(db):
        db.execute("UPDATE outreach_messages SET state = ?, scheduled_at = ?, lease_until = NULL, last_error = ?"
                   " WHERE id = ?", ("dead" if dead else "failed", now_text(retry), error, row["id"]))
        pipeline.event(db, row["pitch_id"], "send-failed", f"email {row['id']}: {error}" + ("" if dead else
                       f"; retried at {now_text(retry)}"), now)


def _release(db: sqlite3.Connection, row: sqlite3.Row) -> None:
    with transaction(db):
        db.execute("UPDATE outreach_messages SET state = 'scheduled', tries = tries - 1, lease_until = NULL"
                   " WHERE id = ?", (row["id"],))


def run(db: sqlite3.Connection, *, sender: compose.Sender, smtp: SmtpSettings | None, imap: Any,
        outbox: Path, rules: Rules, now: datetime | None = None, ignore_daily_cap: bool = False,
        limit: int | None = None, save_to_sent: bool = True) -> RunReport:
    """Send every due email once (reconciling interrupted ones first)."""
    start = now or datetime.now(UTC)
    began = time.monotonic()
    report = RunReport()
    _reconcile(db, start, imap, report)
    due = list(db.execute("SELECT m.*, p.stage, p.draft_url FROM outreach_messages m JOIN pitches p"
                          " ON p.id = m.pitch_id WHERE m.state IN ('scheduled', 'failed') AND m.scheduled_at <= ?"
                          " ORDER BY m.scheduled_at, m.id", (now_text(start),)))
    for row in due[:limit] if limit else due:
        now = start + timedelta(seconds=time.monotonic() - began)  # this email's claim time
        if _stopped(db, row, report):
            continue
        found = compose.problems(row["subject"], row["body"], recipient=row["recipient"], draft_url=row["draft_url"],
                                 sender=sender)
        if found:  # the check again, at send time: the settings may have changed since it was queued
            report.refused.append((row["id"], "; ".join(found)))
            continue
        if row["via"] == "smtp" and rules.spacing:
            last = db.execute("SELECT max(sent_at) FROM outreach_messages WHERE sender = ? AND state = 'sent'"
                              " AND via = 'smtp'", (row["sender"],)).fetchone()[0]
            if last and parse_time(last) + rules.spacing > now:
                report.spaced += 1
                continue
        if row["via"] == "smtp" and not ignore_daily_cap:
            since = now_text(now - timedelta(days=1))
            sent_today = db.execute("SELECT count(*) FROM outreach_messages WHERE sender = ? AND state = 'sent'"
                                    " AND via = 'smtp' AND sent_at >= ?", (row["sender"], since)).fetchone()[0]
            if sent_today >= rules.daily_cap:
                report.capped += 1
                continue
        if not _claim(db, row, now, rules):
            continue  # another run took it
        first = db.execute("SELECT message_id FROM outreach_messages WHERE pitch_id = ? AND step = 0",
                           (row["pitch_id"],)).fetchone()
        msg = build(row, sender, first["message_id"] if first else None, now)
        if row["via"] == "eml":
            path = _write_eml(outbox, row, msg)
            _mark_sent(db, row, now, eml=str(path))
            report.files.append(str(path))
            report.sent.append(row["id"])
            continue
        if smtp is None:
            _release(db, row)
            raise SendError("no SMTP server is set ([outreach.smtp] host); queue with --via eml to write .eml files")
        outcome = _smtp_send(smtp, msg, row["sender"], row["recipient"])
        if outcome.sent:
            if imap is not None and save_to_sent:
                _save_copy(db, imap, row, msg, now)
            _mark_sent(db, row, now)
            report.sent.append(row["id"])
        elif outcome.unknown:
            with transaction(db):
                db.execute("UPDATE outreach_messages SET state = 'unknown', last_error = ? WHERE id = ?",
                           (outcome.error, row["id"]))
                pipeline.event(db, row["pitch_id"], "unknown", f"email {row['id']}: {outcome.error}", now)
            report.unknown.append(row["id"])
        elif outcome.stop:
            _release(db, row)
            raise SendError(outcome.error or "the mail server refused us")
        else:
            _fail(db, row, now, outcome.error or "failed", final=outcome.permanent)
            if outcome.permanent and outcome.bounced:
                pipeline.suppress(db, row["recipient"], "bounced", now)
                pipeline.set_stage(db, row["pitch_id"], "bounced", f"the server refused {row['recipient']}: "
                                   f"{outcome.error}", now)
            report.failed.append((row["id"], outcome.error or "failed"))
    return report


def _stopped(db: sqlite3.Connection, row: sqlite3.Row, report: RunReport) -> bool:
    """Cancel an email whose pitch ended, or whose recipient was suppressed, since it was queued."""
    why = None
    if row["stage"] in pipeline.FINAL or (row["step"] > 0 and row["stage"] in pipeline.STOPS_FOLLOW_UPS):
        why = f"the pitch is {row['stage']}"
    elif pipeline.is_suppressed(db, row["recipient"]):
        why = "the address is on the suppression list"
    if why is None:
        return False
    with transaction(db):
        db.execute("UPDATE outreach_messages SET state = 'cancelled', last_error = ? WHERE id = ?", (why, row["id"]))
    report.cancelled.append((row["id"], why))
    return True


def _save_copy(db: sqlite3.Connection, imap: Any, row: sqlite3.Row, msg: EmailMessage, now: datetime) -> None:
    from assistant.outreach import mailbox

    try:
        mailbox.append_sent(imap, wire(msg), now)
    except AssistError as exc:
        pipeline.event(db, row["pitch_id"], "warning", f"sent, but no copy saved in the Sent folder: {exc}", now)


def _write_eml(outbox: Path, row: sqlite3.Row, msg: EmailMessage) -> Path:
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"pitch-{row['pitch_id']}-{row['step']}-{row['id']}.eml"
    tmp = path.with_suffix(".eml.tmp")
    tmp.write_bytes(wire(msg))
    os.replace(tmp, path)
    return path


@dataclass
class _Outcome:
    sent: bool = False
    unknown: bool = False  # the server may have it: never resent
    stop: bool = False  # login or sender refused: stop the run, nothing sent
    permanent: bool = False
    bounced: bool = False
    error: str | None = None


def _smtp_send(s: SmtpSettings, msg: EmailMessage, sender: str, recipient: str) -> _Outcome:
    """One email over SMTP; every failure is told apart by whether the server may have taken it."""
    where = f"{s.host}:{s.port}"
    try:
        if s.security == "tls":
            conn: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                                  context=ssl.create_default_context())
        else:
            conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
    except (OSError, smtplib.SMTPException) as exc:
        return _Outcome(error=f"cannot connect to {where}: {_short(exc)}")
    try:
        conn.ehlo()
        if s.security == "starttls":
            conn.starttls(context=ssl.create_default_context())
            conn.ehlo()
        if s.user:
            conn.login(s.user, s.password or "")
        code, reply = conn.mail(sender)
        if code >= 400:
            return _Outcome(stop=code >= 500, error=f"{where} refused the sender {sender}: {code} {_text(reply)}")
        code, reply = conn.rcpt(recipient)
        if code >= 400:
            return _Outcome(permanent=code >= 500, bounced=code >= 500,
                            error=f"{where} refused {recipient}: {code} {_text(reply)}")
    except smtplib.SMTPAuthenticationError as exc:
        return _Outcome(stop=True, error=f"{where} refused the login of {s.user}: {exc.smtp_code} {_text(exc.smtp_error)}")
    except (OSError, smtplib.SMTPException) as exc:  # before DATA: nothing was handed over
        _quit(conn)
        return _Outcome(error=f"{where}: {_short(exc)}")
    except UnicodeError:  # smtplib sends the login in ASCII only
        _quit(conn)
        return _Outcome(stop=True, error=f"{where}: the SMTP user or password has characters other than ASCII, "
                        "which Python's SMTP client cannot send")
    try:
        code, reply = conn.data(wire(msg))
    except (OSError, smtplib.SMTPException) as exc:  # during DATA: the server may have the email
        _quit(conn)
        if isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 400:
            return _Outcome(permanent=exc.smtp_code >= 500, error=f"{where} refused the email: {exc.smtp_code} "
                            f"{_text(exc.smtp_error)}")
        return _Outcome(unknown=True, error=f"{where}: the connection failed while the email was being handed over "
                        f"({_short(exc)}); it may have been sent")
    _quit(conn)
    if code >= 400:
        return _Outcome(permanent=code >= 500, error=f"{where} refused the email: {code} {_text(reply)}")
    return _Outcome(sent=True)


def _quit(conn: smtplib.SMTP) -> None:
    try:
        conn.quit()
    except (OSError, smtplib.SMTPException):
        conn.close()


def _text(reply: Any) -> str:
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    return " ".join(str(reply).split())[:200]


def _short(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    return _text(str(exc) or type(exc).__name__)
