"""From `prospects --add 3` to a won link, end to end, as a user runs it: sites on a web of local
hosts (links_web.py), contacts found on their pages, the pitch sent over a real SMTP server, a
follow-up, the reply read from a real IMAP server (Dovecot), and `links check` seeing the link."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from click.testing import CliRunner
from links_web import Web, article
from mailservers import SmtpServer, dovecot, smtp_server  # noqa: F401 - fixtures

from assistant import db as db_mod
from assistant.cli import cli
from assistant.outreach import pipeline

DRAFT_URL = "http://own.example/async-status-updates"
SITES = {
    "remoteleads.example": ("Remote Leads", "Guides for managers of distributed teams: async status updates, "
                            "written stand-ups, meeting-free weeks and team rituals for remote work."),
    "asyncweekly.example": ("Async Weekly", "A newsletter about asynchronous communication at work: written "
                            "updates, status reports, documentation culture and fewer meetings."),
    "distributed.example": ("Distributed Teams Hub", "Resources for remote and distributed teams: tools, "
                            "processes, async updates, onboarding and team communication."),
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.slow  # loads the embedding model in the CLI
def test_from_prospects_to_a_won_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dovecot,  # noqa: ANN001, F811
                                      smtp_server: SmtpServer) -> None:  # noqa: F811
    web = Web().start()
    try:
        env = {"HTTP_PROXY": web.proxy, "NO_PROXY": "", "ASSIST_LINKS__OWN": '["own.example"]',
               "ASSIST_SITE__DOMAIN": "own.example",
               "ASSIST_OUTREACH__SENDER_NAME": "Ana Writer", "ASSIST_OUTREACH__SENDER_EMAIL": "ana@own.example",
               "ASSIST_OUTREACH__SMTP__HOST": smtp_server.host, "ASSIST_OUTREACH__SMTP__PORT": str(smtp_server.port),
               "ASSIST_OUTREACH__SMTP__SECURITY": "none", "ASSIST_OUTREACH__SPACING": "0s",
               "ASSIST_OUTREACH__IMAP__HOST": dovecot.host, "ASSIST_OUTREACH__IMAP__PORT": str(dovecot.port),
               "ASSIST_OUTREACH__IMAP__USER": dovecot.user, "ASSIST_OUTREACH__IMAP__PASSWORD": dovecot.password,
               "ASSIST_OUTREACH__IMAP__SECURITY": "none"}
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        catalog = tmp_path / "catalog.csv"
        catalog.write_text("url,name,description,topics\n" + "".join(
            f'http://{d}/,{n},"{t}",remote work;async\n' for d, (n, t) in SITES.items()))
        for domain, (name, text) in SITES.items():
            web.page(f"http://{domain}/", article(title=name) + f'<a href="/contact">Contact</a><p>{text}</p>')
            web.page(f"http://{domain}/contact", f'<html><body><h1>Contact</h1><p>Write to <a href="mailto:'
                     f'editor.jo@{domain}">Jo, our editor</a>.</p></body></html>')
        draft = tmp_path / "async.md"
        draft.write_text("---\ntitle: How to write async status updates\nurl: " + DRAFT_URL + "\n---\n\n"
                         "# How to write async status updates\n\nWritten status updates replace the daily stand-up "
                         "for remote teams. In our survey of 212 teams, those that switched cut meeting time by 38% "
                         "within six weeks.\n\n## What to write\n\nSay what you did, what is next and where you are "
                         "blocked, in three short lines, and link the work itself.\n")
        assert run("sites", "import", str(catalog))[0] == 0

        code, out, err = run("prospects", str(draft), "--add", "3")
        assert code == 0, err
        conn = db_mod.connect()
        pitches = list(conn.execute("SELECT * FROM pitches ORDER BY id"))
        assert len(pitches) == 3
        assert {p["contact"] for p in pitches} == {f"editor.jo@{d}" for d in SITES}
        assert all(p["contact_source"].endswith("/contact") for p in pitches)
        first = pitches[0]
        code, out, err = run("outreach", "add", str(draft), "--site", first["site"], "--json")
        assert code == 2 and json.loads(out)[0]["error"].startswith(f"{first['site']} already has pitch")

        assert run("outreach", "draft", str(first["id"]))[0] == 0
        code, out, err = run("outreach", "send", str(first["id"]))
        assert code == 0, err
        code, out, err = run("outreach", "run")
        assert code == 0, err
        assert len(smtp_server.messages) == 1 and smtp_server.messages[0].rcpt_tos == [first["contact"]]
        sent = message_from_bytes(smtp_server.messages[0].content, policy=policy.default)
        assert DRAFT_URL in sent.get_content()

        conn.execute("UPDATE pitches SET first_sent_at = ? WHERE id = ?",
                     (pipeline.now_text(datetime.now(UTC) - timedelta(days=6)), first["id"]))
        assert run("outreach", "run")[0] == 0  # the first follow-up is due
        assert len(smtp_server.messages) == 2
        follow_up = message_from_bytes(smtp_server.messages[1].content, policy=policy.default)
        assert follow_up["In-Reply-To"] == sent["Message-ID"]

        dovecot.append((f"From: Jo <{first['contact']}>\r\nTo: ana@own.example\r\nSubject: Re: {sent['Subject']}\r\n"
                        f"Message-ID: <reply-1@{first['site']}>\r\nIn-Reply-To: {follow_up['Message-ID']}\r\n"
                        f"References: {sent['Message-ID']} {follow_up['Message-ID']}\r\n"
                        "Date: Mon, 07 Dec 2026 09:30:00 +0000\r\n\r\nLovely piece - I added it to our guide.\r\n").encode())
        code, out, err = run("outreach", "sync")
        assert code == 0 and f"pitch {first['id']} replied" in out, err

        page = f"http://{first['site']}/guides/async"
        web.page(page, article(f'<a href="{DRAFT_URL}">how to write async status updates</a>'))
        web.page(DRAFT_URL, article(title="How to write async status updates"))
        assert run("links", "add", page, "--to", DRAFT_URL)[0] == 0
        code, out, err = run("links", "check", "--delay", "0")
        assert code == 0 and f"pitch {first['id']} won" in out + err
        code, out, _ = run("outreach", "show", str(first["id"]), "--json")
        shown = json.loads(out)
        assert shown["stage"] == "won" and shown["won_link"] == page
        assert [e["kind"] for e in shown["events"]][-3:] == ["followed-up", "replied", "won"]
        code, out, _ = run("outreach", "summary", "--json")
        assert json.loads(out)["stages"]["won"] == 1
    finally:
        web.stop()
