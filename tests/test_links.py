"""The ledger end to end: exports in, `links check` against a web of many hosts on 127.0.0.1 (a
forward proxy, see links_web.py), every state and lost reason out through list, show and summary."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from links_web import Web, article

from assistant import db as db_mod
from assistant.cli import cli
from assistant.links import check as check_mod
from assistant.links.store import Own

OWN = "own.example"


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    w = Web().start()
    monkeypatch.setenv("HTTP_PROXY", w.proxy)
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.setenv("ASSIST_LINKS__OWN", json.dumps([OWN]))
    for path in ("/guide", "/tools", "/about"):
        w.page(f"http://{OWN}{path}", article(title=f"Own page {path}"))
    w.page(f"http://{OWN}/deleted", "<h1>gone</h1>", status=404)
    yield w
    w.stop()


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def a(href: str, text: str = "a guide", rel: str = "") -> str:
    return f'<a href="{href}"' + (f' rel="{rel}"' if rel else "") + f">{text}</a>"


def export(tmp_path: Path, rows: list[tuple[str, str, str]], name: str = "backlinks_2026-11-30.csv") -> Path:
    file = tmp_path / name
    file.write_text("source_url,target_url,anchor\n" + "".join(f"{s},{t},{an}\n" for s, t, an in rows))
    return file


def states(db_path: Path | None = None) -> dict[str, tuple[str, str | None]]:
    conn = db_mod.connect(db_path)
    return {r["source_url"]: (r["state"], r["reason"]) for r in conn.execute("SELECT * FROM backlinks")}


GUIDE = f"http://{OWN}/guide"


def build_web(web: Web) -> list[tuple[str, str, str]]:
    """One host per case: what each linking page shows, and the export that lists them."""
    web.page("http://live.example/post", article(a(GUIDE, "the plain-language guide")))
    web.page("http://footer.example/post", article(footer=a(GUIDE, "partner", rel="nofollow sponsored")))
    web.page("http://gone.example/post", "<h1>Not here</h1>", status=404)
    web.page("http://gone410.example/post", "<h1>Gone</h1>", status=410)
    web.redirect("http://moved.example/post", "http://elsewhere.example/new")
    web.page("http://elsewhere.example/new", article())
    web.page("http://noindex.example/post", article(a(GUIDE), head='<meta name="robots" content="noindex, follow">'))
    web.page("http://xrobots.example/post", article(a(GUIDE)), headers={"X-Robots-Tag": "noindex"})
    web.page("http://canon.example/post?ref=1", article(a(GUIDE), head='<link rel="canonical" href="http://canon.example/other">'))
    web.page("http://removed.example/post", article(a("http://third.example/", "someone else")))
    web.page("http://broken.example/post", article(a(f"http://{OWN}/deleted", "old page")))
    web.page("http://down.example/post", "<h1>Service Unavailable</h1>", status=503)
    web.robots("private.example", "User-agent: *\nDisallow: /\n")
    web.page("http://private.example/post", article(a(GUIDE)))
    web.page("http://more.example/post", article(a(GUIDE), a(f"http://www.{OWN}/tools/", "their tools")))
    rows = [(f"http://{h}.example/post", GUIDE, "guide") for h in
            ("live", "footer", "gone", "gone410", "moved", "noindex", "xrobots", "removed", "down", "private", "more")]
    rows.append(("http://canon.example/post?ref=1", GUIDE, "guide"))
    rows.append(("http://broken.example/post", f"http://{OWN}/deleted", "old page"))
    rows.append(("http://elsewhere.example/page", "http://not-mine.example/", "x"))  # to another site: skipped
    return rows


def test_every_state_and_reason_from_a_check(web: Web, tmp_path: Path) -> None:
    code, out, err = run("links", "import", str(export(tmp_path, build_web(web))))
    assert code == 0, err
    assert "as of 2026-11-30 (file name): 13 link(s) to your sites, 13 new; 1 row(s) to other sites skipped" in out

    code, out, err = run("links", "check", "--delay", "0", "--timeout", "2")
    assert code == 1  # links were newly lost: for cron
    got = states()
    assert got["http://live.example/post"] == ("live", None)
    assert got["http://footer.example/post"] == ("live", None)
    assert got["http://gone.example/post"] == ("lost", "page-gone")
    assert got["http://gone410.example/post"] == ("lost", "page-gone")
    assert got["http://moved.example/post"] == ("lost", "redirected")
    assert got["http://noindex.example/post"] == ("lost", "noindex")
    assert got["http://xrobots.example/post"] == ("lost", "noindex")
    assert got["http://canon.example/post?ref=1"] == ("lost", "not-canonical")
    assert got["http://removed.example/post"] == ("lost", "link-removed")
    assert got["http://broken.example/post"] == ("lost", "target-broken")
    assert got["http://down.example/post"] == ("unverified", "HTTP 503")
    assert got["http://private.example/post"] == ("unverified", "robots.txt disallows the page")
    assert got["http://more.example/post"] == ("live", None)
    lost_lines = [line for line in err.splitlines() if line.startswith("lost: ")]
    assert len(lost_lines) == 8
    assert "lost: http://broken.example/post -> http://own.example/deleted: target-broken" in err
    assert "/post" not in web.paths("private.example")  # robots.txt was obeyed

    conn = db_mod.connect()
    footer = conn.execute("SELECT * FROM backlinks WHERE source_url = 'http://footer.example/post'").fetchone()
    assert (footer["placement"], footer["nofollow"], footer["sponsored"], footer["anchor"]) == ("footer", 1, 1, "partner")
    live = conn.execute("SELECT * FROM backlinks WHERE source_url = 'http://live.example/post'").fetchone()
    assert (live["placement"], live["anchor"]) == ("content", "the plain-language guide")
    # a second link to you on a checked page enters the ledger, checked
    found = conn.execute("SELECT * FROM backlinks WHERE source_url = 'http://more.example/post'"
                         " AND target_url LIKE '%tools%'").fetchone()
    assert (found["origin"], found["state"], found["anchor"]) == ("check", "live", "their tools")

    code, out, _ = run("links", "list", "--state", "lost", "--format", "json")
    rows = json.loads(out)
    assert sorted({r["reason"] for r in rows}) == ["link-removed", "noindex", "not-canonical", "page-gone",
                                                  "redirected", "target-broken"]
    code, out, _ = run("links", "list", "--state", "unverified")
    assert "down.example" in out and "HTTP 503" in out and "private.example" in out
    code, out, _ = run("links", "show", "http://moved.example/post")
    assert code == 0 and "lost (redirected)" in out
    assert "HTTP 301 after 1 redirect(s), at http://elsewhere.example/new" in out  # another site: not fetched
    code, out, _ = run("links", "summary", "--json")
    data = json.loads(out)
    assert data["by_state"]["lost"] == 8 and data["lost_by_reason"]["page-gone"] == 2
    assert data["snapshots"][0]["as_of"] == "2026-11-30" and data["snapshots"][0]["elsewhere"] == 1

    # nothing newly lost the second time: exit 0 (down.example is still only unverified)
    code, out, err = run("links", "check", "--delay", "0", "--timeout", "2")
    assert code == 0, err
    assert states()["http://down.example/post"] == ("unverified", "HTTP 503")


def test_changed_anchor_and_rel_and_a_link_that_comes_back(web: Web, tmp_path: Path) -> None:
    web.page("http://blog.example/post", article(a(GUIDE, "first anchor")))
    assert run("links", "add", "http://blog.example/post", "--to", GUIDE)[0] == 0
    assert run("links", "check", "--delay", "0")[0] == 0
    web.page("http://blog.example/post", article(a(GUIDE, "second anchor", rel="ugc")))
    assert run("links", "check", "--delay", "0")[0] == 0
    conn = db_mod.connect()
    row = conn.execute("SELECT * FROM backlinks").fetchone()
    assert row["state"] == "changed"
    assert row["reason"] == "anchor 'first anchor' -> 'second anchor'; rel follow -> ugc"
    assert run("links", "check", "--delay", "0")[0] == 0
    assert states()["http://blog.example/post"] == ("live", None)  # the same again: live
    web.page("http://blog.example/post", article())
    assert run("links", "check", "--delay", "0")[0] == 1
    web.page("http://blog.example/post", article(a(GUIDE, "second anchor", rel="ugc")))
    assert run("links", "check", "--delay", "0")[0] == 0
    assert states()["http://blog.example/post"] == ("live", None)
    code, out, _ = run("links", "show", "blog.example", "--json")
    history = [c["state"] for c in json.loads(out)[0]["checks"]]
    assert history == ["live", "changed", "live", "lost", "live"]


def test_an_unverified_link_is_lost_only_after_repeated_failures_across_a_day(web: Web) -> None:
    web.page("http://slow.example/post", article(a(GUIDE)), delay=3)
    assert run("links", "add", "http://slow.example/post", "--to", GUIDE)[0] == 0
    conn = db_mod.connect()
    start = datetime(2026, 12, 1, 9, tzinfo=UTC)
    opts = check_mod.CheckOptions(delay=0, timeout=0.3)
    seen = []
    for hours in (0, 1, 2, 30):  # three failures within hours; the fourth a day after the first
        report = check_mod.check(conn, Own([OWN]), opts, now=lambda h=hours: start + timedelta(hours=h))
        seen.append((report.changes[0].after, report.changes[0].reason))
    assert seen[:3] == [("unverified", "timed out after 0.3 s")] * 3
    assert seen[3] == ("lost", "unreachable")
    row = conn.execute("SELECT failures, failing_since FROM backlinks").fetchone()
    assert (row["failures"], row["failing_since"]) == (4, "2026-12-01T09:00:00Z")


def test_conditional_requests_and_per_host_spacing(web: Web) -> None:
    for i in range(4):
        web.page(f"http://spaced.example/p{i}", article(a(GUIDE)), etag=True)
        run("links", "add", f"http://spaced.example/p{i}", "--to", GUIDE)
    assert run("links", "check", "--delay", "0.3")[0] == 0
    hits = [h for h in web.hits if h.host == "spaced.example"]
    assert [h.path for h in hits][0] == "/robots.txt"
    gaps = [b.at - a_.at for a_, b in zip(hits, hits[1:], strict=False)]
    assert min(gaps) >= 0.28, gaps
    web.hits.clear()
    assert run("links", "check", "--delay", "0")[0] == 0
    pages = [h for h in web.hits if h.host == "spaced.example" and h.path.startswith("/p")]
    assert all(h.headers.get("if-none-match") for h in pages) and len(pages) == 4
    assert set(states().values()) == {("live", None)}  # a 304 keeps what the page showed


def test_an_interrupted_run_is_resumed(web: Web) -> None:
    for i in range(6):
        web.page(f"http://r{i}.example/post", article(a(GUIDE)))
        run("links", "add", f"http://r{i}.example/post", "--to", GUIDE)
    conn = db_mod.connect()
    own = Own([OWN])
    calls = []

    def stop_after_three(done: int, total: int) -> None:
        calls.append(done)
        if done == 4:  # the target, then three pages
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check_mod.check(conn, own, check_mod.CheckOptions(delay=0, workers=1), progress=stop_after_three)
    checked = conn.execute("SELECT count(*) FROM backlinks WHERE last_checked IS NOT NULL").fetchone()[0]
    assert checked == 3
    web.hits.clear()
    report = check_mod.check(conn, own, check_mod.CheckOptions(delay=0))
    assert report.resumed_from is not None and report.links == 3
    assert len([h for h in web.hits if h.path == "/post"]) == 3
    report = check_mod.check(conn, own, check_mod.CheckOptions(delay=0))
    assert report.resumed_from is None and report.links == 6


@pytest.mark.parametrize(("args", "message"), [
    (["links", "import", "missing.csv"], "missing.csv"),
    (["links", "add", "not a url", "--to", GUIDE], "is not an http(s) URL"),
    (["links", "add", "http://blog.example/", "--to", "http://someone-else.example/"], "not on one of your sites"),
    (["links", "show", "nowhere.example"], "no link in the ledger"),
    (["links", "list", "--since", "soon"], "--since"),
    (["links", "import", "--as-of", "2026-02-30", "x.csv"], "is not a date"),
    (["links", "check", "--stale", "forever"], "--stale"),
])
def test_bad_input_is_one_line_and_exit_2(web: Web, args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code == 2, (out, err)
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_without_your_sites_the_ledger_says_how_to_set_them(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ASSIST_LINKS__OWN", raising=False)
    code, _, err = run("links", "check")
    assert code == 2 and "[links] own" in err


def test_reimporting_never_duplicates_and_keeps_the_earliest_first_seen(web: Web, tmp_path: Path) -> None:
    rows = [("http://a.example/p", GUIDE, "x"), ("http://b.example/p", GUIDE, "y")]
    run("links", "import", str(export(tmp_path, rows, "links_2026-11-01.csv")))
    run("links", "import", str(export(tmp_path, rows[:1], "links_2026-10-01.csv")))
    conn = db_mod.connect()
    got = {r["source_url"]: (r["first_seen"], r["last_export"]) for r in conn.execute("SELECT * FROM backlinks")}
    assert got == {"http://a.example/p": ("2026-10-01T00:00:00Z", "2026-11-01"),
                   "http://b.example/p": ("2026-11-01T00:00:00Z", "2026-11-01")}
    assert conn.execute("SELECT count(*) FROM backlink_snapshots").fetchone()[0] == 2


def test_the_ledger_tables_are_real_sqlite(tmp_path: Path) -> None:
    conn = db_mod.connect(tmp_path / "x.db")
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"backlinks", "backlink_checks", "backlink_pages", "backlink_targets", "backlink_snapshots",
            "backlink_runs", "backlink_reviews"} <= names
    assert isinstance(conn, sqlite3.Connection)


def test_summary_counts_new_lost_and_standing_links_and_sites_per_week(tmp_path: Path) -> None:
    from assistant.links import queries, store

    conn = db_mod.connect(tmp_path / "s.db")
    monday = datetime(2026, 11, 2, 12, tzinfo=UTC)  # ISO week 45
    day = lambda d: store.now_text(monday + timedelta(days=d))  # noqa: E731
    store.add_links(conn, [
        store.NewLink("http://old.example/a", GUIDE, OWN, "plain", "2026-09-01T00:00:00Z"),  # before the window
        store.NewLink("http://one.example/a", GUIDE, OWN, "plain", day(1)),  # week 45
        store.NewLink("http://one.example/b", GUIDE, OWN, "plain", day(2)),  # week 45, same site
        store.NewLink("http://two.example/a", GUIDE, OWN, "plain", day(8)),  # week 46
    ])
    rows = {r["source_url"]: r for r in conn.execute("SELECT * FROM backlinks")}
    store.apply(conn, rows["http://one.example/a"], store.Outcome("lost", "page-gone"), now=monday + timedelta(days=9))
    store.apply(conn, rows["http://old.example/a"], store.Outcome("lost", "link-removed"), now=monday + timedelta(days=16))
    data = queries.summary(conn, weeks=3, now=monday + timedelta(days=17))
    assert [(w["week"], w["new"], w["lost"], w["links"], w["referring_sites"]) for w in data["weeks"]] == [
        ("2026-W45", 2, 0, 3, 2), ("2026-W46", 1, 1, 3, 3), ("2026-W47", 0, 1, 2, 2)]
    assert data["lost_by_reason"] == {"page-gone": 1, "link-removed": 1}
    assert data["referring_sites"] == 2 and data["by_state"]["lost"] == 2


def test_list_filters_and_formats(web: Web, tmp_path: Path) -> None:
    web.page("http://kept.example/post", article(a(GUIDE, "=cmd|' /C calc'!A0")))
    web.page("http://dropped.example/post", article())
    for host in ("kept", "dropped"):
        run("links", "add", f"http://{host}.example/post", "--to", GUIDE)
    run("links", "check", "--delay", "0")
    _, out, _ = run("links", "list", "--state", "new", "--format", "json")
    assert [r["source_url"] for r in json.loads(out)] == ["http://kept.example/post"]  # new and not lost
    _, out, _ = run("links", "list", "--state", "lost", "--since", "1d", "--format", "csv")
    lines = out.splitlines()
    assert lines[0].startswith("state,reason,source_url") and "dropped.example" in lines[1]
    _, out, _ = run("links", "list", "--site", "kept.example", "--format", "csv")
    assert "'=cmd" in out  # a formula in an anchor is made text for spreadsheets
    _, out, _ = run("links", "list", "--state", "lost", "--since", "1d")
    assert "link-removed" in out and "kept.example" not in out


def test_hostile_pages_end_unverified_not_lost(web: Web) -> None:
    big = article(a("http://third.example/")).replace("</article>", "<p>filler</p>" * 300_000 + a(GUIDE) + "</article>")
    web.page("http://huge.example/post", big)  # 3.6 MB, the link at the end
    web.redirect("http://loop.example/a", "http://loop.example/b")
    web.redirect("http://loop.example/b", "http://loop.example/a")
    web.page("http://binary.example/post", "\x00\x01PNG" * 1000, headers={"Content-Type": "image/png"})
    for url in ("http://huge.example/post", "http://loop.example/a", "http://binary.example/post",
                "http://nowhere.example/post"):
        assert run("links", "add", url, "--to", GUIDE)[0] == 0
    code, out, err = run("links", "check", "--delay", "0")
    assert code == 0, err  # nothing is lost on one failure
    got = states()
    assert got["http://huge.example/post"] == (
        "unverified", "the page is over 2,000,000 bytes and the link is not in the part read")
    assert got["http://loop.example/a"] == ("unverified", "more than 5 redirects")
    assert got["http://binary.example/post"] == ("unverified", "not an HTML page (image/png)")
    # the proxy could not reach it: robots.txt answered 502, so the site counts as disallowed (RFC 9309)
    assert got["http://nowhere.example/post"] == ("unverified", "robots.txt answered 502: the site is treated as disallowed")


def test_domain_and_limit_narrow_a_check(web: Web) -> None:
    for host in ("a.one.example", "one.example", "two.example"):
        web.page(f"http://{host}/post", article(a(GUIDE)))
        run("links", "add", f"http://{host}/post", "--to", GUIDE)
    code, out, _ = run("links", "check", "--delay", "0", "--domain", "one.example", "--json")
    assert json.loads(out)["links"] == 2 and states()["http://two.example/post"] == ("unchecked", None)
    code, out, _ = run("links", "check", "--delay", "0", "--limit", "1", "--restart", "--json")
    assert json.loads(out)["links"] == 1
    code, out, _ = run("links", "check", "--delay", "0", "--stale", "1h", "--json")
    assert json.loads(out)["links"] == 0  # all checked within the hour


def test_a_bad_export_keeps_its_good_rows_and_says_which_are_bad(web: Web, tmp_path: Path) -> None:
    rows = "".join(f"http://s{i}.example/p,{GUIDE},anchor {i}\n" for i in range(50))
    bad = tmp_path / "links.csv"
    bad.write_text("source_url,target_url,anchor\n" + rows.replace("anchor 10\n", '"anchor 10\n', 1)
                   + "not a url,also not,x\n")
    code, out, err = run("links", "import", str(bad))
    assert code == 0
    assert "49 link(s) to your sites" in out and "2 malformed" in out  # 51 rows: 49 good
    assert "line 12" in err and "line 52" in err
    binary = tmp_path / "export.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    code, _, err = run("links", "import", str(binary))
    assert code == 2 and len(err.strip().splitlines()) == 1


# --------------------------------------------------------------------------- defects a review reproduced


def test_a_page_that_redirects_to_another_site_is_lost_even_if_the_link_is_there(web: Web) -> None:
    web.redirect("http://hop.example/post", "http://away.example/post")
    web.page("http://away.example/post", article(a(GUIDE)))
    web.redirect("http://same.example/old", "http://www.same.example/new")  # the same site: followed
    web.page("http://www.same.example/new", article(a(GUIDE)))
    for url in ("http://hop.example/post", "http://same.example/old"):
        assert run("links", "add", url, "--to", GUIDE)[0] == 0
    code, _, err = run("links", "check", "--delay", "0")
    assert code == 1 and "lost: http://hop.example/post -> http://own.example/guide: redirected" in err
    assert states() == {"http://hop.example/post": ("lost", "redirected"),
                        "http://same.example/old": ("live", None)}
    assert web.paths("away.example") == []  # another site's page is not fetched for a link to you


def test_same_site_redirects_from_two_hosts_keep_the_spacing_of_the_host_they_lead_to(web: Web) -> None:
    # www.site.example and site.example:8080 are two origins of one site; both redirect to a third,
    # http://site.example, which the pool does not schedule: its spacing is the fetcher's to keep.
    for i, origin in enumerate(("http://www.site.example", "http://site.example:8080")):
        web.redirect(f"{origin}/p{i}", f"http://site.example/t{i}")
        web.page(f"http://site.example/t{i}", article(a(GUIDE)))
        assert run("links", "add", f"{origin}/p{i}", "--to", GUIDE)[0] == 0
    assert run("links", "check", "--delay", "1", "--workers", "4")[0] == 0
    assert set(states().values()) == {("live", None)}
    landed = [h.at for h in web.hits if h.host == "site.example" and h.path.startswith("/t")]
    assert len(landed) == 2 and landed[1] - landed[0] >= 0.95, landed


def test_an_interrupted_check_returns_at_once_though_a_host_asks_for_a_long_crawl_delay(web: Web) -> None:
    import time

    web.robots("slow.example", "User-agent: *\nCrawl-delay: 30\n")
    for url in ("http://slow.example/p1", "http://slow.example/p2", "http://fast.example/post"):
        web.page(url, article(a(GUIDE)))
        run("links", "add", url, "--to", GUIDE)
    conn = db_mod.connect()

    def interrupt(done: int, total: int) -> None:
        if done >= 2:  # the target, then the first page
            raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        check_mod.check(conn, Own([OWN]), check_mod.CheckOptions(delay=0, workers=4), progress=interrupt)
    assert time.monotonic() - started < 5
    assert web.paths("slow.example") == ["/robots.txt"]  # its first page was due 30 s later


def test_a_partial_check_does_not_add_a_link_the_ledger_has_under_another_spelling(web: Web) -> None:
    for path in ("/a", "/b"):
        web.page(f"http://{OWN}{path}", article(title=path))
    web.page("http://p.example/page", article(a(f"http://{OWN}/a"), a(f"http://{OWN}/b")))
    assert run("links", "add", "http://p.example/page", "--to", f"http://{OWN}/a")[0] == 0
    assert run("links", "add", "http://p.example/page", "--to", f"http://www.{OWN}/b/")[0] == 0
    code, out, err = run("links", "check", "--delay", "0", "--limit", "1", "--json")
    assert code == 0, err
    assert json.loads(out)["found"] == 0
    conn = db_mod.connect()
    assert sorted(r[0] for r in conn.execute("SELECT target_url FROM backlinks")) == [
        f"http://{OWN}/a", f"http://www.{OWN}/b/"]


def test_the_ledger_has_an_index_on_the_linked_page(tmp_path: Path) -> None:
    conn = db_mod.connect(tmp_path / "x.db")
    plan = " ".join(r[3] for r in conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM backlinks WHERE target_url = ?", ("http://own.example/",)))
    assert "backlinks_target_url" in plan


def test_a_page_nested_past_the_parser_limit_leaves_the_link_unverified_not_removed(web: Web) -> None:
    deep = "<div>" * 2_100 + a(GUIDE) + "</div>" * 2_100
    web.page("http://deep.example/post", article(deep))
    assert run("links", "add", "http://deep.example/post", "--to", GUIDE)[0] == 0
    code, _, err = run("links", "check", "--delay", "0")
    assert code == 0, err
    state, reason = states()["http://deep.example/post"]
    assert state == "unverified" and reason is not None and "nested over 2,048 deep" in reason
    assert "\n" not in reason


BAD_TEXT = "http://bad\udcff.example/"  # bytes that are not UTF-8, as Python passes them in argv


@pytest.mark.parametrize(("args", "message"), [
    (["links", "check", "--stale", "99999999999d"], "--stale"),
    (["links", "show", BAD_TEXT], "not valid text"),
    (["links", "list", "--site", BAD_TEXT], "not valid text"),
    (["links", "keep", BAD_TEXT], "not valid text"),
    (["links", "add", BAD_TEXT, "--to", GUIDE], "not valid text"),
    (["links", "add", "http://blog.example/", "--to", BAD_TEXT], "not valid text"),
    (["links", "disavow", "--add", BAD_TEXT], "not valid text"),
    (["links", "check", "--domain", BAD_TEXT], "not valid text"),
    (["links", "keep", "http://[::1"], "is not a site"),
])
def test_out_of_range_and_undecodable_arguments_are_one_line_usage_errors(
        web: Web, args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code == 2, (out, err)
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("entry", ["localhost", "http://spam.example/" + "a" * 3_000])
def test_a_disavow_entry_google_would_refuse_is_refused_before_it_is_stored(web: Web, entry: str) -> None:
    code, _, err = run("links", "disavow", "--add", entry)
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert db_mod.connect().execute("SELECT count(*) FROM backlink_reviews").fetchone()[0] == 0
    code, out, err = run("links", "disavow")  # later runs still work
    assert code == 0, err
    assert out.startswith("# Disavow file")
