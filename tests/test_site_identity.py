"""Site identity: shared hosts (github.com/OWNER/REPO, medium.com/@NAME, ...) are one site per owner,
everywhere a site is named: catalog rows, export rows, crawls, arguments, and old databases."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import db
from assistant.cli import cli
from assistant.prospects import identity, imports, index, store


@pytest.mark.parametrize("url, key", [
    ("https://github.com/Encode/HTTPX", "github.com/encode/httpx"),
    ("https://github.com/encode/httpx/blob/master/README.md#install", "github.com/encode/httpx"),
    ("https://www.github.com/encode/httpx.git", "github.com/encode/httpx"),
    ("https://github.com/encode", "github.com/encode"),
    ("https://github.com/me/starter-guide", "github.com/me/starter-guide"),  # "me" is reserved on medium only
    ("https://github.com/topics/python", "github.com"),
    ("https://github.com/", "github.com"),
    ("https://gitlab.com/group/project/-/issues", "gitlab.com/group/project"),
    ("https://bitbucket.org/team/repo/src", "bitbucket.org/team/repo"),
    ("https://codeberg.org/forgejo/forgejo", "codeberg.org/forgejo/forgejo"),
    ("https://gist.github.com/someone/0123abcd", "gist.github.com/someone"),
    ("https://medium.com/@ana/why-types-matter-1a2b", "medium.com/@ana"),
    ("https://medium.com/better-programming/some-post", "medium.com/better-programming"),
    ("https://medium.com/p/1a2b3c", "medium.com"),
    ("https://ana.medium.com/some-post", "ana.medium.com"),
    ("https://dev.to/ana/my-first-post-3k2j", "dev.to/ana"),
    ("https://www.reddit.com/r/Python/comments/abc/title/", "reddit.com/r/python"),
    ("https://old.reddit.com/r/python/", "reddit.com/r/python"),
    ("https://www.reddit.com/user/someone", "reddit.com/user/someone"),
    ("https://www.youtube.com/@SomeChannel/videos", "youtube.com/@somechannel"),
    ("https://www.youtube.com/channel/UC123", "youtube.com/channel/uc123"),
    ("https://www.youtube.com/watch?v=abc", "youtube.com"),
    ("https://twitter.com/jack/status/1", "x.com/jack"),
    ("https://x.com/jack", "x.com/jack"),
    ("https://someone.substack.com/p/post", "someone.substack.com"),
    ("https://substack.com/@someone", "substack.com/@someone"),
    ("https://someone.github.io/project/", "someone.github.io"),
    ("https://sites.google.com/view/mysite/home", "sites.google.com/view/mysite"),
    ("https://www.linkedin.com/in/someone/", "linkedin.com/in/someone"),
    ("https://pypi.org/project/httpx/", "pypi.org/project/httpx"),
    ("https://www.npmjs.com/package/left-pad", "npmjs.com/package/left-pad"),
    ("https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2", "huggingface.co/sentence-transformers/all-minilm-l6-v2"),
    ("https://bsky.app/profile/someone.bsky.social", "bsky.app/profile/someone.bsky.social"),
    ("https://mastodon.social/@someone", "mastodon.social/@someone"),
    ("https://blog.example.com/a/b", "blog.example.com"),
    ("https://WWW.Example.com:443/x", "example.com"),
    ("example.com", "example.com"),
    ("github.com/owner/repo", "github.com/owner/repo"),  # an argument, without scheme
])
def test_site_keys(url: str, key: str) -> None:
    assert store.normalize_domain(url) == key


def test_every_built_in_shared_host_keys_an_owner() -> None:
    for host, patterns in identity.SHARED_HOSTS.items():
        segments = ["@owner" if p.startswith("@") else "~owner" if p.startswith("~") else "owner" if p == "*" else p
                    for p in patterns[0].split("/")]
        key = store.normalize_domain(f"https://{host}/{'/'.join(segments)}/some/page")
        assert key == f"{host}/{'/'.join(segments)}", host


def test_the_user_extends_and_overrides_the_table(assist_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (assist_home / "config.toml").write_text('[sites.shared_hosts]\n"forum.example" = ["u/*"]\n"dev.to" = []\n')
    assert store.normalize_domain("https://forum.example/u/ana/posts") == "forum.example/u/ana"
    assert store.normalize_domain("https://dev.to/ana/post") == "dev.to"
    monkeypatch.setenv("ASSIST_SITES__SHARED_HOSTS", '{"forum.example" = "oops"}')
    from assistant.errors import ConfigError

    with pytest.raises(ConfigError, match="sites.shared_hosts.forum.example: expected a list of path patterns"):
        store.normalize_domain("https://forum.example/u/ana")


def test_contains() -> None:
    assert identity.contains("github.com/owner", "github.com/owner/repo")
    assert not identity.contains("github.com/owner/repo", "github.com/owner/other")
    assert not identity.contains("github.com/owner", "github.com/ownerx")
    assert identity.contains("example.com", "blog.example.com")
    assert not identity.contains("example.com", "notexample.com")


def _catalog(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "lists.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.slow  # loads the model through `sites show`
def test_catalog_rows_on_a_shared_host_stay_distinct_sites(tmp_path: Path) -> None:
    rows = [{"url": f"https://github.com/owner{i}/awesome-thing", "name": f"List {i}",
             "description": f"A curated list number {i}."} for i in range(45)]
    res = CliRunner().invoke(cli, ["sites", "import", str(_catalog(tmp_path, rows)), "--json"])
    assert res.exit_code == 0, res.output
    (summary,) = json.loads(res.stdout)
    assert summary["sites_new"] == 45 and summary["merged"] == []
    conn = db.connect()
    keys = {r[0] for r in conn.execute("SELECT domain FROM sites")}
    assert keys == {f"github.com/owner{i}/awesome-thing" for i in range(45)}
    res = CliRunner().invoke(cli, ["sites", "show", "https://github.com/owner7/awesome-thing/blob/main/README.md"])
    assert res.exit_code == 0 and res.stdout.startswith("github.com/owner7/awesome-thing  List 7")


def test_rows_that_are_one_site_are_merged_with_a_warning(tmp_path: Path) -> None:
    rows = [{"url": "https://github.com/ana/list", "name": "First"},
            {"url": "https://github.com/ana/list/blob/main/README.md", "name": "Second"},
            {"url": "https://example.com/a", "name": "Third"}, {"url": "https://www.example.com/b", "name": "Fourth"}]
    res = CliRunner().invoke(cli, ["sites", "import", str(_catalog(tmp_path, rows))])
    assert res.exit_code == 0
    assert ("warning: " in res.stderr and "line 1 (https://github.com/ana/list), line 2"
            " (https://github.com/ana/list/blob/main/README.md) are one site, github.com/ana/list: merged") in res.stderr
    assert "are one site, example.com: merged" in res.stderr
    assert "2 new sites" in res.stdout


def test_export_rows_and_links_resolve_through_the_same_function(tmp_path: Path) -> None:
    export = tmp_path / "plain.csv"
    export.write_text("source_url,target_url,anchor\n"
                      "https://github.com/ana/awesome-x,https://github.com/psf/requests,requests\n"
                      "https://github.com/bob/awesome-y/blob/main/README.md,https://github.com/psf/requests/,requests\n"
                      "https://dev.to/carl/my-post,https://example.com/guide,guide\n", encoding="utf-8")
    conn = db.connect()
    result = imports.import_file(conn, export)
    assert result.sites_new == 3
    rows = conn.execute("SELECT source_domain, target_domain FROM links ORDER BY source_domain").fetchall()
    assert [tuple(r) for r in rows] == [("dev.to/carl", "example.com"),
                                        ("github.com/ana/awesome-x", "github.com/psf/requests"),
                                        ("github.com/bob/awesome-y", "github.com/psf/requests")]
    urls = dict(conn.execute("SELECT domain, url FROM sites").fetchall())
    assert urls["github.com/ana/awesome-x"] == "https://github.com/ana/awesome-x/"


def test_competitor_and_own_domain_arguments_resolve_to_sites(tmp_path: Path, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    from assistant import documents
    from assistant.prospects import rank

    conn = db.connect()
    for owner in ("ana", "bob"):
        sid = store.upsert_site(conn, f"https://github.com/{owner}/awesome-bread", name=f"{owner}'s bread list",
                                description="Sourdough starter guides and rye bread recipes.", source="catalog")
        assert sid
    store.add_links(conn, [{"source_url": "https://github.com/ana/awesome-bread",
                            "target_url": "https://github.com/me/starter-guide"}])
    draft = tmp_path / "d.md"
    draft.write_text("---\ntitle: Sourdough starter\ncanonical_url: https://github.com/me/starter-guide\n---\n\n"
                     "Feed a rye starter twice a day until it doubles.\n", encoding="utf-8")
    doc = documents.load(str(draft))
    notes: list[str] = []
    found = rank.rank(conn, doc, shared_embedder, notes=notes)
    # ana's list already links to the draft's own page (github.com/me/starter-guide): left out
    assert [p.domain for p in found] == ["github.com/bob/awesome-bread"]
    assert notes[0].startswith("1 site(s) already linking to github.com/me/starter-guide left out")
    found = rank.rank(conn, doc, shared_embedder, competitors=["github.com/bob/awesome-bread"], include_linking=True)
    assert [p.domain for p in found] == ["github.com/ana/awesome-bread"]


def test_migration_re_keys_a_database_of_0_1(tmp_path: Path) -> None:
    # A database where 0.1 merged every github.com row into one site, and keyed links by host.
    conn = db.connect()
    conn.execute("DELETE FROM _migrations WHERE name = 'sites_004_site_identity_link_context'")
    conn.execute("ALTER TABLE links DROP COLUMN context")
    conn.execute("ALTER TABLE site_vectors DROP COLUMN evidence")
    conn.execute("INSERT INTO sites (domain, url, name, description, sources) VALUES"
                 " ('github.com', 'https://github.com/ana/list', 'Ana list', 'Bread.', 'catalog')")
    sid = conn.execute("SELECT id FROM sites").fetchone()[0]
    conn.execute("INSERT INTO pages (site_id, url, title, text) VALUES (?, 'https://github.com/bob/other/wiki', 'Bob', 'x')",
                 (sid,))
    conn.execute("INSERT INTO links (source_url, source_domain, target_url, target_domain, origin) VALUES"
                 " ('https://github.com/carl/list', 'github.com', 'https://example.com/a', 'example.com', 'plain')")
    conn.execute("INSERT INTO site_vectors (site_id, model, chunks, vectors, labels) VALUES (?, 'm', 1, x'00', '[]')",
                 (sid,))
    conn.commit()
    conn.close()
    conn = db.connect()  # migrates
    sites = {r["domain"]: dict(r) for r in conn.execute("SELECT * FROM sites")}
    assert sites["github.com/ana/list"]["name"] == "Ana list"
    assert "github.com/bob/other" in sites and "github.com/carl/list" in sites and "github.com" not in sites
    page_site = conn.execute("SELECT s.domain FROM pages p JOIN sites s ON s.id = p.site_id").fetchone()[0]
    assert page_site == "github.com/bob/other"
    assert conn.execute("SELECT source_domain FROM links").fetchone()[0] == "github.com/carl/list"
    assert conn.execute("SELECT count(*) FROM site_vectors").fetchone()[0] == 0
    assert isinstance(conn, sqlite3.Connection)


def test_migration_5_rebuilds_chunks_stored_without_their_links_path_words(shared_embedder) -> None:  # type: ignore[no-untyped-def]
    conn = db.connect()
    store.upsert_site(conn, "https://github.com/ana/list", description="- [mock](https://github.com/l/respx)",
                      source="catalog")
    index.load_vectors(conn, shared_embedder, conn.execute("SELECT * FROM sites").fetchall())
    # as stored before chunks had terms
    conn.execute("UPDATE site_vectors SET labels = json_remove(labels, '$.terms')")
    conn.execute("DELETE FROM _migrations WHERE name = 'sites_005_chunk_link_terms'")
    conn.commit()
    conn.close()
    conn = db.connect()  # migrates
    assert conn.execute("SELECT count(*) FROM site_vectors").fetchone()[0] == 0
    rebuilt = index.load_vectors(conn, shared_embedder, conn.execute("SELECT * FROM sites").fetchall())
    assert "respx" in next(iter(rebuilt.values())).terms[0]
