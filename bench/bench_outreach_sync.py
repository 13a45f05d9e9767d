"""Reading replies over IMAP: the first sync of a 10,000-message inbox, then an incremental one.

Run: python bench/bench_outreach_sync.py [--messages 10000] [--new 100]. Needs Dovecot (Debian
package dovecot-imapd); starts a throwaway one on 127.0.0.1 (tests/mailservers.py). The inbox is
written straight into the Maildir (Dovecot indexes it on first open, inside the timed sync): mostly
unrelated mail (one in ten with a 100 KB attachment, about 100 MB in all), 2% replies to our
pitches, 1% bounces (RFC 3464), a few auto-replies and unsubscribe requests.
Prints both times and the events found; target: first sync < 10 s, the incremental one reads only
the new messages. Exits 1 when the target is missed or an event is missing.
"""

from __future__ import annotations

import argparse
import base64
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from mailservers import Dovecot, dovecot_binary  # noqa: E402

from assistant.outreach import mailbox  # noqa: E402

TARGET_S = 10.0
WORDS = ("release notes invoice meeting agenda quarterly report newsletter update schedule team "
         "project budget review draft proposal webinar offer discount shipping order account").split()


def unrelated(n: int, rng: random.Random) -> bytes:
    """A newsletter or a colleague's mail: 1-5 KB of text, one in ten with a 100 KB attachment."""
    body = "\r\n".join(" ".join(rng.choices(WORDS, k=12)) for _ in range(rng.randint(10, 60)))
    head = (f"From: News {n} <news{n % 97}@shop{n % 13}.example>\r\nTo: me@mysite.example\r\n"
            f"Subject: {' '.join(rng.choices(WORDS, k=5))}\r\nDate: Mon, 2 Dec 2024 10:{n % 60:02d}:00 +0000\r\n"
            f"Message-ID: <u{n}@shop.example>\r\nMIME-Version: 1.0\r\n")
    if n % 10:
        return f"{head}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n".encode()
    attachment = base64.encodebytes(rng.randbytes(75_000)).decode().replace("\n", "\r\n")
    return (f'{head}Content-Type: multipart/mixed; boundary="m{n}"\r\n\r\n--m{n}\r\n'
            f"Content-Type: text/plain\r\n\r\n{body}\r\n--m{n}\r\nContent-Type: application/pdf\r\n"
            f"Content-Transfer-Encoding: base64\r\n\r\n{attachment}--m{n}--\r\n").encode()


def reply(n: int) -> bytes:
    return (f"From: Editor {n} <editor{n}@site{n}.example>\r\nTo: me@mysite.example\r\nSubject: Re: Your guide\r\n"
            f"Date: Tue, 3 Dec 2024 09:00:00 +0100\r\nMessage-ID: <r{n}@site{n}.example>\r\n"
            f"In-Reply-To: <pitch{n}@mysite.example>\r\nReferences: <pitch{n}@mysite.example>\r\n\r\n"
            f"Thanks, I added your link.\r\n\r\nOn Mon, 2 Dec 2024, me wrote:\r\n> Hello\r\n").encode()


def bounce(n: int) -> bytes:
    return (f"From: MAILER-DAEMON@mx.mysite.example (Mail Delivery System)\r\nTo: me@mysite.example\r\n"
            f"Subject: Undelivered Mail Returned to Sender\r\nDate: Tue, 3 Dec 2024 09:00:00 +0000\r\n"
            f"Message-ID: <b{n}@mx.mysite.example>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
            f'Content-Type: multipart/report; report-type=delivery-status; boundary="B{n}"\r\n\r\n'
            f"--B{n}\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not\r\n"
            f"be delivered.\r\n\r\n--B{n}\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
            f"Final-Recipient: rfc822; gone{n}@site{n}.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
            f"--B{n}\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <pitch{n}@mysite.example>\r\n"
            f"Subject: Your guide\r\n\r\n--B{n}--\r\n").encode()


def auto_reply(n: int) -> bytes:
    return (f"From: Away {n} <away{n}@site{n}.example>\r\nSubject: Automatic reply: Your guide\r\n"
            f"Auto-Submitted: auto-replied\r\nMessage-ID: <a{n}@site{n}.example>\r\n"
            f"In-Reply-To: <pitch{n}@mysite.example>\r\n\r\nI am out of the office.\r\n").encode()


def inbox(start: int, count: int, rng: random.Random) -> tuple[list[bytes], int]:
    """Messages numbered from ``start``; also how many of them refer to our pitches."""
    out, ours = [], 0
    for n in range(start, start + count):
        if n % 50 == 7:
            out.append(reply(n))
        elif n % 100 == 13:
            out.append(bounce(n))
        elif n % 500 == 21:
            out.append(auto_reply(n))
        elif n % 1000 == 33:
            out.append(reply(n).replace(b"Thanks, I added your link.", b"Please remove me from your list."))
        else:
            out.append(unrelated(n, rng))
            continue
        ours += 1
    return out, ours


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--new", type=int, default=100)
    args = parser.parse_args()
    if dovecot_binary() is None:
        print("Dovecot is not installed (Debian package dovecot-imapd)", file=sys.stderr)
        return 1
    rng = random.Random(7)
    ours = {f"<pitch{n}@mysite.example>" for n in range(args.messages + args.new)}
    server = Dovecot()
    try:
        box = server.mailbox("bench")
        settings = box.settings()
        start = time.perf_counter()
        messages, expected = inbox(0, args.messages, rng)
        box.write_maildir(messages)
        print(f"seeded {args.messages} messages ({expected} about our pitches) in "
              f"{time.perf_counter() - start:.2f} s")

        start = time.perf_counter()
        events, state = mailbox.sync(settings, ours.__contains__, None)
        first = time.perf_counter() - start
        kinds = {k: sum(e.kind == k for e in events) for k in ("reply", "bounce", "unsubscribe", "other")}
        print(f"first sync: {first:.2f} s for {args.messages} messages, {len(events)} events {kinds}")

        messages, expected_new = inbox(args.messages, args.new, rng)
        box.write_maildir(messages)
        start = time.perf_counter()
        new_events, state = mailbox.sync(settings, ours.__contains__, state)
        incremental = time.perf_counter() - start
        print(f"incremental sync after {args.new} new messages: {incremental:.3f} s, {len(new_events)} events")

        start = time.perf_counter()
        none, _ = mailbox.sync(settings, ours.__contains__, state)
        print(f"sync with nothing new: {time.perf_counter() - start:.3f} s, {len(none)} events")
    finally:
        server.stop()
    met = first < TARGET_S and len(events) == expected and len(new_events) == expected_new and not none
    print(f"target first sync < {TARGET_S:g} s and every event found: {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
