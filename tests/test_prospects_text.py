"""Whole-text matching: site texts chunked in full, a lexical (BM25) signal fused with the semantic
one, link contexts, evidence that needs more than one word, and an honest order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import db, documents
from assistant.cli import cli
from assistant.prospects import chunking, evidence, index, lexical, rank, store

FILLER = ("## Garden tools\n\n" + "\n".join(
    f"- [Trowel {i}](https://garden{i}.example/) - a hand trowel with an ash handle for bulbs and seedlings."
    for i in range(40)) + "\n\n")


def test_chunks_follow_headings_and_never_exceed_the_window() -> None:
    text = ("# Awesome HTTP\n\nA curated list.\n\n## HTTP clients\n\n"
            "- [httpx](https://github.com/encode/httpx) - A next-generation HTTP client.\n"
            "- [requests](https://github.com/psf/requests) - HTTP for humans.\n\n"
            "Servers\n=======\n\n" + "word " * 400 + "\n\n<h3>Tools <b>for</b> tests</h3>\n\nrespx mocks httpx.\n"
            "![build](https://img.shields.io/badge.svg)\n[ref]: https://example.com/ref\n")
    chunks = chunking.chunk_text(text)
    assert all(c.words <= chunking.CHUNK_WORDS for c in chunks)
    first = chunks[0]
    assert first.section == "Awesome HTTP"  # small sections joined, named by the first heading
    assert "httpx - A next-generation HTTP client" in first.text and "github.com" not in first.text
    servers = [c for c in chunks if c.section == "Servers"]
    assert len(servers) == 3 and sum(c.words for c in servers) == 401  # 400 words + the heading, in even windows
    assert chunks[-1].section == "Tools for tests" and chunks[-1].text == "Tools for tests respx mocks httpx."
    assert not any("shields" in c.text or "example.com" in c.text for c in chunks)


@pytest.mark.parametrize(("line", "words"), [
    ("- [httpx](https://github.com/encode/httpx) - A next-generation HTTP client.", ["encode", "httpx"]),
    ('<a href="https://blog.example/2024/http-clients-compared?ref=x">post</a>',
     ["2024", "http", "clients", "compared", "ref", "x"]),
    ("See https://www.example.org/guides/async_io and [docs](/docs/pooling).", ["guides", "async", "io", "docs", "pooling"]),
    ("[home](https://example.com/) and plain text", []),  # a host alone says nothing
    ("![badge](https://img.shields.io/pypi/v/httpx.svg)", ["pypi", "v", "httpx", "svg"]),
])
def test_path_words_of_a_lines_links(line: str, words: list[str]) -> None:
    assert chunking.path_words(line) == words


def test_path_words_are_bounded_on_hostile_addresses() -> None:
    line = "[x](https://a.example/" + "/".join(f"w{i}" for i in range(5000)) + ")" + " https://b.example/" + "y" * 100_000
    words = chunking.path_words(line)
    assert words[: chunking.MAX_PATH_WORDS] == [f"w{i}" for i in range(chunking.MAX_PATH_WORDS)]
    assert len(words) <= 2 * chunking.MAX_PATH_WORDS and all(len(w) <= 2000 for w in words)


def test_link_path_words_go_to_the_chunks_terms_not_its_text() -> None:
    text = ("## Testing\n\n- [a mock library for the HTTP client](https://github.com/lundberg/respx)\n"
            + "\n".join(f"- [tool {i}](https://x.example/t{i}) - " + "word " * 20 for i in range(12)))
    chunks = chunking.chunk_text(text)
    assert "respx" not in " ".join(c.text for c in chunks)  # never embedded, never shown
    assert "lundberg respx" in chunks[0].terms and chunks[0].section == "Testing"
    # the window counts words of text only: path words neither count nor get lost at a cut
    assert all(c.words <= chunking.CHUNK_WORDS for c in chunks)
    assert sorted(w for c in chunks for w in c.terms.split() if w.startswith("t")) == sorted(f"t{i}" for i in range(12))


def test_a_list_that_links_the_project_only_by_its_address_is_matched_lexically(shared_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # A resource list names a project only in the link's address (anchor: what it does). BM25 over
    # the chunk's text and its links' path words finds it; the reason shows the shared word.
    conn = db.connect()
    common = "## Testing\n\n" + "\n".join(f"- [helper {i}](https://x.example/h{i}) - test helpers for HTTP code."
                                           for i in range(8))
    store.upsert_site(conn, "https://github.com/ana/awesome-testing", name="Awesome testing", source="catalog",
                      description=common + "\n- [mock the HTTP client](https://github.com/lundberg/respx)")
    store.upsert_site(conn, "https://github.com/bob/awesome-qa", name="Awesome QA", source="catalog",
                      description=common)
    draft = tmp_path / "respx.md"
    draft.write_text("# respx\n\nrespx mocks HTTPX requests in tests. Install respx with pip and use the respx"
                     " router as a pytest fixture.\n")
    found = rank.rank(conn, documents.load(str(draft)), shared_embedder)
    top = found[0]
    assert top.domain == "github.com/ana/awesome-testing" and top.lexical == 1.0
    assert all(p.lexical < 0.5 for p in found[1:])
    assert any(r.startswith("words in common (respx") for r in top.reasons)


def test_a_section_after_50000_characters_is_matched(shared_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # A long resource list whose only section on the draft's subject comes after 50,000 characters
    # of other things: the whole text is chunked and matched, and the reason names the section.
    filler = FILLER * 14
    assert len(filler) > 50_000
    espresso = ("## Espresso\n\n- [Dialling in](https://coffee.example/dial-in) - how to dial in an espresso grinder:"
                " dose, yield, extraction time and the taste of sour or bitter shots.\n")
    conn = db.connect()
    store.upsert_site(conn, "https://github.com/ana/awesome-home", name="Awesome home",
                      description=filler + espresso, source="catalog")
    store.upsert_site(conn, "https://github.com/bob/awesome-tea", name="Awesome tea",
                      description="## Tea\n\nGreen tea, black tea and oolong: brewing times and temperatures.",
                      source="catalog")
    draft = tmp_path / "espresso.md"
    draft.write_text("# How to dial in espresso at home\n\nChange the grind until a shot of 18 g gives 36 g in"
                     " 28 seconds. Sour shots mean under-extraction: grind finer. Bitter shots: grind coarser.\n")
    found = rank.rank(conn, documents.load(str(draft)), shared_embedder)
    assert found[0].domain == "github.com/ana/awesome-home"
    assert any("section 'Espresso' of its description" in r for r in found[0].reasons)
    stored = index.load_vectors(conn, shared_embedder, [store.site_by_domain(conn, "github.com/ana/awesome-home")])
    assert len(next(iter(stored.values())).vectors) > 50  # every part of the text has its chunk


def test_import_says_when_a_text_is_past_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunking, "MAX_SITE_CHUNKS", 3)
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"url": "https://long.example/", "description": "word " * 1000}) + "\n"
                    + json.dumps({"url": "https://short.example/", "description": "short"}) + "\n")
    res = CliRunner().invoke(cli, ["sites", "import", str(path)])
    assert res.exit_code == 0
    assert ("warning: " in res.stderr and "long.example: its text is 1,000 words; ranking matches the first 450"
            " (3 chunks of 150 words)") in res.stderr
    assert "short.example" not in res.stderr


def test_lexical_signal_finds_the_one_line_that_names_the_draft(shared_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Two lists on the same subject; only one names the draft's project (a rare word). Semantics
    # alone cannot tell them apart; BM25 on the best chunk can, and the reason shows the shared words.
    conn = db.connect()
    common = "## HTTP\n\n" + "\n".join(f"- [client{i}](https://x.example/{i}) - an HTTP client library for Python."
                                       for i in range(8))
    store.upsert_site(conn, "https://github.com/ana/awesome-http", name="Awesome HTTP", source="catalog",
                      description=common + "\n- [zorblat](https://github.com/z/zorblat) - zorblat, async HTTP/2.")
    store.upsert_site(conn, "https://github.com/bob/awesome-web", name="Awesome Web", source="catalog",
                      description=common)
    draft = tmp_path / "zorblat.md"
    draft.write_text("# zorblat\n\nzorblat is an async HTTP client for Python with HTTP/2 support. Install zorblat"
                     " with pip. zorblat supports connection pooling.\n")
    found = rank.rank(conn, documents.load(str(draft)), shared_embedder)
    top, other = found
    assert top.domain == "github.com/ana/awesome-http" and top.lexical == 1.0 and other.lexical < 1.0
    assert any(r.startswith("words in common (zorblat") and "section 'HTTP' of its description" in r
               for r in top.reasons)


def test_lexical_index_is_saved_and_rebuilt_when_chunks_change(shared_embedder) -> None:  # type: ignore[no-untyped-def]
    conn = db.connect()
    store.upsert_site(conn, "a.example", description="Rye sourdough starters.", source="catalog")
    index.load_vectors(conn, shared_embedder, conn.execute("SELECT * FROM sites").fetchall())
    model = shared_embedder.cache_identity
    first = lexical.lexical_index(conn, model)
    assert first.site_scores({"rye": 1.0}).top_ids(5) == [1]
    again = lexical.lexical_index(conn, model)  # loaded from disk, same answer
    assert again.site_scores({"rye": 1.0}).top_ids(5) == [1]
    store.upsert_site(conn, "b.example", description="Rye whisky tasting notes.", source="catalog")
    index.load_vectors(conn, shared_embedder, conn.execute("SELECT * FROM sites").fetchall())
    scores = lexical.lexical_index(conn, model).site_scores({"rye": 1.0, "whisky": 1.0})
    assert scores.top_ids(5) == [2, 1] and scores.best_chunk(2) == 0 and scores.get(3) == 0.0


def test_query_terms_weight_repeats_sublinearly() -> None:
    terms = lexical.query_terms("The httpx client. httpx httpx and the pool of the client")
    assert list(terms)[:2] == ["httpx", "client"] and "the" not in terms and "and" not in terms
    assert terms["httpx"] == pytest.approx(1 + __import__("math").log(3))


@pytest.mark.parametrize("text, hits", [
    ("A web-based replica of a calculator; database replicas", []),  # one weak word
    ("The casino at Monte Carlo, a history", []),  # one strong word is no case
    ("Casino bonus, free jackpot", ["bonus", "casino", "jackpot"]),
    ("Payday loans, no credit check", ["loans", "no credit check", "payday"]),
    ("Cheap pills, pharmacy bonus", ["bonus", "pharmacy", "pills"]),
    ("Planning poker for estimates; book time slots", []),
])
def test_spam_vocabulary_needs_more_than_one_word(text: str, hits: list[str]) -> None:
    assert evidence.spam_vocabulary(text) == hits


@pytest.mark.parametrize("text, calls", [
    ("Shiori is free software, free trial for two weeks of the hosted one", []),  # comma-led: prose
    ("The app has a free trial; book now and then", []),
    ("Free trial. No card needed.", ["free trial"]),
    ("Our plans\nStart your free trial\nPricing", ["start your free trial"]),
    ("Great bread. Add to cart", ["add to cart"]),
    ("You can add to cart any time", []),
])
def test_calls_to_action_count_only_at_the_start_of_a_line_or_sentence(text: str, calls: list[str]) -> None:
    assert evidence.shop_calls([text]) == calls


def test_one_word_never_leaves_a_site_out(shared_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    conn = db.connect()
    store.upsert_site(conn, "https://github.com/ana/awesome-db", name="Awesome databases", source="catalog",
                      description="Postgres tools: a read replica manager, a web-based replica of psql, backups.")
    store.upsert_site(conn, "https://github.com/bob/awesome-sql", name="Awesome SQL", source="catalog",
                      description="SQL tools. Hosted query editor, free trial for two weeks, then paid.")
    draft = tmp_path / "pg.md"
    draft.write_text("# A Postgres replica manager\n\nManage read replicas of Postgres databases and backups.\n")
    notes: list[str] = []
    found = rank.rank(conn, documents.load(str(draft)), shared_embedder, notes=notes)
    assert {p.domain for p in found} == {"github.com/ana/awesome-db", "github.com/bob/awesome-sql"}
    assert all(p.penalty == 0 and not p.markers for p in found)
    assert not any("left out" in n for n in notes)


def test_sites_show_names_markers_and_caps_long_descriptions(shared_embedder) -> None:  # type: ignore[no-untyped-def]
    conn = db.connect()
    store.upsert_site(conn, "casino-bonus.example", name="Casino bonus", source="catalog",
                      description="Casino jackpot bonus every day. " + "More words here. " * 400)
    conn.commit()
    res = CliRunner().invoke(cli, ["sites", "show", "casino-bonus.example"])
    assert res.exit_code == 0
    assert "  evidence against it: spam vocabulary in its texts (bonus, casino, jackpot);" \
           " spam words in its address (casino); left out of rankings (--include-spam shows it)" in res.stdout
    line = next(x for x in res.stdout.splitlines() if x.startswith("  description: "))
    assert len(line) < 700 and line.endswith("(6,832 characters; --full shows all)")
    full = CliRunner().invoke(cli, ["sites", "show", "casino-bonus.example", "--full"])
    assert "More words here. " * 400 in full.stdout.replace("\n", "")
    data = json.loads(CliRunner().invoke(cli, ["sites", "show", "casino-bonus.example", "--json"]).stdout)
    assert data["markers"] == ["spam vocabulary in its texts (bonus, casino, jackpot)",
                               "spam words in its address (casino)"] and data["left_out"] is True


def test_ties_are_stated_and_sites_with_nothing_in_common_are_not_listed(shared_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    conn = db.connect()
    for name in ("zeta.example", "alpha.example"):  # the same text: the same score
        store.upsert_site(conn, name, name="Bread notes", description="Sourdough starter feeding schedule.",
                          source="catalog")
    store.upsert_site(conn, "shipping.example", name="Freight", description="Container freight rates in Asia.",
                      source="catalog")
    draft = tmp_path / "s.md"
    draft.write_text("# Sourdough starter feeding\n\nFeed the starter twice a day.\n")
    notes: list[str] = []
    found = rank.rank(conn, documents.load(str(draft)), shared_embedder, notes=notes)
    assert found[0].score == found[1].score
    tie = next(n for n in notes if "tie at score" in n)
    assert tie.startswith("2 sites tie at score ") and "ordered among themselves by topic match" in tie
    assert "not by merit" in tie


def test_link_context_comes_from_the_list_text(tmp_path: Path) -> None:
    conn = db.connect()
    catalog = tmp_path / "c.jsonl"
    catalog.write_text(json.dumps({
        "url": "https://github.com/ana/awesome-http", "name": "Awesome HTTP",
        "description": "## Clients\n\n- [httpx](https://github.com/encode/httpx) - A next-generation HTTP client.\n"}) + "\n")
    links = tmp_path / "links.csv"
    links.write_text("source_url,target_url,anchor\nhttps://github.com/ana/awesome-http,https://github.com/encode/httpx,"
                     "httpx\n")
    from assistant.prospects import imports

    imports.import_file(conn, links)  # before the catalog: filled when the catalog arrives
    imports.import_file(conn, catalog)
    assert conn.execute("SELECT context FROM links").fetchone()[0] == "httpx - A next-generation HTTP client."


@pytest.mark.parametrize("title, name", [
    ("httpx", "httpx"), ("Delta Lake", "Delta Lake"), ("Pint: a Python units library", "Pint"),
    ("yyjson - the fastest JSON library in C", "yyjson"),
    ("How to make a sourdough starter from scratch", None),  # a headline, not a name
    ("", None), ("Go", None),
])
def test_a_short_title_is_the_drafts_name(title: str, name: str | None) -> None:
    doc = documents.Document(path="d.md", source="", format="markdown", front_matter={}, title=title, blocks=[],
                             links=[], images=[])
    assert rank.draft_name(doc) == name


def test_a_site_that_names_the_draft_is_an_unlinked_mention(shared_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Two lists of HTTP tools; one names the draft's project. It comes first, says where, and its
    # score carries the mention weight; a word inside another name ("zorblat-auth") is no mention.
    conn = db.connect()
    tools = "\n".join(f"- [tool{i}](https://x.example/{i}) - an HTTP client library for Python." for i in range(6))
    store.upsert_site(conn, "https://github.com/ana/awesome-http", name="Awesome HTTP", source="catalog",
                      description=f"## Clients\n\n{tools}\n- Zorblat, HTTP/2 for asyncio.\n")
    store.upsert_site(conn, "https://github.com/bob/awesome-web", name="Awesome Web", source="catalog",
                      description=f"## Clients\n\n{tools}\n- zorblat-auth, auth for clients.\n")
    draft = tmp_path / "zorblat.md"
    draft.write_text("# zorblat\n\nAn async HTTP client for Python with HTTP/2 and connection pooling.\n")
    first, second = rank.rank(conn, documents.load(str(draft)), shared_embedder)
    assert first.domain == "github.com/ana/awesome-http"
    assert first.reasons[0] == "mentions 'zorblat' in section 'Clients' of its description: ask for a link"
    assert not any(r.startswith("mentions") for r in second.reasons)
    assert first.score - second.score >= rank.DEFAULT_WEIGHTS["mention"] - 0.05


def test_a_site_whose_penalties_outweigh_the_rest_is_not_listed(shared_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # One marker (spam vocabulary) does not leave a site out, but a link seller with little on the
    # draft's subject scores below 0: it is no prospect, and the note names it.
    conn = db.connect()
    store.upsert_site(conn, "linkseller.example", name="SEO links", source="catalog",
                      description="Buy backlinks, dofollow links on sourdough and bread baking blogs.")
    store.upsert_site(conn, "breadnotes.example", name="Bread notes", source="catalog",
                      description="Sourdough starter feeding and rye bread baking.")
    draft = tmp_path / "s.md"
    draft.write_text("# Feeding a sourdough starter\n\nFeed the rye starter twice a day.\n")
    notes: list[str] = []
    found = rank.rank(conn, documents.load(str(draft)), shared_embedder, notes=notes)
    assert [p.domain for p in found] == ["breadnotes.example"]
    assert ("1 site(s) whose penalties outweigh the rest are not listed: linkseller.example"
            " (--include-spam shows them with their reasons)") in notes
    # --include-linking shows sites that link to you, not these
    linking = rank.rank(conn, documents.load(str(draft)), shared_embedder, include_linking=True)
    assert [p.domain for p in linking] == ["breadnotes.example"]
    every = rank.rank(conn, documents.load(str(draft)), shared_embedder, include_spam=True)
    seller = next(p for p in every if p.domain == "linkseller.example")
    assert seller.score < 0 and seller.markers == ["spam vocabulary in its texts (buy backlinks, dofollow)"]


def test_terminal_escapes_in_site_texts_never_reach_the_terminal(shared_embedder, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # A catalog (or a crawled page) can hold escape sequences that recolour, retitle or clear a
    # terminal; names, section headings and descriptions are printed without them.
    from assistant.cli import prospects as cli_prospects

    monkeypatch.setattr(cli_prospects, "_embedder", lambda conn, cfg: shared_embedder)
    catalog = tmp_path / "evil.jsonl"
    catalog.write_text(json.dumps({"url": "https://evil.example/", "name": "Evil \x1b[31mred",
                                   "description": "# Bread \x1b[2J\x1b]0;pwned\x07 heading\n\nSourdough starter"
                                                  " feeding and rye bread.\n"}) + "\n")
    assert CliRunner().invoke(cli, ["sites", "import", str(catalog)]).exit_code == 0
    draft = tmp_path / "s.md"
    draft.write_text("# Sourdough starter\n\nFeed the rye starter.\n")
    for args in (["prospects", str(draft)], ["sites", "show", "evil.example"], ["sites", "list"],
                 ["outreach", "preview", str(draft), "--site", "evil.example"]):
        res = CliRunner().invoke(cli, args)
        assert res.exit_code == 0, res.output
        assert "evil.example" in res.stdout and "Evil [31mred" in res.stdout
        assert not any(c in res.stdout for c in "\x1b\x07"), args
