"""The pipeline pages of `assist serve` (prospects, share, links, outreach) on the sample ledger and
pitches (web_samples.py): what they show, what their POST actions change (as the CLI would), and
their safety: hostile text inert, no POST without the CSRF token, no foreign Host, no secret shown."""

from __future__ import annotations

import copy
import html
import itertools
import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient
from web_samples import (  # noqa: F401 - fixtures
    CSRF,
    OSC,
    PAYLOADS,
    SURVEY,
    Sample,
    client_fixture,
    example_installed_fixture,
    example_site_fixture,
    hostile,
    post,
    run,
    web_sample_fixture,
    web_sample_template,
)

from assistant.web.app import create_app

SECRET = "s3cret-marker-9d1c"


def state(sample: Sample, post_id: int) -> str:
    conn = sample.db()
    try:
        return str(conn.execute("SELECT state FROM share_posts WHERE id = ?", (post_id,)).fetchone()[0])
    finally:
        conn.close()


def stage(sample: Sample, pitch_id: int) -> str:
    conn = sample.db()
    try:
        return str(conn.execute("SELECT stage FROM pitches WHERE id = ?", (pitch_id,)).fetchone()[0])
    finally:
        conn.close()


def rows(sample: Sample, sql: str, *args: Any) -> list[dict[str, Any]]:
    conn = sample.db()
    try:
        return [dict(r) for r in conn.execute(sql, args)]
    finally:
        conn.close()


@dataclass
class Page:
    status: int
    text: str  # entities unescaped: messages read as written


def followed(client: TestClient, response: Any) -> Page:
    """The page a 303 leads back to."""
    assert response.status_code == 303, response.text
    page = client.get(response.headers["location"])
    return Page(page.status_code, html.unescape(page.text))


def page_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --------------------------------------------------------------------------- share: the queue


def test_the_queue_page_shows_every_post_on_a_timeline_with_its_state(client: TestClient, web_sample: Sample) -> None:
    html = client.get("/share").text
    posts = web_sample.posts
    for name, expected in (("sent", "sent"), ("dead", "dead"), ("scheduled", "scheduled"), ("later", "scheduled")):
        assert f'id="post-{posts[name]}" data-state="{expected}"' in html
    counts = dict(re.findall(r'href="/share\?state=(\w+)" class="state-\w+">\w+ <span class="count">(\d+)</span>', html))
    assert counts == {"scheduled": "2", "sending": "0", "sent": "1", "failed": "0", "dead": "1", "cancelled": "0",
                      "unknown": "0"}
    assert "example: refused (403): the platform says no" in html
    assert html.index(f'id="post-{posts["sent"]}"') < html.index(f'id="post-{posts["scheduled"]}"') < \
        html.index(f'id="post-{posts["later"]}"')  # a timeline: soonest first
    assert f'action="/share/{posts["sent"]}/cancel"' not in html  # nothing to cancel once sent
    assert f'action="/share/{posts["dead"]}/retry"' in html and f'action="/share/{posts["scheduled"]}/reschedule"' in html


def test_the_queue_filters_by_state(client: TestClient, web_sample: Sample) -> None:
    html = client.get("/share?state=dead").text
    assert re.findall(r'id="post-(\d+)"', html) == [str(web_sample.posts["dead"])]
    assert client.get("/share?state=nope").status_code == 400


def test_cancel_cancels_the_post_as_assist_queue_cancel_does(client: TestClient, web_sample: Sample) -> None:
    pid = web_sample.posts["scheduled"]
    response = post(client, f"/share/{pid}/cancel")
    assert response.headers["location"].startswith("/share?")
    html = followed(client, response).text
    assert f"Post {pid}: cancelled" in html and f'id="post-{pid}" data-state="cancelled"' in html
    [row] = rows(web_sample, "SELECT state, note FROM share_posts WHERE id = ?", pid)
    assert row == {"state": "cancelled", "note": "cancelled by the user"}


def test_cancelling_a_sent_post_is_refused_with_the_queue_message(client: TestClient, web_sample: Sample) -> None:
    pid = web_sample.posts["sent"]
    html = followed(client, post(client, f"/share/{pid}/cancel")).text
    assert f"post {pid} is sent; nothing to cancel" in html and 'class="error"' in html
    assert state(web_sample, pid) == "sent"


def test_a_post_being_sent_cannot_be_cancelled_and_an_abandoned_one_says_it_may_be_live(
        client: TestClient, web_sample: Sample) -> None:
    from assistant.share.queue import Queue

    pid = web_sample.posts["scheduled"]
    conn = web_sample.db()
    q = Queue(conn, clock=lambda: time.time() + 3 * 86400)  # the post is due: a worker takes it
    assert q.claim("worker-a", 600, post_id=pid) is not None
    conn.close()
    html = followed(client, post(client, f"/share/{pid}/cancel")).text
    assert f"post {pid} is being sent by worker-a right now; try again shortly" in html
    assert state(web_sample, pid) == "sending"
    conn = web_sample.db()
    conn.execute("UPDATE share_posts SET lease_until = ? WHERE id = ?", (time.time() - 1, pid))  # the worker died
    conn.close()
    listing = client.get("/share").text
    assert f"Cancel post {pid} to example? It may already be published on example: check there." in listing
    html = followed(client, post(client, f"/share/{pid}/cancel")).text
    assert f"Post {pid}: cancelled (warning: it may already be published on example; check there)" in html
    assert state(web_sample, pid) == "cancelled"


def test_retry_sends_a_dead_post_again_now(client: TestClient, web_sample: Sample) -> None:
    pid = web_sample.posts["dead"]
    html = followed(client, post(client, f"/share/{pid}/retry")).text
    assert f"Post {pid}: scheduled now" in html
    [row] = rows(web_sample, "SELECT state, attempts, due_at FROM share_posts WHERE id = ?", pid)
    assert row["state"] == "scheduled" and row["attempts"] == 0 and row["due_at"] <= time.time()
    [error] = [r["last_error"] for r in rows(web_sample, "SELECT last_error FROM share_posts WHERE id = ?", pid)]
    card = re.search(rf'<li class="post[^"]*" id="post-{pid}".*?</li>', client.get("/share").text, re.S)
    assert error and card and '<p class="error">' not in card.group(0)  # waiting again: no longer an error
    assert "an earlier try failed: " in card.group(0)


def test_retry_of_a_post_in_state_unknown_needs_the_checkbox(client: TestClient, web_sample: Sample) -> None:
    from assistant.share.queue import Queue

    pid = web_sample.posts["later"]
    conn = web_sample.db()
    q = Queue(conn, clock=lambda: time.time() + 6 * 86400)
    item = q.claim("worker-a", 600, post_id=pid)
    q.finish(item, "worker-a", state="unknown", outcome="unknown", started=time.time(), note="crashed mid-send")
    conn.close()
    assert "I checked example: it is not there" in client.get("/share").text
    html = followed(client, post(client, f"/share/{pid}/retry")).text
    assert f"post {pid} may already be published" in html and state(web_sample, pid) == "unknown"
    html = followed(client, post(client, f"/share/{pid}/retry", {"force": "1"})).text
    assert f"Post {pid}: scheduled now" in html and state(web_sample, pid) == "scheduled"


def test_reschedule_takes_a_date_and_time_or_the_words_of_the_cli(client: TestClient, web_sample: Sample) -> None:
    pid = web_sample.posts["scheduled"]
    html = followed(client, post(client, f"/share/{pid}/reschedule", {"when": "2027-01-05T09:30", "at": ""})).text
    assert f"Post {pid}: due 2027-01-05 09:30 UTC" in html
    [row] = rows(web_sample, "SELECT due_at FROM share_posts WHERE id = ?", pid)
    assert row["due_at"] == datetime(2027, 1, 5, 9, 30, tzinfo=UTC).timestamp()
    before = time.time()
    followed(client, post(client, f"/share/{pid}/reschedule", {"when": "", "at": "in 3 hours"}))
    [row] = rows(web_sample, "SELECT due_at FROM share_posts WHERE id = ?", pid)
    assert abs(row["due_at"] - (before + 3 * 3600)) < 120


@pytest.mark.parametrize(("name", "form", "says"), [
    ("dead", {"at": "tomorrow 9am"}, "is dead; only scheduled or failed posts are rescheduled"),
    ("scheduled", {"at": "yesterday"}, "--at"),
    ("scheduled", {}, "when? Pick a date and time"),
])
def test_a_reschedule_the_queue_refuses_changes_nothing(client: TestClient, web_sample: Sample, name: str,
                                                        form: dict[str, str], says: str) -> None:
    pid = web_sample.posts[name]
    [before] = rows(web_sample, "SELECT state, due_at FROM share_posts WHERE id = ?", pid)
    html = followed(client, post(client, f"/share/{pid}/reschedule", form)).text
    assert says in html and 'class="error"' in html
    assert rows(web_sample, "SELECT state, due_at FROM share_posts WHERE id = ?", pid) == [before]


# --------------------------------------------------------------------------- share: the preview


def test_the_share_preview_shows_each_post_with_its_length_against_the_limit_as_the_dry_run(
        client: TestClient, web_sample: Sample) -> None:
    draft = web_sample.content / "balcony-vegetable-garden.md"
    cli = json.loads(run("share", str(draft), "--channel", "example", "--channel", "x", "--summary", "lead",
                         "--dry-run", "--json"))
    html = client.get("/share?path=balcony-vegetable-garden.md&channel=example&channel=x&summary=lead").text
    shown = dict(re.findall(r'data-channel="(\w+)">\s*<h2>\S+ <span class="length[^"]*" data-length="(\d+)"', html))
    assert shown == {p["channel"]: str(p["length"]) for p in cli}
    for p in cli:
        assert f'data-length="{p["length"]}" data-limit="{p["limit"]}"' in html
    assert "x: credentials not configured (ASSIST_X_API_KEY" in html  # as the dry run warns
    assert "assist share" in html and state(web_sample, web_sample.posts["scheduled"]) == "scheduled"
    assert len(rows(web_sample, "SELECT id FROM share_posts")) == 4  # nothing queued


def test_the_share_preview_of_a_relative_path_and_its_guard_objection(client: TestClient) -> None:
    html = client.get(f"/share?path={SURVEY}&channel=example&summary=lead").text
    assert "already queued or sent to example (post 1, sent)" in html and "(it would not be queued)" in html


@pytest.mark.parametrize("path", ["/etc/passwd", "../../../../etc/passwd", "exports/../../outside.md", "../outside.md",
                                  "nope.md", "", "{content}/remote-work-survey-2026.md", ".hidden.md"])
def test_a_draft_outside_the_content_folders_is_refused(client: TestClient, web_sample: Sample, path: str) -> None:
    (web_sample.content.parent / "outside.md").write_text("# outside\n\nNot a draft of this site.\n")
    (web_sample.content / ".hidden.md").write_text("# hidden\n\nNot a draft of this site.\n")
    path = path.format(content=web_sample.content)  # an absolute path, even inside: drafts are named relatively
    for page in ("/share", "/prospects"):
        response = client.get(f"{page}?path={quote(path)}") if path else client.get(f"{page}?path=%20")
        assert response.status_code in (400, 404), (page, path)
        assert "root:" not in response.text and "Not a draft of this site" not in response.text


def test_a_symlink_out_of_the_content_folder_is_refused(client: TestClient, web_sample: Sample) -> None:
    outside = web_sample.content.parent / "outside.md"
    outside.write_text("# outside\n\nNot a draft of this site.\n")
    (web_sample.content / "link.md").symlink_to(outside)
    assert client.get("/share?path=link.md&summary=lead").status_code == 404


# --------------------------------------------------------------------------- links


def test_the_links_page_shows_the_charts_the_tables_and_the_risk_review(client: TestClient, web_sample: Sample) -> None:
    html = client.get("/links").text
    text = page_text(html)
    summary = json.loads(run("links", "summary", "--json"))
    assert (summary["links"], summary["referring_sites"]) == (45, 13)
    assert "45 link(s) from 13 referring site(s)" in text
    assert "5 live, 0 changed, 1 unverified, 37 unchecked, 2 lost" in text.replace(" ,", ",")
    weeks = html[html.index('class="weeks"'):]
    for week in summary["weeks"]:
        assert (f"<tr><td>{week['week']}</td><td>{week['start']}</td><td>{week['new']}</td><td>{week['lost']}</td>"
                f"<td>{week['links']}</td><td>{week['referring_sites']}</td></tr>") in weeks
    for chart in ("chart-standing", "chart-weekly", "chart-reasons"):
        figure = html[html.index(f'id="{chart}"'):]
        assert figure.index("<svg") < figure.index("</figure>")
    assert "Links and referring sites" in html and "New and lost links per week" in html
    assert "Lost links by reason" in html
    assert len(re.findall(r'<tr class="link state-', html)) == 45
    lost = html[html.index('class="lost-reasons"'):]
    assert "link-removed" in lost and "page-gone" in lost
    risk = html[html.index('id="risk"'):]
    assert 'data-site="payday-loans-now-fast.info"' in risk and "commercial-anchor" in risk
    assert "anchor &#39;cheap payday loans online&#39;" in risk
    assert "Nothing chosen to disavow." in html


@pytest.mark.parametrize(("query", "count"), [("state=lost", 2), ("state=live", 5), ("state=unverified", 1),
                                              ("site=hybridhq.com", 4), ("state=live&since=1d", 1),
                                              ("state=new", 1)])
def test_the_links_filters_narrow_the_table_as_assist_links_list(client: TestClient, web_sample: Sample, query: str,
                                                                  count: int) -> None:
    html = client.get(f"/links?{query}").text
    assert len(re.findall(r'<tr class="link state-', html)) == count


def test_a_bad_filter_is_one_line_on_the_page(client: TestClient) -> None:
    response = client.get("/links?since=forever")
    assert response.status_code == 400 and "--since" in response.text


def test_keep_and_disavow_record_the_review_and_the_file_is_what_the_cli_writes(
        client: TestClient, web_sample: Sample) -> None:
    html = followed(client, post(client, "/links/review", {"item": "payday-loans-now-fast.info",
                                                           "decision": "disavow"})).text
    assert "chosen to disavow: payday-loans-now-fast.info" in html
    assert rows(web_sample, "SELECT site, decision, reason FROM backlink_reviews") == [
        {"site": "payday-loans-now-fast.info", "decision": "disavow",
         "reason": "chosen in the risk review: commercial-anchor"}]
    response = client.get("/links/disavow.txt")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="disavow.txt"'
    assert response.text == run("links", "disavow")
    assert "domain:payday-loans-now-fast.info" in response.text.splitlines()
    followed(client, post(client, "/links/review", {"item": "payday-loans-now-fast.info", "decision": "keep"}))
    assert rows(web_sample, "SELECT decision FROM backlink_reviews") == [{"decision": "keep"}]
    assert 'data-site="payday-loans-now-fast.info"' not in client.get("/links").text  # kept: out of the review
    assert 'data-site="payday-loans-now-fast.info"' in client.get("/links?all=1").text
    assert "domain:" not in client.get("/links/disavow.txt").text


def test_disavow_remove_takes_an_entry_off_the_choices(client: TestClient, web_sample: Sample) -> None:
    post(client, "/links/review", {"item": "payday-loans-now-fast.info", "decision": "disavow"})
    html = followed(client, post(client, "/links/review", {"item": "payday-loans-now-fast.info",
                                                           "decision": "forget"})).text
    assert "payday-loans-now-fast.info: taken off your choices" in html
    assert rows(web_sample, "SELECT * FROM backlink_reviews") == []


@pytest.mark.parametrize(("form", "says"), [
    ({"item": "remotely.blog", "decision": "disavow"}, "remotely.blog is your own site"),
    ({"item": "payday-loans-now-fast.info", "decision": "delete"}, "unknown decision 'delete'"),
    ({"item": "", "decision": "keep"}, "which site?"),
])
def test_a_review_the_cli_would_refuse_is_refused(client: TestClient, web_sample: Sample, form: dict[str, str],
                                                  says: str) -> None:
    html = followed(client, post(client, "/links/review", form)).text
    assert says in html and rows(web_sample, "SELECT * FROM backlink_reviews") == []


# --------------------------------------------------------------------------- outreach


def test_the_board_shows_the_pitches_by_stage(client: TestClient, web_sample: Sample) -> None:
    html = client.get("/outreach").text
    columns = re.findall(r'data-stage="([\w-]+)" aria-label="[\w-]+">\s*<h2>[\w-]+ <span class="count">(\d+)</span>', html)
    assert columns == [("new", "1"), ("drafted", "1"), ("sent", "1"), ("followed-up", "0"), ("replied", "1"),
                       ("won", "1"), ("declined", "1"), ("no-reply", "1"), ("bounced", "0"), ("opted-out", "0")]
    for name, pid in web_sample.pitches.items():
        column = html[html.index(f'data-stage="{name}"'):]
        assert f'data-pitch="{pid}"' in column[:column.index("</section>")]


def test_a_pitch_page_shows_its_emails_events_reply_and_won_link(client: TestClient, web_sample: Sample) -> None:
    replied = client.get(f"/outreach/pitch/{web_sample.pitches['replied']}").text
    assert "Thanks! We will add your survey to our meeting-cost notes next week." in replied
    assert "editor@leanteams.org" in replied and "leanteams.org writes about remote teams" in replied
    kinds = re.findall(r"<strong>([\w-]+)</strong>", replied[replied.index('class="events"'):])
    assert kinds == ["created", "drafted", "queued", "sent", "replied"]
    assert re.search(r"<td>\d+</td><td>0</td><td>sent</td>", replied)
    won = client.get(f"/outreach/pitch/{web_sample.pitches['won']}").text
    assert '<a href="https://teamtooling.com/reviews/remote-research" rel="noopener noreferrer"' in won
    assert client.get("/outreach/pitch/999").status_code == 404


def test_marking_a_pitch_moves_it_as_assist_outreach_mark(client: TestClient, web_sample: Sample) -> None:
    pid = web_sample.pitches["sent"]
    html = followed(client, post(client, f"/outreach/pitch/{pid}/stage", {"stage": "opted-out", "note": "phoned"})).text
    assert f"pitch {pid}: sent -> opted-out" in html
    assert stage(web_sample, pid) == "opted-out"
    from assistant.outreach import pipeline

    conn = web_sample.db()
    assert pipeline.is_suppressed(conn, "editor@hybridhq.com")
    assert conn.execute("SELECT detail FROM pitch_events WHERE pitch_id = ? ORDER BY id DESC", (pid,)).fetchone()[0] \
        == "phoned"
    conn.close()
    html = followed(client, post(client, f"/outreach/pitch/{pid}/stage", {"stage": "lost"})).text
    assert "unknown stage 'lost'" in html and stage(web_sample, pid) == "opted-out"


def test_a_pitch_marked_bounced_in_the_app_suppresses_its_contact_as_the_cli_does(client: TestClient,
                                                                                   web_sample: Sample) -> None:
    from assistant.outreach import pipeline

    pid = web_sample.pitches["sent"]
    conn = web_sample.db()
    contact = pipeline.get(conn, pid)["contact"]
    assert contact and not pipeline.is_suppressed(conn, contact)
    conn.close()
    followed(client, post(client, f"/outreach/pitch/{pid}/stage", {"stage": "bounced"}))
    conn = web_sample.db()
    assert stage(web_sample, pid) == "bounced" and pipeline.is_suppressed(conn, contact)
    assert conn.execute("SELECT reason FROM suppression").fetchall()[0][0] == "bounced"
    conn.close()


# --------------------------------------------------------------------------- safety


def pages(sample: Sample) -> list[str]:
    """Every page of this module's routes that shows text from outside (no model needed)."""
    draft = "hostile.md" if sample.hostile else SURVEY
    return ["/share", "/share?state=scheduled", f"/share?path={draft}&summary=lead&channel=example",
            f"/share?path={draft}&summary=lead", "/links", "/links?all=1", "/links?state=live", "/outreach",
            *[f"/outreach/pitch/{pid}" for pid in [*sample.pitches.values(), sample.hostile.get("pitch", 1)]],
            "/prospects", "/links/disavow.txt"]


def test_hostile_text_is_inert_on_every_page(client: TestClient, web_sample: Sample) -> None:
    hostile(web_sample)
    post(client, "/links/review", {"item": "evil-sample.example", "decision": "disavow"})
    seen = 0
    for url in pages(web_sample):
        response = client.get(url)
        assert response.status_code == 200, url
        for payload in PAYLOADS:
            assert payload not in response.text, (url, payload)
        assert "\x1b" not in response.text and "\x07" not in response.text and "\u202e" not in response.text, url
        seen += "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert seen >= 6  # the payloads were there, escaped: share, preview, links, board, pitch (reply)
    scripts = re.findall(r"<script[^>]*>", client.get("/share").text)
    assert scripts == ['<script src="/static/app.js" defer>']
    assert "script-src 'self'" in client.get("/links").headers["content-security-policy"]


@pytest.mark.parametrize("csrf", [None, "wrong-token"])
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(client: TestClient, web_sample: Sample,
                                                                       csrf: str | None) -> None:
    pid = web_sample.posts["scheduled"]
    for url, form in ((f"/share/{pid}/cancel", {}), (f"/share/{web_sample.posts['dead']}/retry", {}),
                      (f"/share/{pid}/reschedule", {"at": "tomorrow 9am"}),
                      ("/links/review", {"item": "payday-loans-now-fast.info", "decision": "disavow"}),
                      (f"/outreach/pitch/{web_sample.pitches['new']}/stage", {"stage": "won"}),
                      ("/outreach/add", {"path": SURVEY, "site": "focusfriday.net"})):
        response = post(client, url, form, csrf=csrf)
        assert response.status_code == 403, url
    assert state(web_sample, pid) == "scheduled" and state(web_sample, web_sample.posts["dead"]) == "dead"
    assert rows(web_sample, "SELECT * FROM backlink_reviews") == []
    assert stage(web_sample, web_sample.pitches["new"]) == "new"
    assert len(rows(web_sample, "SELECT id FROM pitches")) == len(web_sample.pitches)


def test_a_wrong_host_header_is_refused(client: TestClient, web_sample: Sample) -> None:
    for url in ("/share", "/links", "/outreach", "/links/disavow.txt"):
        assert client.get(url, headers={"host": "evil.example"}).status_code == 421
    response = client.post(f"/share/{web_sample.posts['scheduled']}/cancel", data={"csrf": CSRF},
                           headers={"host": "evil.example:8765"})
    assert response.status_code == 421 and state(web_sample, web_sample.posts["scheduled"]) == "scheduled"


def test_secrets_never_reach_a_page(web_sample: Sample, monkeypatch: pytest.MonkeyPatch) -> None:
    from web_samples import TOKEN

    monkeypatch.setenv("ASSIST_MASTODON_ACCESS_TOKEN", SECRET)
    monkeypatch.setenv("ASSIST_MASTODON_API_BASE_URL", "https://mastodon.example")
    monkeypatch.setenv("ASSIST_OUTREACH__SMTP__PASSWORD", SECRET + "-smtp")
    app = create_app([web_sample.content], hosts=["testserver"], csrf=CSRF)
    with TestClient(app, follow_redirects=False) as client:
        urls = [*pages(web_sample), f"/share?path={SURVEY}&summary=lead&channel=mastodon&channel=example",
                "/share?path=does-not-exist.md"]
        for url in urls:
            body = client.get(url).text
            assert SECRET not in body and TOKEN not in body, url
        html = client.get(f"/share?path={SURVEY}&summary=lead&channel=mastodon").text
        assert 'data-channel="mastodon"' in html and "credentials not configured" not in html


# --------------------------------------------------------------------------- prospects (the model)


def test_the_prospects_page_ranks_sites_and_adds_one_to_outreach(web_sample: Sample, shared_embedder: Any,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """One test for the pages that need the model: the ranking, hostile site names inert, Add to outreach."""
    from assistant import documents
    from assistant.prospects import rank

    hostile(web_sample)
    app = create_app([web_sample.content], hosts=["testserver"], csrf=CSRF)
    app.state.site._embedder = embedder = copy.copy(shared_embedder)  # the model loaded once a session,
    embedder.cache = None  # without the session's cache: its connection belongs to another thread
    client = TestClient(app, follow_redirects=False)
    html = client.get(f"/prospects?path={SURVEY}&limit=10").text
    conn = web_sample.db()
    expected = rank.rank(conn, documents.load(str(web_sample.content / SURVEY)), shared_embedder, limit=10,
                         own_domain="remotely.blog")
    conn.close()
    shown = re.findall(r'name="site" value="([^"]+)"', html)
    pitched = {"workfromanywhere.blog", "themanagersdesk.com", "hybridhq.com", "leanteams.org", "teamtooling.com",
               "solofounder.club", "nomadnotes.travel"}
    assert shown == [p.domain for p in expected if p.domain not in pitched]
    assert expected and all(f"<td>{p.domain}" in html for p in expected)
    assert "Add to outreach" in html and "reasons" in html
    for p in expected[:3]:
        assert p.reasons[0].replace("'", "&#39;").replace('"', "&#34;") in html.replace("&amp;", "&")
    hostile_page = client.get("/prospects?path=hostile.md&limit=60"
                              "&include_linking=1").text  # the hostile site links to you
    for payload in PAYLOADS:
        assert payload not in hostile_page
    assert "<td>evil-sample.example<br><span class=\"muted\">Evil &lt;script&gt;alert(1)&lt;/script&gt;" in hostile_page
    assert OSC not in hostile_page and "\x1b" not in hostile_page
    target = shown[0]
    response = post(client, "/outreach/add", {"path": SURVEY, "site": target})
    assert response.status_code == 303 and response.headers["location"].startswith("/outreach/pitch/")
    [pitch] = rows(web_sample, "SELECT id, site, stage, contact FROM pitches WHERE site = ?", target)
    assert pitch["stage"] == "new" and response.headers["location"].startswith(f"/outreach/pitch/{pitch['id']}?")
    assert rows(web_sample, "SELECT * FROM outreach_contacts WHERE site = ?", target) == []  # no crawl unless asked
    page = client.get(response.headers["location"]).text
    assert f"pitch {pitch['id']}: no contact found" in page
    again = followed(client, post(client, "/outreach/add", {"path": SURVEY, "site": target})).text
    assert f"{target} already has pitch {pitch['id']}" in again
    from assistant.outreach import contacts

    looked: list[str] = []
    monkeypatch.setattr(contacts, "find_contacts", lambda url, **kw: looked.append(url) or [
        contacts.Contact("editor@" + shown[1], url + "contact", "mailto", True)])
    response = post(client, "/outreach/add", {"path": SURVEY, "site": shown[1], "crawl": "1"})
    assert looked and "editor@" + shown[1] in followed(client, response).text  # the box ticked: contacts looked for


# --------------------------------------------------------------------------- in the browser


def test_cancel_a_queued_post_in_the_browser(web_sample: Sample, live_app: Any, browser: Any) -> None:
    app = live_app([web_sample.content])
    pid = web_sample.posts["later"]
    dialogs: list[str] = []

    def confirm(dialog: Any) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.accept()

    browser.on("dialog", confirm)
    browser.goto(f"{app.url}/share")
    item = browser.locator(f"#post-{pid}")
    assert item.get_attribute("data-state") == "scheduled"
    item.get_by_role("button", name="Cancel").click()
    browser.wait_for_selector(f'#post-{pid}[data-state="cancelled"]')
    assert dialogs == [f"confirm: Cancel post {pid} to example?"]
    assert f"Post {pid}: cancelled" in browser.locator("p.done").inner_text()
    assert state(web_sample, pid) == "cancelled"


@pytest.mark.slow  # about 3 s: every page in Chromium
def test_hostile_text_fires_nothing_in_the_browser(web_sample: Sample, live_app: Any, browser: Any) -> None:
    hostile(web_sample)
    app = live_app([web_sample.content])
    dialogs: list[str] = []
    browser.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for url in pages(web_sample)[:-1]:
        browser.goto(app.url + url)
        browser.wait_for_load_state("load")
        assert browser.evaluate("document.querySelectorAll('img[src=x], main script').length") == 0, url
    assert dialogs == []
    assert Path(web_sample.hostile["draft"]).exists()


def test_every_page_loads_in_the_browser_without_an_error_or_a_failed_request(web_sample: Sample, live_app: Any,
                                                                               browser: Any) -> None:
    """No console error, no script error, no request answered 4xx/5xx (a missing favicon was one)."""
    app = live_app([web_sample.content])
    problems: list[str] = []
    browser.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    browser.on("pageerror", lambda e: problems.append(f"script: {e}"))
    browser.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    for url in pages(web_sample)[:-1]:
        browser.goto(app.url + url)
        browser.wait_for_load_state("load")
        browser.wait_for_timeout(100)  # the browser asks for the icon after the load event
        assert problems == [], url


def test_a_draft_that_cannot_be_read_is_named_as_the_pages_name_it(client: TestClient, web_sample: Sample) -> None:
    """The share preview's and the prospects page's errors name the draft by its path in the folder,
    never the absolute one."""
    (web_sample.content / "binary.md").write_bytes(b"\x00\x01\x02" * 100)
    (web_sample.content / "empty.md").write_bytes(b"")
    for (name, why), page in itertools.product((("binary.md", "binary"), ("empty.md", "empty")), ("share", "prospects")):
        response = client.get(f"/{page}?path={name}")
        assert response.status_code == 400 and why in response.text
        assert f"{name}: " in response.text and str(web_sample.content) not in response.text
