"""The links page keeps its filters (state, since, site, weeks, and the risk review's "Compare topics
too" and "Show kept sites"): Keep, Disavow and Remove go back to the same filtered view with their
message, and each toggle keeps the others. Only the page's own filter names travel, with values the
page accepts, escaped on the page and encoded in the address; the CSRF token is still required."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from markupsafe import escape
from starlette.testclient import TestClient
from web_samples import (  # noqa: F401 - fixtures
    CSRF,
    PAYLOADS,
    SCRIPT,
    Sample,
    client_fixture,
    example_installed_fixture,
    example_site_fixture,
    post,
    web_sample_fixture,
    web_sample_template,
)

RISKY = "payday-loans-now-fast.info"  # a site in the sample's risk review


def query(url: str) -> dict[str, str]:
    """An address's parameters (each once), without the message a redirect adds."""
    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}
    return {k: v for k, v in params.items() if k not in ("done", "done_sig", "error", "error_sig")}


def forms(page: str, decision: str) -> list[dict[str, str]]:
    """The fields of each review form on the page with this decision (keep, disavow, forget)."""
    found = []
    for body in re.findall(r'<form method="post" action="/links/review"[^>]*>(.*?)</form>', page, re.S):
        fields = {html.unescape(name): html.unescape(value)
                  for name, value in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', body)}
        if fields.get("decision") == decision:
            found.append(fields)
    return found


def the_form(page: str, decision: str, item: str = RISKY) -> dict[str, str]:
    [form] = [f for f in forms(page, decision) if f["item"] == item]
    return form


def link(page: str, text: str) -> str:
    hrefs = re.findall(rf'<a href="([^"]*)">{re.escape(text)}</a>', page)
    assert len(hrefs) == 1, (text, hrefs)
    return html.unescape(hrefs[0])


VIEWS = ["state=lost", "state=live&since=30d", "site=hybridhq.com&weeks=26", "state=unverified&all=1",
         "state=lost&since=4w&site=hybridhq.com&weeks=52&all=1"]


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("decision", ["keep", "disavow"])
def test_keep_and_disavow_go_back_to_the_same_filtered_view(client: TestClient, web_sample: Sample, view: str,
                                                            decision: str) -> None:
    page = client.get(f"/links?{view}")
    assert page.status_code == 200
    form = the_form(page.text, decision)
    response = post(client, "/links/review", {k: v for k, v in form.items() if k != "csrf"})
    assert response.status_code == 303
    location = response.headers["location"]
    assert urlsplit(location).path == "/links"
    assert query(location) == query(f"/links?{view}")
    assert parse_qs(urlsplit(location).query)["done"][0].startswith(("kept: ", "chosen to disavow: "))
    back = client.get(location)
    assert back.status_code == 200 and html.unescape(back.text).count(RISKY) >= 1
    assert re.search(r'<p class="done" role="status">(kept|chosen to disavow): ', back.text)
    assert query(location) == query(f"/links?{view}")  # the page it shows is the filtered one
    for name, value in query(f"/links?{view}").items():
        if name in ("state", "since", "site"):
            assert re.search(rf'name="{name}" value="{re.escape(value)}"|<option value="{value}" selected>',
                             back.text), name


def test_remove_goes_back_to_the_same_filtered_view(client: TestClient, web_sample: Sample) -> None:
    post(client, "/links/review", {"item": RISKY, "decision": "disavow"})
    page = client.get("/links?state=lost&weeks=26&all=1").text
    response = post(client, "/links/review", {k: v for k, v in the_form(page, "forget").items() if k != "csrf"})
    assert query(response.headers["location"]) == {"state": "lost", "weeks": "26", "all": "1"}


def test_the_topic_comparison_is_kept_too(client: TestClient, web_sample: Sample) -> None:
    """(Posted as the page's form would be: showing the comparison loads the model.)"""
    response = post(client, "/links/review", {"item": RISKY, "decision": "keep", "topic": "1", "all": "1",
                                              "state": "lost"})
    assert query(response.headers["location"]) == {"state": "lost", "topic": "1", "all": "1"}


def test_the_toggles_keep_the_other_filters(client: TestClient, web_sample: Sample) -> None:
    page = client.get("/links?state=lost&since=30d&site=hybridhq.com&weeks=26").text
    base = {"state": "lost", "since": "30d", "site": "hybridhq.com", "weeks": "26"}
    assert query(link(page, "Compare topics too")) == base | {"topic": "1"}
    assert query(link(page, "Show kept sites")) == base | {"all": "1"}
    assert link(page, "Show kept sites").endswith("#risk")
    kept = client.get("/links?state=lost&weeks=26&all=1").text
    assert query(link(kept, "Hide kept sites")) == {"state": "lost", "weeks": "26"}
    assert query(link(kept, "Compare topics too")) == {"state": "lost", "weeks": "26", "all": "1", "topic": "1"}
    assert link(client.get("/links").text, "Show kept sites") == "/links?all=1#risk"


def test_the_filter_form_keeps_the_weeks_and_the_review_toggles(client: TestClient, web_sample: Sample) -> None:
    page = client.get("/links?state=lost&weeks=26&all=1").text
    form = page[page.index('<form method="get" action="/links#list"'):]
    form = form[:form.index("</form>")]
    assert '<input type="hidden" name="weeks" value="26">' in form
    assert '<input type="hidden" name="all" value="1">' in form
    assert 'type="hidden" name="state"' not in form  # the form's own select says it


def test_a_hostile_filter_value_is_escaped_and_an_unknown_parameter_is_not_carried(client: TestClient,
                                                                                   web_sample: Sample) -> None:
    from urllib.parse import urlencode

    hostile = f'x.example"><b>{SCRIPT}'
    page = client.get("/links?" + urlencode({"state": "lost", "site": hostile, "evil": f'1"><i>{SCRIPT}',
                                             "done_sig": "x", "topic": "0", "all": "yes"}))
    assert page.status_code == 200
    for payload in (*PAYLOADS, hostile, "<b>", "<i>"):
        assert payload not in page.text
    assert f'name="site" value="{escape(hostile)}"' in page.text  # shown escaped, as the text it is
    form = the_form(page.text, "keep")
    assert form["site"] == hostile and form["state"] == "lost"
    assert not {"evil", "done_sig", "topic", "all"} & set(form)
    assert query(link(page.text, "Show kept sites")) == {"state": "lost", "site": hostile, "all": "1"}
    response = post(client, "/links/review", {k: v for k, v in form.items() if k != "csrf"})
    location = response.headers["location"]
    assert query(location) == {"state": "lost", "site": hostile}
    assert "<" not in location and '"' not in location and " " not in location
    followed = client.get(location)
    assert followed.status_code == 200 and SCRIPT not in followed.text and "<b>" not in followed.text


@pytest.mark.parametrize(("extra", "carried"), [
    ({"evil": "1", "path": "/etc/passwd", "next": "https://evil.example/"}, {}),
    ({"state": f"lost{SCRIPT}"}, {}),
    ({"state": "gone"}, {}),
    ({"weeks": "9999"}, {}),
    ({"weeks": "12; DROP TABLE"}, {}),
    ({"weeks": "052"}, {"weeks": "52"}),
    ({"since": "forever"}, {}),
    ({"since": "30d" + " " * 97 + SCRIPT}, {}),
    ({"topic": "yes", "all": "true"}, {}),
    ({"site": "\x1b]52;c;x\x07hybridhq.com"}, {"site": "]52;c;xhybridhq.com"}),
    ({"site": "a" * 300}, {}),
])
def test_a_posted_filter_the_page_would_refuse_is_left_out(client: TestClient, web_sample: Sample,
                                                           extra: dict[str, str], carried: dict[str, str]) -> None:
    response = post(client, "/links/review", {"item": RISKY, "decision": "keep", "since": "30d", **extra}
                    if "since" not in extra else {"item": RISKY, "decision": "keep", **extra})
    assert response.status_code == 303
    expected = ({"since": "30d"} if "since" not in extra else {}) | carried
    assert query(response.headers["location"]) == expected
    assert "kept: " in parse_qs(urlsplit(response.headers["location"]).query)["done"][0]  # done all the same


@pytest.mark.parametrize("csrf", [None, "wrong-token"])
def test_a_review_with_filters_still_needs_the_csrf_token(client: TestClient, web_sample: Sample,
                                                          csrf: str | None) -> None:
    response = post(client, "/links/review", {"item": RISKY, "decision": "disavow", "state": "lost"}, csrf=csrf)
    assert response.status_code == 403
    conn = web_sample.db()
    try:
        assert conn.execute("SELECT count(*) FROM backlink_reviews").fetchone()[0] == 0
    finally:
        conn.close()
