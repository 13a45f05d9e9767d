"""The drafts pages of `assist serve`: the list with scores and sparklines, a draft with its findings
in place at their source lines, suggestions that jump to their place, live updates when the file is
saved, and hostile drafts kept inert.

Route tests use Starlette's TestClient and a tiny deterministic embedder (words hashed into a
vector), so they run in the fast lane; the browser tests drive headless Chromium against one app
per module with the real model (marked slow through ``shared_embedder``).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from webtest import WordsEmbedder

from assistant.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_content"
SCREENSHOT = ROOT / "docs" / "screenshots" / "draft.png"
# Read at import: the autouse assist_home fixture drops every ASSIST_* variable before each test.
UPDATE_SCREENSHOT = os.environ.get("ASSIST_UPDATE_SCREENSHOT") == "1"



FINDINGS_DRAFT = """\
---
title: Growing vegetables in containers on a balcony
topic: balcony vegetable garden containers
---

# Growing vegetables in containers on a balcony

Balcony vegetable containers need sun. Balcony containers need water every day in a vegetable garden.

## Containers for a balcony vegetable garden

Choose balcony containers that hold enough compost for vegetable roots, drain well after heavy rain, and fit along the railing of the balcony garden without blocking the door.
The balcony containers were chosen by the vegetable garden committee.
A balcony vegetable container holds 27 litres of compost.

![](/images/balcony.jpg)

## Quarterly tax returns for freelancers

Freelancers file quarterly tax returns. Accountants charge invoices monthly. Pension rules change yearly for freelancers.
"""
# The source lines of what FINDINGS_DRAFT holds (1-based, front matter included).
LONG_LINE, PASSIVE_LINE, FIGURE_LINE, IMAGE_LINE, OFF_TOPIC_LINE = 12, 13, 14, 16, 18
ON_TOPIC_LINE = 10

HOSTILE = """\
---
title: "</title><script>alert(1)</script> \\e[31mRed\\a [bold red]boom[/]"
---

# Hostile <script>alert('h1')</script>

<script>alert(2)</script>

<img src=x onerror=alert(3)>

A paragraph with <b onmouseover=alert(4)>inline markup</b> and a bell \x07 and \x1b]0;title\x07 escapes.

Text [link](javascript:alert(5)) and [bold]rich[/bold] markup stay text.
"""


def make_app(content: Path, embedder: Any = None) -> Any:
    app = create_app([content], hosts=["testserver"])
    app.state.site.drafts.use_embedder(embedder)
    return app


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(SAMPLES, folder)
    (folder / "findings.md").write_text(FINDINGS_DRAFT, encoding="utf-8")
    return folder


@pytest.fixture
def client(content: Path) -> TestClient:
    return TestClient(make_app(content, WordsEmbedder()))


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr(?: class=\"failed\")?>\s*<td data-value.*?</tr>", html, flags=re.S)


# --------------------------------------------------------------------------- the list


def test_the_drafts_page_lists_every_draft_with_its_scores_sortable(client: TestClient) -> None:
    html = client.get("/").text
    rows = _rows(html)
    assert len(rows) == 5  # four samples (Markdown and HTML) and findings.md
    for name in ("balcony-vegetable-garden.md", "password-managers-explained.html", "findings.md"):
        assert f'href="/draft?path={name}"' in html
    assert html.count("<th data-sort") == 5
    for row in rows:
        assert len(re.findall(r'<td class="num" data-value="[\d.]+">', row)) == 4  # words, three scores
        assert '<svg class="spark"' in row


def test_each_saved_version_adds_a_point_to_its_sparkline(client: TestClient, content: Path, assist_home: Path) -> None:
    client.get("/")
    draft = content / "productivity-tips-listicle.md"
    draft.write_text(draft.read_text() + "\nWe surveyed 300 readers in 2026 about their habits.\n")
    client.get("/draft?path=productivity-tips-listicle.md")
    client.get("/")  # unchanged since: no new version
    html = client.get("/").text
    row = next(r for r in _rows(html) if "productivity-tips-listicle.md" in r)
    assert "over 2 saved versions" in row
    points = re.search(r'<polyline[^>]*points="([^"]+)"', row).group(1).split()
    assert len(points) == 2
    db = sqlite3.connect(assist_home / "assist.db")
    count = db.execute("SELECT count(*) FROM draft_scores WHERE path = ?", (str(draft.resolve()),)).fetchone()[0]
    assert count == 2


def test_an_unchanged_draft_is_not_scored_again(client: TestClient, content: Path) -> None:
    drafts = client.app.state.site.drafts
    client.get("/draft?path=findings.md")
    assert drafts.scorings == 1
    client.get("/draft?path=findings.md")
    client.get("/draft/fragment?path=findings.md")
    assert drafts.scorings == 1
    (content / "findings.md").write_text(FINDINGS_DRAFT + "\nOne more sentence about balcony containers.\n")
    client.get("/draft?path=findings.md")
    assert drafts.scorings == 2


# --------------------------------------------------------------------------- one draft


def test_each_kind_of_finding_is_marked_at_its_source_line(client: TestClient) -> None:
    html = client.get("/draft?path=findings.md").text
    lines = FINDINGS_DRAFT.splitlines()
    assert lines[LONG_LINE - 1].startswith("Choose balcony containers")
    assert re.search(rf'<mark class="finding long" data-line="{LONG_LINE}"[^>]*>Choose balcony containers', html)
    assert re.search(rf'<mark class="finding passive" data-line="{PASSIVE_LINE}"[^>]*>The balcony containers were chosen', html)
    assert re.search(rf'<mark class="finding unsourced" data-line="{FIGURE_LINE}"[^>]*>A balcony vegetable container holds 27', html)
    assert re.search(rf'<figure class="blk img finding noalt" id="line-{IMAGE_LINE}" data-line="{IMAGE_LINE}"', html)
    section = re.search(r'<section class="sec rel-(\d) finding offtopic" data-line="(\d+)"', html)
    assert section and int(section.group(2)) == OFF_TOPIC_LINE and section.group(1) == "4"
    assert re.search(rf'<section class="sec rel-0" data-line="{ON_TOPIC_LINE}"', html)  # on topic: unshaded
    for line, label in ((LONG_LINE, "long sentence"), (PASSIVE_LINE, "passive voice"),
                        (FIGURE_LINE, "figure without a source"), (IMAGE_LINE, "image without alt text"),
                        (OFF_TOPIC_LINE, "section off topic")):
        assert re.search(rf'<a href="#line-{line}" data-line="{line}">line {line}</a> {label}', html), label
        assert f'id="line-{line}"' in html


def test_suggestions_are_ranked_by_gain_and_each_jumps_to_its_line(client: TestClient) -> None:
    html = client.get("/draft?path=balcony-vegetable-garden.md").text
    side = html[html.index('<ol class="suggestions">'):]
    gains = [float(g) for g in re.findall(r'<span class="gain"[^>]*>\+([\d.]+)</span>', side)]
    assert len(gains) >= 5 and gains == sorted(gains, reverse=True)
    links = re.findall(r'<a class="sugg" href="#line-(\d+)" data-line="\1">.*?<span class="ln">line (\d+)</span>', side, flags=re.S)
    assert links
    for target, shown in links:
        assert target == shown
        assert f'id="line-{target}"' in html


def test_a_suggestion_on_the_front_matter_title_still_has_a_place_to_land(client: TestClient, content: Path) -> None:
    (content / "short.md").write_text("---\ntitle: Tips\n---\n\nA short draft about tips. It has two sentences.\n")
    html = client.get("/draft?path=short.md").text
    assert '<a class="sugg" href="#line-2"' in html  # "Lengthen the title", at the title: line
    assert '<span class="anchor" id="line-2"></span>' in html


def test_an_html_draft_is_rendered_from_its_blocks(client: TestClient) -> None:
    html = client.get("/draft?path=password-managers-explained.html").text
    assert "<h1 class=\"draft-title\">What Is a Password Manager, and Do You Really Need One?</h1>" in html
    assert re.search(r'<p class="blk" id="line-\d+" data-line="\d+">', html)


@pytest.mark.parametrize("path", [
    "../secret.md", "/etc/passwd", "sub/../../secret.md", "sub/../findings.md", "escape.md", ".hidden/x.md",
    "findings.md\x00.md", "..\\secret.md", "", "catalog.csv", "escape-dir/secret.md",
])
def test_paths_outside_the_content_folders_are_refused(client: TestClient, content: Path, path: str) -> None:
    secret = content.parent / "secret.md"
    secret.write_text("# Secret\n\nThe secret text is here. It must not be served.\n")
    (content / "escape.md").symlink_to(secret)
    (content / "escape-dir").symlink_to(content.parent)
    (content / ".hidden").mkdir()
    (content / ".hidden" / "x.md").write_text("# Hidden\n\nA hidden draft. Not listed.\n")
    response = client.get("/draft", params={"path": path})
    assert response.status_code == 404
    assert "secret text" not in response.text and "No such draft" in response.text
    assert client.get("/draft/fragment", params={"path": path}).status_code == 404
    assert "escape.md" not in client.get("/").text


def test_an_absolute_path_to_a_real_draft_is_refused(client: TestClient, content: Path) -> None:
    assert client.get("/draft", params={"path": str(content / "findings.md")}).status_code == 404


def test_a_symlink_that_stays_inside_the_folder_is_served(client: TestClient, content: Path) -> None:
    (content / "alias.md").symlink_to(content / "findings.md")
    assert client.get("/draft", params={"path": "alias.md"}).status_code == 200


def test_a_missing_draft_is_a_404_page(client: TestClient) -> None:
    response = client.get("/draft?path=no-such-draft.md")
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.text


@pytest.mark.parametrize(("name", "data"), [("binary.md", b"\x00\x01\x02PNG\x00" * 40), ("empty.md", b""),
                                            ("headings.md", b"# Only a heading\n")])
def test_a_draft_that_cannot_be_read_shows_the_cli_s_one_line_error(
        client: TestClient, content: Path, name: str, data: bytes) -> None:
    from assistant import documents
    from assistant.errors import DocumentError

    (content / name).write_bytes(data)
    with pytest.raises(DocumentError) as cli_error:  # what `assist score` prints after "Error: "
        documents.load(str(content / name))
    expected = f"{name}: {cli_error.value.reason}"
    page = client.get(f"/draft?path={name}")
    assert page.status_code == 200
    assert f'<p class="error" id="draft-error">{expected}</p>' in page.text
    assert "Traceback" not in page.text
    assert f'<span class="error">{expected}</span>' in client.get("/").text


# --------------------------------------------------------------------------- hostile drafts


def _inert(html: str) -> None:
    scripts = re.findall(r"<script\b[^>]*>", html, flags=re.I)
    assert scripts in ([], ['<script src="/static/app.js" defer>'])
    assert not re.search(r"<(?:img|b|iframe|svg[^>]*on)\b[^>]*\bon\w+\s*=", html, flags=re.I)
    assert "<img" not in html and 'href="javascript' not in html
    assert not any(c in html for c in "\x1b\x07\x00")


@pytest.mark.parametrize("suffix", [".md", ".html"])
def test_hostile_draft_content_is_inert(client: TestClient, content: Path, suffix: str) -> None:
    text = HOSTILE if suffix == ".md" else (
        "<html><head><title></title><script>alert(1)</script>\x1b[2J</title></head><body>"
        "<h1>Hi <img src=x onerror=alert(3)></h1><p>Figures: 40% of <b onclick=alert(4)>x</b> [bold]y[/].</p>"
        "<p>Second \x07 paragraph with words enough.</p></body></html>")
    (content / f"hostile{suffix}").write_text(text, encoding="utf-8")
    for url in (f"/draft?path=hostile{suffix}", f"/draft/fragment?path=hostile{suffix}", "/"):
        response = client.get(url)
        assert response.status_code == 200, url
        _inert(response.text)
    page = client.get(f"/draft?path=hostile{suffix}").text
    if suffix == ".md":
        assert "<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "[bold red]boom[/]" in page and "[bold]rich[/bold]" in page
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page  # the raw HTML block, shown as text
        assert "content-security-policy" in client.get("/draft?path=hostile.md").headers


# --------------------------------------------------------------------------- live updates


def test_saving_a_draft_sends_an_update_event_and_the_fragment_follows(live_app: Any, content: Path) -> None:
    import httpx

    live = live_app([content])
    live.app.state.site.drafts.use_embedder(WordsEmbedder())
    draft = content / "findings.md"
    page = httpx.get(f"{live.url}/draft?path=findings.md")
    digest = re.search(r'data-hash="([0-9a-f]{64})"', page.text).group(1)
    with httpx.stream("GET", f"{live.url}/draft/events?path=findings.md&hash={digest}", timeout=10) as events:
        assert events.headers["content-type"].startswith("text/event-stream")
        lines = events.iter_lines()
        assert next(lines).startswith("retry:")
        time.sleep(0.3)  # the watch is set up
        started = time.monotonic()
        draft.write_text(FINDINGS_DRAFT.replace("Growing vegetables", "Why 7 balcony vegetables grow"))
        event = []
        for line in lines:
            if not line and event:
                break
            if line and not line.startswith(":"):
                event.append(line)
        elapsed = time.monotonic() - started
    fields = dict(line.split(": ", 1) for line in event)
    assert fields["event"] == "update" and fields["id"] != digest
    print(f"\nsave -> update event: {elapsed * 1000:.0f} ms")
    assert elapsed < 5
    fragment = httpx.get(f"{live.url}/draft/fragment?path=findings.md")
    assert fragment.headers["x-draft-hash"] == fields["id"]
    assert 'data-title="Why 7 balcony vegetables grow in containers on a balcony"' in fragment.text
    assert "<html" not in fragment.text  # a fragment, not a page


def test_an_event_stream_for_a_stale_page_updates_at_once(live_app: Any, content: Path) -> None:
    import httpx

    live = live_app([content])
    live.app.state.site.drafts.use_embedder(None)
    with httpx.stream("GET", f"{live.url}/draft/events?path=findings.md&hash=stale", timeout=10) as events:
        found = [line for _, line in zip(range(4), events.iter_lines(), strict=False)]
    assert "event: update" in found


def test_the_event_stream_of_an_unknown_draft_is_a_404(client: TestClient) -> None:
    assert client.get("/draft/events?path=../x.md").status_code == 404


# --------------------------------------------------------------------------- the sparkline


def test_the_sparkline_is_an_svg_of_the_scores() -> None:
    from assistant.web.draft_view import sparkline

    assert sparkline([]) == ""
    svg = str(sparkline([40.0, 55.5, 71.0]))
    assert svg.startswith('<svg class="spark"')
    assert len(re.search(r'points="([^"]+)"', svg).group(1).split()) == 3
    assert "40 → 56 → 71" in svg


# --------------------------------------------------------------------------- in a real browser


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, shared_embedder: Any) -> Any:
    """One app for the browser tests, over a copy of sample_content, scoring with the real model
    (the session's, through a cache this app's worker threads can share)."""
    from webtest import serve

    from assistant.embeddings import Embedder
    from assistant.web.app import PerCallCache

    base = tmp_path_factory.mktemp("web-drafts")
    folder = base / "content"
    shutil.copytree(SAMPLES, folder)
    (folder / "findings.md").write_text(FINDINGS_DRAFT, encoding="utf-8")
    (folder / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    live = serve([folder], db_path=base / "assist.db")
    live.server.config.timeout_graceful_shutdown = 1  # an open event stream must not hold up the stop
    embedder = Embedder(db=None)
    embedder._backend = shared_embedder.backend  # the loaded model, without its main-thread connection
    embedder.cache = PerCallCache(base / "assist.db")  # as the app's own: a connection per call
    live.app.state.site.drafts.use_embedder(embedder)
    live.folder = folder
    yield live
    live.stop()


def test_browser_a_highlight_at_its_line_and_a_suggestion_that_lands_on_its_place(served: Any, browser: Any) -> None:
    browser.goto(f"{served.url}/draft?path=findings.md")
    mark = browser.locator(f'mark.finding.passive[data-line="{PASSIVE_LINE}"]')
    assert mark.count() == 1 and "were chosen" in mark.inner_text()
    assert browser.locator(f'figure.finding.noalt[data-line="{IMAGE_LINE}"]').is_visible()
    browser.goto(f"{served.url}/draft?path=balcony-vegetable-garden.md")
    link = browser.locator("a.sugg[data-line]").last
    line = link.get_attribute("data-line")
    link.click()
    browser.wait_for_function("n => location.hash === '#line-' + n", arg=line)
    target = browser.locator(f"#line-{line}")
    assert target.evaluate("el => el.matches(':target')")
    assert target.evaluate("el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }")


def test_browser_saving_the_draft_updates_the_page_without_a_reload(served: Any, browser: Any) -> None:
    name = "remote-work-survey-2026.md"  # about 2,300 words
    draft = served.folder / name
    browser.goto(f"{served.url}/draft?path={name}")
    browser.wait_for_function("() => document.getElementById('live-status').textContent === 'live'")
    browser.evaluate("() => { window.loadedMarker = 'still here'; }")
    before = browser.locator("#score-overall").get_attribute("data-value")
    started = time.monotonic()
    text = draft.read_text(encoding="utf-8")
    draft.write_text(text.replace('title: "Why Hybrid Teams Meet Less: Our 2026 Survey of 1,214 Remote Workers"',
                                  'title: "Notes"', 1).replace("# Why Hybrid Teams Meet Less: Our 2026 Survey of 1,214 "
                                                               "Remote Workers", "# Notes", 1), encoding="utf-8")
    browser.wait_for_function("() => document.getElementById('draft').dataset.updates === '1'", timeout=10_000)
    elapsed = time.monotonic() - started
    print(f"\nlive update of a 2,300-word draft, save to swapped page: {elapsed * 1000:.0f} ms")
    assert elapsed < 5
    assert browser.evaluate("() => window.loadedMarker") == "still here"  # no navigation happened
    assert browser.title() == "Notes · assist"
    after = browser.locator("#score-overall").get_attribute("data-value")
    assert after != before and float(after) < float(before)
    draft.write_text(draft.read_text(encoding="utf-8") + "\nWe also surveyed 40 managers in 2026.\n", encoding="utf-8")
    browser.wait_for_function("() => document.getElementById('draft').dataset.updates === '2'", timeout=10_000)
    assert browser.locator(".draft-text p", has_text="We also surveyed 40 managers in 2026.").count() == 1


def test_browser_a_hostile_draft_fires_no_dialog(served: Any, browser: Any) -> None:
    dialogs: list[str] = []
    browser.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: list[str] = []
    browser.on("pageerror", lambda e: errors.append(str(e)))
    browser.goto(f"{served.url}/draft?path=hostile.md")
    browser.goto(f"{served.url}/")
    browser.goto(f"{served.url}/draft?path=hostile.md")
    browser.get_by_text("[bold red]boom[/]").first.wait_for()
    browser.wait_for_timeout(300)
    assert dialogs == [] and errors == []
    assert browser.evaluate("() => document.querySelectorAll('script').length") == 1


def test_browser_screenshot_of_a_draft_page(served: Any, browser: Any) -> None:
    """docs/screenshots/draft.png, for the README: written when missing or with ASSIST_UPDATE_SCREENSHOT=1."""
    browser.set_viewport_size({"width": 1360, "height": 960})
    browser.goto(f"{served.url}/draft?path=balcony-vegetable-garden.md")
    browser.locator("mark.finding").first.wait_for()
    image = browser.screenshot(full_page=False)
    assert image[:8] == b"\x89PNG\r\n\x1a\n" and len(image) > 20_000
    if UPDATE_SCREENSHOT or not SCREENSHOT.exists():
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        SCREENSHOT.write_bytes(image)
