"""Upserts of sites, pages and links, shared by imports and the crawler.

Every writer goes through these functions so that domains are normalised one way, a re-import or
re-crawl updates rows instead of duplicating them, and ``None`` never erases a known value.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from assistant.errors import ImportDataError
from assistant.prospects import identity
from assistant.sql import transaction

SITE_FIELDS = ("url", "name", "description", "topics", "authority", "contact", "excluded")
PAGE_FIELDS = (
    "title", "text", "kind", "status", "etag", "last_modified", "content_hash",
    "outbound_links", "fetched_at",
)
# Order of a link row given as a tuple to add_links().
LINK_COLUMNS = (
    "source_url", "source_domain", "target_url", "target_domain", "anchor", "source_title",
    "nofollow", "ugc", "sponsored", "first_seen", "last_seen", "origin", "import_id", "context",
)
PAGE_KINDS = ("home", "article", "resource", "guest_post", "feed_item")


class InvalidURL(ImportDataError, ValueError):
    """A URL or domain that has no usable host."""


def normalize_domain(url_or_domain: str) -> str:
    """The site key of a URL or domain (see assistant.prospects.identity): the lower-case host without
    "www.", port or trailing dot ("https://WWW.Example.com:443/x" -> "example.com"), plus the owner's
    path on a shared host ("https://github.com/Owner/Repo/issues" -> "github.com/owner/repo")."""
    value = (url_or_domain or "").strip()
    if not value:
        raise InvalidURL("empty URL or domain")
    parts = urlsplit(value if "//" in value else f"//{value}")
    host = (parts.hostname or "").strip(".").lower()
    if host.startswith("www."):
        host = host[4:]
    if not host or " " in host or "." not in host and host != "localhost":
        raise InvalidURL(f"not a URL or domain: {url_or_domain!r}")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass  # keep the Unicode form rather than reject an unusual but real host
    return identity.key_for(host, parts.path)


def _merge_sources(field: str) -> str:
    # Append the new source to the comma-separated set unless it is already there.
    return (
        f"CASE WHEN excluded.{field} = '' THEN sites.{field}"
        f" WHEN instr(',' || sites.{field} || ',', ',' || excluded.{field} || ',') > 0 THEN sites.{field}"
        f" WHEN sites.{field} = '' THEN excluded.{field}"
        f" ELSE sites.{field} || ',' || excluded.{field} END"
    )


def upsert_site(db: sqlite3.Connection, domain: str, *, source: str | None = None, **fields: Any) -> int:
    """Create or update the site for a domain (or URL); fields left as None keep their value. Returns its id."""
    unknown = set(fields) - set(SITE_FIELDS)
    if unknown:
        raise TypeError(f"upsert_site: unknown fields {sorted(unknown)}")
    key = normalize_domain(domain)
    if isinstance(fields.get("topics"), list | tuple):
        fields["topics"] = ",".join(str(t).strip() for t in fields["topics"] if str(t).strip())
    if fields.get("excluded") is not None:
        fields["excluded"] = int(bool(fields["excluded"]))
    values = [fields.get(f) for f in SITE_FIELDS]
    old = db.execute("SELECT id, name, description, topics FROM sites WHERE domain = ?", (key,)).fetchone()
    db.execute(
        "INSERT INTO sites (domain, url, name, description, topics, authority, contact, excluded, sources)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, coalesce(?, 0), ?)"
        " ON CONFLICT(domain) DO UPDATE SET "
        + ", ".join(f"{f} = coalesce(excluded.{f}, sites.{f})" for f in SITE_FIELDS if f != "excluded")
        + ", excluded = CASE WHEN ? IS NULL THEN sites.excluded ELSE excluded.excluded END"
        + f", sources = {_merge_sources('sources')}"
        + ", updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
        (key, *values, source or "", fields.get("excluded")),
    )
    if old is not None and any(
        fields.get(f) is not None and fields[f] != old[f] for f in ("name", "description", "topics")
    ):
        db.execute("DELETE FROM site_vectors WHERE site_id = ?", (old["id"],))  # its profile text changed
        return int(old["id"])
    return int(db.execute("SELECT id FROM sites WHERE domain = ?", (key,)).fetchone()[0])


def invalidate_vectors(db: sqlite3.Connection, domains: Iterable[str]) -> None:
    """Drop the stored vectors of these sites (their texts changed); the next ranking rebuilds them."""
    names = sorted(set(domains))
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        marks = ",".join("?" * len(chunk))
        db.execute(
            f"DELETE FROM site_vectors WHERE site_id IN (SELECT id FROM sites WHERE domain IN ({marks}))", chunk
        )


def upsert_page(db: sqlite3.Connection, site_id: int, url: str, **fields: Any) -> int:
    """Create or update a page by URL; fields left as None keep their value. Returns its id.

    When the title, text or kind changes, the site's stored vectors are dropped so the next ranking
    rebuilds them.
    """
    unknown = set(fields) - set(PAGE_FIELDS)
    if unknown:
        raise TypeError(f"upsert_page: unknown fields {sorted(unknown)}")
    if fields.get("kind") is not None and fields["kind"] not in PAGE_KINDS:
        raise ValueError(f"upsert_page: kind must be one of {', '.join(PAGE_KINDS)}")
    old = db.execute("SELECT title, text, kind FROM pages WHERE url = ?", (url,)).fetchone()
    values = [fields.get(f) for f in PAGE_FIELDS]
    db.execute(
        "INSERT INTO pages (site_id, url, " + ", ".join(PAGE_FIELDS) + ")"
        " VALUES (?, ?, ?, ?, coalesce(?, 'article'), ?, ?, ?, ?, coalesce(?, 0), ?)"
        " ON CONFLICT(url) DO UPDATE SET site_id = excluded.site_id, "
        + ", ".join(
            f"{f} = CASE WHEN ? IS NULL THEN pages.{f} ELSE excluded.{f} END" for f in PAGE_FIELDS
        ),
        (site_id, url, *values, *values),
    )
    changed = old is None or any(
        fields.get(f) is not None and fields[f] != old[f] for f in ("title", "text", "kind")
    )
    if changed:
        db.execute("DELETE FROM site_vectors WHERE site_id = ?", (site_id,))
    return int(db.execute("SELECT id FROM pages WHERE url = ?", (url,)).fetchone()[0])


LINK_UPSERT_SQL = (
    "INSERT INTO links (" + ", ".join(LINK_COLUMNS) + ") VALUES (" + ", ".join("?" * len(LINK_COLUMNS)) + ")"
    " ON CONFLICT(source_url, target_url) DO UPDATE SET"
    " anchor = coalesce(excluded.anchor, links.anchor),"
    " source_title = coalesce(excluded.source_title, links.source_title),"
    " nofollow = excluded.nofollow, ugc = excluded.ugc, sponsored = excluded.sponsored,"
    " first_seen = coalesce(links.first_seen, excluded.first_seen),"
    " last_seen = coalesce(excluded.last_seen, links.last_seen),"
    " origin = CASE WHEN links.origin = excluded.origin THEN links.origin ELSE excluded.origin END,"
    " import_id = coalesce(excluded.import_id, links.import_id),"
    " context = coalesce(excluded.context, links.context)"
)


def _link_tuple(row: Mapping[str, Any] | Sequence[Any]) -> tuple[Any, ...]:
    if not isinstance(row, Mapping):
        if len(row) != len(LINK_COLUMNS):
            raise ValueError(f"add_links: a tuple row needs {len(LINK_COLUMNS)} values in LINK_COLUMNS order")
        return tuple(row)
    data = dict(row)
    data.setdefault("source_domain", normalize_domain(data["source_url"]))
    data.setdefault("target_domain", normalize_domain(data["target_url"]))
    for flag in ("nofollow", "ugc", "sponsored"):
        data[flag] = int(bool(data.get(flag)))
    data.setdefault("origin", "crawl")
    return tuple(data.get(c) for c in LINK_COLUMNS)


def add_links(db: sqlite3.Connection, rows: Iterable[Mapping[str, Any] | Sequence[Any]]) -> int:
    """Insert or update links (dicts, or tuples in LINK_COLUMNS order); returns how many rows were new.

    Dict rows need source_url and target_url; domains are derived, flags default to 0 and origin to
    "crawl". The (source_url, target_url) pair is unique, so feeding the same rows twice adds nothing.
    """
    batch = [_link_tuple(r) for r in rows]
    if not batch:
        return 0
    with transaction(db):  # joins the caller's transaction when there is one
        # Not count(*) before and after: that scans the whole table on every call (per crawled page,
        # per catalog entry). An upsert that updates keeps its row id, so new rows are those above max(id).
        max_id = db.execute("SELECT coalesce(max(id), 0) FROM links").fetchone()[0]
        db.executemany(LINK_UPSERT_SQL, batch)
        added = db.execute("SELECT count(*) FROM links WHERE id > ?", (max_id,)).fetchone()[0]
        # titles of linking pages are part of a site's text
        invalidate_vectors(db, {row[1] for row in batch if row[5]})
    return int(added)


MAX_CONTEXT = 300


def clean_context(line: str) -> str:
    """A line of Markdown or HTML as words (link texts kept, addresses and tags dropped), capped."""
    from assistant.prospects.chunking import clean_line

    return clean_line(line)[:MAX_CONTEXT]


def url_contexts(text: str, urls: Iterable[str]) -> dict[str, str]:
    """For each URL that appears in a text, the line around it (first occurrence), cleaned."""
    out: dict[str, str] = {}
    if not text:
        return out
    for url in urls:
        bare = url.split("://", 1)[-1].rstrip("/")
        if len(bare) < 4:
            continue
        at = text.find(bare)
        if at < 0:
            continue
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        line = clean_context(text[start : end if end >= 0 else len(text)])
        if line:
            out[url] = line
    return out


def fill_link_context(db: sqlite3.Connection, sites: Iterable[str] | None = None) -> int:
    """Give links without context the line around them in their source site's own texts (a catalog
    description or page that holds the link's address, as a Markdown list or an HTML page does).
    Returns how many links got one."""
    with_text = {r[0] for r in db.execute(
        "SELECT domain FROM sites WHERE description IS NOT NULL OR id IN (SELECT site_id FROM pages)")}
    keys = sorted(with_text if sites is None else with_text & set(sites))
    if not keys:
        return 0
    if len(keys) > 500:  # many sites: one pass over the table instead of a long IN list
        keys_set, keys = set(keys), None
    else:
        keys_set = set(keys)
    where = "" if keys is None else f" AND source_domain IN ({','.join('?' * len(keys))})"
    pending: dict[str, list[tuple[int, str]]] = {}
    for row in db.execute(f"SELECT id, source_domain, target_url FROM links WHERE context IS NULL{where}",
                          keys or ()):
        if row[1] in keys_set:
            pending.setdefault(row[1], []).append((row[0], row[2]))
    filled = 0
    for key, rows in pending.items():
        site = db.execute("SELECT id, description FROM sites WHERE domain = ?", (key,)).fetchone()
        if site is None:
            continue
        texts = [site[1] or ""] + [r[0] or "" for r in db.execute(
            "SELECT text FROM pages WHERE site_id = ?", (site[0],))]
        found: dict[str, str] = {}
        urls = [u for _, u in rows]
        for text in texts:
            for url, ctx in url_contexts(text, [u for u in urls if u not in found]).items():
                found[url] = ctx
        updates = [(found[u], i) for i, u in rows if u in found]
        if updates:
            db.executemany("UPDATE links SET context = ? WHERE id = ?", updates)
            filled += len(updates)
    return filled


def site_by_domain(db: sqlite3.Connection, domain: str) -> sqlite3.Row | None:
    """The site row for a domain or URL, or None."""
    return db.execute("SELECT * FROM sites WHERE domain = ?", (normalize_domain(domain),)).fetchone()
