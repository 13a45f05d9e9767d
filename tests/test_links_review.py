"""Reclaim, the risk review, keep and the disavow file, from a ledger filled by real checks of a
web of local hosts (links_web.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from links_web import Web, article

from assistant import db as db_mod
from assistant.cli import cli
from assistant.links import disavow as dv
from assistant.links import review
from assistant.links.store import Own
from assistant.prospects import queries

OWN = "own.example"
GUIDE = f"http://{OWN}/guide"


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    w = Web().start()
    monkeypatch.setenv("HTTP_PROXY", w.proxy)
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.setenv("ASSIST_LINKS__OWN", json.dumps([OWN]))
    w.page(GUIDE, article(title="A plain-language guide to Python testing with pytest"))
    yield w
    w.stop()


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def a(href: str, text: str = "the guide", rel: str = "") -> str:
    return f'<a href="{href}"' + (f' rel="{rel}"' if rel else "") + f">{text}</a>"


def add_and_check(web: Web, pages: dict[str, str]) -> None:
    for url, html in pages.items():
        web.page(url, html)
        assert run("links", "add", url, "--to", GUIDE)[0] == 0
    code, _, err = run("links", "check", "--delay", "0")
    assert code == 0, err


def risky_web(web: Web) -> None:
    pages = {f"http://sitewide.example/p{i}": article(footer=a(GUIDE, "friends")) for i in range(5)}
    pages["http://money.example/post"] = article(a(GUIDE, "buy cheap python courses online"))
    pages["http://paid.example/post"] = article(a(GUIDE), title="Tools",
                                                head="").replace("<h1>Tools</h1>", "<h1>Tools</h1>\n<p>This post is sponsored by Acme.</p>")
    pages["http://paidok.example/post"] = pages["http://paid.example/post"].replace('">the guide', '" rel="sponsored">the guide')
    pages["http://dump.example/links"] = article(a(GUIDE), *(a(f"http://site{i}.example/", f"s{i}") for i in range(1000)))
    pages["http://directory.example/"] = article(a(GUIDE), title="Web directory: submit your site")
    pages["http://german.example/post"] = article(a(GUIDE, "Anleitung"), lang="de")
    pages["http://fine.example/post"] = article(a(GUIDE, "a clear guide to pytest"))
    add_and_check(web, pages)


def test_risk_review_names_each_marker_with_its_evidence(web: Web) -> None:
    risky_web(web)
    code, out, _ = run("links", "risk", "--no-topic", "--json")
    assert code == 0
    found = {s["site"]: {m["kind"]: m for m in s["markers"]} for s in json.loads(out)}
    assert set(found["sitewide.example"]) == {"sitewide"}
    assert "5 pages link to you from their footer" in found["sitewide.example"]["sitewide"]["evidence"]
    assert set(found["money.example"]) == {"commercial-anchor"}
    assert found["money.example"]["commercial-anchor"]["line"] is not None
    assert "paid-not-sponsored" in found["paid.example"]
    assert "sponsored" in found["paid.example"]["paid-not-sponsored"]["evidence"]
    assert "paidok.example" not in found  # disclosed and rel=sponsored: as Google asks
    assert "link-dump" in found["dump.example"]
    assert "directory" in found["directory.example"]
    assert set(found["german.example"]) == {"language-mismatch"}
    assert "fine.example" not in found

    assert run("links", "keep", "german.example", "--note", "a real German review")[0] == 0
    code, out, _ = run("links", "risk", "--no-topic", "--json")
    assert "german.example" not in {s["site"] for s in json.loads(out)}
    code, out, _ = run("links", "risk", "--no-topic", "--all")
    assert "german.example: 1 marker(s) on 1 link(s) [keep]" in out
    code, out, _ = run("links", "risk", "--no-topic")
    assert "  commercial-anchor: anchor 'buy cheap python courses online' (http://money.example/post line" in out


def test_disavow_writes_only_what_was_chosen_and_passes_check(web: Web, tmp_path: Path) -> None:
    risky_web(web)
    out_file = tmp_path / "disavow.txt"
    code, _, err = run("links", "disavow", "-o", str(out_file))
    assert code == 0 and dv.parse(out_file.read_text()) == []  # nothing chosen, nothing written
    code, _, err = run("links", "disavow", "--add", "money.example", "--add", "http://dump.example/links",
                       "-o", str(out_file))
    assert code == 0, err
    text = out_file.read_text()
    assert "domain:money.example\n" in text and "http://dump.example/links\n" in text
    assert "# chosen in the risk review: commercial-anchor" in text
    code, out, err = run("links", "disavow", "--check", str(out_file))
    assert code == 0 and "valid" in out

    existing = tmp_path / "current.txt"
    current = b"# my file\r\ndomain:old-spam.example\r\n\r\n# bought in 2019\r\nhttp://x.example/page\r\n"
    existing.write_bytes(current)
    code, out, err = run("links", "disavow", "--merge", str(existing), "-o", str(tmp_path / "merged.txt"))
    merged = (tmp_path / "merged.txt").read_bytes()
    assert code == 0 and merged.startswith(current)
    added = merged[len(current):].decode().split("\r\n")
    assert [line for line in added if line and not line.startswith("#")] == ["domain:money.example",
                                                                             "http://dump.example/links"]
    code, _, _ = run("links", "disavow", "--remove", "money.example", "-o", str(out_file))
    assert "money.example" not in out_file.read_text()


def test_disavow_check_reports_problems_with_line_numbers_and_refuses_limits(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("domain:ok.example\nexample.com/blog/*\n" + "x" * 10 + "\n")
    code, out, err = run("links", "disavow", "--check", str(bad))
    assert code == 1 and "line 2" in err and "error(s)" in err
    huge = tmp_path / "huge.txt"
    huge.write_text("".join(f"domain:a{i}.io\n" for i in range(100_001)))
    code, _, err = run("links", "disavow", "--check", str(huge))
    assert code == 1 and ("100,000" in err or "100000" in err)


def test_disavowing_your_own_site_is_refused(web: Web) -> None:
    code, _, err = run("links", "disavow", "--add", OWN)
    assert code == 2 and "your own site" in err


def test_reclaim_lists_links_removed_from_live_pages(web: Web) -> None:
    add_and_check(web, {"http://was.example/post": article(a(GUIDE, "the pytest guide"))})
    web.page("http://was.example/post", article())
    assert run("links", "check", "--delay", "0")[0] == 1
    code, out, _ = run("links", "reclaim")
    assert code == 0
    assert "removed from a live page: http://was.example/post -> http://own.example/guide; last seen" in out
    assert "anchor 'the pytest guide': ask them to restore it" in out


def test_reclaim_suggests_the_closest_live_page_of_yours(web: Web, shared_embedder: object) -> None:
    web.page(f"http://{OWN}/testing-with-pytest", article(title="Testing Python code with pytest fixtures"))
    web.page(f"http://{OWN}/sourdough", article(title="Baking a sourdough loaf at home"))
    web.page(f"http://{OWN}/old-pytest-fixtures-guide", "<h1>gone</h1>", status=404)
    broken = f"http://{OWN}/old-pytest-fixtures-guide"
    for i in range(2):
        web.page(f"http://ref{i}.example/post", article(a(broken, "how pytest fixtures work")))
        run("links", "add", f"http://ref{i}.example/post", "--to", broken)
    for url in (f"http://{OWN}/testing-with-pytest", f"http://{OWN}/sourdough"):
        web.page(f"http://other.example/{url.rsplit('/', 1)[1]}", article(a(url)))
        run("links", "add", f"http://other.example/{url.rsplit('/', 1)[1]}", "--to", url)
    assert run("links", "check", "--delay", "0")[0] == 1  # the two links to the broken page are lost
    conn = db_mod.connect()
    found = review.broken_targets(conn)
    assert [(b.broken, b.links, b.sites) for b in found] == [(broken, 2, 2)]
    review.suggest(conn, found, review.pages_from_db(conn, Own([OWN])), shared_embedder)
    assert found[0].suggestion == f"http://{OWN}/testing-with-pytest"


def prose(title: str, text: str, link: str) -> str:
    return (f'<html lang="en"><head><title>{title}</title></head><body><main><article><h1>{title}</h1>'
            f"<p>{text}</p><p>See {link}.</p></article></main></body></html>")


def test_a_page_on_another_subject_is_marked_unrelated(web: Web, shared_embedder: object) -> None:
    web.page(GUIDE, prose("Testing Python code with pytest", "Fixtures give each test a fresh temporary "
                          "directory and database; parametrize runs one test over many inputs; assert rewriting "
                          "shows the values that differed when a test fails.", ""))
    add_and_check(web, {
        "http://cooking.example/stew": prose("A slow-cooked beef stew", "Brown the beef in batches, add onions, "
                                             "carrots and a bottle of red wine, then simmer for three hours until "
                                             "the meat falls apart. Serve with mashed potatoes.", a(GUIDE, "here")),
        "http://pytest.example/post": prose("Writing better unit tests in Python", "Pytest fixtures and "
                                            "parametrized tests keep a test suite short; failing assertions "
                                            "show the compared values.", a(GUIDE, "pytest guide")),
    })
    conn = db_mod.connect()
    found = {s.site: {m.kind for m in s.markers} for s in review.risk_review(conn, Own([OWN]), embedder=shared_embedder)}
    assert "unrelated-topic" in found.get("cooking.example", set())
    assert "pytest.example" not in found


def test_a_site_in_the_ledger_is_not_a_prospect(web: Web) -> None:
    add_and_check(web, {"http://linker.example/post": article(a(GUIDE))})
    conn = db_mod.connect()
    assert "linker.example" in queries.linking_domains(conn, OWN)
    web.page("http://linker.example/post", article())
    run("links", "check", "--delay", "0")
    assert "linker.example" not in queries.linking_domains(conn, OWN)  # lost: a prospect again


def test_reclaim_reads_your_pages_from_your_sitemap(web: Web) -> None:
    web.page(f"http://{OWN}/sitemap.xml", f"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>http://{OWN}/testing-with-pytest</loc></url><url><loc>http://{OWN}/sourdough</loc></url>
<url><loc>http://elsewhere.example/not-mine</loc></url></urlset>""", headers={"Content-Type": "application/xml"})
    web.page(f"http://{OWN}/testing-with-pytest", article(title="Testing Python code with pytest fixtures"))
    web.page(f"http://{OWN}/sourdough", article(title="Baking a sourdough loaf at home"))
    pages = review.pages_from_sitemap(f"http://{OWN}/sitemap.xml", Own([OWN]), delay=0)
    assert [(p.url, p.title) for p in pages] == [
        (f"http://{OWN}/testing-with-pytest", "Testing Python code with pytest fixtures"),
        (f"http://{OWN}/sourdough", "Baking a sourdough loaf at home")]
    from assistant.errors import UsageError

    with pytest.raises(UsageError, match="cannot read the sitemap"):
        review.pages_from_sitemap(f"http://{OWN}/missing.xml", Own([OWN]), delay=0)
