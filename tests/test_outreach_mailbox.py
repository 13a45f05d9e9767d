"""The IMAP side of outreach (assistant.outreach.mailbox) against a real Dovecot over TCP with the
real imaplib: replies, bounces, unsubscribes, incremental sync, UIDVALIDITY, nothing marked or
deleted, the Sent folder, and one-line errors. parse() on its own needs no server."""

from __future__ import annotations

import smtplib
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from mailservers import Mailbox, SmtpServer, dovecot, free_port, smtp_server  # noqa: F401 - fixtures

from assistant.errors import AssistError
from assistant.outreach.mailbox import (
    ImapSettings,
    Incoming,
    MailboxError,
    append_sent,
    find_sent,
    parse,
    sync,
)

OURS = "<173321724100.4242.111@mysite.example>"
OURS_2 = "<173321725500.4242.112@mysite.example>"


def crlf(text: str) -> bytes:
    return text.lstrip("\n").replace("\r\n", "\n").replace("\n", "\r\n").encode()


def reply(n: int = 1, *, in_reply_to: str | None = OURS, references: str | None = None,
          subject: str = "Re: Your guide to async standups", body: str = "Thanks, I added your link.") -> bytes:
    head = ["From: Jo Editor <jo@site.example>", "To: Me <me@mysite.example>", f"Subject: {subject}",
            f"Date: Tue, 03 Dec 2024 10:0{n % 10}:00 +0100", f"Message-ID: <reply{n}@site.example>"]
    head += [f"In-Reply-To: {in_reply_to}"] if in_reply_to else []
    head += [f"References: {references}"] if references else []
    return crlf("\n".join(head) + f"\n\n{body}\n\nOn Mon, 2 Dec 2024 at 09:14, Me <me@mysite.example> wrote:\n"
                "> Hello Jo,\n> If you would rather not hear from me again, reply \"unsubscribe\".\n")


# Postfix 3.7's bounce for an unknown mailbox, as it sends it (the original attached whole).
POSTFIX_BOUNCE = f"""
Return-Path: <>
Received: by mx.mysite.example (Postfix)
\tid 4Y3QkL0fZpz9sVL; Tue,  3 Dec 2024 09:14:02 +0000 (UTC)
Date: Tue,  3 Dec 2024 09:14:02 +0000 (UTC)
From: MAILER-DAEMON@mx.mysite.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: me@mysite.example
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4Y3QkL0fZpz9sVL.1733217242/mx.mysite.example"
Content-Transfer-Encoding: 8bit
Message-Id: <20241203091402.4Y3QkL0fZpz9sVL@mx.mysite.example>

This is a MIME-encapsulated message.

--4Y3QkL0fZpz9sVL.1733217242/mx.mysite.example
Content-Description: Notification
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

This is the mail system at host mx.mysite.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<nobody@site.example>: host mx.site.example[203.0.113.25] said: 550 5.1.1
    <nobody@site.example>: Recipient address rejected: User unknown in virtual
    mailbox table (in reply to RCPT TO command)

--4Y3QkL0fZpz9sVL.1733217242/mx.mysite.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.mysite.example
X-Postfix-Queue-ID: 4Y3QkL0fZpz9sVL
X-Postfix-Sender: rfc822; me@mysite.example
Arrival-Date: Tue,  3 Dec 2024 09:14:01 +0000 (UTC)

Final-Recipient: rfc822; nobody@site.example
Original-Recipient: rfc822;nobody@site.example
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.site.example
Diagnostic-Code: smtp; 550 5.1.1 <nobody@site.example>: Recipient address
    rejected: User unknown in virtual mailbox table

--4Y3QkL0fZpz9sVL.1733217242/mx.mysite.example
Content-Description: Undelivered Message
Content-Type: message/rfc822
Content-Transfer-Encoding: 8bit

Return-Path: <me@mysite.example>
Received: from laptop (unknown [198.51.100.7])
\tby mx.mysite.example (Postfix) with ESMTPSA id 4Y3QkL0fZpz9sVL
\tfor <nobody@site.example>; Tue,  3 Dec 2024 09:14:01 +0000 (UTC)
From: Me <me@mysite.example>
To: nobody@site.example
Subject: Your guide to async standups
Message-ID: {OURS}
Date: Tue, 03 Dec 2024 09:14:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

Hello, I wrote a guide to async standups.

--4Y3QkL0fZpz9sVL.1733217242/mx.mysite.example--
"""

# Postfix's delay warning (only the headers of the original, as text/rfc822-headers).
POSTFIX_DELAY = f"""
Date: Tue,  3 Dec 2024 13:14:02 +0000 (UTC)
From: MAILER-DAEMON@mx.mysite.example (Mail Delivery System)
Subject: Delayed Mail (still being retried)
To: me@mysite.example
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="5A1.1733231642/mx.mysite.example"
Message-Id: <20241203131402.5A1@mx.mysite.example>

--5A1.1733231642/mx.mysite.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.mysite.example.

####################################################################
# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
####################################################################

Your message could not be delivered for more than 4 hour(s).
It will be retried until it is 5 day(s) old.

--5A1.1733231642/mx.mysite.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.mysite.example
X-Postfix-Queue-ID: 5A1
Arrival-Date: Tue,  3 Dec 2024 09:14:01 +0000 (UTC)

Final-Recipient: rfc822; slow@site.example
Original-Recipient: rfc822;slow@site.example
Action: delayed
Status: 4.4.1
Diagnostic-Code: X-Postfix; connect to mx.site.example[203.0.113.25]:25: Connection timed out
Will-Retry-Until: Sun,  8 Dec 2024 09:14:01 +0000 (UTC)

--5A1.1733231642/mx.mysite.example
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Me <me@mysite.example>
To: slow@site.example
Subject: Your guide to async standups
Message-ID: {OURS_2}

--5A1.1733231642/mx.mysite.example--
"""

# qmail's bounce: no DSN, the original pasted in the text.
QMAIL_BOUNCE = f"""
From: MAILER-DAEMON@mail.site.example
To: me@mysite.example
Subject: failure notice
Date: 3 Dec 2024 09:20:00 -0000
Message-ID: <20241203092000.777.qmail@mail.site.example>

Hi. This is the qmail-send program at mail.site.example.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<left@site.example>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

Return-Path: <me@mysite.example>
From: Me <me@mysite.example>
To: left@site.example
Subject: Your guide to async standups
Message-ID: {OURS}

Hello, I wrote a guide to async standups.
"""


def unrelated(n: int) -> bytes:
    return crlf(f"From: Shop <news@shop.example>\nTo: me@mysite.example\nSubject: Deals of the week {n}\n"
                f"Date: Mon, 02 Dec 2024 08:00:00 +0000\nMessage-ID: <deal{n}@shop.example>\n\n50% off.\n")


def ours(message_id: str) -> bool:
    return message_id in (OURS, OURS_2)


# --------------------------------------------------------------------------- against Dovecot


def test_a_reply_is_found_by_in_reply_to(dovecot: Mailbox) -> None:  # noqa: F811
    dovecot.append(reply())
    events, _ = sync(dovecot.settings(), ours, None)
    assert events == [Incoming("reply", "<reply1@site.example>", [OURS], "jo@site.example", "2024-12-03T09:01:00Z",
                               "Thanks, I added your link.")]


def test_a_reply_is_found_by_references_alone(dovecot: Mailbox) -> None:  # noqa: F811
    dovecot.append(reply(in_reply_to=None, references=f"<older@site.example> {OURS}"))
    events, _ = sync(dovecot.settings(), ours, None)
    assert [(e.kind, e.refers_to) for e in events] == [("reply", ["<older@site.example>", OURS])]


def test_a_postfix_bounce_is_a_permanent_bounce_of_our_message(dovecot: Mailbox) -> None:  # noqa: F811
    dovecot.append(crlf(POSTFIX_BOUNCE))
    events, _ = sync(dovecot.settings(), ours, None)
    assert len(events) == 1
    bounce = events[0]
    assert (bounce.kind, bounce.bounced_recipient, bounce.status, bounce.permanent) == (
        "bounce", "nobody@site.example", "5.1.1", True)
    assert bounce.refers_to == [OURS]
    assert bounce.message_id == "<20241203091402.4Y3QkL0fZpz9sVL@mx.mysite.example>"
    assert bounce.from_addr == "MAILER-DAEMON@mx.mysite.example"


def test_a_delay_warning_is_not_a_bounce(dovecot: Mailbox) -> None:  # noqa: F811
    dovecot.append(crlf(POSTFIX_DELAY))
    events, _ = sync(dovecot.settings(), ours, None)
    assert [(e.kind, e.refers_to, e.status, e.permanent, e.bounced_recipient) for e in events] == [
        ("other", [OURS_2], "4.4.1", False, None)]


def test_an_unsubscribe_reply(dovecot: Mailbox) -> None:  # noqa: F811
    dovecot.append(reply(body="Please remove me from your list.\n\nJo"))
    events, _ = sync(dovecot.settings(), ours, None)
    assert [(e.kind, e.from_addr) for e in events] == [("unsubscribe", "jo@site.example")]


def test_unrelated_mail_and_replies_to_others_are_left_out(dovecot: Mailbox) -> None:  # noqa: F811
    for n in range(3):
        dovecot.append(unrelated(n))
    dovecot.append(reply(2, in_reply_to="<someone-else@elsewhere.example>"))
    asked: list[str] = []
    events, state = sync(dovecot.settings(), lambda mid: asked.append(mid) or ours(mid), None)
    assert events == [] and state["INBOX"]["last_uid"] == 4
    assert asked == ["<someone-else@elsewhere.example>"]  # the IDs as in the header, brackets and all


def test_an_incremental_sync_reads_only_new_messages(dovecot: Mailbox) -> None:  # noqa: F811
    dovecot.append(reply(1))
    dovecot.append(unrelated(1))
    first, state = sync(dovecot.settings(), ours, None)
    assert [e.message_id for e in first] == ["<reply1@site.example>"]
    again, state = sync(dovecot.settings(), ours, state)
    assert again == []
    dovecot.append(reply(2))
    dovecot.append(crlf(POSTFIX_BOUNCE))
    seen: list[tuple[int, int]] = []
    new, state = sync(dovecot.settings(), ours, state, progress=lambda done, total: seen.append((done, total)), batch=1)
    assert [e.kind for e in new] == ["reply", "bounce"] and state["INBOX"]["last_uid"] == 4
    assert seen == [(1, 2), (2, 2)]  # only the two new messages were read, one batch each


def test_a_new_uidvalidity_rescans_the_folder(dovecot: Mailbox) -> None:  # noqa: F811
    dovecot.append(reply())
    events, state = sync(dovecot.settings(), ours, None)
    assert len(events) == 1 and sync(dovecot.settings(), ours, state)[0] == []
    dovecot.set_uidvalidity(state["INBOX"]["uidvalidity"] + 1000)
    events, new_state = sync(dovecot.settings(), ours, state)
    assert len(events) == 1  # read again: the UIDs it had may now name other messages
    assert new_state["INBOX"]["uidvalidity"] == state["INBOX"]["uidvalidity"] + 1000


def test_sync_marks_nothing_seen_and_deletes_nothing(dovecot: Mailbox) -> None:  # noqa: F811
    for raw in (reply(1), crlf(POSTFIX_BOUNCE), unrelated(1), reply(2, body="unsubscribe")):
        dovecot.append(raw)
    before = dovecot.flags()
    events, _ = sync(dovecot.settings(), ours, None)
    assert len(events) == 3
    after = dovecot.flags()
    assert after.keys() == before.keys() == {1, 2, 3, 4}
    assert not any({"\\Seen", "\\Deleted"} & flags for flags in after.values())


def test_other_folders_state_is_kept(dovecot: Mailbox) -> None:  # noqa: F811
    dovecot.append(reply())
    state = {"Archive": {"uidvalidity": 5, "last_uid": 9}}
    _, new_state = sync(dovecot.settings(), ours, state)
    assert new_state["Archive"] == {"uidvalidity": 5, "last_uid": 9} and new_state["INBOX"]["last_uid"] == 1
    assert state == {"Archive": {"uidvalidity": 5, "last_uid": 9}}  # the caller's dict is not changed


def test_append_sent_then_find_sent(dovecot: Mailbox) -> None:  # noqa: F811
    settings = dovecot.settings()
    pitch = crlf(f"From: Me <me@mysite.example>\nTo: jo@site.example\nSubject: Your guide\nMessage-ID: {OURS}\n\nHi\n")
    assert find_sent(settings, OURS) is False
    append_sent(settings, pitch, datetime(2024, 12, 3, 9, 14, tzinfo=UTC))
    assert find_sent(settings, OURS) is True
    assert find_sent(settings, OURS.strip("<>")) is True  # brackets optional
    assert find_sent(settings, "<173321724100.4242.11@mysite.example>") is False  # a prefix is not a match
    assert find_sent(settings, OURS_2) is False
    sent = dovecot.flags("Sent")
    assert list(sent) == [1] and "\\Seen" in sent[1]
    assert dovecot.flags() == {}  # the inbox is untouched


def test_a_sent_folder_set_by_name(dovecot: Mailbox) -> None:  # noqa: F811
    with dovecot.imap() as conn:
        assert conn.create('"Gesendete Objekte"')[0] == "OK"
    settings = dovecot.settings(sent="Gesendete Objekte")
    append_sent(settings, crlf(f"Message-ID: {OURS_2}\nSubject: x\n\nx\n"), datetime(2024, 12, 3, 9, 14))
    assert find_sent(settings, OURS_2) and not find_sent(dovecot.settings(), OURS_2)
    missing = dovecot.settings(sent="Nope")
    with pytest.raises(MailboxError, match=r"^IMAP 127\.0\.0\.1:\d+: EXAMINE Nope failed: "):
        find_sent(missing, OURS)


def test_a_wrong_password_is_one_line_without_the_password(dovecot: Mailbox) -> None:  # noqa: F811
    secret = "Wr0ng-but-S3cret-pass"
    with pytest.raises(MailboxError) as caught:
        sync(dovecot.settings(password=secret), ours, None)
    message = str(caught.value)
    assert isinstance(caught.value, AssistError) and "\n" not in message and secret not in message
    assert message.startswith(f"IMAP 127.0.0.1:{dovecot.port}: login failed: ")
    assert "AUTHENTICATIONFAILED" in message
    assert secret not in repr(dovecot.settings(password=secret))


def test_a_server_that_is_down_fails_fast_in_one_line() -> None:
    settings = ImapSettings("127.0.0.1", free_port(), "me", "S3cret-pass", "none", timeout=5)
    start = time.monotonic()
    for call in (lambda: sync(settings, ours, None), lambda: find_sent(settings, OURS),
                 lambda: append_sent(settings, b"Subject: x\r\n\r\nx\r\n", datetime.now())):
        with pytest.raises(MailboxError, match=rf"^IMAP 127\.0\.0\.1:{settings.port}: connect failed: connection refused"):
            call()
    assert time.monotonic() - start < 2


@pytest.fixture()
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        yield listener.getsockname()[1]


def test_a_server_that_never_answers_times_out(silent_server: int) -> None:
    settings = ImapSettings("127.0.0.1", silent_server, "me", "S3cret-pass", "none", timeout=0.5)
    start = time.monotonic()
    with pytest.raises(MailboxError, match=r": connect failed: no answer within 0.5 s$"):
        sync(settings, ours, None)
    assert time.monotonic() - start < 3


def test_tls_to_a_plain_server_is_one_line(dovecot: Mailbox) -> None:  # noqa: F811
    with pytest.raises(MailboxError, match=r"^IMAP 127\.0\.0\.1:\d+: connect failed: ") as caught:
        find_sent(dovecot.settings(security="tls"), OURS)
    assert "\n" not in str(caught.value)


def test_an_unknown_security_setting_is_refused() -> None:
    with pytest.raises(AssistError, match="IMAP security must be tls, starttls or none, not 'ssl'"):
        ImapSettings("h", 993, "u", "p", "ssl")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- parse() alone


def test_a_qmail_bounce_without_a_dsn() -> None:
    got = parse(crlf(QMAIL_BOUNCE))
    assert got is not None
    assert (got.kind, got.refers_to, got.bounced_recipient, got.status, got.permanent) == (
        "bounce", [OURS], "left@site.example", "5.1.1", True)


def test_an_auto_reply_is_not_a_reply() -> None:
    raw = crlf(f"From: jo@site.example\nSubject: Automatic reply: Your guide\nAuto-Submitted: auto-replied\n"
               f"In-Reply-To: {OURS}\n\nI am out of the office until Monday.\n")
    got = parse(raw)
    assert got is not None and (got.kind, got.refers_to) == ("other", [OURS])


@pytest.mark.parametrize(("subject", "body", "kind"), [
    ("Re: Your guide", "Unsubscribe", "unsubscribe"),
    ("Re: Your guide", "STOP", "unsubscribe"),
    ("Re: Your guide", "Please stop emailing me.", "unsubscribe"),
    ("unsubscribe", "", "unsubscribe"),
    ("Re: Your guide", "Bitte abmelden.", "unsubscribe"),
    ("Re: Your guide", "Merci de me désabonner.", "unsubscribe"),
    ("Re: How to opt out of tracking", "Nice piece, linked it!", "reply"),  # our own subject says "opt out"
    ("Re: Your guide", "We can't stop reading it. Linked!", "reply"),
    ("Re: Your guide", "Thanks!", "reply"),  # "unsubscribe" only in the quoted pitch below
])
def test_unsubscribe_requests(subject: str, body: str, kind: str) -> None:
    got = parse(reply(subject=subject, body=body))
    assert got is not None and got.kind == kind


def test_the_excerpt_has_the_writers_own_first_lines() -> None:
    body = ("Hi!\n\n> quoted line\nLine two\nLine three\nLine four\nLine five\nLine six\n-- \nJo, Editor\n")
    got = parse(reply(body=body))
    assert got is not None and got.excerpt == "Hi!\nLine two\nLine three\nLine four\nLine five"
    short, long = parse(reply(body="Short.\n-- \nsig")), parse(reply(body="x" * 2000))
    assert short is not None and short.excerpt == "Short."
    assert long is not None and len(long.excerpt) == 500


def test_an_html_only_reply_gets_an_excerpt() -> None:
    raw = crlf(f"From: jo@site.example\nIn-Reply-To: {OURS}\nContent-Type: text/html; charset=utf-8\n\n"
               "<html><body><p>Linked it &amp; shared it.</p><blockquote>your pitch</blockquote></body></html>\n")
    got = parse(raw)
    assert got is not None and (got.kind, got.excerpt) == ("reply", "Linked it & shared it.")


MALFORMED = {
    "garbage": bytes(range(256)) * 4,
    "empty": b"",
    "blank lines": b"\r\n\r\n\r\n",
    "no headers, just text": b"hello there\r\nthis is not mail\r\n",
    "missing everything but a subject": b"Subject: hi\r\n\r\nbody\r\n",
    "8-bit headers": "From: Jörg Müller <jörg@bücher.example>\r\nSubject: Grüße – Ihr Leitfaden\r\n"
                     f"In-Reply-To: {OURS}\r\nDate: Di, 3 Dez 2024 10:00\r\n\r\nDanke!\r\n".encode(),
    "latin-1 headers": f"From: J\xf6rg <j@x.example>\r\nSubject: Gr\xfc\xdfe\r\nIn-Reply-To: {OURS}\r\n\r\nx\r\n".encode("latin-1"),
    "broken encoded words": f"Subject: =?utf-8?B?####?= =?nope?Q?x?=\r\nFrom: =?utf-8?q?=FF?= <a@b>\r\nIn-Reply-To: {OURS}\r\n\r\nx".encode(),
    "broken MIME": (f"Content-Type: multipart/mixed; boundary=\"never\"\r\nIn-Reply-To: {OURS}\r\n\r\n"
                    "--wrong\r\nContent-Type: text/plain; charset=x-unknown\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                    "!!!not base64!!!\r\n").encode(),
    "report without parts": b"Content-Type: multipart/report; report-type=delivery-status\r\nFrom: MAILER-DAEMON@x\r\n\r\nx",
    "DSN with empty status": crlf(POSTFIX_BOUNCE.replace("Action: failed", "Action:").replace("Status: 5.1.1", "Status: ?")),
    "truncated DSN": crlf(POSTFIX_BOUNCE)[:1500],
    "bad dates": f"Date: Feb 31 99999 25:61\r\nIn-Reply-To: {OURS}\r\n\r\nx".encode(),
    "nul bytes and a huge line": b"Subject: \x00\x00\r\nReferences: " + b"<a@b> " * 20000 + b"\r\n\r\n" + b"y" * 300_000,
    "a charset name with a NUL": f"Content-Type: text/plain; charset=\"utf\x008\"\r\nIn-Reply-To: {OURS}\r\n\r\nx".encode(),
    "bare LF and CR": b"From: a@b\rSubject: x\nIn-Reply-To: <q@r>\n\nbody\r",
}


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_mail_never_raises(name: str) -> None:
    got = parse(MALFORMED[name])
    assert got is None or isinstance(got, Incoming)
    if got is not None:
        assert got.kind in ("reply", "bounce", "unsubscribe", "other") and len(got.excerpt) <= 500


def test_malformed_mail_keeps_what_can_be_read() -> None:
    assert parse(b"") is None and parse(MALFORMED["no headers, just text"]) is None
    german = parse(MALFORMED["8-bit headers"])
    assert german is not None and german.kind == "reply" and german.refers_to == [OURS] and german.date is None
    latin = parse(MALFORMED["latin-1 headers"])
    assert latin is not None and latin.refers_to == [OURS]


def test_malformed_mail_in_the_inbox_does_not_stop_a_sync(dovecot: Mailbox) -> None:  # noqa: F811
    for name in ("garbage", "8-bit headers", "broken MIME", "truncated DSN"):
        dovecot.append(MALFORMED[name])
    dovecot.append(reply())
    events, state = sync(dovecot.settings(), ours, None)
    assert state["INBOX"]["last_uid"] == 5
    assert [e.message_id for e in events if e.kind == "reply"][-1] == "<reply1@site.example>"
    assert all(e.date for e in events)  # the server's arrival date when the Date header is unreadable


# --------------------------------------------------------------------------- the SMTP fixture


def send(server: SmtpServer, login: tuple[str, str] | None = None) -> None:
    with smtplib.SMTP(server.host, server.port, timeout=5) as client:
        if login:
            client.login(*login)
        client.sendmail("me@mysite.example", ["jo@site.example"], b"Subject: hi\r\n\r\nhello\r\n")


def test_the_smtp_server_records_envelopes(smtp_server: SmtpServer) -> None:  # noqa: F811
    send(smtp_server)
    [got] = smtp_server.messages
    assert (got.mail_from, got.rcpt_tos, got.dropped) == ("me@mysite.example", ["jo@site.example"], False)
    assert b"hello" in got.content


def test_the_smtp_server_requires_auth_when_set(smtp_server: SmtpServer) -> None:  # noqa: F811
    smtp_server.auth = ("me", "S3cret-pass")
    with pytest.raises(smtplib.SMTPSenderRefused):
        send(smtp_server)
    with pytest.raises(smtplib.SMTPAuthenticationError):
        send(smtp_server, ("me", "wrong"))
    send(smtp_server, ("me", "S3cret-pass"))
    assert len(smtp_server.messages) == 1 and smtp_server.logins == ["me"]


@pytest.mark.parametrize(("kind", "error"), [("421", smtplib.SMTPSenderRefused), ("451", smtplib.SMTPRecipientsRefused),
                                             ("535", smtplib.SMTPAuthenticationError),
                                             ("drop", smtplib.SMTPServerDisconnected)])
def test_the_smtp_server_fails_on_demand_then_recovers(smtp_server: SmtpServer, kind: str,  # noqa: F811
                                                       error: type[Exception]) -> None:
    smtp_server.auth = ("me", "pw") if kind == "535" else None
    smtp_server.fail(kind)
    with pytest.raises(error):
        send(smtp_server, ("me", "pw") if kind == "535" else None)
    assert [m.dropped for m in smtp_server.messages] == ([True] if kind == "drop" else [])
    send(smtp_server, ("me", "pw") if kind == "535" else None)
    assert smtp_server.messages[-1].dropped is False


def test_two_dovecot_users_do_not_see_each_others_mail(dovecot: Mailbox) -> None:  # noqa: F811
    other = dovecot.server.mailbox("other")
    try:
        other.append(reply())
        assert sync(dovecot.settings(), ours, None)[0] == [] and len(sync(other.settings(), ours, None)[0]) == 1
    finally:
        other.remove()


def test_the_dovecot_fixture_serves_threads_too(dovecot: Mailbox) -> None:  # noqa: F811
    errors: list[BaseException] = []

    def seed(n: int) -> None:
        try:
            dovecot.append(reply(n))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=seed, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(dovecot.flags()) == 4


def test_a_person_writing_from_postmaster_is_a_reply_not_a_bounce() -> None:
    raw = (b"From: The Postmaster <postmaster@smallsite.example>\r\nTo: ana@remotely.blog\r\n"
           b"Subject: Re: A resource for Small Site\r\nMessage-ID: <h1@smallsite.example>\r\n"
           b"In-Reply-To: <pitch-1@remotely.blog>\r\nDate: Mon, 07 Dec 2026 10:00:00 +0000\r\n\r\n"
           b"Hi Ana, I run this little site myself - happy to add your guide.\r\n")
    got = parse(raw)
    assert got is not None and got.kind == "reply" and got.refers_to == ["<pitch-1@remotely.blog>"]
