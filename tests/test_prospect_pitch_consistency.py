"""A pitch added from a prospects list carries the row that list showed: its page to pitch, the reason
for that page, its reasons, its template and its score, whether it is added with the web app's "Add to
outreach" (POST /outreach/add), with `assist outreach add DRAFT --site SITE` after `assist prospects
DRAFT`, or with `assist prospects DRAFT --add N`; with the same ranking options each time.

A site's row depends on the sites ranked with it, so ranking the one site alone (as adding did) gave
remotefirstjobs.com its home page instead of /career-advice/home-office, and calmcalendar.co another
linked page and reason. A site the list does not show is still added, scored on its own, and the note
says so. These tests use the real model (the rows are the sample ledger's real ranking).
"""

from __future__ import annotations

import copy
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient
from web_samples import (  # noqa: F401 - fixtures
    CSRF,
    SURVEY,
    Sample,
    example_installed_fixture,
    example_site_fixture,
    web_sample_fixture,
    web_sample_template,
)

from assistant.web.app import create_app

PRODUCTIVITY = "productivity-tips-listicle.md"
# Sites the sample has already pitched about the survey: the page shows a link to the pitch instead.
PITCHED = {"workfromanywhere.blog", "themanagersdesk.com", "hybridhq.com", "leanteams.org", "teamtooling.com",
           "solofounder.club", "nomadnotes.travel"}


@dataclass
class Row:
    """A prospect as a list shows it."""

    site: str
    score: str  # as shown: two decimals
    reasons: list[str]
    page: str | None
    page_reason: str
    template: str
    form: dict[str, str]  # the Add to outreach form's fields (web only)


def pitch_of(sample: Sample, site: str) -> dict[str, Any]:
    conn = sample.db()
    try:
        [row] = [dict(r) for r in conn.execute("SELECT * FROM pitches WHERE site = ?", (site,))]
    finally:
        conn.close()
    context = json.loads(row["context"])
    return {"page": row["page_url"], "reasons": json.loads(row["reasons"]), "template": row["template"],
            "page_reason": context["prospect"]["pitch_reason"], "score": f"{context['prospect']['score']:.2f}"}


def assert_pitch_is_row(sample: Sample, row: Row) -> None:
    pitch = pitch_of(sample, row.site)
    shown = {"page": row.page, "reasons": row.reasons, "template": row.template, "page_reason": row.page_reason,
             "score": row.score}
    assert pitch == shown, row.site


# --------------------------------------------------------------------------- the web app


@pytest.fixture
def client(web_sample: Sample, shared_embedder: Any) -> Iterator[TestClient]:
    app = create_app([web_sample.content], hosts=["testserver"], csrf=CSRF)
    app.state.site._embedder = embedder = copy.copy(shared_embedder)  # the model loaded once a session,
    embedder.cache = None  # without the session's cache: its connection belongs to another thread
    with TestClient(app, follow_redirects=False) as c:
        yield c


def web_rows(page: str) -> list[Row]:
    """The rows of the prospects table that have an Add to outreach form."""
    out = []
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    for tr in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", tr, flags=re.S)
        form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', cells[5]))
        if not form:
            continue  # already pitched: a link to its pitch
        url = re.search(r'<span class="url">(.*?)</span>', cells[4])
        reason, _, template = re.search(r'<span class="muted">(.*?)</span>', cells[4], flags=re.S)[1].rpartition(" · ")
        out.append(Row(site=html.unescape(form["site"]), score=cells[2].strip(),
                       reasons=[html.unescape(r) for r in re.findall(r"<li>(.*?)</li>", cells[3], flags=re.S)],
                       page=html.unescape(url[1]) if url else None, page_reason=html.unescape(reason),
                       template=template.strip(), form={k: html.unescape(v) for k, v in form.items()}))
    return out


@pytest.mark.parametrize(("draft", "options", "expected"), [
    (SURVEY, {}, {"remotefirstjobs.com", "calmcalendar.co"}),
    (SURVEY, {"include_linking": "1", "limit": "9"}, {"focusfriday.net", "zoomfatigue.report", "asyncweekly.dev"}),
    (PRODUCTIVITY, {}, {"calmcalendar.co", "remotefirstjobs.com"}),
])
def test_add_to_outreach_in_the_app_makes_the_pitch_of_the_row_clicked(
        client: TestClient, web_sample: Sample, draft: str, options: dict[str, str], expected: set[str]) -> None:
    page = client.get("/prospects?" + urlencode({"path": draft, **options}))
    assert page.status_code == 200, page.text[:300]
    rows = web_rows(page.text)
    assert expected <= {r.site for r in rows} and not PITCHED & {r.site for r in rows}
    for row in rows:
        assert row.form["path"] == draft and row.form["csrf"] == CSRF
        response = client.post("/outreach/add", data=row.form)  # what the browser posts for this row
        assert response.status_code == 303 and response.headers["location"].startswith("/outreach/pitch/"), \
            html.unescape(response.headers["location"])
        assert_pitch_is_row(web_sample, row)
        assert "scored on its own" not in html.unescape(response.headers["location"])
    if options:  # the list the pitches came from is the list shown again, each row now a pitch
        again = client.get("/prospects?" + urlencode({"path": draft, **options})).text
        assert web_rows(again) == [] and all(f"<td>{r.site}" in again for r in rows)


def test_the_survey_rows_are_the_ones_the_reviewer_saw(client: TestClient, web_sample: Sample) -> None:
    """The report: remotefirstjobs.com listed with its /career-advice/home-office page, pitched with its
    home page; calmcalendar.co shown as resource-page, pitched as you-linked-to with another reason."""
    rows = {r.site: r for r in web_rows(client.get(f"/prospects?path={SURVEY}").text)}
    jobs, calm = rows["remotefirstjobs.com"], rows["calmcalendar.co"]
    assert jobs.page == "https://remotefirstjobs.com/career-advice/home-office"
    assert jobs.reasons[0].startswith("linked to asyncfirst.io/")
    assert calm.template == "you-linked-to"  # the template the pitch gets is the one the row names
    for row in (jobs, calm):
        client.post("/outreach/add", data=row.form)
        assert_pitch_is_row(web_sample, row)


def test_a_site_the_list_does_not_show_is_added_scored_on_its_own(client: TestClient, web_sample: Sample) -> None:
    from assistant import documents
    from assistant.prospects import rank

    shown = {r.site for r in web_rows(client.get(f"/prospects?path={SURVEY}").text)}
    assert "focusfriday.net" not in shown  # it links to you: left out of the default list
    response = client.post("/outreach/add", data={"csrf": CSRF, "path": SURVEY, "site": "focusfriday.net",
                                                  "limit": "20"})
    location = html.unescape(response.headers["location"])
    assert response.status_code == 303 and location.startswith("/outreach/pitch/")
    page = html.unescape(client.get(location).text)
    assert "not in the top 20 prospects with these options: scored on its own" in page
    conn = web_sample.db()
    alone = rank.prospect_for(conn, documents.load(str(web_sample.content / SURVEY)), client.app.state.site.embedder(),
                              "focusfriday.net", own_domain="remotely.blog")
    conn.close()
    assert alone is not None and pitch_of(web_sample, "focusfriday.net")["page"] == alone.pitch_url


def test_a_bad_limit_in_the_form_goes_back_to_the_list_with_its_options(client: TestClient) -> None:
    response = client.post("/outreach/add", data={"csrf": CSRF, "path": SURVEY, "site": "calmcalendar.co",
                                                  "limit": "0", "include_linking": "1"})
    location = response.headers["location"]
    assert response.status_code == 303 and location.startswith("/prospects?")
    query = parse_qs(location.partition("?")[2])
    assert query["include_linking"] == ["1"] and query["error"] == ["limit must be between 1 and 1000"]


# --------------------------------------------------------------------------- the commands


def cli(*args: str, code: int = 0) -> Any:
    from assistant.cli import cli as main

    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == code, (args, result.output)
    return result


def cli_rows(draft: str, *options: str) -> dict[str, Row]:
    """`assist prospects DRAFT` as a person reads it (the text blocks) and as a script does (JSON)."""
    data = {d["domain"]: d for d in json.loads(cli("prospects", draft, "--json", *options).stdout)}
    text = cli("prospects", draft, *options).stdout
    out = {}
    for block in text.split("\n\n")[1:]:
        flat = " ".join(block.split())
        head = re.match(r"(\d+) (\S+) (-?\d+\.\d\d)", flat)
        assert head, block
        page_reason, template = re.search(r"pitch \((.*); template (\S+)\):", flat).groups()
        site = head[2]
        out[site] = Row(site=site, score=head[3], reasons=data[site]["reasons"], page=data[site]["pitch_url"],
                        page_reason=page_reason, template=template, form={})
        assert page_reason == data[site]["pitch_reason"] and f"{data[site]['score']:.2f}" == head[3]
        assert data[site]["template"] == template  # the JSON names the template the pitch gets, as the text
        assert all(" ".join(r.split()) in flat for r in data[site]["reasons"])
    return out


@pytest.fixture
def commands(web_sample: Sample, shared_embedder: Any, monkeypatch: pytest.MonkeyPatch) -> Sample:
    from assistant.cli import prospects as cli_prospects
    from assistant.outreach import contacts

    monkeypatch.setattr(cli_prospects, "_embedder", lambda conn, cfg: shared_embedder)
    monkeypatch.setattr(contacts, "find_contacts", lambda url, **kw: [])  # no network: no contact found
    monkeypatch.setenv("COLUMNS", "80")  # one block per prospect
    monkeypatch.chdir(web_sample.content)
    return web_sample


@pytest.mark.parametrize(("draft", "options", "sites"), [
    (SURVEY, (), ["remotefirstjobs.com", "calmcalendar.co"]),
    (SURVEY, ("--include-linking", "--limit", "9"), ["focusfriday.net", "zoomfatigue.report", "asyncweekly.dev"]),
    (PRODUCTIVITY, (), ["calmcalendar.co", "remotefirstjobs.com"]),
])
def test_outreach_add_makes_the_pitch_of_the_prospects_row(commands: Sample, draft: str, options: tuple[str, ...],
                                                          sites: list[str]) -> None:
    rows = cli_rows(draft, *options)
    out = cli("outreach", "add", draft, *[a for s in sites for a in ("--site", s)], "--no-crawl", *options).stdout
    assert "scored on its own" not in out
    for site in sites:
        assert_pitch_is_row(commands, rows[site])


def test_outreach_add_of_a_site_not_listed_says_it_was_scored_on_its_own(commands: Sample) -> None:
    assert "focusfriday.net" not in cli_rows(SURVEY)
    out = cli("outreach", "add", SURVEY, "--site", "focusfriday.net", "--site", "calmcalendar.co", "--no-crawl").stdout
    [alone] = [line for line in out.splitlines() if "focusfriday.net" in line]
    assert alone.endswith("not in the top 20 prospects with these options: scored on its own")
    [listed] = [line for line in out.splitlines() if "calmcalendar.co" in line]
    assert "scored on its own" not in listed
    cli("outreach", "add", SURVEY, "--site", "nowhere.example", "--no-crawl", code=2)


def test_prospects_add_makes_the_pitches_of_the_rows_listed(commands: Sample) -> None:
    rows = cli_rows(SURVEY, "--include-linking")
    fresh = [site for site in rows if site not in PITCHED][:3]
    cli("prospects", SURVEY, "--include-linking", "--add", str(list(rows).index(fresh[-1]) + 1))
    for site in fresh:
        assert_pitch_is_row(commands, rows[site])
