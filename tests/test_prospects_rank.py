"""Ranking on small hand-made catalogs where the right answer is known; the link graph and index."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from assistant import db, documents
from assistant.cli import cli
from assistant.prospects import evidence, graph, index, rank, store

DRAFT = """---
title: How to make a sourdough starter from scratch
description: Flour, water, a jar and a week - a day-by-day guide to a lively starter.
canonical_url: https://mybakery.example/sourdough-starter
---

# How to make a sourdough starter from scratch

A sourdough starter is a culture of wild yeast and lactic acid bacteria living in flour and water.
Mix rye flour and water in a jar and keep it warm. Discard and feed it twice a day from day four.
When it doubles within six hours of a feed and smells pleasantly sour, it is ready to bake bread.
Keep it in the fridge between bakes and feed it once a week.
"""


@pytest.fixture()
def conn():  # type: ignore[no-untyped-def]
    c = db.connect()
    yield c
    c.close()


@pytest.fixture()
def draft(tmp_path: Path) -> documents.Document:
    path = tmp_path / "starter.md"
    path.write_text(DRAFT, encoding="utf-8")
    return documents.load(str(path))


def add_site(conn, domain: str, name: str, description: str, pages: list[tuple[str, str, str, str]] = (),  # type: ignore[no-untyped-def, assignment]
             authority: float | None = 40, links: list[str] = (), **extra) -> int:  # type: ignore[assignment]
    sid = store.upsert_site(conn, domain, name=name, description=description, authority=authority,
                            url=f"https://{domain}/", source="catalog", **extra)
    for path, kind, title, text in pages:
        store.upsert_page(conn, sid, f"https://{domain}/{path}", title=title, text=text, kind=kind)
    store.add_links(conn, [{"source_url": f"https://{domain}/{pages[0][0] if pages else ''}", "target_url": t}
                           for t in links])
    return sid


def baking_catalog(conn) -> None:  # type: ignore[no-untyped-def]
    add_site(conn, "crumbandcrust.com", "Crumb and Crust", "Home bread baking, one loaf at a time.", [
        ("blog/levain", "article", "Keeping a levain healthy",
         "Feed your levain with whole rye, keep it warm, and bake when it has doubled and smells tangy."),
        ("resources", "resource", "Bread baking resources", "Guides on wild yeast, hydration and shaping."),
    ])
    add_site(conn, "sourdough-casino.xyz", "Sourdough Casino", "sourdough starter sourdough casino bonus", [
        ("partners", "article", "Sourdough starter sourdough starter jackpot",
         "sourdough starter flour water jar sourdough starter casino bonus slots jackpot free spins"),
    ], authority=5)
    add_site(conn, "containershipping.news", "Container Shipping", "Freight rates and port news.", [
        ("rates", "article", "Freight rates this week", "Container rates from Shanghai to Rotterdam rose again."),
    ], authority=70)


def test_topical_match_beats_keyword_stuffed_spam(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    baking_catalog(conn)
    found = rank.rank(conn, draft, shared_embedder, limit=10, include_spam=True)
    order = [p.domain for p in found]
    assert order[0] == "crumbandcrust.com"
    assert order.index("sourdough-casino.xyz") > order.index("crumbandcrust.com")
    spam = found[order.index("sourdough-casino.xyz")]
    assert spam.penalty > 0 and "spam vocabulary in its texts (bonus, casino, jackpot, slots)" in spam.reasons
    assert spam.markers == ["spam vocabulary in its texts (bonus, casino, jackpot, slots)",
                            "spam words in its address (casino)"] and spam.left_out
    assert "casino" in spam.spam_signals and found[0].spam_signals == []
    top = found[0]
    assert any(r.startswith("topic match ") for r in top.reasons)
    assert "has a resources page: crumbandcrust.com/resources" in top.reasons
    assert top.pitch_url == "https://crumbandcrust.com/resources" and top.template == "resource-page"
    assert top.authority == 40 and top.authority_source == "imported"


def test_link_intersect_lifts_a_site(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    text = "Recipes for weeknight dinners, cakes and bread, with shopping lists."
    add_site(conn, "kitchen-a.example", "Kitchen A", "A home cooking blog.",
             [("blog/weeknight", "article", "Weeknight cooking", text)])
    add_site(conn, "kitchen-b.example", "Kitchen B", "A home cooking blog.",
             [("blog/weeknight", "article", "Weeknight cooking", text)],
             links=["https://breadlab.net/how-to-make-a-sourdough-starter"])
    found = {p.domain: p for p in rank.rank(conn, draft, shared_embedder)}
    a, b = found["kitchen-a.example"], found["kitchen-b.example"]
    assert b.score > a.score and b.intersect > 0 == a.intersect
    assert b.reasons[0].startswith("linked to breadlab.net/how-to-make-a-sourdough-starter, similarity 0.")
    assert b.pitch_url == "https://kitchen-b.example/blog/weeknight"
    assert b.linked_pages[0].similarity > rank.SIMILAR
    # Only links to the named competitors count when --competitor is given.
    found = {p.domain: p for p in rank.rank(conn, draft, shared_embedder, competitors=["someone-else.com"])}
    assert found["kitchen-b.example"].intersect == 0.0


def test_unrelated_link_does_not_lift(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    add_site(conn, "kitchen-c.example", "Kitchen C", "A home cooking blog.",
             [("blog/x", "article", "Weeknight cooking", "Quick dinners.")],
             links=["https://taxguide.example/how-to-file-a-tax-return"])
    found = rank.rank(conn, draft, shared_embedder)
    assert found[0].linked_pages and found[0].linked_pages[0].similarity < rank.SIMILAR
    assert found[0].intersect == 0.0 and not any("taxguide" in r for r in found[0].reasons)


def test_loosely_related_link_is_not_called_a_page_like_this(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    add_site(conn, "kitchen-d.example", "Kitchen D", "A home cooking blog.",
             [("blog/x", "article", "Weeknight cooking", "Quick dinners.")],
             links=["https://cakes.example/victoria-sponge-cake-recipe"])
    (p,) = rank.rank(conn, draft, shared_embedder)
    assert 0 < p.linked_pages[0].similarity < rank.SIMILAR and p.intersect > 0  # a little credit
    assert not any(r.startswith("linked to") for r in p.reasons)
    assert p.reasons[0].startswith("links only to pages loosely like yours: closest"
                                   " cakes.example/victoria-sponge-cake-recipe, similarity 0.")
    assert p.pitch_url == "https://kitchen-d.example/blog/x"  # its closest page, not the weak link


@pytest.mark.parametrize(("text", "hits"), [
    ("Best casino bonus codes", ["bonus", "casino"]),
    ("Payday loans, no credit check", ["loans", "no credit check", "payday"]),
    ("Cheap pills, pharmacy bonus", ["bonus", "pharmacy", "pills"]),  # three different weak terms
    ("Planning poker for estimates; book time slots", []),
    ("Planning poker for remote sprint estimates", []),
    ("Student loans and a loan calculator", []),
    ("A signing bonus is not a raise", []),
])
def test_spam_signals(text: str, hits: list[str]) -> None:
    assert rank.spam_signals(text) == hits


def test_sites_with_spam_signals_are_left_out_unless_asked(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    baking_catalog(conn)
    add_site(conn, "ryecasino.example", "Rye Casino", "sourdough starter rye flour jackpot casino", authority=90)
    notes: list[str] = []
    found = rank.rank(conn, draft, shared_embedder, notes=notes)
    assert [p.domain for p in found] == ["crumbandcrust.com", "containershipping.news"]
    assert all(not p.spam_signals for p in found)
    assert notes == ["2 site(s) left out on two or more kinds of evidence: sourdough-casino.xyz (spam vocabulary"
                     " in its texts, spam words in its address); ryecasino.example (spam vocabulary in its texts,"
                     " spam words in its address) (--include-spam shows them; `assist sites show SITE` says why)"]
    every = rank.rank(conn, draft, shared_embedder, include_spam=True)
    assert {p.domain for p in every} == {"crumbandcrust.com", "containershipping.news", "sourdough-casino.xyz",
                                         "ryecasino.example"}
    # every site left out is counted and named, whatever the limit
    notes = []
    (top,) = rank.rank(conn, draft, shared_embedder, limit=1, notes=notes)
    assert top.domain == "crumbandcrust.com"
    assert notes[0].startswith("2 site(s) left out on two or more kinds of evidence: sourdough-casino.xyz (")
    # outreach to a spam site asked for by name still scores it
    casino = rank.prospect_for(conn, draft, shared_embedder, "ryecasino.example")
    assert casino is not None and casino.spam_signals == ["casino", "jackpot"]
    # the CLI: left out, a note on stderr, and --include-spam lists them
    from assistant.cli import prospects as cli_prospects

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cli_prospects, "_embedder", lambda conn, cfg: shared_embedder)
        res = CliRunner().invoke(cli, ["prospects", draft.path, "--json"])
        assert res.exit_code == 0 and "ryecasino.example" not in res.stdout
        assert "note: 2 site(s) left out on two or more kinds of evidence: sourdough-casino.xyz" in res.stderr
        res = CliRunner().invoke(cli, ["prospects", draft.path, "--json", "--include-spam"])
        listed = {d["domain"]: d for d in json.loads(res.stdout)}
        assert listed["ryecasino.example"]["spam_signals"] == ["casino", "jackpot"] and "spam" not in res.stderr


def test_honest_uses_of_spam_words_are_not_penalised(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    add_site(conn, "agilebakers.example", "Agile Bakers", "Planning poker for bakery teams.", [
        ("p", "article", "Booking oven time slots", "Bake in shared ovens: book time slots a week ahead."),
    ])
    (p,) = rank.rank(conn, draft, shared_embedder)
    assert p.penalty == 0.0 and not any(r.startswith("spam signals") for r in p.reasons)


def test_excluded_and_already_linking_sites(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    baking_catalog(conn)
    add_site(conn, "breadfans.example", "Bread Fans", "A forum for people who bake bread at home.",
             [("threads/starter", "article", "Help with my starter", "My starter smells of acetone, what now?")],
             links=["https://mybakery.example/sourdough-starter"])
    store.upsert_site(conn, "crumbandcrust.com", excluded=True)
    domains = [p.domain for p in rank.rank(conn, draft, shared_embedder)]
    assert "crumbandcrust.com" not in domains  # excluded
    assert "breadfans.example" not in domains  # already links to mybakery.example (the canonical_url)
    notes: list[str] = []
    rank.rank(conn, draft, shared_embedder, notes=notes)
    assert notes[:2] == ["1 site(s) already linking to mybakery.example left out (--include-linking shows them)",
                         "1 site(s) left out on two or more kinds of evidence: sourdough-casino.xyz (spam vocabulary in its texts,"
                         " spam words in its address) (--include-spam shows them; `assist sites show SITE` says why)"]
    # what is left (freight news) is off the topic: the keyword-stuffed casino does not count as on it
    assert notes[2].startswith("no known site is close to this draft's topic") and len(notes) == 3
    kept = {p.domain: p for p in rank.rank(conn, draft, shared_embedder, include_linking=True)}
    assert kept["breadfans.example"].links_to_you and "already links to you" in kept["breadfans.example"].reasons
    assert kept["breadfans.example"].penalty >= 0.5
    # config site.domain is the fallback when the draft has no canonical_url
    assert rank.own_domain_of(None, "https://www.Other.example/") == "other.example"


def test_pagerank_authority_when_no_metric(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    add_site(conn, "hub.example", "Hub", "Baking bread at home.",
             [("p", "article", "Bread", "Bread baking with wild yeast.")], authority=None)
    for i in range(4):
        add_site(conn, f"fan{i}.example", f"Fan {i}", "Cakes.", [("p", "article", "Cake", "Sponge cake.")],
                 authority=None, links=["https://hub.example/p"])
    found = {p.domain: p for p in rank.rank(conn, draft, shared_embedder)}
    hub = found["hub.example"]
    assert hub.authority_source == "pagerank" and hub.authority == 100.0
    assert "authority 100 (PageRank on the link graph)" in hub.reasons


def test_guest_post_page_and_template(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    add_site(conn, "bakerswrite.example", "Bakers Write", "Stories from home bakers.", [
        ("write-for-us", "guest_post", "Write for us", "We publish guest posts from home bakers."),
        ("blog/rye", "article", "Baking with rye", "Rye flour ferments fast and feeds wild yeast well."),
    ])
    (p,) = rank.rank(conn, draft, shared_embedder)
    assert p.template == "guest-post" and p.pitch_url == "https://bakerswrite.example/write-for-us"
    assert "accepts guest posts: bakerswrite.example/write-for-us" in p.reasons


def test_pagerank_authority_is_cached_until_the_links_change(conn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store.add_links(conn, [{"source_url": f"https://s{i}.com/p", "target_url": "https://hub.com/"} for i in range(4)])
    first = graph.domain_authority(conn, cache_dir=tmp_path)
    assert first["hub.com"] == 100.0 and graph.domain_authority(conn) == first
    (cached,) = tmp_path.glob("pagerank-*.json")
    # a cached value is what is returned while the links are unchanged (tamper to prove it is read)
    data = json.loads(cached.read_text())
    data["authority"]["hub.com"] = 42.0
    cached.write_text(json.dumps(data))
    assert graph.domain_authority(conn, cache_dir=tmp_path)["hub.com"] == 42.0
    store.add_links(conn, [{"source_url": "https://hub.com/", "target_url": "https://s0.com/p"}])
    again = graph.domain_authority(conn, cache_dir=tmp_path)
    assert again == graph.domain_authority(conn) and again["hub.com"] == 100.0 and again != first
    cached.write_text("{not json")  # damaged: computed again
    assert graph.domain_authority(conn, cache_dir=tmp_path) == again


def test_pagerank_on_a_star() -> None:
    edges = [(f"s{i}.com", "hub.com", 1) for i in range(5)] + [("hub.com", "s0.com", 1)]
    ranks = graph.pagerank(edges)
    assert abs(sum(ranks.values()) - 1) < 1e-6
    assert max(ranks, key=ranks.get) == "hub.com"  # type: ignore[arg-type]
    assert ranks["s0.com"] > ranks["s1.com"]
    assert graph.authority_scale(ranks)["hub.com"] == 100.0


def test_site_vectors_are_stored_and_rebuilt_on_change(conn, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    sid = add_site(conn, "crumbandcrust.com", "Crumb", "Bread.", [("a", "article", "Levain", "Feed it.")])
    sites = conn.execute("SELECT * FROM sites").fetchall()
    first = index.load_vectors(conn, shared_embedder, sites)[sid]
    assert first.labels == ["profile", "https://crumbandcrust.com/a"]
    stored = conn.execute("SELECT chunks, labels FROM site_vectors WHERE site_id = ?", (sid,)).fetchone()
    assert stored["chunks"] == 2 and json.loads(stored["labels"])["labels"] == first.labels
    again = index.load_vectors(conn, shared_embedder, sites)[sid]
    assert np.array_equal(again.vectors, first.vectors)
    store.upsert_page(conn, sid, "https://crumbandcrust.com/b", title="Rye", text="Rye bread.")
    rebuilt = index.load_vectors(conn, shared_embedder, conn.execute("SELECT * FROM sites").fetchall())[sid]
    assert len(rebuilt.labels) == 3


def test_site_index_finds_nearest_and_round_trips(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    vecs = rng.normal(size=(500, 32)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    idx = index.SiteIndex(32)
    idx.build(np.arange(1000, 1500), vecs)
    ids, sims = idx.query(vecs[42], 5)
    assert ids[0] == 1042 and sims[0] == pytest.approx(1.0, abs=1e-4)
    exact = np.argsort(-(vecs @ vecs[42]))[:5] + 1000  # exact search: the true 5 nearest, in order
    assert list(ids) == list(exact) and list(sims) == sorted(sims, reverse=True)
    idx.save(tmp_path / "sites.idx", {"count": 500, "stamp": "x"})
    assert index.SiteIndex.read_meta(tmp_path / "sites.idx") == {"count": 500, "stamp": "x"}
    mapped = index.SiteIndex(0)
    mapped.load(tmp_path / "sites.idx")
    assert mapped.size == 500 and mapped.dim == 32
    again, _ = mapped.query(vecs[42], 5)
    assert list(again) == list(ids)
    assert len(mapped.query(vecs[0], 800)[0]) == 500
    (tmp_path / "junk.idx").write_bytes(b"not an index")
    assert index.SiteIndex.read_meta(tmp_path / "junk.idx") is None


def test_large_catalog_goes_through_the_ann_index(conn, draft, shared_embedder, monkeypatch, assist_home) -> None:  # type: ignore[no-untyped-def]
    baking_catalog(conn)
    for i in range(12):
        add_site(conn, f"freight{i}.example", f"Freight {i}", "Shipping containers and port logistics.")
    monkeypatch.setattr(index, "ANN_THRESHOLD", 5)
    found = rank.rank(conn, draft, shared_embedder, limit=3)
    assert found[0].domain == "crumbandcrust.com"
    saved = sorted((assist_home / "index").glob("sites-*.idx"))
    assert len(saved) == 1 and not list((assist_home / "index").glob("*.tmp"))  # written aside, renamed
    mtime = saved[0].stat().st_mtime_ns
    assert rank.rank(conn, draft, shared_embedder, limit=3)[0].domain == "crumbandcrust.com"
    assert saved[0].stat().st_mtime_ns == mtime  # reused, not rebuilt
    store.upsert_site(conn, "crumbandcrust.com", excluded=True)
    assert rank.rank(conn, draft, shared_embedder, limit=3)[0].domain != "crumbandcrust.com"
    add_site(conn, "levainlab.example", "Levain Lab", "Wild yeast bread baking experiments.")
    assert rank.rank(conn, draft, shared_embedder, limit=3)[0].domain == "levainlab.example"
    # the same rules as a small catalog: sites linking to you are counted and left out, competitors
    # are never listed, and a far-off site linking to a competitor is still scored
    add_site(conn, "breadfans.example", "Bread Fans", "Sourdough starter help for home bakers.",
             links=["https://mybakery.example/sourdough-starter"])
    add_site(conn, "breadlab.net", "Bread Lab", "How to make a sourdough starter from scratch.")
    add_site(conn, "freightlinks.example", "Freight Links", "Shipping containers and port logistics.",
             links=["https://breadlab.net/how-to-make-a-sourdough-starter"])
    monkeypatch.setattr(index, "ANN_THRESHOLD", 5)
    notes: list[str] = []
    found = rank.rank(conn, draft, shared_embedder, limit=30, competitors=["breadlab.net"], notes=notes)
    domains = [p.domain for p in found]
    assert "breadfans.example" not in domains and "breadlab.net" not in domains
    assert "crumbandcrust.com" not in domains  # still excluded
    assert notes[0] == "1 site(s) already linking to mybakery.example left out (--include-linking shows them)"
    freight = found[domains.index("freightlinks.example")]
    assert freight.intersect > 0
    monkeypatch.setattr(index, "ANN_THRESHOLD", 1000)  # the exhaustive path agrees
    small = rank.rank(conn, draft, shared_embedder, limit=30, competitors=["breadlab.net"])
    assert [p.domain for p in small] == domains


# ---------------------------------------------------------------- CLI


@pytest.fixture()
def cli_embedder(monkeypatch, shared_embedder):  # type: ignore[no-untyped-def]
    """The CLI builds its own Embedder; hand it the session's so the model loads once."""
    from assistant.cli import prospects as cli_prospects

    monkeypatch.setattr(cli_prospects, "_embedder", lambda conn, cfg: shared_embedder)
    return shared_embedder


def test_cli_prospects_formats(conn, draft, cli_embedder) -> None:  # type: ignore[no-untyped-def]
    baking_catalog(conn)
    runner = CliRunner()
    res = runner.invoke(cli, ["prospects", draft.path, "--format", "json", "--limit", "2"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [d["rank"] for d in data] == [1, 2] and data[0]["domain"] == "crumbandcrust.com"
    assert data[0]["reasons"] and data[0]["pitch_url"]
    res = runner.invoke(cli, ["prospects", draft.path, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert res.exit_code == 0 and rows[0]["domain"] == "crumbandcrust.com" and "topic match" in rows[0]["reasons"]
    assert len(rows) == 2  # the casino has spam signals: left out
    res = runner.invoke(cli, ["prospects", draft.path])
    assert res.exit_code == 0 and "crumbandcrust.com" in res.stdout


def test_cli_csv_cells_never_start_a_formula(conn, draft, cli_embedder) -> None:  # type: ignore[no-untyped-def]
    add_site(conn, "evil.example", '=HYPERLINK("https://evil.example","click")', "Sourdough starter help.",
             authority=0)
    res = CliRunner().invoke(cli, ["prospects", draft.path, "--format", "csv"])
    (row,) = list(csv.DictReader(io.StringIO(res.stdout)))
    assert row["name"] == "'=HYPERLINK(\"https://evil.example\",\"click\")" and row["domain"] == "evil.example"
    assert float(row["score"]) < 1 and float(row["penalty"]) == 0  # numbers are left alone
    res = CliRunner().invoke(cli, ["sites", "list", "--format", "csv"])
    assert list(csv.DictReader(io.StringIO(res.stdout)))[0]["name"].startswith("'=HYPERLINK")


def test_cli_prospects_without_sites_or_draft(draft, cli_embedder) -> None:  # type: ignore[no-untyped-def]
    res = CliRunner().invoke(cli, ["prospects", draft.path])
    assert res.exit_code == 2 and res.stderr.startswith("Error: no sites to rank yet")
    res = CliRunner().invoke(cli, ["prospects", "/nonexistent/draft.md"])
    assert res.exit_code == 2 and res.stderr.count("\n") == 1


def test_shop_pages_are_penalised(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    add_site(conn, "starterjar.store", "Starter Jar", "Jars and dried starter.", [
        ("p", "article", "Dried sourdough starter", "Dried sourdough starter for bread. Add to cart."),
    ])
    add_site(conn, "starterjar.shop", "Starter Jar Shop", "Jars and dried starter.", [
        ("p", "article", "Dried sourdough starter", "Dried sourdough starter for bread. Proceed to checkout."),
    ])
    add_site(conn, "starterjar.blog", "Starter Jar", "Jars and dried starter.", [
        ("p", "article", "Dried sourdough starter", "Dried sourdough starter for bread. Rehydrate it."),
    ])
    found = {p.domain: p for p in rank.rank(conn, draft, shared_embedder)}
    shop = found["starterjar.store"]
    assert "looks like a shop or a service (add to cart); they rarely link out" in shop.reasons
    assert shop.score < found["starterjar.blog"].score
    assert "looks like a shop or a service (proceed to checkout); they rarely link out" in found[
        "starterjar.shop"].reasons


def test_service_booking_and_trial_pages_are_penalised_as_shops(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    # A bakery class business and a baking app sell a booking or a trial: like shops, they rarely give
    # an editorial link. A blog on the same subject that mentions "booking oven time" is not one.
    text = "Make a sourdough starter with rye flour and water and feed it daily until it doubles."
    add_site(conn, "starterclass.example", "Starter Class", "Sourdough classes.",
             [("classes", "article", "Sourdough starter class", f"{text} Book online or call now.")])
    add_site(conn, "starterapp.example", "Starter App", "Starter reminders.",
             [("app", "article", "Sourdough starter app", f"{text} Download the app: free trial.")])
    add_site(conn, "starterblog.example", "Starter Blog", "Sourdough notes.",
             [("p", "article", "Sourdough starter notes", f"{text} We are booking oven time at the bakery.")])
    found = {p.domain: p for p in rank.rank(conn, draft, shared_embedder)}
    assert "looks like a shop or a service (book online); they rarely link out" in found["starterclass.example"].reasons
    assert "looks like a shop or a service (download the app); they rarely link out" in found[
        "starterapp.example"].reasons
    assert found["starterclass.example"].penalty == found["starterapp.example"].penalty == pytest.approx(0.1)
    assert found["starterblog.example"].penalty == 0.0
    assert max(found["starterclass.example"].score, found["starterapp.example"].score) < found[
        "starterblog.example"].score


def test_calls_to_action_in_editorial_prose_are_not_a_shop(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    # "book now" in a book review, "apply now" in a how-to, "a free trial" in a software review: the
    # words of a call to action inside a sentence are prose, not a button. A shop's call to action
    # stands alone ("Book online.", "Start your free trial.", ", call today.").
    text = "Make a sourdough starter with rye flour and water and feed it daily until it doubles."
    for domain, body in [
        ("bakingbooks.example", "Her baking book now has a chapter on starters; I read the book now and then."),
        ("bakinghowto.example", "Once the loaf has cooled, you can apply now a thin glaze of syrup."),
        ("bakingtools.example", "The feeding-reminder app has a free trial, and you download the app from its site."),
        ("bakinghistory.example", "What we call today a levain was once a plain leaven; ask a baker for a free quote"
                                  " on a class or book a consultation with a mill and they will book online."),
        ("bakinglog.example", "I keep the feeding log in git: git checkout -b rye-starter, then commit each feed."),
    ]:
        add_site(conn, domain, "Starter notes", "Sourdough notes.",
                 [("p", "article", "Sourdough starter notes", f"{text} {body}")])
    found = {p.domain: p for p in rank.rank(conn, draft, shared_embedder)}
    for domain in ("bakingbooks.example", "bakinghowto.example", "bakingtools.example", "bakinghistory.example",
                   "bakinglog.example"):
        assert not [r for r in found[domain].reasons if r.startswith("looks like a shop")], domain
        assert found[domain].penalty == 0.0, domain


def test_weights_are_checked() -> None:
    from assistant.errors import ConfigError

    assert rank.check_weights({"authority": 0})["authority"] == 0.0
    with pytest.raises(ConfigError, match=r"^\[prospects\] weights: unknown weight 'fame'"):
        rank.check_weights({"fame": 1})
    with pytest.raises(ConfigError, match=r"^\[prospects\.weights\] topical: 'high' is not a number$"):
        rank.check_weights({"topical": "high"})
    with pytest.raises(ConfigError, match=r"^\[prospects\.weights\] topical: must be at least 0, not -1$"):
        rank.check_weights({"topical": -1})


def test_own_domain_option_wins_over_canonical_url(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    add_site(conn, "breadfans.example", "Bread Fans", "A forum for people who bake bread at home.",
             [("threads/starter", "article", "Help with my starter", "My starter smells of acetone.")],
             links=["https://mybakery.example/sourdough-starter"])
    assert rank.rank(conn, draft, shared_embedder) == []  # it links to the canonical_url's domain
    kept = rank.rank(conn, draft, shared_embedder, own_override="https://www.staging.example/")
    assert [p.domain for p in kept] == ["breadfans.example"] and not kept[0].links_to_you
    with pytest.raises(store.InvalidURL):
        rank.rank(conn, draft, shared_embedder, own_override="not a domain")


def test_notes_for_unknown_competitor_and_off_topic_catalog(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    add_site(conn, "containershipping.news", "Container Shipping", "Freight rates and port news.", [
        ("rates", "article", "Freight rates this week", "Container rates from Shanghai to Rotterdam rose again."),
    ])
    notes: list[str] = []
    found = rank.rank(conn, draft, shared_embedder, competitors=["nobody.example"], notes=notes)
    assert found[0].topical_best < rank.WEAK_TOPIC
    assert notes == [
        "no known site links to nobody.example (--competitor): import its backlink export (assist sites import)"
        " for link-intersect reasons",
        f"no known site is close to this draft's topic (best topic match {found[0].topical_best:.2f}):"
        " import or crawl sites that cover it",
    ]
    baking_catalog(conn)
    notes = []
    rank.rank(conn, draft, shared_embedder, notes=notes)
    # crumbandcrust.com is on the topic
    assert notes == ["1 site(s) left out on two or more kinds of evidence: sourdough-casino.xyz (spam vocabulary in its texts,"
                     " spam words in its address) (--include-spam shows them; `assist sites show SITE` says why)"]


def test_cli_own_domain_is_checked(conn, draft, cli_embedder) -> None:  # type: ignore[no-untyped-def]
    baking_catalog(conn)
    res = CliRunner().invoke(cli, ["prospects", draft.path, "--own-domain", "x y"])
    assert res.exit_code == 2 and res.stderr == "Error: not a URL or domain: 'x y'\n"


def test_competitors_links_to_you_sponsored_links_and_link_farms(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    text = "Recipes for weeknight dinners, cakes and bread, with shopping lists."
    add_site(conn, "breadlab.net", "Bread Lab", "Sourdough experiments.",
             [("how-to-make-a-sourdough-starter", "article", "How to make a sourdough starter", "Rye and water.")])
    add_site(conn, "kitchen-b.example", "Kitchen B", "A home cooking blog.",
             [("blog/weeknight", "article", "Weeknight cooking", text)],
             links=["https://breadlab.net/how-to-make-a-sourdough-starter"])
    found = {p.domain: p for p in rank.rank(conn, draft, shared_embedder, competitors=["https://www.breadlab.net/"])}
    assert "breadlab.net" not in found  # a competitor is never a prospect
    assert found["kitchen-b.example"].intersect > 0
    assert found["kitchen-b.example"].reasons[0].startswith("linked to breadlab.net/how-to-make-a-sourdough-starter")
    # a link to your own page is "already links to you", never "links to a page like this draft"
    add_site(conn, "kitchen-e.example", "Kitchen E", "A home cooking blog.",
             [("blog/weeknight", "article", "Weeknight cooking", text)],
             links=["https://mybakery.example/sourdough-starter"])
    (own,) = [p for p in rank.rank(conn, draft, shared_embedder, include_linking=True)
              if p.domain == "kitchen-e.example"]
    assert own.intersect == 0.0 and own.links_to_you and "already links to you" in own.reasons
    # mostly sponsored links, and hundreds of outbound links a page, are penalised
    sid = add_site(conn, "paidposts.example", "Paid Posts", "A home cooking blog.",
                   [("blog/weeknight", "article", "Weeknight cooking", text)])
    store.add_links(conn, [{"source_url": "https://paidposts.example/blog/weeknight",
                            "target_url": f"https://brand{i}.example/", "sponsored": True} for i in range(3)])
    store.upsert_page(conn, sid, "https://paidposts.example/blog/weeknight", outbound_links=450)
    # two kinds of evidence: left out of the list, listed with --include-spam with both named
    assert "paidposts.example" not in {p.domain for p in rank.rank(conn, draft, shared_embedder)}
    paid = {p.domain: p for p in rank.rank(conn, draft, shared_embedder, include_spam=True)}["paidposts.example"]
    assert "3 of its 3 known links are sponsored" in paid.reasons
    assert "publishes paid content (paid posts); its links are bought" in paid.reasons  # its name says so
    # 450 links a page is a long list, not by itself a link farm
    assert not any("link density" in r or "link-farm" in r for r in paid.reasons)
    assert paid.penalty == pytest.approx(0.15 + 0.15) and paid.left_out


def test_a_short_list_is_the_head_of_the_full_ranking(conn, draft, shared_embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Reasons and penalties are worked out only for the sites that can still reach the top `limit`
    # (a penalty only lowers the score): the result must be exactly the head of the full ranking,
    # spam and shops with a high topical match included.
    baking_catalog(conn)
    add_site(conn, "starterjar.store", "Starter Jar", "Buy a live sourdough starter. Add to cart, free shipping.",
             [("shop/starter", "article", "Live sourdough starter", "Add to cart. Rye starter, ships in a jar.")])
    add_site(conn, "loafnotes.example", "Loaf Notes", "Notes from a home baker on wild yeast and rye.")
    add_site(conn, "ryecasino.example", "Rye Casino", "sourdough starter rye flour jackpot casino",
             authority=90)
    add_site(conn, "gardenstarters.com", "Garden Starters", "Seed starter mix, feeding seedlings, keep warm.")
    add_site(conn, "kitchenlinks.example", "Kitchen Links", "Links for cooks.",
             [("links", "resource", "Useful links", "Bread, cakes, knives.")],
             links=["https://breadlab.net/how-to-make-a-sourdough-starter"])
    full = [p.to_dict() for p in rank.rank(conn, draft, shared_embedder, limit=100, include_spam=True)]
    assert len(full) == 8
    clean = [p for p in full if not p["spam_signals"]]  # spam sites left out, the rest in the same order
    assert len(clean) == 6
    assert [p.to_dict() for p in rank.rank(conn, draft, shared_embedder, limit=100)] == clean
    finished: list[str] = []
    real_finish = rank.Ranker._finish

    def counting(self, site, *args, **kwargs):  # type: ignore[no-untyped-def]
        finished.append(site["domain"])
        return real_finish(self, site, *args, **kwargs)

    monkeypatch.setattr(rank.Ranker, "_finish", counting)
    for k in range(1, 9):
        finished.clear()
        assert [p.to_dict() for p in rank.rank(conn, draft, shared_embedder, limit=k, include_spam=True)] == full[:k]
        notes: list[str] = []
        assert [p.to_dict() for p in rank.rank(conn, draft, shared_embedder, limit=k, notes=notes)] == clean[:k]
        # every site left out is counted, whatever the limit
        assert [n.split(" left out")[0] for n in notes if "left out" in n] == ["2 site(s)"]
    finished.clear()
    rank.rank(conn, draft, shared_embedder, limit=1, include_spam=True)
    assert 1 <= len(finished) < 8  # the sites that could not reach the top were never finished


def test_paid_content_disclosures_are_penalised(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    # Two sites with the same page on the draft's subject and the same link to a page like it; one
    # says its posts are paid for (a magazine of paid posts uses no spam word). Thanking "our
    # partners" or writing about a "post" costs nothing.
    text = "Feed your starter rye flour and water every day until it doubles. Tips from our partners."
    for domain, body in [("paidmagazine.example", text),
                         ("honestbakes.example", "Feed your starter rye flour and water every day until it"
                          " doubles. We thank our partners at the mill; see our post on hydration.")]:
        add_site(conn, domain, "Home Ideas", "Home, garden, pets and baking.",
                 [("baking/starter", "article", "Sourdough starter tips", body)],
                 links=["https://breadlab.net/how-to-make-a-sourdough-starter"])
    found = {p.domain: p for p in rank.rank(conn, draft, shared_embedder)}
    paid, honest = found["paidmagazine.example"], found["honestbakes.example"]
    assert "publishes paid content (from our partners); its links are bought" in paid.reasons
    assert paid.penalty == pytest.approx(0.15) and honest.penalty == 0.0
    assert paid.score < honest.score
    assert evidence._PAID_RE.findall("Sponsored post. Pricing per post: $90. An advertorial.") == [
        "Sponsored post", "Pricing per post", "advertorial"]


def test_saying_content_is_not_paid_is_not_a_disclosure(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    # "This is not a sponsored post" and "we never accept paid posts" are what an editorial site says.
    text = "Feed your starter rye flour and water every day until it doubles."
    for domain, note in [("notsponsored.example", "This is not a sponsored post."),
                         ("nopaid.example", "We never accept paid posts or advertorials."),
                         ("noads.example", "No sponsored content, no partner content, ever.")]:
        add_site(conn, domain, "Starter notes", "Sourdough notes.",
                 [("p", "article", "Sourdough starter notes", f"{text} {note}")])
    found = {p.domain: p for p in rank.rank(conn, draft, shared_embedder)}
    for domain in ("notsponsored.example", "nopaid.example", "noads.example"):
        assert not [r for r in found[domain].reasons if r.startswith("publishes paid content")], domain
        assert found[domain].penalty == 0.0, domain


def test_scrapers_copying_the_pages_they_link_to_are_penalised(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    # A scraper republishes other sites' articles under their titles and addresses, with a link back:
    # it matches the draft on topic and on links, but gives no editorial link.
    starter, hydration = ("https://breadlab.net/how-to-make-a-sourdough-starter",
                          "https://breadlab.net/sourdough-hydration-explained")
    store.add_links(conn, [
        {"source_url": "https://feedmirror.example/2026/how-to-make-a-sourdough-starter", "target_url": starter,
         "anchor": "read more", "source_title": "How to make a sourdough starter - Bread Lab | FeedMirror"},
        {"source_url": "https://feedmirror.example/2026/hydration", "target_url": hydration,
         "anchor": "read more", "source_title": "Sourdough hydration explained - Bread Lab | FeedMirror"},
        {"source_url": "https://loafnotes.example/posts/my-first-starter", "target_url": starter,
         "anchor": "this guide", "source_title": "My first starter: a week of feeding rye"},
        {"source_url": "https://loafnotes.example/posts/wetter-dough", "target_url": hydration,
         "anchor": "hydration", "source_title": "Wetter dough, better crumb"},
    ])
    for domain in ("feedmirror.example", "loafnotes.example"):
        store.upsert_site(conn, domain, authority=30)
    found = {p.domain: p for p in rank.rank(conn, draft, shared_embedder)}
    scraper, blog = found["feedmirror.example"], found["loafnotes.example"]
    assert "its pages copy the 2 pages they link to (title or address): a scraper" in scraper.reasons
    assert scraper.penalty == pytest.approx(0.3) and blog.penalty == 0.0
    assert scraper.score < blog.score
    # one page on the same subject as the page it links to is not a scraper
    assert rank.copies_target("https://a.example/p/1", "How to make a sourdough starter at home", starter)
    store.add_links(conn, [{"source_url": "https://bakersdozen.example/p/1", "target_url": starter,
                            "source_title": "How to make a sourdough starter at home"}])
    store.upsert_site(conn, "bakersdozen.example", authority=30)
    (one,) = [p for p in rank.rank(conn, draft, shared_embedder) if p.domain == "bakersdozen.example"]
    assert one.penalty == 0.0
    # home pages and one-word slugs say nothing about a copy
    assert not rank.copies_target("https://a.example/x", "Bread Lab", "https://breadlab.net/")
    assert not rank.copies_target("https://a.example/starter", "Starter", "https://breadlab.net/starter")


def test_link_farm_needs_several_signs_together(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    # A link farm links wherever it is paid to: pages with little in common, off its own subject. One
    # sign alone is no case: a magazine on many subjects has unrelated links, a curated list has
    # hundreds of links.
    page = [("baking/starter", "article", "Sourdough starter tips", "Feed your starter rye flour and water daily.")]
    paid_for = ["https://heatguide.example/heat-pump-sizing-guide", "https://taxguide.example/how-to-file-a-tax-return",
                "https://carinsure.example/compare-car-insurance-quotes",
                "https://casinoreviews.example/best-online-slot-machines"]
    add_site(conn, "everythingmag.example", "Everything Magazine", "Home, money, pets and baking.", page,
             links=["https://breadlab.net/how-to-make-a-sourdough-starter", *paid_for[:3]])
    add_site(conn, "starterfarm.example", "Starter tips", "Sourdough starter, levain and rye bread baking.", page,
             links=["https://breadlab.net/how-to-make-a-sourdough-starter", *paid_for])
    add_site(conn, "loafblog.example", "Loaf Blog", "Home, money, pets and baking.", page, links=[
        "https://breadlab.net/how-to-make-a-sourdough-starter", "https://breadlab.net/sourdough-hydration-explained",
        "https://ryebakers.example/baking-with-rye-flour", "https://crumbshots.example/open-crumb-sourdough-bread"])
    # profiles and tags (one-word addresses) and home pages say nothing of a subject
    add_site(conn, "socialbaker.example", "Social Baker", "Home, money, pets and baking.", page, links=[
        "https://breadlab.net/how-to-make-a-sourdough-starter", "https://social.example/socialbaker",
        "https://photos.example/tags/cats", "https://bank.example/"])
    found = {p.domain: p for p in rank.rank(conn, draft, shared_embedder)}
    mag, farm, blog, social = (found[d] for d in ("everythingmag.example", "starterfarm.example", "loafblog.example",
                                                   "socialbaker.example"))
    (reason,) = [r for r in farm.reasons if r.startswith("link-farm links: ")]
    assert "linked pages have little in common" in reason and "off its own subject" in reason
    assert farm.penalty == pytest.approx(0.15) and farm.score < blog.score
    assert mag.penalty == pytest.approx(0.15)  # a thin magazine text, links to heat pumps, tax and cars
    assert blog.penalty == 0.0 and social.penalty == 0.0


def test_a_long_curated_list_is_no_link_farm(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    # 1,200 outbound links on one page, every one on the list's subject: one sign, no penalty.
    items = [f"https://bakers{i}.example/sourdough-starter-day-{i}" for i in range(40)]
    text = "\n".join(f"- [Sourdough starter diary, day {i}]({u}) - feeding a rye starter" for i, u in enumerate(items))
    sid = add_site(conn, "breadlinks.example", "Awesome bread", "A curated list of sourdough baking resources.\n"
                   + text, [("list", "resource", "Awesome bread", text)], links=items)
    store.upsert_page(conn, sid, "https://breadlinks.example/list", outbound_links=1200)
    (p,) = rank.rank(conn, draft, shared_embedder)
    assert p.penalty == 0.0 and not p.markers


def test_authority_counts_in_full_only_for_sites_on_the_topic(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    # The same site at authority 90 and at 10: on the draft's topic, the gap is the full authority
    # weight; on another subject, authority counts in proportion to the topic match, so a big site on
    # freight rates does not climb past a small one about starters by its size.
    bread = [("blog/levain", "article", "Keeping a levain healthy",
              "Feed your levain with whole rye, keep it warm, and bake when it has doubled and smells tangy.")]
    freight = [("rates", "article", "Freight rates this week", "Container rates from Shanghai to Rotterdam rose.")]
    add_site(conn, "bigbread.example", "Crumb", "Home bread baking.", bread, authority=90)
    add_site(conn, "smallbread.example", "Crumb", "Home bread baking.", bread, authority=10)
    add_site(conn, "bigfreight.example", "Freight", "Freight and port news.", freight, authority=90)
    add_site(conn, "smallfreight.example", "Freight", "Freight and port news.", freight, authority=10)
    add_site(conn, "hugefreight.example", "Freight", "Freight and port news.", freight, authority=100)
    add_site(conn, "tinyloaf.example", "Loaf notes", "Notes on wild yeast.",
             [("p", "article", "A sleepy starter", "Mine takes ten hours to double in winter.")], authority=1)
    found = {p.domain: p for p in rank.rank(conn, draft, shared_embedder)}
    w = rank.DEFAULT_WEIGHTS["authority"]
    assert found["bigbread.example"].score - found["smallbread.example"].score == pytest.approx(w * 0.8)
    off_topic_gap = found["bigfreight.example"].score - found["smallfreight.example"].score
    assert 0 <= off_topic_gap < w * 0.8 / 2
    assert found["tinyloaf.example"].score > found["hugefreight.example"].score


def test_a_linked_page_known_by_one_word_counts_half(conn, draft, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    # /starter with no anchor could be a seed starter, a car starter or a sourdough starter: one word
    # is too little to call it a page like the draft. With an anchor, or crawled, it is known better.
    import numpy as np

    ranker = rank.Ranker(conn, shared_embedder)
    vecs = shared_embedder.encode(rank.draft_chunks(draft))
    centroid = vecs.mean(axis=0) / np.linalg.norm(vecs.mean(axis=0))

    def unscaled(text: str) -> float:
        (v,) = shared_embedder.encode([text])
        return float(0.5 * (vecs @ v).max() + 0.5 * (v @ centroid))

    url = "https://breadlab.net/starter"
    alone = ranker._target_similarity(vecs, {url: {""}})[url]
    assert alone == pytest.approx(0.5 * unscaled("starter"), abs=1e-5)
    named = ranker._target_similarity(vecs, {url: {"", "sourdough starter"}})[url]
    assert named == pytest.approx(unscaled("starter. sourdough starter"), abs=1e-5) and named >= rank.SIMILAR
    add_site(conn, "breadlab.net", "Bread Lab", "Bread.", [("starter", "article", "Starter", "Rye and water.")])
    crawled = ranker._target_similarity(vecs, {url: {""}})[url]
    assert crawled == pytest.approx(unscaled("Starter. Rye and water."), abs=1e-5)
    # in a ranking: a link to the one-word page is not "a page like this draft"
    add_site(conn, "kitchen-a.example", "Kitchen A", "A home cooking blog.",
             [("blog/weeknight", "article", "Weeknight cooking", "Quick dinners.")],
             links=["https://carparts.example/starter"])
    (a,) = [p for p in rank.rank(conn, draft, shared_embedder) if p.domain == "kitchen-a.example"]
    assert a.linked_pages[0].similarity < rank.SIMILAR and not any(r.startswith("linked to") for r in a.reasons)


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", ";=cmd|' /C calc'!A0",
                                  "\n=cmd", " =cmd", "  \n ;+1"])
def test_csv_cells_that_a_spreadsheet_would_run_get_a_quote(cell: str) -> None:
    """Also after leading blanks, newlines or a ';' (issue 10, item 23)."""
    from assistant.prospects.render import safe_cell

    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Bread & butter", "a=b", "", "café", "x\n=y"])
def test_csv_cells_that_are_text_stay_as_they_are(cell: str) -> None:
    from assistant.prospects.render import safe_cell

    assert safe_cell(cell) == cell and safe_cell(42) == 42
