"""Migrations of the sites, pages and link-graph tables (see assistant.db).

- ``sites``: one row per domain (catalog entries, crawled sites, sites seen in backlink exports).
- ``pages``: fetched or imported pages of a site, with their text, kind and HTTP validators.
- ``links``: the link graph, ``source_url -> target_url``, from exports and crawls.
- ``imports``: one row per imported file, with its counts of good and malformed rows.
- ``site_vectors``: per-site embedding summaries for ranking (rebuilt when pages change).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from assistant.sql import run_script


def _sites_001(db: sqlite3.Connection) -> None:
    run_script(
        db,
        """
        CREATE TABLE sites (
            id INTEGER PRIMARY KEY,
            domain TEXT NOT NULL UNIQUE,          -- lower-case host without "www."
            url TEXT,                             -- home page or catalog URL
            name TEXT,
            description TEXT,
            topics TEXT,                          -- comma-separated
            authority REAL,                       -- imported metric (0-100), NULL when unknown
            contact TEXT,
            excluded INTEGER NOT NULL DEFAULT 0,  -- the user asked never to suggest it
            sources TEXT NOT NULL DEFAULT '',     -- comma-separated: catalog, ahrefs, crawl, ...
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE TABLE pages (
            id INTEGER PRIMARY KEY,
            site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
            url TEXT NOT NULL UNIQUE,
            title TEXT,
            text TEXT,
            kind TEXT NOT NULL DEFAULT 'article', -- home | article | resource | guest_post | feed_item
            status INTEGER,                       -- last HTTP status
            etag TEXT,
            last_modified TEXT,
            content_hash TEXT,
            outbound_links INTEGER NOT NULL DEFAULT 0,
            fetched_at TEXT
        );
        CREATE INDEX pages_site ON pages(site_id);
        CREATE TABLE links (
            id INTEGER PRIMARY KEY,
            source_url TEXT NOT NULL,
            source_domain TEXT NOT NULL,
            target_url TEXT NOT NULL,
            target_domain TEXT NOT NULL,
            anchor TEXT,
            source_title TEXT,
            nofollow INTEGER NOT NULL DEFAULT 0,
            ugc INTEGER NOT NULL DEFAULT 0,
            sponsored INTEGER NOT NULL DEFAULT 0,
            first_seen TEXT,
            last_seen TEXT,
            origin TEXT NOT NULL,                 -- ahrefs | semrush | majestic | gsc | plain | crawl
            import_id INTEGER,
            UNIQUE (source_url, target_url)
        );
        CREATE INDEX links_source_domain ON links(source_domain);
        CREATE INDEX links_target_domain ON links(target_domain);
        CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            format TEXT NOT NULL,
            rows_ok INTEGER NOT NULL DEFAULT 0,
            rows_bad INTEGER NOT NULL DEFAULT 0,
            imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE TABLE site_vectors (
            site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            chunks INTEGER NOT NULL,
            vectors BLOB NOT NULL,                -- float32 matrix, chunks x dim, row-major
            built_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            PRIMARY KEY (site_id, model)
        );
        """
    )


def _sites_002(db: sqlite3.Connection) -> None:
    # Which page (or "profile") each stored chunk vector came from, for the reasons of a ranking.
    db.execute("ALTER TABLE site_vectors ADD COLUMN labels TEXT")


def _sites_003(db: sqlite3.Connection) -> None:
    # Vectors stored before labels existed are rebuilt anyway; dropping them lets "which sites lack
    # vectors" be answered from the primary key alone. The index answers the ANN index's freshness
    # check (count and newest built_at per model) without reading the vector blobs.
    db.execute("DELETE FROM site_vectors WHERE labels IS NULL")
    db.execute("CREATE INDEX site_vectors_model_built ON site_vectors(model, built_at)")


def _sites_004(db: sqlite3.Connection) -> None:
    """Site identity (assistant.prospects.identity): pages, links and sites on a shared host
    (github.com, medium.com, ...) are re-keyed to the owner's site; links get the text around them.

    Sites that an earlier version merged under a shared host are split again by the URLs of their
    pages and links; the host's row keeps its fields under the key of its own URL. Every stored
    vector is dropped: site texts are now chunked in full and the next ranking rebuilds them.
    """
    from assistant.prospects import identity, store

    def key(url: str | None) -> str | None:
        try:
            return store.normalize_domain(url or "")
        except store.InvalidURL:
            return None

    db.create_function("site_key", 1, key, deterministic=True)
    db.execute("ALTER TABLE links ADD COLUMN context TEXT")  # the line or sentence the link sits in
    # what a site's own texts say against it (evidence.text_evidence), worked out when they are chunked
    db.execute("ALTER TABLE site_vectors ADD COLUMN evidence TEXT")
    hosts = sorted(set(identity.shared_hosts()) | set(identity.HOST_ALIASES))
    marks = ",".join("?" * len(hosts))
    for url_col, key_col in (("source_url", "source_domain"), ("target_url", "target_domain")):
        db.execute(f"UPDATE links SET {key_col} = coalesce(site_key({url_col}), {key_col})"
                   f" WHERE {key_col} IN ({marks})", hosts)
    shared = db.execute(f"SELECT id, domain, url, sources FROM sites WHERE domain IN ({marks})", hosts).fetchall()
    for site in shared:
        new = key(site["url"])
        if new and new != site["domain"]:
            taken = db.execute("SELECT id FROM sites WHERE domain = ?", (new,)).fetchone()
            if taken is None:
                db.execute("UPDATE sites SET domain = ? WHERE id = ?", (new, site["id"]))
        for page in db.execute("SELECT id, url FROM pages WHERE site_id = ?", (site["id"],)).fetchall():
            page_key = key(page["url"])
            owner = db.execute("SELECT domain FROM sites WHERE id = ?", (site["id"],)).fetchone()[0]
            if page_key and page_key != owner:
                db.execute("INSERT OR IGNORE INTO sites (domain, url, sources) VALUES (?, ?, ?)",
                           (page_key, identity.home_url(page_key), site["sources"]))
                db.execute("UPDATE pages SET site_id = (SELECT id FROM sites WHERE domain = ?) WHERE id = ?",
                           (page_key, page["id"]))
    # sites seen only as the source of links (exports) under their new keys
    db.execute(
        "INSERT OR IGNORE INTO sites (domain, url, sources)"
        " SELECT source_domain, 'https://' || source_domain || '/', min(origin) FROM links"
        " WHERE source_domain NOT IN (SELECT domain FROM sites) GROUP BY source_domain"
    )
    db.execute("DELETE FROM site_vectors")


def _sites_005(db: sqlite3.Connection) -> None:
    """Chunks now carry their links' path words for the lexical match: built again (the chunk vectors
    come back from the embedding cache)."""
    db.execute("DELETE FROM site_vectors")


MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = [
    ("sites_001_sites_pages_links", _sites_001),
    ("sites_002_site_vector_labels", _sites_002),
    ("sites_003_site_vectors_freshness_index", _sites_003),
    ("sites_004_site_identity_link_context", _sites_004),
    ("sites_005_chunk_link_terms", _sites_005),
]
