"""Terminal output at fixed widths: URLs, domains and paths are never cut short with "…".

The writer copies the page to pitch, the domain to pass to `outreach --site`, the path of the draft:
a truncated one is useless. Rendered with a console of a fixed width, no model loaded.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from assistant import documents
from assistant.cli import cli
from assistant.cli import prospects as cli_prospects
from assistant.prospects import store
from assistant.prospects.rank import Prospect, short_url
from assistant.score.render import render_text
from assistant.score.report import score_documents

PITCH = "https://www.remote-work-resource-collective.example/resources/asynchronous-communication/tools-and-guides"
LINKED = "https://asyncfirst.io/blog/2026/why-hybrid-teams-cancel-their-weekly-status-meetings-survey"
SOURCE = "https://www.remote-work-resource-collective.example/resources/asynchronous-communication/reading-list"
DOMAIN = "remote-work-resource-collective.example"


def prospect(domain: str = DOMAIN, score: float = 0.66) -> Prospect:
    return Prospect(
        domain=domain, name="Remote Work Resource Collective", score=score, topical_best=0.6, topical_typical=0.4,
        intersect=0.5, propensity=0.5, authority=29, authority_source="imported", penalty=0.0,
        reasons=[f"linked to {short_url(LINKED)}, similarity 0.63 (from {short_url(SOURCE)})",
                 "topic match 0.56 with its description (typical 0.37)", "authority 29 (imported metric)"],
        pitch_url=PITCH, pitch_reason=f"it links to {short_url(LINKED)}, a page like yours",
        template="resource-page",
    )


def render_prospects(width: int) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None, legacy_windows=False)
    doc = documents.load("draft.md", text="# Why hybrid teams meet less\n\nThey write things down instead.\n")
    cli_prospects._emit_table(doc, [prospect(), prospect("b.example", 0.5)], console)
    return out.getvalue()


@pytest.mark.parametrize("width", [60, 80, 100, 120, 160, 250, 300])
def test_prospects_never_cut_a_url_or_domain(width: int) -> None:
    text = render_prospects(width)
    assert "…" not in text
    for url in (PITCH, short_url(LINKED), short_url(SOURCE), DOMAIN):
        assert url in text, (width, url)


def test_narrow_terminals_get_one_block_per_prospect() -> None:
    text = render_prospects(80)
    lines = text.splitlines()
    assert "┃" not in text and "│" not in text  # no table
    head = next(i for i, line in enumerate(lines) if line.startswith(f"1  {DOMAIN}  0.66"))
    block = lines[head + 1 : head + 7]
    assert all(line.startswith("   ") for line in block)  # reasons and the pitch, indented under the rank
    assert "   topic match 0.56 with its description (typical 0.37)" in block
    assert f"   {PITCH}" in lines  # the pitch URL whole, on a line of its own, even wider than the terminal
    # wider than the terminal only where one URL alone is: it is never broken
    assert all(len(line) <= 80 or len(line.split()) == 1 for line in lines)
    assert any(line.startswith("2  b.example  0.50") for line in lines)


def test_wide_terminals_get_the_table_only_when_every_url_fits() -> None:
    wide = render_prospects(300)
    assert "┃ site" in wide and PITCH in wide
    assert not any(line.strip() == PITCH for line in wide.splitlines())  # inside the table, in one piece
    # narrower, the cells would fold the URLs: the blocks instead
    assert "┃" not in render_prospects(250)


def test_cli_prospects_at_80_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.prospects import rank

    draft = tmp_path / "d.md"
    draft.write_text("# Why hybrid teams meet less\n\nThey write things down instead.\n")
    conn = store_site(DOMAIN)
    conn.close()
    monkeypatch.setattr(cli_prospects, "_embedder", lambda conn, cfg: None)
    monkeypatch.setattr(rank, "rank", lambda *a, **kw: [prospect()])
    res = CliRunner().invoke(cli, ["prospects", str(draft)], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert "…" not in res.stdout and f"   {PITCH}\n" in res.stdout


def store_site(domain: str, **fields: object):  # type: ignore[no-untyped-def]
    from assistant import db

    conn = db.connect()
    store.upsert_site(conn, domain, source="catalog", **fields)
    return conn


@pytest.mark.parametrize("columns", ["60", "80"])
def test_sites_list_never_cuts_a_domain(columns: str) -> None:
    long = "a-rather-long-domain-name-for-remote-work-advice.example"
    conn = store_site(long, name="A Rather Long Site Name For Remote Work", authority=12)
    store_site("short.example", name="Short", authority=90).close()
    conn.close()
    res = CliRunner().invoke(cli, ["sites", "list"], env={"COLUMNS": columns})
    assert res.exit_code == 0, res.output
    assert "…" not in res.stdout
    assert long in res.stdout and "short.example" in res.stdout
    assert res.stdout.index("short.example") < res.stdout.index(long)  # highest authority first
    wide = CliRunner().invoke(cli, ["sites", "list"], env={"COLUMNS": "200"})
    assert "…" not in wide.stdout and f" {long} " in wide.stdout and "┃" not in wide.stdout


def test_sites_list_keeps_a_site_on_one_line_when_its_sources_do_not_fit() -> None:
    conn = store_site("focusfriday.net", name="Focus Friday", authority=75)
    for source in ("ahrefs", "gsc", "majestic", "plain", "semrush"):
        store.upsert_site(conn, "focusfriday.net", source=source)
    conn.close()
    res = CliRunner().invoke(cli, ["sites", "list"], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines() == [
        "focusfriday.net  Focus Friday; authority 75; 0 page(s); 0 link(s) out; "
        "catalog, ahrefs, gsc, majestic, plain, semrush"]


def test_sites_list_says_when_a_filter_matches_nothing() -> None:
    store_site("short.example", name="Short", authority=90).close()
    res = CliRunner().invoke(cli, ["sites", "list", "--source", "ahref"])
    assert res.exit_code == 0 and res.stderr.strip() == "No sites match --source ahref."


def test_score_report_never_cuts_the_path(tmp_path: Path) -> None:
    deep = tmp_path / "a-very-long-directory-name-for-drafts" / "another-long-subdirectory-name"
    deep.mkdir(parents=True)
    path = deep / "a-long-draft-file-name-as-well.md"
    path.write_text("# Notes on meetings\n\nTeams that write things down meet less. We cut two meetings.\n")
    [report] = score_documents([documents.load(str(path))], None)
    for width in (60, 80, 250):
        out = io.StringIO()
        render_text([report], Console(file=out, width=width, color_system=None, soft_wrap=False))
        lines = out.getvalue().splitlines()
        assert "…" not in out.getvalue(), width
        if len(str(path)) + 6 <= width:  # the path in the rule
            assert lines[0].startswith(f"{path} ─") and lines[0].endswith("─"), width
        else:  # the path whole on its own line (the terminal wraps it), then the rule
            assert lines[0] == str(path) and re.fullmatch("─+", lines[1]), width
