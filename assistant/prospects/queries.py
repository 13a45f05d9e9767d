"""The SQL a ranking runs (assistant.prospects.rank): sites, pages and links read for the sites
being scored, never the whole tables (they grow with every import).

Lists of values are bound in batches of :data:`BATCH` (SQLite allows at most 999 by default).
Rows are ``sqlite3.Row`` (the connection's row factory) unless said otherwise.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

BATCH = 500
T = TypeVar("T")


def _batches(values: Sequence[T]) -> Iterator[tuple[Sequence[T], str]]:
    """The values in batches, each with its SQL placeholders ("?,?,?")."""
    for start in range(0, len(values), BATCH):
        chunk = values[start : start + BATCH]
        yield chunk, ",".join("?" * len(chunk))


# --------------------------------------------------------------------------- sites


def site_rows(db: sqlite3.Connection, domain: str) -> list[sqlite3.Row]:
    """The site of this domain (a normalised key), whatever its status."""
    return db.execute("SELECT * FROM sites WHERE domain = ?", (domain,)).fetchall()


def listed_sites(db: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every site not excluded (read whole only for a small catalog)."""
    return db.execute("SELECT * FROM sites WHERE excluded = 0").fetchall()


def count_listed(db: sqlite3.Connection) -> int:
    """How many sites are not excluded."""
    return int(db.execute("SELECT count(*) FROM sites WHERE excluded = 0").fetchone()[0])


def sites_by_id(db: sqlite3.Connection, ids: list[int]) -> list[sqlite3.Row]:
    """The sites of these ids, in the order of the ids when they are sorted."""
    out: list[sqlite3.Row] = []
    for chunk, marks in _batches(ids):
        out.extend(db.execute(f"SELECT * FROM sites WHERE id IN ({marks}) ORDER BY id", chunk))
    return out


def listed_ids(db: sqlite3.Connection, ids: Iterable[int], skip: set[str]) -> set[int]:
    """The ids of sites not excluded and whose domain is not in ``skip``."""
    found: set[int] = set()
    for chunk, marks in _batches(list(ids)):
        found |= {r[0] for r in db.execute(
            f"SELECT id, domain FROM sites WHERE excluded = 0 AND id IN ({marks})", chunk) if r[1] not in skip}
    return found


def count_listed_domains(db: sqlite3.Connection, domains: set[str]) -> int:
    """How many of these domains are known, not excluded sites."""
    total = 0
    for chunk, marks in _batches(sorted(domains)):
        total += db.execute(
            f"SELECT count(*) FROM sites WHERE excluded = 0 AND domain IN ({marks})", chunk).fetchone()[0]
    return int(total)


# --------------------------------------------------------------------------- links


def linking_domains(db: sqlite3.Connection, target_domain: str) -> set[str]:
    """The domains with a known link to ``target_domain``: from exports, crawls, and the ledger of
    your own links (``assist links``) unless a check found the link lost."""
    return {r[0] for r in db.execute(
        "SELECT source_domain FROM links WHERE target_domain = ? UNION SELECT source_site FROM backlinks"
        " WHERE (target_site = ? OR target_site LIKE ?) AND state != 'lost'",
        (target_domain, target_domain, "%." + target_domain))}


def has_links_to(db: sqlite3.Connection, target_domain: str) -> bool:
    """Whether any known link points to ``target_domain``."""
    return db.execute("SELECT 1 FROM links WHERE target_domain = ? LIMIT 1", (target_domain,)).fetchone() is not None


def linking_site_ids(db: sqlite3.Connection, target_domains: set[str], skip: set[str]) -> set[int]:
    """The ids of sites not excluded (nor in ``skip``) that link to any of ``target_domains``: one join
    on the links' target_domain index."""
    if not target_domains:
        return set()
    marks = ",".join("?" * len(target_domains))
    cur = db.execute(
        "SELECT DISTINCT s.id, s.domain FROM links l JOIN sites s ON s.domain = l.source_domain"
        f" WHERE l.target_domain IN ({marks}) AND s.excluded = 0", tuple(sorted(target_domains)))
    cur.row_factory = None
    return {sid for sid, domain in cur if domain not in skip}


def links_from(db: sqlite3.Connection, domains: set[str]) -> dict[str, list[sqlite3.Row]]:
    """The outbound links (to other sites) of each of these domains."""
    out: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for chunk, marks in _batches(sorted(domains)):
        for row in db.execute(
            "SELECT source_domain, source_url, source_title, target_url, target_domain, anchor, sponsored,"
            " context FROM links"
            f" WHERE source_domain IN ({marks}) AND source_domain != target_domain",
            chunk,
        ):
            out[row["source_domain"]].append(row)
    return out


# --------------------------------------------------------------------------- pages


def pages_of(db: sqlite3.Connection, site_ids: list[int]) -> dict[int, list[sqlite3.Row]]:
    """The pages of these sites (url, kind, status, outbound_links, title), by site id."""
    out: dict[int, list[sqlite3.Row]] = defaultdict(list)
    for chunk, marks in _batches(site_ids):
        for row in db.execute(
            f"SELECT site_id, url, kind, status, outbound_links, title FROM pages WHERE site_id IN ({marks})",
            chunk,
        ):
            out[row["site_id"]].append(row)
    return out


def crawled_pages(db: sqlite3.Connection, urls: list[str]) -> dict[str, sqlite3.Row]:
    """The crawled pages (url, title, text) among these URLs, by URL."""
    known: dict[str, sqlite3.Row] = {}
    for chunk, marks in _batches(urls):
        for row in db.execute(f"SELECT url, title, text FROM pages WHERE url IN ({marks})", chunk):
            known[row["url"]] = row
    return known


def broken_urls(db: sqlite3.Connection, urls: list[str]) -> set[str]:
    """The URLs among these of crawled pages that answered HTTP 400 or above."""
    broken: set[str] = set()
    for chunk, marks in _batches(urls):
        broken |= {r[0] for r in db.execute(
            f"SELECT url FROM pages WHERE url IN ({marks}) AND status >= 400", chunk)}
    return broken
