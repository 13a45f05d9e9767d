"""The outreach pipeline against a real SMTP server (aiosmtpd) and a real IMAP server (Dovecot) on
127.0.0.1: stages, the check before sending, each safety rule, the send queue's guarantees (never
twice, crashes included), follow-ups that stop, replies, bounces, opt-outs, forgetting a site."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from click.testing import CliRunner
from mailservers import SmtpServer, dovecot, smtp_server  # noqa: F401 - fixtures

from assistant import db as db_mod
from assistant.cli import cli
from assistant.outreach import pipeline, send
from assistant.sql import parse_time

DRAFT_URL = "https://remotely.blog/async-status-updates"


def context(site: str) -> dict:
    return {
        "draft": {"title": "How to write async status updates", "url": DRAFT_URL,
                  "summary": "A field guide to written updates that replace the daily stand-up.",
                  "topic": "async status updates", "description": "", "headings": [], "extra": None,
                  "fact": "Teams that wrote updates cut meetings by 38% in six weeks."},
        "site": {"domain": site, "name": site.split(".")[0].title(), "contact": None, "contact_name": None},
        "prospect": {"pitch_url": f"https://{site}/resources", "resource_pages": [f"https://{site}/resources"],
                     "matched_page": None, "broken_targets": []},
        "linked": None,
        "reasons": ["its resources page lists guides to remote work", "it links to pages like this draft"],
    }


@pytest.fixture
def conf(monkeypatch: pytest.MonkeyPatch, smtp_server: SmtpServer) -> SmtpServer:  # noqa: F811
    for key, value in {"SENDER_NAME": "Ana Writer", "SENDER_EMAIL": "ana@remotely.blog",
                       "POSTAL_ADDRESS": "Remotely, 12 Rue des Lilas, 75011 Paris, France",
                       "SMTP__HOST": smtp_server.host, "SMTP__PORT": str(smtp_server.port),
                       "SMTP__SECURITY": "none", "SPACING": "0s", "FOLLOW_UPS": '["5d", "12d"]'}.items():
        monkeypatch.setenv(f"ASSIST_OUTREACH__{key}", value)
    return smtp_server


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def new_pitch(site: str = "teamrituals.co", contact: str | None = "maria@teamrituals.co", **kw: object) -> int:
    conn = db_mod.connect()
    return pipeline.add(conn, pipeline.NewPitch(
        draft_key=DRAFT_URL, draft_path="draft.md", draft_url=kw.pop("draft_url", DRAFT_URL),  # type: ignore[arg-type]
        draft_title="How to write async status updates", site=site, page_url=f"https://{site}/resources",
        template=str(kw.pop("template", "resource-page")), context=context(site), reasons=["a reason"],
        contact=contact, contact_source=f"https://{site}/contact" if contact else None), now=datetime.now(UTC),
        allow=set(kw.pop("allow", set())))  # type: ignore[arg-type]


def messages(conn_or_none: object = None) -> list[dict]:
    conn = db_mod.connect()
    return [dict(r) for r in conn.execute("SELECT * FROM outreach_messages ORDER BY id")]


def stage(pid: int) -> str:
    return db_mod.connect().execute("SELECT stage FROM pitches WHERE id = ?", (pid,)).fetchone()[0]


def test_a_pitch_goes_out_once_with_its_opt_out_and_headers(conf: SmtpServer) -> None:
    pid = new_pitch()
    code, out, err = run("outreach", "draft", str(pid))
    assert code == 0 and "not sendable" not in err, err
    assert stage(pid) == "drafted"
    code, out, err = run("outreach", "send", str(pid))
    assert code == 0, err
    code, out, err = run("outreach", "run")
    assert code == 0, err
    assert len(conf.messages) == 1
    got = message_from_bytes(conf.messages[0].content, policy=policy.default)
    assert conf.messages[0].rcpt_tos == ["maria@teamrituals.co"]
    assert got["List-Unsubscribe"] == "<mailto:ana@remotely.blog?subject=unsubscribe>"
    assert got["Message-ID"] == messages()[0]["message_id"]
    body = got.get_content()
    assert DRAFT_URL in body and 'reply "unsubscribe"' in body and "12 Rue des Lilas" in body
    assert "I came across your resources page" in body
    assert stage(pid) == "sent"
    assert run("outreach", "run")[0] == 0
    assert len(conf.messages) == 1  # never twice
    _, out, _ = run("outreach", "show", str(pid), "--json")
    kinds = [e["kind"] for e in json.loads(out)["events"]]
    assert kinds == ["created", "drafted", "queued", "sent"]


@pytest.mark.parametrize(("setup", "problem"), [
    ({"ASSIST_OUTREACH__SENDER_NAME": ""}, "a placeholder is left in the body: '[your name]'"),
    ({}, "the draft has no URL"),
    ({}, "no contact"),
])
def test_the_check_refuses_an_email_that_must_not_leave(conf: SmtpServer, monkeypatch: pytest.MonkeyPatch,
                                                        setup: dict, problem: str) -> None:
    for key, value in setup.items():
        monkeypatch.setenv(key, value)
    kwargs: dict = {}
    if problem == "the draft has no URL":
        kwargs["draft_url"] = None
    pid = new_pitch(contact=None if problem == "no contact" else "maria@teamrituals.co", **kwargs)
    code, _, err = run("outreach", "send", str(pid))
    assert code == 2 and problem in err and len(err.strip().splitlines()) == 1
    assert messages() == [] and conf.messages == []


def test_an_edit_that_drops_the_opt_out_or_leaves_a_placeholder_is_refused(conf: SmtpServer,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    pid = new_pitch()
    run("outreach", "draft", str(pid))
    conn = db_mod.connect()
    body = conn.execute("SELECT body FROM pitches WHERE id = ?", (pid,)).fetchone()[0]
    conn.execute("UPDATE pitches SET body = ? WHERE id = ?", (body.split("--\n")[0] + "Cheers, {{ name }}\n", pid))
    code, _, err = run("outreach", "send", str(pid))
    assert code == 2 and "no opt-out line" in err and "'{{'" in err
    assert conf.messages == []


def test_one_pitch_per_site_per_draft_and_no_site_again_within_90_days(conf: SmtpServer) -> None:
    pid = new_pitch()
    from assistant.errors import UsageError

    with pytest.raises(UsageError, match=r"already has pitch .* \(--allow-second-pitch"):
        new_pitch()
    second = new_pitch(allow={"--allow-second-pitch"})
    assert second == pid + 1
    run("outreach", "send", str(pid))
    run("outreach", "run")
    conn = db_mod.connect()
    conn.execute("UPDATE pitches SET draft_key = 'other' WHERE id = ?", (pid,))
    found = pipeline.rule_problems(conn, "third-draft", "teamrituals.co", now=datetime.now(UTC))
    assert [flag for flag, _ in found] == ["--allow-recent-site"]
    assert "no site is pitched again within 90 days" in found[0][1]
    later = pipeline.rule_problems(conn, "third-draft", "teamrituals.co", now=datetime.now(UTC) + timedelta(days=91))
    assert later == []


def test_pitches_added_at_once_for_one_site_and_draft_make_one_pitch(assist_home: Path) -> None:
    """Ten adds at the same moment (ten clicks on Add to outreach, each on its own connection): one
    pitch, nine refusals. The rules were checked before the write transaction, so most got in."""
    import threading

    from assistant.errors import UsageError

    db_mod.connect().close()  # the schema, before the threads race for it
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns often: a window between check and write shows
    try:
        for site in ("teamrituals.co", "asyncweekly.dev", "focusfriday.net"):
            barrier = threading.Barrier(10)
            made: list[int] = []
            refused: list[str] = []

            def one(site: str = site, barrier: threading.Barrier = barrier, made: list[int] = made,
                    refused: list[str] = refused) -> None:
                conn = db_mod.connect()
                pitch = pipeline.NewPitch(draft_key=DRAFT_URL, draft_path="draft.md", draft_url=DRAFT_URL,
                                          draft_title="A draft", site=site, page_url=f"https://{site}/", template="intro",
                                          context=context(site), reasons=["a reason"], contact=None, contact_source=None)
                barrier.wait()
                try:
                    made.append(pipeline.add(conn, pitch, now=datetime.now(UTC)))
                except UsageError as exc:
                    refused.append(str(exc))
                finally:
                    conn.close()

            threads = [threading.Thread(target=one) for _ in range(10)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert len(made) == 1 and len(refused) == 9, (site, made, refused)
            assert all(f"already has pitch {made[0]}" in r for r in refused)
    finally:
        sys.setswitchinterval(interval)
    conn = db_mod.connect()
    assert conn.execute("SELECT count(*) FROM pitches").fetchone()[0] == 3
    assert conn.execute("SELECT count(*) FROM pitch_events WHERE kind = 'created'").fetchone()[0] == 3


def test_first_emails_queued_at_once_are_held_to_the_rules_one_after_the_other(conf: SmtpServer) -> None:
    """Ten `outreach send` of one pitch at once queue one email; two pitches to one site (two drafts)
    queued at once: the second is refused as the site was just pitched. The rules read what is queued,
    so they are checked under the write lock that queues."""
    import threading

    from assistant import config
    from assistant.errors import UsageError
    from assistant.outreach import compose

    first = new_pitch()
    other = new_pitch(allow={"--allow-second-pitch"})
    db_mod.connect().execute("UPDATE pitches SET draft_key = 'other-draft' WHERE id = ?", (other,))
    sender = compose.Sender.from_settings(config.load())
    rules = send.Rules(spacing=timedelta(0))

    def race(pids: list[int]) -> tuple[list[int], list[str]]:
        barrier = threading.Barrier(len(pids))
        made: list[int] = []
        refused: list[str] = []

        def one(pid: int) -> None:
            conn = db_mod.connect()
            row = pipeline.get(conn, pid)
            composed = compose.compose_pitch(row, sender)
            barrier.wait()
            try:
                made.append(send.enqueue(conn, row, composed, step=0, sender=sender, via="eml",
                                         at=datetime.now(UTC), rules=rules))
            except UsageError as exc:
                refused.append(str(exc))
            finally:
                conn.close()

        threads = [threading.Thread(target=one, args=(pid,)) for pid in pids]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return made, refused

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns often: a window between check and write shows
    try:
        made, refused = race([first] * 10)
        assert len(made) == 1 and len(refused) == 9 and all("already has email" in r for r in refused), refused
        db_mod.connect().execute("DELETE FROM outreach_messages")
        made, refused = race([first, other] * 5)
    finally:
        sys.setswitchinterval(interval)
    assert len(made) == 1 and len(refused) == 9, refused
    conn = db_mod.connect()
    assert conn.execute("SELECT count(*) FROM outreach_messages").fetchone()[0] == 1
    assert any("--allow-recent-site" in r for r in refused), refused


def test_the_suppression_list_is_final(conf: SmtpServer) -> None:
    pid = new_pitch()
    run("outreach", "send", str(pid))
    pipeline.suppress(db_mod.connect(), "Maria@TeamRituals.co", "opted-out")
    code, _, err = run("outreach", "run")
    assert conf.messages == []
    assert messages()[0]["state"] == "cancelled"
    from assistant.errors import UsageError

    with pytest.raises(UsageError, match="suppression list"):
        new_pitch(site="other.example", contact="maria@teamrituals.co")


def test_the_daily_cap_and_the_spacing(conf: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSIST_OUTREACH__DAILY_CAP", "2")
    ids = [new_pitch(site=f"s{i}.example", contact=f"editor@s{i}.example") for i in range(3)]
    for pid in ids:
        assert run("outreach", "send", str(pid))[0] == 0
    code, out, _ = run("outreach", "run")
    assert code == 0 and len(conf.messages) == 2 and "1 waiting for tomorrow (daily cap 2)" in out
    run("outreach", "run", "--ignore-daily-cap")
    assert len(conf.messages) == 3
    monkeypatch.setenv("ASSIST_OUTREACH__SPACING", "10m")
    pid = new_pitch(site="s9.example", contact="ed@s9.example")
    run("outreach", "send", str(pid))
    last = messages()[-1]
    sent = max(m["sent_at"] for m in messages() if m["sent_at"])
    gap = parse_time(last["scheduled_at"]) - parse_time(sent)
    assert timedelta(minutes=9, seconds=59) <= gap <= timedelta(minutes=10, seconds=1)


def test_smtp_failures_are_one_line_and_nothing_is_lost(conf: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> None:
    pid = new_pitch()
    run("outreach", "send", str(pid))
    conf.auth = ("ana", "right")
    monkeypatch.setenv("ASSIST_OUTREACH__SMTP__USER", "ana")
    monkeypatch.setenv("ASSIST_OUTREACH__SMTP__PASSWORD", "wrong-secret")
    code, out, err = run("outreach", "run")
    assert code == 1 and "refused the login of ana" in err and "wrong-secret" not in err + out
    assert messages()[0]["state"] == "scheduled" and messages()[0]["tries"] == 0  # untouched
    monkeypatch.setenv("ASSIST_OUTREACH__SMTP__PASSWORD", "right")
    conf.fail("451")
    code, _, err = run("outreach", "run")
    assert code == 1 and "451" in err and messages()[0]["state"] == "failed"
    conn = db_mod.connect()
    conn.execute("UPDATE outreach_messages SET scheduled_at = '2020-01-01T00:00:00Z'")
    assert run("outreach", "run")[0] == 0
    assert len([m for m in conf.messages if not m.dropped]) == 1 and stage(pid) == "sent"


def test_a_server_that_is_down_leaves_the_email_queued(conf: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> None:
    pid = new_pitch()
    run("outreach", "send", str(pid))
    from mailservers import free_port

    monkeypatch.setenv("ASSIST_OUTREACH__SMTP__PORT", str(free_port()))  # nothing listens there
    code, _, err = run("outreach", "run")
    assert code == 1 and "cannot connect to 127.0.0.1" in err and len(err.strip().splitlines()) == 1
    assert messages()[0]["state"] == "failed" and stage(pid) == "new"


def test_a_refused_recipient_bounces_and_is_suppressed(conf: SmtpServer) -> None:
    pid = new_pitch(contact="nobody@teamrituals.co")

    async def refuse(server, session, envelope, address, options):  # noqa: ANN001, ANN202
        return "550 5.1.1 No such user"

    conf.controller.handler.handle_RCPT = refuse
    run("outreach", "send", str(pid))
    code, _, err = run("outreach", "run")
    assert code == 1 and "550" in err
    assert stage(pid) == "bounced" and messages()[0]["state"] == "dead"
    assert pipeline.is_suppressed(db_mod.connect(), "nobody@teamrituals.co")


def test_a_connection_cut_during_data_is_unknown_and_never_resent(conf: SmtpServer) -> None:
    pid = new_pitch()
    run("outreach", "send", str(pid))
    conf.fail("drop")
    code, _, err = run("outreach", "run")
    assert code == 1 and "may have left" in err
    assert messages()[0]["state"] == "unknown"
    assert run("outreach", "run")[0] == 0  # nothing new failed; the unknown one waits for you
    assert len(conf.messages) == 1 and messages()[0]["state"] == "unknown"  # not resent
    code, _, _ = run("outreach", "resolve", str(messages()[0]["id"]), "--sent")
    assert code == 0 and messages()[0]["state"] == "sent" and stage(pid) == "sent"


def test_eml_files_when_no_smtp_server_is_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ASSIST_OUTREACH__SENDER_NAME", "Ana Writer")
    monkeypatch.setenv("ASSIST_OUTREACH__SENDER_EMAIL", "ana@remotely.blog")
    monkeypatch.setenv("ASSIST_OUTREACH__OUTBOX", str(tmp_path / "out"))
    pid = new_pitch()
    code, out, _ = run("outreach", "send", str(pid))
    assert "via eml" in out
    code, out, _ = run("outreach", "run")
    files = list((tmp_path / "out").glob("*.eml"))
    assert code == 0 and len(files) == 1 and "send it from your mail client" in out
    got = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert got["To"] == "maria@teamrituals.co" and got["Message-ID"]
    run("outreach", "run")
    assert len(list((tmp_path / "out").glob("*.eml"))) == 1


def test_forget_erases_a_site_s_contact_data(conf: SmtpServer) -> None:
    pid = new_pitch()
    run("outreach", "send", str(pid))
    run("outreach", "run")
    code, out, _ = run("outreach", "forget", "teamrituals.co")
    assert code == 0
    conn = db_mod.connect()
    dump = "\n".join(str(tuple(r)) for t in ("pitches", "outreach_messages", "pitch_events", "outreach_contacts")
                     for r in conn.execute(f"SELECT * FROM {t}"))
    assert "maria@teamrituals.co" not in dump


def test_bad_input_is_one_line(conf: SmtpServer) -> None:
    for args, message in [
        (["outreach", "show", "999"], "no pitch 999"),
        (["outreach", "contact", "1", "not-an-address"], "is not an email address"),
        (["outreach", "send", "999"], "no pitch 999"),
        (["outreach", "resolve", "5", "--sent"], "is not unknown"),
    ]:
        code, _, err = run(*args)
        assert code == 2 and message in err and len(err.strip().splitlines()) == 1, (args, err)


# --------------------------------------------------------------------------- with IMAP


@pytest.fixture
def imap_conf(conf: SmtpServer, dovecot, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001, ANN201, F811
    for key, value in {"HOST": dovecot.host, "PORT": str(dovecot.port), "USER": dovecot.user,
                       "PASSWORD": dovecot.password, "SECURITY": "none"}.items():
        monkeypatch.setenv(f"ASSIST_OUTREACH__IMAP__{key}", value)
    return dovecot


def test_follow_ups_then_a_reply_stops_the_sequence(imap_conf, conf: SmtpServer) -> None:  # noqa: ANN001
    pid = new_pitch()
    run("outreach", "send", str(pid))
    run("outreach", "run")
    first = messages()[0]
    assert imap_conf.flags("Sent")  # a copy was saved in Sent
    conn = db_mod.connect()
    conn.execute("UPDATE pitches SET first_sent_at = ?", (pipeline.now_text(datetime.now(UTC) - timedelta(days=6)),))
    _, out, _ = run("outreach", "due")
    assert "follow-up 1 of pitch" in out and "A quick follow-up" in out
    assert run("outreach", "run")[0] == 0
    follow = message_from_bytes(conf.messages[-1].content, policy=policy.default)
    assert len(conf.messages) == 2 and follow["In-Reply-To"] == first["message_id"]
    assert follow["Subject"].startswith("Re: ") and stage(pid) == "followed-up"
    reply = (f"From: Maria <maria@teamrituals.co>\r\nTo: ana@remotely.blog\r\nSubject: Re: {first['subject']}\r\n"
             f"Message-ID: <r1@teamrituals.co>\r\nIn-Reply-To: {first['message_id']}\r\n"
             "Date: Mon, 07 Dec 2026 10:00:00 +0000\r\n\r\nThanks Ana, added it to the page!\r\n\r\n> old text\r\n")
    imap_conf.append(reply.encode())
    code, out, err = run("outreach", "sync")
    assert code == 0 and f"pitch {pid} replied" in out, err
    conn.execute("UPDATE pitches SET first_sent_at = ?", (pipeline.now_text(datetime.now(UTC) - timedelta(days=13)),))
    run("outreach", "run")
    assert len(conf.messages) == 2  # the second follow-up never goes: they answered
    row = conn.execute("SELECT * FROM pitches").fetchone()
    assert row["stage"] == "replied" and "added it to the page" in row["reply_excerpt"]
    assert not any("\\Seen" in f for f in imap_conf.flags().values())  # sync never marks mail


def test_a_bounce_and_an_unsubscribe_from_the_mailbox(imap_conf, conf: SmtpServer) -> None:  # noqa: ANN001
    a = new_pitch(site="a.example", contact="gone@a.example")
    b = new_pitch(site="b.example", contact="ed@b.example")
    run("outreach", "send", str(a), str(b))
    run("outreach", "run")
    ma, mb = messages()
    dsn = ("From: MAILER-DAEMON@mx.a.example\r\nTo: ana@remotely.blog\r\nSubject: Undelivered Mail Returned to Sender\r\n"
           "Message-ID: <dsn1@mx.a.example>\r\nMIME-Version: 1.0\r\n"
           'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
           "--B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not be delivered.\r\n"
           "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.a.example\r\n\r\n"
           "Final-Recipient: rfc822; gone@a.example\r\nAction: failed\r\nStatus: 5.1.1\r\n"
           "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
           f"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {ma['message_id']}\r\nTo: gone@a.example\r\n"
           "--B--\r\n")
    unsub = (f"From: ed@b.example\r\nTo: ana@remotely.blog\r\nSubject: Re: {mb['subject']}\r\nMessage-ID: <u1@b.example>\r\n"
             f"In-Reply-To: {mb['message_id']}\r\nDate: Mon, 07 Dec 2026 10:00:00 +0000\r\n\r\nUnsubscribe please.\r\n")
    imap_conf.append(dsn.encode())
    imap_conf.append(unsub.encode())
    code, out, _ = run("outreach", "sync")
    assert code == 0
    assert stage(a) == "bounced" and stage(b) == "opted-out"
    conn = db_mod.connect()
    assert pipeline.is_suppressed(conn, "gone@a.example") and pipeline.is_suppressed(conn, "ed@b.example")
    code, _, _ = run("outreach", "sync")  # incremental: nothing new, nothing moves twice
    assert code == 0


def test_a_run_killed_after_the_server_took_the_email_never_sends_it_again(imap_conf, conf: SmtpServer,
                                                                           tmp_path: Path) -> None:  # noqa: ANN001
    pid = new_pitch()
    run("outreach", "send", str(pid))
    env = {**os.environ, "ASSIST_OUTREACH__IMAP__SAVE_TO_SENT": "true"}
    proc: list[subprocess.Popen] = []
    original = conf.controller.handler.handle_DATA

    async def kill_client(server, session, envelope):  # noqa: ANN001, ANN202
        answer = await original(server, session, envelope)
        os.kill(proc[0].pid, signal.SIGKILL)  # the run dies before it hears the 250
        return answer

    conf.controller.handler.handle_DATA = kill_client
    proc.append(subprocess.Popen([sys.executable, "-m", "assistant", "outreach", "run"], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    proc[0].wait(timeout=60)
    assert proc[0].returncode == -signal.SIGKILL and len(conf.messages) == 1
    assert messages()[0]["state"] == "sending"
    conf.controller.handler.handle_DATA = original
    conn = db_mod.connect()
    conn.execute("UPDATE outreach_messages SET lease_until = '2020-01-01T00:00:00Z'")  # the lease ran out
    code, _, err = run("outreach", "run")
    assert messages()[0]["state"] == "unknown" and len(conf.messages) == 1  # not in Sent: asked, not resent
    # a provider that files sent mail itself (as Gmail does): the Sent folder settles it
    imap_conf.append(conf.messages[0].content, folder="Sent")
    assert run("outreach", "run")[0] == 0
    assert messages()[0]["state"] == "sent" and stage(pid) == "sent" and len(conf.messages) == 1


def test_draft_edit_opens_the_editor_and_the_check_runs_on_what_was_saved(conf: SmtpServer, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    pid = new_pitch()
    editor = tmp_path / "editor.py"
    editor.write_text("import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
                      "p.write_text(p.read_text().replace('Best,', 'Warmly, [your name]'))\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    code, out, err = run("outreach", "draft", str(pid), "--edit")
    assert code == 0 and "Warmly, [your name]" in out
    assert "not sendable yet: a placeholder is left in the body: '[your name]'" in err
    code, _, err = run("outreach", "send", str(pid))
    assert code == 2 and "[your name]" in err and conf.messages == []
    editor.write_text("import sys, pathlib\npathlib.Path(sys.argv[1]).write_text('no subject line')\n")
    code, _, err = run("outreach", "draft", str(pid), "--edit")
    assert code == 2 and "Subject:" in err


def test_list_summary_and_mark(conf: SmtpServer) -> None:
    a = new_pitch(site="a.example", contact="ed@a.example")
    b = new_pitch(site="b.example", contact="ed@b.example", template="guest-post")
    run("outreach", "send", str(a), str(b))
    run("outreach", "run")
    assert run("outreach", "mark", str(b), "declined", "--note", "not a fit")[0] == 0
    _, out, _ = run("outreach", "list", "--stage", "declined", "--format", "json")
    assert [p["id"] for p in json.loads(out)] == [b]
    _, out, _ = run("outreach", "summary", "--json")
    data = json.loads(out)
    assert data["stages"]["sent"] == 1 and data["stages"]["declined"] == 1
    assert {r["name"]: r["pitches"] for r in data["by_template"]} == {"resource-page": 1, "guest-post": 1}
    _, out, _ = run("outreach", "list")
    assert "a.example" in out and "declined" in out


def test_a_silent_sequence_ends_no_reply(conf: SmtpServer) -> None:
    pid = new_pitch()
    run("outreach", "send", str(pid))
    run("outreach", "run")
    conn = db_mod.connect()
    back = lambda days: pipeline.now_text(datetime.now(UTC) - timedelta(days=days))  # noqa: E731
    conn.execute("UPDATE pitches SET first_sent_at = ?", (back(13),))
    run("outreach", "run")  # follow-up 1 (due at 5 days)
    run("outreach", "run")  # follow-up 2 (due at 12 days)
    assert [m["step"] for m in messages()] == [0, 1, 2] and len(conf.messages) == 3
    assert stage(pid) == "followed-up"
    run("outreach", "run")
    assert len(conf.messages) == 3  # the sequence is over
    conn.execute("UPDATE outreach_messages SET sent_at = ?", (back(8),))
    run("outreach", "run")
    assert stage(pid) == "no-reply"


def test_two_runs_at_once_send_each_email_once(conf: SmtpServer) -> None:
    ids = [new_pitch(site=f"r{i}.example", contact=f"ed@r{i}.example") for i in range(8)]
    for pid in ids:
        assert run("outreach", "send", str(pid))[0] == 0
    procs = [subprocess.Popen([sys.executable, "-m", "assistant", "outreach", "run"], env=dict(os.environ),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    for p in procs:
        p.wait(timeout=120)
    assert sorted(r for m in conf.messages for r in m.rcpt_tos) == sorted(f"ed@r{i}.example" for i in range(8))
    assert {m["state"] for m in messages()} == {"sent"}


# --------------------------------------------------------------------------- after review


def test_the_site_rules_hold_again_when_the_email_is_queued(conf: SmtpServer) -> None:
    first = new_pitch()
    conn = db_mod.connect()
    other = pipeline.add(conn, pipeline.NewPitch(
        draft_key="https://remotely.blog/another", draft_path="b.md", draft_url=DRAFT_URL, draft_title="Another",
        site="teamrituals.co", page_url=None, template="resource-page", context=context("teamrituals.co"),
        reasons=[], contact="maria@teamrituals.co", contact_source="given"), now=datetime.now(UTC))
    assert run("outreach", "send", str(first))[0] == 0
    code, _, err = run("outreach", "send", str(other))
    assert code == 2 and "no site is pitched again within 90 days (--allow-recent-site to send anyway)" in err
    assert run("outreach", "send", str(other), "--allow-recent-site")[0] == 0


def test_an_empty_template_value_is_refused_after_draft_too(conf: SmtpServer) -> None:
    pid = new_pitch()
    conn = db_mod.connect()
    values = context("teamrituals.co")
    values["draft"]["summary"] = ""  # resource-page.j2 writes it unguarded
    conn.execute("UPDATE pitches SET context = ? WHERE id = ?", (json.dumps(values), pid))
    code, _, err = run("outreach", "draft", str(pid))
    assert "value(s) in the template came out empty" in err
    code, _, err = run("outreach", "send", str(pid))
    assert code == 2 and "came out empty" in err and conf.messages == []


def test_an_opt_out_after_a_won_link_and_a_bounce_marked_by_hand_are_final(conf: SmtpServer) -> None:
    from assistant.outreach import sequence
    from assistant.outreach.incoming import Incoming

    pid = new_pitch()
    run("outreach", "send", str(pid))
    run("outreach", "run")
    run("outreach", "mark", str(pid), "won")
    mid = messages()[0]["message_id"]
    sequence.apply_mail(db_mod.connect(), [Incoming("unsubscribe", "<u@x>", [mid], "maria@teamrituals.co", None,
                                                    "please remove me")], datetime.now(UTC))
    assert stage(pid) == "won" and pipeline.is_suppressed(db_mod.connect(), "maria@teamrituals.co")
    other = new_pitch(site="b.example", contact="ed@b.example")
    run("outreach", "mark", str(other), "bounced")
    assert pipeline.is_suppressed(db_mod.connect(), "ed@b.example")


def test_the_site_s_own_address_comes_before_a_third_party_s() -> None:
    from assistant.outreach.contacts import Contact

    conn = db_mod.connect()
    pipeline.store_contacts(conn, "teamrituals.co", [
        Contact("editor@teamrituals.co", "https://teamrituals.co/contact", "mailto", True),
        Contact("jane.doe@agency-partner.com", "https://teamrituals.co/contact", "text", False, on_site=False)],
        datetime.now(UTC))
    assert [c["email"] for c in pipeline.contacts_of(conn, "teamrituals.co")][0] == "editor@teamrituals.co"


def test_the_lease_runs_from_each_claim_not_from_the_start_of_the_run(conf: SmtpServer) -> None:
    from assistant.outreach.compose import Sender

    for i in range(2):
        run("outreach", "send", str(new_pitch(site=f"l{i}.example", contact=f"ed@l{i}.example")))
    leases: list[datetime] = []
    original = conf.controller.handler.handle_DATA

    async def slow(server, session, envelope):  # noqa: ANN001, ANN202
        row = db_mod.connect().execute("SELECT lease_until FROM outreach_messages WHERE state = 'sending'").fetchone()
        leases.append(parse_time(row[0]))
        if len(leases) == 1:
            time.sleep(1.5)  # the first email takes longer than the whole lease
        return await original(server, session, envelope)

    conf.controller.handler.handle_DATA = slow
    smtp = send.SmtpSettings(conf.host, conf.port, "none")
    send.run(db_mod.connect(), sender=Sender("Ana Writer", "ana@remotely.blog"), smtp=smtp, imap=None,
             outbox=Path("."), rules=send.Rules(lease=timedelta(seconds=1), spacing=timedelta(0)))
    assert len(conf.messages) == 2 and leases[1] > datetime.now(UTC) - timedelta(seconds=1)
    assert leases[1] - leases[0] >= timedelta(seconds=1)


def test_a_password_smtplib_cannot_send_is_one_line_and_leaves_the_email_queued(
        conf: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> None:
    pid = new_pitch()
    run("outreach", "send", str(pid))
    conf.auth = ("ana", "pässwort")
    monkeypatch.setenv("ASSIST_OUTREACH__SMTP__USER", "ana")
    monkeypatch.setenv("ASSIST_OUTREACH__SMTP__PASSWORD", "pässwort")
    code, _, err = run("outreach", "run")
    assert code == 1 and "other than ASCII" in err and "pässwort" not in err
    assert messages()[0]["state"] == "scheduled" and messages()[0]["tries"] == 0


def test_forget_takes_a_url_and_erases_bodies_and_eml_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ASSIST_OUTREACH__SENDER_NAME", "Ana Writer")
    monkeypatch.setenv("ASSIST_OUTREACH__SENDER_EMAIL", "ana@remotely.blog")
    monkeypatch.setenv("ASSIST_OUTREACH__OUTBOX", str(tmp_path / "out"))
    pid = new_pitch()
    run("outreach", "draft", str(pid))
    run("outreach", "send", str(pid))
    run("outreach", "run")
    assert list((tmp_path / "out").glob("*.eml"))
    code, out, _ = run("outreach", "forget", "https://www.teamrituals.co/")
    assert code == 0 and "1 pitch(es) scrubbed" in out
    assert not list((tmp_path / "out").glob("*.eml"))
    row = db_mod.connect().execute("SELECT subject, body, contact FROM pitches").fetchone()
    assert tuple(row) == (None, None, None)


def test_the_spacing_holds_at_send_time_too(conf: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSIST_OUTREACH__SPACING", "10m")
    for i in range(2):
        run("outreach", "send", str(new_pitch(site=f"p{i}.example", contact=f"ed@p{i}.example")),
            "--ignore-spacing")
    code, _, err = run("outreach", "run")
    assert code == 0 and len(conf.messages) == 1 and "1 email(s) wait for the spacing" in err


def test_a_huge_within_is_one_line(conf: SmtpServer) -> None:
    code, _, err = run("outreach", "due", "--within", "999999999999d")
    assert code == 2 and "out of range" in err and len(err.strip().splitlines()) == 1


def test_send_json_says_which_email_was_queued_and_which_pitch_was_refused(conf: SmtpServer) -> None:
    ok = new_pitch()
    refused = new_pitch(site="b.example", contact=None)
    code, out, err = run("outreach", "send", str(ok), str(refused), "--json")
    got = json.loads(out)
    assert code == 2 and got[0]["pitch"] == ok and got[0]["email"] == messages()[0]["id"] and got[0]["via"] == "smtp"
    assert got[1]["pitch"] == refused and "no contact" in got[1]["error"]


def test_a_mark_whose_suppression_fails_changes_nothing(assist_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bounced but not suppressed would let later pitches write to that address: all or nothing."""
    import sqlite3

    pid = new_pitch()

    def full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(pipeline, "suppress", full)
    conn = db_mod.connect()
    with pytest.raises(sqlite3.OperationalError):
        pipeline.mark(conn, pid, "bounced")
    assert pipeline.get(conn, pid)["stage"] == "new"
    assert conn.execute("SELECT count(*) FROM pitch_events WHERE kind = 'bounced'").fetchone()[0] == 0


def test_an_email_is_not_queued_from_a_pitch_that_changed_meanwhile(conf: SmtpServer) -> None:
    """Read, then declined (or its contact changed) by another process before the queueing: refused."""
    from assistant import config
    from assistant.errors import UsageError
    from assistant.outreach import compose

    pid = new_pitch()
    conn = db_mod.connect()
    row = pipeline.get(conn, pid)
    sender = compose.Sender.from_settings(config.load())
    composed = compose.compose_pitch(row, sender)
    other = db_mod.connect()
    pipeline.mark(other, pid, "declined")
    with pytest.raises(UsageError, match="changed while its email was being queued"):
        send.enqueue(conn, row, composed, step=0, sender=sender, via="eml", at=datetime.now(UTC), rules=send.Rules())
    assert conn.execute("SELECT count(*) FROM outreach_messages").fetchone()[0] == 0
