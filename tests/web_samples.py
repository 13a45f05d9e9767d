"""The sample ledger and pitches for the web app's tests, built in the test's ASSIST_HOME from
sample_content through the real CLI and APIs (nothing written to the database by hand):

- sites: ``assist sites import`` of the catalog and every export (``--own-domain remotely.blog``);
- links: ``assist links import`` of the Ahrefs export, then a few checks applied with
  ``assistant.links.store.apply`` (live ones, one with a commercial anchor, two lost with reasons,
  one unverified);
- pitches of the survey draft: ``assistant.outreach.pipeline.add`` and ``set_stage``; one drafted,
  sent and answered through the CLI (``outreach draft``, ``send --via eml``, ``run``) and a reply
  read with ``incoming.parse`` + ``sequence.apply_mail``; one won by a link the ledger then saw
  (``links add`` + ``apply`` + ``pipeline.mark_won``);
- posts: ``assist share`` to the example channel (one sent and one dead after ``assist queue run``,
  two scheduled).

Use: ``from web_samples import web_sample_fixture, web_sample_template  # noqa: F401 - fixtures``
(the first registers as ``web_sample``: a copy, for one test, of the sample the second builds once a
session; import ``example_installed_fixture`` and ``example_site_fixture`` from here too); ``hostile(sample)`` adds the
payloads of :data:`PAYLOADS` to every kind of outside text a page shows.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from example_plugin.fixtures import (  # noqa: F401 - fixtures
    TOKEN,
    FileFake,
    example_installed_fixture,
    example_site_fixture,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_content"
OWN = "remotely.blog"
SURVEY = "remote-work-survey-2026.md"
SURVEY_URL = "https://remotely.blog/research/remote-work-survey-2026"

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
OSC = "\x1b]52;c;ZWNobyBwd25lZA==\x07"
BIDI = "\u202egpj.exe"  # a right-to-left override: would show as "exe.jpg"
PAYLOADS = (SCRIPT, IMG, OSC, BIDI)
HOSTILE = f"Evil {SCRIPT} {IMG} {OSC}end {BIDI}"


@dataclass
class Sample:
    home: Path
    content: Path
    fake: FileFake
    pitches: dict[str, int] = field(default_factory=dict)  # stage -> pitch id
    posts: dict[str, int] = field(default_factory=dict)  # name -> queued post id
    hostile: dict[str, Any] = field(default_factory=dict)

    def db(self) -> Any:
        from assistant import db

        return db.connect()


def run(*args: str, code: int = 0) -> str:
    """An assist command through the CLI, which must exit with ``code``. Returns its standard output."""
    from assistant.cli import cli

    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, (args, result.output)
    return result.stdout


def config(home: Path, fake: FileFake) -> None:
    (home / "config.toml").write_text("\n".join([
        'timezone = "UTC"', "[site]", f'domain = "{OWN}"', "[links]", f'own = ["{OWN}"]',
        "[schedule]", 'min_spacing = "0s"',
        "[outreach]", 'sender_name = "Ana Writer"', f'sender_email = "ana@{OWN}"',
        'postal_address = "Remotely, 12 Rue des Lilas, 75011 Paris, France"', 'spacing = "0s"',
        f'outbox = "{home / "outbox"}"',
        "[channels.example]", f'path = "{fake.path}"', f'faults = "{fake.faults}"', f'token = "{TOKEN}"', ""]))


def build(home: Path, tmp_path: Path) -> Sample:
    """Everything above, in ``home`` (the test's ASSIST_HOME); the drafts are copied to tmp_path/content."""
    content = tmp_path / "content"
    shutil.copytree(SAMPLES, content)
    sample = Sample(home, content, FileFake(tmp_path / "example-platform"))
    config(home, sample.fake)
    run("sites", "import", str(content / "catalog.csv"), *map(str, sorted((content / "exports").glob("*.csv"))),
        "--own-domain", OWN)
    run("links", "import", str(content / "exports" / "ahrefs-backlinks-remotely.blog.csv"), "--own-domain", OWN)
    _check_links(sample)
    _pitches(sample)
    _posts(sample)
    return sample


def _link(conn: Any, source: str, target_path: str) -> Any:
    return conn.execute("SELECT * FROM backlinks WHERE source_url = ? AND target_url = ?",
                        (source, f"https://{OWN}{target_path}")).fetchone()


def _check_links(sample: Sample) -> None:
    """Checks seen two weeks ago and now: live links, a commercial anchor, two lost, one unverified."""
    from assistant.links.store import Outcome, apply

    conn = sample.db()
    now = datetime.now(UTC)
    earlier = now - timedelta(days=14)
    live = Outcome("live", status=200, present=True, placement="content", line=12)
    for source, target in (("https://hybridhq.com/guides/remote-policy", "/remote-meeting-checklist"),
                           ("https://www.leanteams.org/notes/meeting-cost", "/async-communication-guide"),
                           ("https://solofounder.club/blog/weekly-review", "/tools/remote-team-tools")):
        row = _link(conn, source, target)
        apply(conn, row, Outcome(**{**live.__dict__, "anchor": row["anchor"]}), now=earlier)
    row = _link(conn, "https://payday-loans-now-fast.info/blogroll/288", "/async-communication-guide")
    apply(conn, row, Outcome(**{**live.__dict__, "anchor": "cheap payday loans online", "placement": "footer"}),
          now=earlier)
    row = _link(conn, "https://thriftykitchen.com/meal-prep", "/tools/remote-team-tools")
    apply(conn, row, Outcome("lost", "page-gone", status=404), now=now)
    row = _link(conn, "https://teamtooling.com/best/async-video-tools", "/async-communication-guide")
    apply(conn, row, Outcome("lost", "link-removed", status=200, present=False), now=now)
    row = _link(conn, "https://nomadnotes.travel/guides/lisbon", "/tools/remote-team-tools")
    apply(conn, row, Outcome("failed", "timeout", error="timed out after 10 s"), now=now)
    conn.close()


def _context(doc: Any, site: str) -> dict[str, Any]:
    return {"draft": {"title": doc.title, "url": doc.canonical_url, "summary": doc.description or doc.title,
                      "topic": "hybrid meetings", "description": doc.description or "", "headings": [], "extra": None,
                      "fact": "Hybrid teams held 31% fewer meetings."},
            "site": {"domain": site, "name": site.split(".")[0].title(), "contact": None, "contact_name": None},
            "prospect": {"pitch_url": f"https://{site}/resources", "resource_pages": [f"https://{site}/resources"],
                         "matched_page": None, "broken_targets": []},
            "linked": None, "reasons": [f"{site} writes about remote teams", "it links to pages like this draft"]}


def add_pitch(sample: Sample, site: str, *, path: Path | None = None, contact: str | None = None) -> int:
    """A pitch of a content draft (the survey by default) to ``site``, as `outreach add` stores one."""
    from assistant import documents
    from assistant.outreach import pipeline

    doc = documents.load(str(path or sample.content / SURVEY))
    conn = sample.db()
    pid = pipeline.add(conn, pipeline.NewPitch(
        draft_key=doc.canonical_url or str(Path(doc.path).resolve()), draft_path=doc.path, draft_url=doc.canonical_url,
        draft_title=doc.title, site=site, page_url=f"https://{site}/resources", template="resource-page",
        context=_context(doc, site), reasons=[f"{site} writes about remote teams", "it links to pages like this draft"],
        contact=contact or f"editor@{site}", contact_source=f"https://{site}/contact"), now=datetime.now(UTC))
    conn.close()
    return pid


def _send(pid: int) -> str:
    """Draft, queue (as an .eml file) and 'send' the pitch's email; returns its Message-ID."""
    run("outreach", "draft", str(pid))
    run("outreach", "send", str(pid), "--via", "eml")
    run("outreach", "run")
    from assistant import db

    conn = db.connect()
    mid = conn.execute("SELECT message_id FROM outreach_messages WHERE pitch_id = ? AND state = 'sent'",
                       (pid,)).fetchone()[0]
    conn.close()
    return str(mid)


def reply(pid: int, message_id: str, text: str) -> None:
    """The site's answer, read as `outreach sync` reads one from the mailbox."""
    from assistant import db
    from assistant.outreach import incoming, sequence

    raw = (f"From: editor@example.org\r\nTo: ana@{OWN}\r\nSubject: Re: your survey\r\nMessage-ID: <r{pid}@example.org>\r\n"
           f"In-Reply-To: {message_id}\r\nDate: Sun, 06 Dec 2026 10:00:00 +0000\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n").encode("utf-8")
    event = incoming.parse(raw)
    assert event is not None and event.kind == "reply", event
    conn = db.connect()
    assert sequence.apply_mail(conn, [event], datetime.now(UTC)) == [(pid, "replied")]
    conn.close()


def _pitches(sample: Sample) -> None:
    from assistant.links.store import Outcome, apply
    from assistant.outreach import pipeline

    p = sample.pitches
    p["new"] = add_pitch(sample, "workfromanywhere.blog")
    p["drafted"] = add_pitch(sample, "themanagersdesk.com")
    run("outreach", "draft", str(p["drafted"]))
    p["sent"] = add_pitch(sample, "hybridhq.com")
    _send(p["sent"])
    p["replied"] = add_pitch(sample, "leanteams.org")
    reply(p["replied"], _send(p["replied"]), "Thanks! We will add your survey to our meeting-cost notes next week.")
    p["won"] = add_pitch(sample, "teamtooling.com")
    _send(p["won"])
    source = "https://teamtooling.com/reviews/remote-research"
    run("links", "add", source, "--to", SURVEY_URL, "--own-domain", OWN)
    conn = sample.db()
    row = conn.execute("SELECT * FROM backlinks WHERE source_url = ?", (source,)).fetchone()
    apply(conn, row, Outcome("live", status=200, present=True, anchor="2026 survey", placement="content"),
          now=datetime.now(UTC))
    assert pipeline.mark_won(conn) == [(p["won"], source)]
    p["declined"] = add_pitch(sample, "solofounder.club")
    pipeline.set_stage(conn, p["declined"], "declined", "not a fit this quarter")
    p["no-reply"] = add_pitch(sample, "nomadnotes.travel")
    pipeline.set_stage(conn, p["no-reply"], "no-reply", "no answer after two follow-ups")
    conn.close()


def share(draft: Path, at: str) -> int:
    """`assist share DRAFT --channel example --at AT`; returns the queued post's id."""
    out = run("share", str(draft), "--channel", "example", "--summary", "lead", "--at", at, "--json")
    [queued] = json.loads(out)
    return int(queued["id"])


def _posts(sample: Sample) -> None:
    content = sample.content
    sample.posts["sent"] = share(content / SURVEY, "now")
    run("queue", "run")
    sample.fake.fail_next(403)
    sample.posts["dead"] = share(content / "balcony-vegetable-garden.md", "now")
    run("queue", "run", code=1)  # 1: a post ended dead and needs you
    sample.posts["scheduled"] = share(content / "productivity-tips-listicle.md", "in 2 days")
    sample.posts["later"] = share(content / "password-managers-explained.html", "in 5 days")


def hostile(sample: Sample) -> Sample:
    """The payloads as a site name, a link anchor, a draft title, a reply excerpt and a post's text."""
    from assistant.links.store import Outcome, apply

    content = sample.content
    catalog = content / "hostile-catalog.csv"
    catalog.write_text("domain,name,topics\nevil-sample.example," + json.dumps(HOSTILE) + ",remote work\n")
    run("sites", "import", str(catalog), "--own-domain", OWN)
    draft = content / "hostile.md"
    draft.write_text(f"---\ntitle: {json.dumps(HOSTILE)}\ncanonical_url: https://{OWN}/hostile\n---\n"
                     f"# {HOSTILE}\n\nRemote teams meet less when they write more. {HOSTILE} is a name.\n")
    source = "https://evil-sample.example/links"
    run("links", "add", source, "--to", f"https://{OWN}/remote-meeting-checklist", "--own-domain", OWN)
    conn = sample.db()
    row = conn.execute("SELECT * FROM backlinks WHERE source_url = ?", (source,)).fetchone()
    apply(conn, row, Outcome("live", status=200, present=True, anchor=f"buy cheap {HOSTILE}", placement="footer"),
          now=datetime.now(UTC))
    conn.close()
    pid = add_pitch(sample, "evil-sample.example", path=draft)
    reply(pid, _send(pid), f"Reply with {HOSTILE} inside.")
    sample.hostile = {"pitch": pid, "draft": draft, "post": share(draft, "in 3 days")}
    return sample


@pytest.fixture(scope="session")
def web_sample_template(example_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sample]:
    """The sample built once a session (about two seconds), in a home of its own; tests get copies.

    The environment, sys.path and the plugins are set only while it is built: left in place for the
    session, the example channel stayed installed for every later test of the same worker."""
    from assistant import plugins

    root = tmp_path_factory.mktemp("web-sample")
    home = root / "assist-home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith("ASSIST_"):
                mp.delenv(name)
        mp.setenv("ASSIST_HOME", str(home))
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.syspath_prepend(str(example_site))
        plugins.reset()
        try:
            sample = build(home, root)
        finally:
            sys.modules.pop("assist_example", None)
            plugins.reset()
    yield sample


def copy(template: Sample, home: Path, tmp_path: Path) -> Sample:
    """The template's database, outbox, drafts and platform file in this test's home and tmp_path."""
    shutil.copytree(template.content, tmp_path / "content")
    shutil.copytree(template.fake.path.parent, tmp_path / "example-platform")
    if (template.home / "outbox").is_dir():
        shutil.copytree(template.home / "outbox", home / "outbox")
    source, target = sqlite3.connect(template.home / "assist.db"), sqlite3.connect(home / "assist.db")
    try:
        source.backup(target)  # a consistent copy, whatever is still in the write-ahead log
    finally:
        source.close()
        target.close()
    sample = Sample(home, tmp_path / "content", FileFake(tmp_path / "example-platform"), dict(template.pitches),
                    dict(template.posts))
    config(home, sample.fake)
    return sample


@pytest.fixture(name="web_sample")
def web_sample_fixture(web_sample_template: Sample, example_installed: Path, assist_home: Path,
                       tmp_path: Path) -> Sample:
    """The sample ledger, pitches and queued posts in this test's ASSIST_HOME (a copy of the session's)."""
    return copy(web_sample_template, assist_home, tmp_path)


CSRF = "test-csrf-token"  # the app's token in the tests that post forms


@pytest.fixture(name="client")
def client_fixture(web_sample: Sample) -> Iterator[Any]:
    """The app over the sample, through Starlette's test client (redirects not followed)."""
    from starlette.testclient import TestClient

    from assistant.web.app import create_app

    app = create_app([web_sample.content], hosts=["testserver"], csrf=CSRF)
    with TestClient(app, follow_redirects=False) as c:
        yield c


def post(client: Any, url: str, data: dict[str, str] | None = None, *, csrf: str | None = CSRF) -> Any:
    """A form posted as the page would, with the CSRF token (or another, or none)."""
    form = dict(data or {})
    if csrf is not None:
        form["csrf"] = csrf
    return client.post(url, data=form)
