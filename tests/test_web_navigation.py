"""How the app's pages reach each other: the top navigation names Prospects (a draft picker without a
draft), and a draft's page links to that draft's prospects and share preview, its path URL-encoded
(a hostile file name cannot break out of the address or the attribute), each leading to a 200 page.

Route tests on the sample ledger (web_samples.py) with a tiny deterministic embedder, so they run in
the fast lane: the ranking and the summary need vectors, not the real model.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import pytest
from markupsafe import escape
from starlette.testclient import TestClient
from web_samples import (  # noqa: F401 - fixtures
    SURVEY,
    Sample,
    example_installed_fixture,
    example_site_fixture,
    web_sample_fixture,
    web_sample_template,
)
from webtest import WordsEmbedder

from assistant.web.app import create_app

# A file name with what an address or an attribute would trip on: & # ? % " < > ' and a space.
HOSTILE_NAME = "q&a #1? 100% \"sure\" <b>it's.md"



@pytest.fixture
def client(web_sample: Sample) -> TestClient:
    (web_sample.content / HOSTILE_NAME).write_text(
        "---\ntitle: Remote meetings, asked and answered\n---\n# Remote meetings\n\n"
        "Remote teams that write more meet less. Async updates replace the daily stand-up.\n", encoding="utf-8")
    app = create_app([web_sample.content], hosts=["testserver"], csrf="test-csrf-token")
    embedder = WordsEmbedder()
    app.state.site._embedder = embedder
    app.state.site.drafts.use_embedder(embedder)
    return TestClient(app, follow_redirects=False)


def hrefs(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', page)]


def nav(page: str) -> list[tuple[str, str]]:
    [block] = re.findall(r"<nav>(.*?)</nav>", page, flags=re.S)
    return [(label, html.unescape(href)) for href, label in re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', block)]


@pytest.mark.parametrize("url", ["/", "/links", "/outreach", "/share", "/prospects", f"/draft?path={SURVEY}"])
def test_the_top_navigation_names_prospects_on_every_page(client: TestClient, url: str) -> None:
    page = client.get(url)
    assert page.status_code == 200, page.text[:300]
    assert ("Prospects", "/prospects") in nav(page.text)
    assert [label for label, _ in nav(page.text)] == ["Drafts", "Prospects", "Links", "Outreach", "Queue"]


def test_prospects_without_a_draft_is_a_picker_whose_links_open(client: TestClient) -> None:
    page = client.get("/prospects")
    assert page.status_code == 200 and "Choose a draft" in page.text
    assert re.search(r'<a href="/prospects" aria-current="page">Prospects</a>', page.text)
    picks = [h for h in hrefs(page.text) if h.startswith("/prospects?path=")]
    assert f"/prospects?path={quote(SURVEY)}" in picks
    assert f"/prospects?path={quote(HOSTILE_NAME)}" in picks  # encoded: the name stays one parameter
    for href in picks:
        shown = client.get(href)
        assert shown.status_code == 200, (href, shown.text[:300])
        assert "<h1>Prospects for " in shown.text


@pytest.mark.parametrize("name", [SURVEY, HOSTILE_NAME])
def test_a_draft_page_links_to_its_prospects_and_share_preview(client: TestClient, name: str) -> None:
    page = client.get(f"/draft?path={quote(name)}")
    assert page.status_code == 200, page.text[:300]
    encoded = quote(name, safe="/")
    assert f'href="/prospects?path={encoded}">Prospects</a>' in page.text
    assert f'href="/share?path={encoded}">Share</a>' in page.text
    for raw in ("&", "#", "?", '"', "<", ">", " ", "'"):
        if raw in name:  # nothing of the name is left bare in an address
            assert not any(raw in h.partition("?path=")[2] for h in hrefs(page.text) if "?path=" in h)
    prospects = client.get(f"/prospects?path={encoded}")
    assert prospects.status_code == 200, prospects.text[:300]
    assert "<h1>Prospects for " in prospects.text and str(escape(name)) in prospects.text
    assert 'name="site" value="' in prospects.text  # the ranking ran: rows with their Add buttons
    share = client.get(f"/share?path={encoded}")
    assert share.status_code == 200, share.text[:300]
    assert str(escape(name)) in share.text


def test_the_prospects_page_of_a_draft_links_back_to_it_and_to_its_share_preview(client: TestClient) -> None:
    page = client.get(f"/prospects?path={quote(HOSTILE_NAME)}").text
    assert f"/share?path={quote(HOSTILE_NAME)}" in hrefs(page)
    assert f"/draft?path={quote(HOSTILE_NAME)}" in hrefs(page)
