"""``assist links import``: your own backlink exports, as dated snapshots of the ledger.

An export is read by the same code as ``assist sites import`` (format sniffing, encodings, malformed
rows with their line numbers), which also keeps its links in the link graph the prospects ranking
reads (so a site that links to you is not suggested as a prospect). The rows that point to your own
sites then enter the ledger; the others are counted and skipped.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from assistant.errors import ImportDataError
from assistant.links import store
from assistant.links.store import NewLink, Own
from assistant.sql import transaction

_DATE_IN_NAME = re.compile(r"(?<!\d)(20\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")
SITE_LEVEL = "gsc_sites"  # Search Console's "Top linking sites": sites, not pages


@dataclass
class LedgerImport:
    path: str
    format: str
    as_of: str
    rows: int = 0
    links: int = 0  # rows to your sites
    new_links: int = 0
    elsewhere: int = 0  # rows to other sites, skipped
    malformed: int = 0
    bad: list[str] | None = None
    as_of_source: str = "given"  # given | file name | file date

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def snapshot_date(path: Path, as_of: date | None) -> tuple[str, str]:
    """The snapshot's date: --as-of, else a date in the file's name, else the file's modification date."""
    if as_of is not None:
        return as_of.isoformat(), "given"
    match = _DATE_IN_NAME.search(path.name)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat(), "file name"
        except ValueError:
            pass
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat(), "file date"
    except OSError:
        return datetime.now(UTC).date().isoformat(), "today"


def _day_start(text: str | None, fallback: str) -> str:
    if text and re.fullmatch(r"\d{4}-\d\d-\d\d.*", text):
        return text[:10] + "T00:00:00Z"
    return fallback + "T00:00:00Z"


def import_export(db: sqlite3.Connection, path: str | Path, own: Own, *, fmt: str = "auto",
                  as_of: date | None = None, progress: Any = None) -> LedgerImport:
    """Import one export as a snapshot; raises ImportDataError (one line) when nothing can be read."""
    from assistant.prospects import imports

    if not own:
        raise ImportDataError("which sites are yours? Set [links] own = [\"example.com\"] or pass --own-domain")
    file = Path(path)
    day, source = snapshot_date(file, as_of)
    result = imports.import_file(db, file, fmt=fmt, own_domain=own.domains[0], progress=progress)
    if result.format == "catalog":
        raise ImportDataError(f"{file}: a site catalog, not a backlink export (use assist sites import)")
    report = LedgerImport(str(file), result.format, day, rows=result.rows_ok, malformed=result.rows_bad,
                          bad=[str(b) for b in result.bad], as_of_source=source)
    cur = db.execute("SELECT source_url, target_url, anchor, nofollow, ugc, sponsored, first_seen FROM links"
                     " WHERE import_id = ?", (result.import_id,))
    batch: list[NewLink] = []
    origin = SITE_LEVEL if result.format == "gsc" and _site_level(file) else result.format
    for row in cur.fetchall():
        site = own.site_of(row["target_url"])
        if site is None:
            report.elsewhere += 1
            continue
        batch.append(NewLink(row["source_url"], row["target_url"], site, origin,
                             _day_start(row["first_seen"], day), anchor=row["anchor"], nofollow=bool(row["nofollow"]),
                             ugc=bool(row["ugc"]), sponsored=bool(row["sponsored"]), export_date=day))
    report.links = len(batch)
    report.new_links = store.add_links(db, batch)
    with transaction(db):
        if origin == SITE_LEVEL:
            db.execute("UPDATE backlinks SET reason = ? WHERE origin = ? AND reason IS NULL",
                       ("a site from Search Console's Top linking sites: no linking page to check", SITE_LEVEL))
        db.execute("INSERT INTO backlink_snapshots (path, format, as_of, links, new_links, elsewhere, malformed)"
                   " VALUES (?,?,?,?,?,?,?)", (str(file.resolve()), report.format, day, report.links,
                                               report.new_links, report.elsewhere, report.malformed))
    return report


def _site_level(file: Path) -> bool:
    """Search Console's "Top linking sites" table: sites and counts, no linking page to fetch."""
    from assistant.prospects.sniff import norm_header, sniff

    names = {norm_header(h) for h in sniff(file).header}
    return "linking page" not in names and "site" in names


def add_one(db: sqlite3.Connection, source_url: str, target_url: str, own: Own, *, now: datetime) -> bool:
    """``links add``: one link by hand. Returns False when it was already in the ledger."""
    from assistant.prospects.targets import check_url

    try:
        source, target = check_url(source_url), check_url(target_url)
    except ValueError as exc:
        raise ImportDataError(str(exc)) from None
    site = own.site_of(target)
    if site is None:
        mine = ", ".join(own.domains) or "none set"
        raise ImportDataError(f"{target} is not on one of your sites ({mine}; see [links] own or --own-domain)")
    if own.site_of(source) is not None:
        raise ImportDataError(f"{source} is on your own site: the ledger keeps links from other sites")
    return store.add_links(db, [NewLink(source, target, site, "manual", store.now_text(now))]) == 1
