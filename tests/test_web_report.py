"""`assist report`: one self-contained HTML file with the drafts' scores, the links charts and the
outreach funnel; hostile text inert; --since; atomic; one-line errors; opened offline in Chromium.

The ledger and the pitches are made through the real APIs (links.store, outreach.pipeline). Most
tests score the drafts with a stand-in embedder (deterministic vectors, no model); the scores are
checked against `assist score` with the real model once (slow).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import sqlite3
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from assistant import db as db_mod
from assistant.cli import cli
from assistant.errors import UsageError
from assistant.links import queries, store
from assistant.outreach import pipeline, sequence
from assistant.web import report

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime.now(UTC).replace(microsecond=0)
HOSTILE = "<script>alert(1)</script>"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
OWN = "https://own.example/guide"


class FakeEmbedder:
    """Deterministic unit vectors from each text's hash: relevance is computed, no model loaded."""

    def encode(self, texts: list[str], progress: Any = None) -> np.ndarray:
        rows = []
        for text in texts:
            rng = np.random.default_rng(int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little"))
            vec = rng.normal(size=32).astype(np.float32)
            rows.append(vec / np.linalg.norm(vec))
        return np.stack(rows) if rows else np.zeros((0, 32), dtype=np.float32)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """sample_content/ copied, plus a draft whose title is hostile."""
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "sample_content", folder)
    (folder / "hostile.md").write_text(
        '---\ntitle: "<script>alert(1)</script> \\x1b[31m Evil \\u0007 \\u202egpj.exe"\n---\n\n# Heading\n\n'
        "Balcony gardens need six hours of sun. About 42% of renters grow herbs.\n", encoding="utf-8")
    return folder


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    connection = db_mod.connect()
    yield connection
    connection.close()


def fill_ledger(conn: sqlite3.Connection) -> None:
    """Six links: live, new, lost in the last 30 days and long ago, one with a hostile anchor and URL."""
    links = [
        ("https://alpha.example/post", ago(3), "anchor one"),
        ("https://alpha.example/other", ago(10), "anchor two"),
        ("https://beta.example/old", ago(100), "old anchor"),
        (f"https://evil.example/{HOSTILE}", ago(40), f"{HOSTILE}\x1b[2J\x07"),
        ("https://gamma.example/a", ago(200), "gamma"),
        ("https://delta.example/x", ago(5), None),
    ]
    store.add_links(conn, [store.NewLink(url, OWN, "own.example", "plain", store.now_text(seen), anchor=anchor)
                           for url, seen, anchor in links])
    rows = {r["source_url"]: r for r in conn.execute("SELECT * FROM backlinks")}
    store.apply(conn, rows["https://alpha.example/post"], store.Outcome("live", present=True, anchor="anchor one"),
                now=ago(1))
    store.apply(conn, rows["https://gamma.example/a"], store.Outcome("live", present=True, anchor="gamma"), now=ago(2))
    store.apply(conn, rows["https://alpha.example/other"], store.Outcome("lost", "page-gone"), now=ago(2))
    store.apply(conn, rows["https://beta.example/old"], store.Outcome("lost", "link-removed"), now=ago(60))
    store.apply(conn, rows[f"https://evil.example/{HOSTILE}"], store.Outcome("lost", "noindex"), now=ago(1))


def fill_pitches(conn: sqlite3.Connection) -> None:
    """Four pitches: won (a hostile site name), replied, declined long ago, new (a hostile template)."""
    plan = [(HOSTILE + "\x1b[31m", "resource", 5, "won"), ("b.example", "intro", 10, "replied"),
            ("c.example", "intro", 60, "declined"), ("d.example", f"<b>tmpl</b>{HOSTILE}\x07", 2, None)]
    for site, template, days, stage in plan:
        pid = pipeline.add(conn, pipeline.NewPitch(
            draft_key="https://greenbalcony.example/grow", draft_path="balcony.md", draft_url=None,
            draft_title="How to Grow Vegetables on a Small Balcony", site=site, page_url=None, template=template,
            context={}, reasons=["fits"]), now=ago(days))
        if stage:
            # what `outreach send` records when the pitch's first email leaves (it needs a mail server)
            conn.execute("UPDATE pitches SET first_sent_at = ? WHERE id = ?", (store.now_text(ago(days - 1)), pid))
            pipeline.set_stage(conn, pid, stage, now=ago(days - 1.5))


@pytest.fixture
def data(conn: sqlite3.Connection) -> sqlite3.Connection:
    fill_ledger(conn)
    fill_pitches(conn)
    return conn


def make(content: Path, tmp_path: Path, since: str | None = None, name: str = "report.html") -> str:
    output = tmp_path / name
    report.write([content], output, since=since, embedder=FakeEmbedder(), now=NOW)
    return output.read_text(encoding="utf-8")


def stats(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-stat="([\w-]+)"><span class="n">([^<]*)</span>', html))


def rows(html: str, table: str) -> list[list[str]]:
    body = re.search(rf'<table id="{table}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body, table
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)]


def number(text: str) -> int:
    return int(text.replace(",", ""))


# --------------------------------------------------------------------------- contents


def test_every_section_is_there_with_the_numbers_of_the_database(content: Path, tmp_path: Path,
                                                                   data: sqlite3.Connection) -> None:
    html = make(content, tmp_path)
    for section in ('id="drafts"', 'id="links"', 'id="outreach"'):
        assert section in html
    found = stats(html)
    # drafts: every draft of the folder, scored
    drafts = rows(html, "drafts-table")
    assert number(found["drafts"]) == len(drafts) == 5
    assert {"How to Grow Vegetables on a Small Balcony", "7 Simple Productivity Tips"} <= {
        re.sub(r"<div.*", "", d[0], flags=re.S).strip() for d in drafts}
    overall = [float(re.search(r'data-overall="([\d.]+)"', html[m.start():]).group(1))  # type: ignore[union-attr]
               for m in re.finditer(r"<tr><td>", html[html.index('id="drafts-table"'):html.index('id="links"')])]
    assert overall == sorted(overall, reverse=True)
    # links: totals, states, reasons and weeks as the ledger has them
    summary = queries.summary(data, weeks=report.DEFAULT_WEEKS, now=NOW)
    assert number(found["links"]) == data.execute("SELECT count(*) FROM backlinks").fetchone()[0] == 6
    assert number(found["referring-sites"]) == summary["referring_sites"]
    assert number(found["live"]) == summary["by_state"]["live"] == 2
    assert {r[0]: number(r[1]) for r in rows(html, "reasons-table")} == {
        "page-gone": 1, "link-removed": 1, "noindex": 1}
    weeks = rows(html, "weeks-table")
    assert len(weeks) == report.DEFAULT_WEEKS
    assert [[number(c) for c in w[2:]] for w in weeks] == [
        [w["new"], w["lost"], w["links"], w["referring_sites"]] for w in summary["weeks"]]
    assert number(found["new"]) == sum(w["new"] for w in summary["weeks"])
    assert [r[1] for r in rows(html, "sites-table")][0] == "1"
    # outreach: the funnel and per template, as `outreach summary` counts them
    outreach = sequence.summary(data)
    assert {k: number(found[k]) for k in ("pitches", "sent", "replied", "won")} == {
        "pitches": 4, "sent": 3, "replied": 2, "won": 1}
    assert {r[0]: number(r[1]) for r in rows(html, "stages-table")} == outreach["stages"]
    templates = {r[0]: [number(c) for c in r[1:5]] for r in rows(html, "templates-table")}
    assert templates["intro"] == [2, 2, 2, 0] and templates["resource"] == [1, 1, 0, 1]
    assert len(rows(html, "won-table")) == 1
    # the charts: inline SVG, one per view
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 5
    for label in ("Referring sites and links over time", "New and lost links per week", "Lost links by reason",
                  "Outreach funnel", "Drafts by overall score"):
        assert f'aria-label="{label}"' in html


def test_the_header_says_when_and_what_it_covers(content: Path, tmp_path: Path, data: sqlite3.Connection) -> None:
    html = make(content, tmp_path)
    header = html[html.index("<header>"):html.index("</header>")]
    assert NOW.strftime("%Y-%m-%d %H:%M") in header and "UTC" in header
    assert "12 weeks" in header and "Pitches: <b>all</b>" in header and str(content) in header
    html = make(content, tmp_path, since="30d")
    header = html[html.index("<header>"):html.index("</header>")]
    assert f"since {ago(30).strftime('%Y-%m-%d')}" in header and "--since 30d" in header


def test_the_file_is_self_contained(content: Path, tmp_path: Path, data: sqlite3.Connection) -> None:
    html = make(content, tmp_path)
    refs = re.findall(r"""\b(?:href|src|xlink:href|action|srcset|poster|data)\s*=\s*["']?([^"'\s>]*)""", html, re.I)
    assert refs and all(r.startswith("#") for r in refs), refs  # only the in-page links of the menu
    assert not re.search(r"<script", html, re.I)
    assert not re.search(r"<link\b", html, re.I) and not re.search(r"<(iframe|object|embed|img)\b", html, re.I)
    assert "@import" not in html and not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert "default-src 'none'" in html  # and the page forbids fetching anything, should anything slip in
    assert os.path.getsize(tmp_path / "report.html") < 1_000_000


def test_hostile_site_names_anchors_titles_and_templates_are_inert(content: Path, tmp_path: Path,
                                                                    data: sqlite3.Connection) -> None:
    html = make(content, tmp_path)
    assert "<script" not in html.lower()
    assert "<b>tmpl" not in html
    assert not CONTROL.search(html)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escaped + " [31m Evil  gpj.exe" in html  # the draft title, its right-to-left override dropped
    assert any(escaped in r[1] for r in rows(html, "won-table"))  # the site name
    assert any(r[2] == escaped + "[2J" for r in rows(html, "lost-table"))  # the anchor
    assert any(escaped in r[1] for r in rows(html, "lost-table"))  # the linking page
    assert any(r[0] == "&lt;b&gt;tmpl&lt;/b&gt;" + escaped for r in rows(html, "templates-table"))


# --------------------------------------------------------------------------- --since


def test_since_limits_the_links_and_the_pitches_to_the_period(content: Path, tmp_path: Path,
                                                              data: sqlite3.Connection) -> None:
    html = make(content, tmp_path, since="30d")
    found = stats(html)
    weeks = rows(html, "weeks-table")  # every ISO week the 30 days touch
    assert len(weeks) == report.period("30d", NOW).weeks in (5, 6)
    first = datetime.fromisoformat(weeks[0][1]).date()
    assert first <= ago(30).date() < first + timedelta(days=7)
    assert {r[0]: number(r[1]) for r in rows(html, "reasons-table")} == {"page-gone": 1, "noindex": 1}
    assert number(found["lost"]) == 2 and number(found["new"]) == 3  # alpha/post, alpha/other, delta
    assert number(found["links"]) == 6  # totals stand as of now
    assert all("beta.example" not in r[1] for r in rows(html, "lost-table"))
    assert {k: number(found[k]) for k in ("pitches", "sent", "replied", "won")} == {
        "pitches": 3, "sent": 2, "replied": 1, "won": 1}  # the declined pitch is 60 days old
    assert sequence.summary(data, since=ago(30))["stages"]["declined"] == 0
    assert sequence.summary(data)["stages"]["declined"] == 1


def test_since_with_nothing_in_the_period_says_so(content: Path, tmp_path: Path, conn: sqlite3.Connection) -> None:
    html = make(content, tmp_path, since="1h")
    assert "No links in the ledger yet" in html and "No pitches in this period" in html


@pytest.mark.parametrize(("since", "message"), [
    ("soon", "--since: 'soon' is not a duration"),
    ("0d", "--since 0d: give a period from 1 second to 520 weeks"),
    ("600w", "--since 600w: give a period"),
])
def test_a_bad_since_is_a_one_line_usage_error(content: Path, tmp_path: Path, since: str, message: str) -> None:
    result = CliRunner().invoke(cli, ["report", str(content), "-o", str(tmp_path / "r.html"), "--since", since])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.output
    assert not (tmp_path / "r.html").exists()


# --------------------------------------------------------------------------- files and errors


def test_the_cli_writes_the_report(content: Path, tmp_path: Path, data: sqlite3.Connection,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report, "_embedder", lambda cfg, conn: FakeEmbedder())
    out = tmp_path / "out.html"
    result = CliRunner().invoke(cli, ["report", str(content), "-o", str(out), "--since", "30d"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == f"wrote {out} ({out.stat().st_size:,} bytes)\n"
    html = out.read_text()
    assert number(stats(html)["drafts"]) == 5 and number(stats(html)["pitches"]) == 3


@pytest.mark.parametrize("where", ["missing-folder", "a-folder", "read-only"])
def test_an_unwritable_output_is_a_one_line_error(content: Path, tmp_path: Path, where: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[int] = []
    monkeypatch.setattr(report, "build", lambda *a, **k: called.append(1) or "")
    if where == "missing-folder":
        output, message = tmp_path / "nowhere" / "r.html", "the folder"
    elif where == "a-folder":
        output, message = tmp_path, "is a directory"  # click's check, before report.write's own
    elif os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        output, message = locked / "r.html", "Permission denied"
    elif Path("/sys").is_dir():  # root writes into any folder of a normal file system, not into sysfs
        output, message = Path("/sys/report.html"), "Permission denied"
    else:
        pytest.skip("no folder root cannot write to")
    result = CliRunner().invoke(cli, ["report", str(content), "-o", str(output)])
    lines = result.output.strip().splitlines()
    assert result.exit_code in (1, 2) and len(lines) == 1 and message in lines[0], result.output
    assert lines[0].startswith("Error: ") and str(output) in lines[0]
    assert not called  # refused before any draft was scored


def test_a_folder_as_output_is_refused_by_write_too(content: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder; name the HTML file to write"):
        report.write([content], tmp_path, since=None, embedder=FakeEmbedder())


def test_a_fifo_or_a_device_as_output_is_refused_and_left_alone(content: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Replacing a FIFO or a device by a file would destroy it (as root, ``-o /dev/null`` did)."""
    called: list[int] = []
    monkeypatch.setattr(report, "build", lambda *a, **k: called.append(1) or "")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock"))  # never /dev/null itself: a regression would destroy it as root
    for output in (fifo, tmp_path / "sock"):
        result = CliRunner().invoke(cli, ["report", str(content), "-o", str(output)])
        assert result.exit_code == 2 and result.output == (
            f"Error: {output} is not a regular file (a device, FIFO or socket); name the HTML file to write\n")
    sock.close()
    assert not called and stat.S_ISFIFO(fifo.stat().st_mode) and stat.S_ISSOCK((tmp_path / "sock").stat().st_mode)


def test_a_symbolic_link_as_output_writes_the_file_it_names_and_stays_a_link(content: Path, tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    real = tmp_path / "site" / "report.html"
    real.write_text("the old report")
    link = tmp_path / "latest.html"
    link.symlink_to(real)
    report.write([content], link, since=None, embedder=FakeEmbedder(), now=NOW)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith("<!doctype html>")
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["report.html"]  # no temporary left
    dangling = tmp_path / "next.html"
    dangling.symlink_to(tmp_path / "site" / "next.html")
    report.write([content], dangling, since=None, embedder=FakeEmbedder(), now=NOW)
    assert dangling.is_symlink() and (tmp_path / "site" / "next.html").read_text().startswith("<!doctype html>")


def test_a_file_name_that_is_not_utf8_is_shown_not_fatal(content: Path, tmp_path: Path) -> None:
    folder = os.fsencode(content)
    with open(os.path.join(folder, b"caf\xe9.md"), "wb") as f:
        f.write(b"# Caf\xc3\xa9 notes\n\nAbout 42% of cafes serve oat milk, says a 2025 survey.\n")
    html = make(content, tmp_path)
    assert number(stats(html)["drafts"]) == 6
    assert "caf\ufffd.md" in html


def test_an_empty_content_folder_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(cli, ["report", str(tmp_path / "empty"), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {tmp_path / 'empty'} is an empty folder; name the folder that holds your drafts"


def test_a_folder_without_drafts_still_writes_a_report_that_says_so(tmp_path: Path,
                                                                    data: sqlite3.Connection) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "links.csv").write_text("a,b\n")
    report.write([folder], tmp_path / "r.html", since=None, now=NOW)  # no draft: no model is loaded
    html = (tmp_path / "r.html").read_text()
    assert f"No drafts (.md, .markdown, .html, .txt) in {folder}" in html
    assert number(stats(html)["links"]) == 6 and 'id="drafts-table"' not in html


def test_a_draft_that_cannot_be_read_is_named_and_the_rest_are_scored(content: Path, tmp_path: Path) -> None:
    (content / "broken.md").write_bytes(b"")
    html = make(content, tmp_path)
    assert "broken.md: empty file" in html and number(stats(html)["drafts"]) == 5


def test_sigterm_while_scoring_leaves_the_old_report_and_no_temporary_file(content: Path, tmp_path: Path) -> None:
    """`kill PID` (a CI job cancelled, a timeout) during the report: it exits 143, as a process
    killed by SIGTERM would say, and cleans up as Ctrl-C does."""
    import subprocess
    import sys
    import time

    output = content / "report.html"
    output.write_text("the old report")
    env = {**os.environ, "ASSIST_HOME": str(tmp_path / "home"), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "report", str(content), "-o", str(output)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not list(content.glob(".report.html.*.tmp")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the report ended before it could be stopped"
    proc.terminate()
    assert proc.wait(timeout=30) == 143
    assert output.read_text() == "the old report" and not list(content.glob(".report.html.*"))
    assert b"Traceback" not in proc.stderr.read()  # type: ignore[union-attr]


def test_the_write_is_atomic(content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "report.html"
    output.write_text("the old report")
    output.chmod(0o640)

    def boom(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("rendering failed")

    monkeypatch.setattr(report, "render", boom)
    with pytest.raises(RuntimeError):
        report.write([content], output, since=None, embedder=FakeEmbedder(), now=NOW)
    assert output.read_text() == "the old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assist-home", "content", "report.html"]
    monkeypatch.undo()
    report.write([content], output, since=None, embedder=FakeEmbedder(), now=NOW)
    assert output.read_text().startswith("<!doctype html>")
    assert output.stat().st_mode & 0o777 == 0o640  # a replaced report keeps its permissions
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assist-home", "content", "report.html"]


def test_links_to_files_outside_the_folder_are_left_out_of_the_report(content: Path, tmp_path: Path) -> None:
    """A report is meant to be sent: a symbolic link in the folder to a private file, or to a folder,
    elsewhere never brings that file in (the app refuses the same links)."""
    private = tmp_path / "private"
    private.mkdir()
    (private / "secret.md").write_text("# TOP SECRET OUTSIDE\n\nThe salaries of everyone here.\n")
    (content / "leak.md").symlink_to(private / "secret.md")
    (content / "elsewhere").symlink_to(private, target_is_directory=True)
    (content / "alias.md").symlink_to(content / "remote-work-survey-2026.md")  # inside: the same draft, once
    html = make(content, tmp_path)
    assert "TOP SECRET" not in html and "salaries" not in html
    assert number(stats(html)["drafts"]) == 5
    assert report.find_drafts([private / "secret.md"], tmp_path / "r.html")[0] == [str(private / "secret.md")]


def test_a_report_in_the_content_folder_is_never_scored_as_a_draft(content: Path, tmp_path: Path) -> None:
    make(content, content, name="report.html")
    shutil.copy(content / "report.html", content / "last-week.html")
    html = make(content, content, name="report.html")
    assert number(stats(html)["drafts"]) == 5
    assert "report.html" not in " ".join(r[0] for r in rows(html, "drafts-table"))


def test_a_report_left_in_a_folder_is_no_draft_for_the_app_or_assist_score(content: Path, tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from assistant.web.app import create_app

    make(content, content, name="weekly.html")
    listing = TestClient(create_app([content], hosts=["testserver"])).get("/").text
    assert "weekly.html" not in listing and "remote-work-survey-2026.md" in listing
    result = CliRunner().invoke(cli, ["score", str(content), "--no-relevance", "--json"])
    assert result.exit_code == 0, result.output
    assert "weekly.html" not in result.stdout and "password-managers-explained.html" in result.stdout
    named = CliRunner().invoke(cli, ["score", str(content / "weekly.html"), "--no-relevance", "--json"])
    assert named.exit_code == 0 and "weekly.html" in named.stdout  # named on its own: scored as asked


def test_two_runs_on_the_same_data_write_the_same_bytes(content: Path, tmp_path: Path,
                                                        data: sqlite3.Connection) -> None:
    assert make(content, tmp_path, name="a.html") == make(content, tmp_path, name="b.html")


# --------------------------------------------------------------------------- the real model


def test_the_scores_are_those_of_assist_score(content: Path, tmp_path: Path, shared_embedder: Any) -> None:
    report.write([content], tmp_path / "r.html", since=None, embedder=shared_embedder, now=NOW)
    html = (tmp_path / "r.html").read_text()
    result = CliRunner().invoke(cli, ["score", str(content), "--json"],
                                obj={"embedder_factory": lambda model: shared_embedder})
    scored = {r["path"]: r for r in json.loads(result.stdout)}
    table = rows(html, "drafts-table")
    assert len(table) == len(scored) == 5
    for row in table:
        path = re.search(r'<div class="path">(.*?)</div>', row[0]).group(1)  # type: ignore[union-attr]
        expected = scored[path]  # the JSON rounds to 0.1, the table to whole points
        assert abs(float(row[2]) - expected["linkability"]["score"]) <= 0.55
        assert abs(float(row[3]) - expected["relevance"]["score"]) <= 0.55
        overall = re.search(r'data-overall="([\d.]+)"', html[html.index(f'<div class="path">{path}<'):])
        assert overall and abs(float(overall.group(1)) - expected["score"]) <= 0.051


# --------------------------------------------------------------------------- in a browser


def test_the_report_opens_offline_with_its_charts_drawn(content: Path, tmp_path: Path, data: sqlite3.Connection,
                                                        browser: Any) -> None:
    make(content, tmp_path)
    requests: list[str] = []
    dialogs: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    browser.context.set_offline(True)
    browser.context.route("**/*", route)
    browser.on("request", lambda req: None if req.url.startswith("file://") else requests.append(req.url))
    browser.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    browser.goto((tmp_path / "report.html").as_uri())
    drawn = browser.evaluate("""() => [...document.querySelectorAll('figure svg[role=img]')].map(svg => {
        const marks = [...svg.querySelectorAll('.series rect, .series path, .series polygon, .series circle')]
          .filter(el => { const b = el.getBBox(); return b.width > 0 || b.height > 0; });
        const box = svg.getBoundingClientRect();
        return {label: svg.getAttribute('aria-label'), marks: marks.length, width: box.width, height: box.height,
                values: [...svg.querySelectorAll('desc.value')].map(d => d.textContent)};
    })""")
    assert [d["label"] for d in drawn] == ["Drafts by overall score", "Referring sites and links over time",
                                           "New and lost links per week", "Lost links by reason", "Outreach funnel"]
    for chart in drawn:
        assert chart["marks"] > 0 and chart["width"] > 300 and chart["height"] > 100, chart
    funnel = drawn[-1]
    assert funnel["values"] == ["4", "3", "2", "1"]
    assert browser.locator("#templates-table").inner_text().count("<script>alert(1)</script>") == 1
    assert requests == [] and dialogs == []
