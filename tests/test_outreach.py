"""Outreach emails: templates, the reasons filled in, user overrides, errors, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import db, documents
from assistant.cli import cli
from assistant.errors import UsageError
from assistant.prospects import outreach, rank, store

DRAFT = """---
title: Async status updates your team will actually read
description: A practical guide to replacing daily standups with written async check-ins.
canonical_url: https://mysite.example/async-status-updates
---

# Async status updates your team will actually read

Daily standups were designed for people in one room. Written check-ins work across time zones.

## What a good update contains

Lead with the blocker, then what changed, then the decision you need.

## Make reading cheap

Keep each update short and link to documents instead of pasting them.
"""


@pytest.fixture()
def conn():  # type: ignore[no-untyped-def]
    c = db.connect()
    yield c
    c.close()


@pytest.fixture()
def draft(tmp_path: Path) -> documents.Document:
    path = tmp_path / "async.md"
    path.write_text(DRAFT, encoding="utf-8")
    return documents.load(str(path))


@pytest.fixture()
def catalog(conn) -> None:  # type: ignore[no-untyped-def]
    sid = store.upsert_site(conn, "writtenculture.blog", name="Written Culture", contact="ed@writtenculture.blog",
                            description="How distributed companies run on documents instead of meetings.")
    store.upsert_page(conn, sid, "https://writtenculture.blog/reading-list", kind="resource",
                      title="Remote reading list", text="Essays on working across time zones and writing things down.")
    store.add_links(conn, [{"source_url": "https://writtenculture.blog/reading-list",
                            "target_url": "https://asyncfirst.io/blog/writing-async-updates"}])
    gid = store.upsert_site(conn, "teamrituals.co", name="Team Rituals", description="Facilitation guides.")
    store.upsert_page(conn, gid, "https://teamrituals.co/write-for-us", kind="guest_post", title="Write for us",
                      text="We publish guides from managers.")
    bid = store.upsert_site(conn, "oldlinks.example", name="Old Links", description="Remote work link roundup.")
    store.upsert_page(conn, bid, "https://oldlinks.example/roundup", title="Remote work roundup",
                      text="Links about async teams.")
    store.upsert_page(conn, bid, "https://gone.example/async-guide", status=404)  # crawled: dead
    store.add_links(conn, [{"source_url": "https://oldlinks.example/roundup",
                            "target_url": "https://gone.example/async-guide"}])


def test_resource_page_email_has_reasons_and_pitch(conn, draft, catalog, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    prospect = rank.prospect_for(conn, draft, shared_embedder, "writtenculture.blog")
    assert prospect is not None and prospect.template == "resource-page"
    email = outreach.render(draft, prospect, sender={"name": "Ada"})
    assert email.to == "ed@writtenculture.blog"
    assert email.subject == "A resource for Written Culture (writtenculture.blog/reading-list)"
    assert "you link to asyncfirst.io/blog/writing-async-updates" in email.body
    assert "https://mysite.example/async-status-updates" in email.body
    assert email.body.rstrip().endswith("Ada")
    assert email.reasons == prospect.reasons and "{{" not in email.body


def test_guest_post_and_broken_link_templates(conn, draft, catalog, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    guest = rank.prospect_for(conn, draft, shared_embedder, "teamrituals.co")
    assert guest is not None and guest.template == "guest-post"
    email = outreach.render(draft, guest)
    assert "teamrituals.co/write-for-us" in email.body and "- Make reading cheap" in email.body
    assert ". \n" not in email.body and "\n\nI could write an original piece" in email.body  # paragraphs
    with pytest.raises(UsageError, match="teamrituals.co: no dead link known on this site"):
        outreach.render(draft, guest, "broken-link")  # would claim a dead link nobody has seen
    broken = rank.prospect_for(conn, draft, shared_embedder, "oldlinks.example")
    assert broken is not None and broken.template == "broken-link"
    email = outreach.render(draft, broken)
    assert "the link to gone.example/async-guide no longer works" in email.body
    assert "\n\nIt covers the same topic" in email.body
    forced = outreach.render(draft, broken, "resource-page")
    assert forced.template == "resource-page" and forced.subject.startswith("A resource for Old Links")


def test_user_override_and_errors(conn, draft, catalog, shared_embedder, assist_home: Path) -> None:  # type: ignore[no-untyped-def]
    prospect = rank.prospect_for(conn, draft, shared_embedder, "writtenculture.blog")
    assert prospect is not None
    folder = assist_home / "prompts" / "outreach"
    folder.mkdir(parents=True)
    (folder / "resource-page.j2").write_text("Subject: Hi {{ site.domain }}\n\n{{ reasons | join(' / ') }}\n")
    email = outreach.render(draft, prospect)
    assert email.subject == "Hi writtenculture.blog" and email.body.startswith("linked to ")
    assert email.template_path == str(folder / "resource-page.j2")
    (folder / "mine.j2").write_text("Subject: x\n\n{{ no_such_thing }}\n")
    assert "mine" in outreach.available_templates()
    with pytest.raises(UsageError, match="no_such_thing"):
        outreach.render(draft, prospect, "mine")
    with pytest.raises(UsageError, match="unknown outreach template 'nope'; available: "):
        outreach.render(draft, prospect, "nope")
    (folder / "latin.j2").write_bytes("Subject: Caf\u00e9\n\nHello\n".encode("cp1252"))
    with pytest.raises(UsageError, match="latin.j2: not UTF-8 text"):
        outreach.render(draft, prospect, "latin")


def test_cli_outreach(conn, draft, catalog, shared_embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from assistant.cli import prospects as cli_prospects

    monkeypatch.setattr(cli_prospects, "_embedder", lambda c, cfg: shared_embedder)
    runner = CliRunner()
    res = runner.invoke(cli, ["outreach", "preview", draft.path, "--site", "https://www.writtenculture.blog/"])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("To: ed@writtenculture.blog\nSubject: A resource for Written Culture")
    res = runner.invoke(cli, ["outreach", "preview", draft.path, "--site", "teamrituals.co", "--format", "json"])
    data = json.loads(res.stdout)
    assert data["template"] == "guest-post" and data["site"] == "teamrituals.co" and data["reasons"]
    res = runner.invoke(cli, ["outreach", "preview", draft.path, "--site", "unknown.example"])
    assert res.exit_code == 2 and res.stderr.startswith("Error: unknown site 'unknown.example'")
    res = runner.invoke(cli, ["outreach", "preview", draft.path, "--site", "teamrituals.co", "--template", "nope"])
    assert res.exit_code == 2 and "unknown outreach template" in res.stderr and res.stderr.count("\n") == 1


def test_cli_outreach_warns_when_the_email_would_be_useless(conn, catalog, shared_embedder, monkeypatch,  # type: ignore[no-untyped-def]
                                                            tmp_path: Path) -> None:
    """No link to the draft, no address to write to, a site the writer excluded: said on stderr."""
    from assistant.cli import prospects as cli_prospects

    monkeypatch.setattr(cli_prospects, "_embedder", lambda c, cfg: shared_embedder)
    path = tmp_path / "no-url.md"
    path.write_text(DRAFT.replace("canonical_url: https://mysite.example/async-status-updates\n", ""), encoding="utf-8")
    store.upsert_site(conn, "teamrituals.co", excluded=True)
    res = CliRunner().invoke(cli, ["outreach", "preview", str(path), "--site", "teamrituals.co"])
    assert res.exit_code == 0, res.output
    assert res.stderr.splitlines() == [
        "warning: the draft has no canonical_url (front matter): the email carries no link to it",
        "warning: no contact known for teamrituals.co: find one on the site (the To: line is left out)",
        "warning: teamrituals.co is excluded (assist sites exclude --undo teamrituals.co allows it again)",
    ]
    res = CliRunner().invoke(cli, ["outreach", "preview", draft_path(tmp_path), "--site", "writtenculture.blog"])
    assert res.exit_code == 0 and res.stderr == ""


def draft_path(tmp_path: Path) -> str:
    path = tmp_path / "with-url.md"
    path.write_text(DRAFT, encoding="utf-8")
    return str(path)
