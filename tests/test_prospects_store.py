"""Site, page and link upserts shared by imports and the crawler."""

from __future__ import annotations

import pytest

from assistant import db
from assistant.prospects import store


@pytest.fixture()
def conn():  # type: ignore[no-untyped-def]
    c = db.connect()
    yield c
    c.close()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://WWW.Example.com:443/path?q=1", "example.com"),
        ("example.com", "example.com"),
        ("blog.example.co.uk.", "blog.example.co.uk"),
        ("http://localhost:8000/x", "localhost"),
    ],
)
def test_normalize_domain(raw: str, expected: str) -> None:
    assert store.normalize_domain(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "not a domain", "http://", "nodots"])
def test_normalize_domain_rejects(raw: str) -> None:
    with pytest.raises(store.InvalidURL):
        store.normalize_domain(raw)


def test_upsert_site_merges_fields_and_sources(conn) -> None:  # type: ignore[no-untyped-def]
    first = store.upsert_site(conn, "https://www.example.com/", name="Example", source="catalog")
    second = store.upsert_site(conn, "example.com", description="About work", source="crawl", topics=["a", "b"])
    again = store.upsert_site(conn, "EXAMPLE.com", source="crawl")
    assert first == second == again
    row = conn.execute("SELECT * FROM sites").fetchone()
    assert (row["name"], row["description"], row["topics"]) == ("Example", "About work", "a,b")
    assert row["sources"] == "catalog,crawl"
    assert conn.execute("SELECT count(*) FROM sites").fetchone()[0] == 1


def test_upsert_site_excluded_kept_unless_given(conn) -> None:  # type: ignore[no-untyped-def]
    sid = store.upsert_site(conn, "spam.example", excluded=True)
    store.upsert_site(conn, "spam.example", name="Spam")
    assert conn.execute("SELECT excluded FROM sites WHERE id = ?", (sid,)).fetchone()[0] == 1
    store.upsert_site(conn, "spam.example", excluded=False)
    assert conn.execute("SELECT excluded FROM sites WHERE id = ?", (sid,)).fetchone()[0] == 0


def test_upsert_page_updates_and_drops_stale_vectors(conn) -> None:  # type: ignore[no-untyped-def]
    sid = store.upsert_site(conn, "example.com")
    pid = store.upsert_page(conn, sid, "https://example.com/resources", title="Resources", kind="resource")
    conn.execute("INSERT INTO site_vectors (site_id, model, chunks, vectors) VALUES (?, 'm', 0, x'')", (sid,))
    assert store.upsert_page(conn, sid, "https://example.com/resources", etag='"v2"') == pid
    assert conn.execute("SELECT count(*) FROM site_vectors").fetchone()[0] == 1  # nothing textual changed
    store.upsert_page(conn, sid, "https://example.com/resources", text="Tools we like")
    row = conn.execute("SELECT * FROM pages WHERE id = ?", (pid,)).fetchone()
    assert (row["title"], row["kind"], row["etag"], row["text"]) == ("Resources", "resource", '"v2"', "Tools we like")
    assert conn.execute("SELECT count(*) FROM site_vectors").fetchone()[0] == 0
    with pytest.raises(ValueError):
        store.upsert_page(conn, sid, "https://example.com/x", kind="bogus")


def test_add_links_is_idempotent(conn) -> None:  # type: ignore[no-untyped-def]
    rows = [
        {"source_url": "https://a.com/p", "target_url": "https://b.org/guide", "anchor": "guide"},
        {"source_url": "https://a.com/p", "target_url": "https://c.net/", "nofollow": True},
    ]
    assert store.add_links(conn, rows) == 2
    assert store.add_links(conn, rows) == 0
    # a mix of one known and one new link counts one; so does a link re-added after a delete
    assert store.add_links(conn, [rows[0], {"source_url": "https://a.com/q", "target_url": "https://d.io/"}]) == 1
    conn.execute("DELETE FROM links WHERE target_domain = 'd.io'")
    assert store.add_links(conn, [{"source_url": "https://a.com/q", "target_url": "https://d.io/"}]) == 1
    link = conn.execute("SELECT * FROM links WHERE target_domain = 'b.org'").fetchone()
    assert (link["source_domain"], link["anchor"], link["origin"]) == ("a.com", "guide", "crawl")
    assert conn.execute("SELECT nofollow FROM links WHERE target_domain = 'c.net'").fetchone()[0] == 1


def test_profile_change_and_titled_links_drop_site_vectors(conn) -> None:  # type: ignore[no-untyped-def]
    sid = store.upsert_site(conn, "example.com", name="Example", description="About work")

    def put() -> None:
        conn.execute("INSERT OR REPLACE INTO site_vectors (site_id, model, chunks, vectors) VALUES (?, 'm', 0, x'')",
                     (sid,))

    def count() -> int:
        return conn.execute("SELECT count(*) FROM site_vectors").fetchone()[0]

    put()
    store.upsert_site(conn, "example.com", name="Example", source="crawl", authority=50)
    assert count() == 1  # nothing that is embedded changed
    store.upsert_site(conn, "example.com", description="About remote work")
    assert count() == 0
    put()
    store.add_links(conn, [{"source_url": "https://example.com/a", "target_url": "https://b.org/"}])
    assert count() == 1
    store.add_links(conn, [{"source_url": "https://example.com/b", "target_url": "https://b.org/",
                            "source_title": "Remote tools"}])
    assert count() == 0
