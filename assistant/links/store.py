"""The ledger's records: which URLs are yours, adding links, applying a check's outcome to a link
(with its history), and the queries behind ``links list``, ``show`` and ``summary``."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from assistant.errors import UsageError
from assistant.prospects.targets import domain_of
from assistant.sql import now_text, parse_time, transaction

STATES = ("unchecked", "live", "changed", "lost", "unverified")
LISTED_STATES = ("live", "new", "lost", "changed", "unverified", "unchecked")
LOST_REASONS = {
    "page-gone": "the linking page is gone (404 or 410)",
    "redirected": "the linking page now redirects elsewhere, without the link",
    "noindex": "the linking page is marked noindex",
    "not-canonical": "the linking page names another page as canonical",
    "link-removed": "the page is live but the link is gone",
    "target-broken": "the page of yours it links to is broken",
    "unreachable": "the linking page failed every check for more than a day",
}
FAILURES_BEFORE_LOST = 3  # failed checks in a row, spanning at least LOST_AFTER, before "lost"
LOST_AFTER = timedelta(days=1)


# --------------------------------------------------------------------------- your sites


class Own:
    """The user's own sites: a URL is yours when its host is one of them or a subdomain."""

    def __init__(self, domains: Iterable[str]) -> None:
        keys = []
        for d in domains:
            key = domain_of(d if "//" in d else f"https://{d.strip()}/")
            if not key:
                raise UsageError(f"{d!r} is not a domain (in [links] own or --own-domain)")
            keys.append(key)
        self.domains = tuple(dict.fromkeys(keys))

    def __bool__(self) -> bool:
        return bool(self.domains)

    def site_of(self, url: str) -> str | None:
        """Which of your sites the URL is on, or None."""
        key = domain_of(url)
        if not key:
            return None
        host = key.split("/", 1)[0]
        for own in self.domains:
            if host == own or host.endswith("." + own):
                return own
        return None


def link_key(url: str) -> str:
    """A URL compared loosely: http and https, ``www.``, a default port, a trailing slash and the
    fragment do not tell two links apart."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().removeprefix("www.")
        port = parts.port
    except ValueError:
        return url.strip()
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("http", netloc, path, parts.query, ""))


# --------------------------------------------------------------------------- adding


@dataclass
class NewLink:
    source_url: str
    target_url: str
    target_site: str
    origin: str
    first_seen: str
    anchor: str | None = None
    nofollow: bool = False
    sponsored: bool = False
    ugc: bool = False
    export_date: str | None = None  # as-of date of the export that listed it


def add_links(db: sqlite3.Connection, links: Iterable[NewLink]) -> int:
    """Insert links not yet in the ledger; a known one keeps its state and history (an export only
    moves its first_seen earlier and its last_export later). Returns how many were new."""
    new = 0
    with transaction(db):
        for link in links:
            row = db.execute("SELECT id FROM backlinks WHERE source_url = ? AND target_url = ?",
                             (link.source_url, link.target_url)).fetchone()
            if row is not None:
                db.execute(
                    "UPDATE backlinks SET first_seen = min(first_seen, ?),"
                    " last_export = CASE WHEN ? IS NULL THEN last_export ELSE max(coalesce(last_export, ''), ?) END"
                    " WHERE id = ?", (link.first_seen, link.export_date, link.export_date, row[0]))
                continue
            db.execute(
                "INSERT INTO backlinks (source_url, target_url, source_site, target_site, origin, first_seen,"
                " last_export, state_since, anchor, nofollow, sponsored, ugc) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (link.source_url, link.target_url, domain_of(link.source_url), link.target_site, link.origin,
                 link.first_seen, link.export_date, link.first_seen, link.anchor, int(link.nofollow),
                 int(link.sponsored), int(link.ugc)))
            new += 1
    return new


# --------------------------------------------------------------------------- checks


@dataclass
class Outcome:
    """What one check saw for one link, before the ledger's rules turn it into a state."""

    state: str  # live | lost | failed (unverified: timeouts, 5xx, robots...)
    reason: str | None = None  # a LOST_REASONS key, or the failure's cause
    status: int | None = None
    final_url: str | None = None
    redirects: tuple[str, ...] = ()
    present: bool | None = None
    anchor: str | None = None
    nofollow: bool = False
    sponsored: bool = False
    ugc: bool = False
    placement: str | None = None
    line: int | None = None
    noindex: bool | None = None
    canonical: str | None = None
    target_status: int | None = None
    error: str | None = None


@dataclass
class Change:
    link_id: int
    source_url: str
    target_url: str
    before: str
    after: str
    reason: str | None

    @property
    def newly_lost(self) -> bool:
        return self.after == "lost" and self.before != "lost"


def apply(db: sqlite3.Connection, link: sqlite3.Row, seen: Outcome, *, now: datetime,
          run_id: int | None = None) -> Change:
    """Record a check of ``link`` and move it to its new state.

    A failure (timeout, 5xx, robots) leaves a link ``unverified``; it is called lost only after
    FAILURES_BEFORE_LOST failures in a row spanning at least LOST_AFTER. A present link whose anchor
    or rel differs from the last check that saw it is ``changed``."""
    at = now_text(now)
    before = link["state"]
    fields: dict[str, object] = {"last_checked": at}
    if seen.state == "failed":
        failures = link["failures"] + 1
        since = link["failing_since"] or at
        fields.update(failures=failures, failing_since=since)
        if before == "lost":
            state, reason = "lost", link["reason"]
        elif failures >= FAILURES_BEFORE_LOST and now - parse_time(since) >= LOST_AFTER:
            state, reason = "lost", "unreachable"
        else:
            state, reason = "unverified", seen.reason
    else:
        fields.update(failures=0, failing_since=None)
        state, reason = seen.state, seen.reason
        if seen.present:
            fields.update(anchor=seen.anchor, nofollow=int(seen.nofollow), sponsored=int(seen.sponsored),
                          ugc=int(seen.ugc), placement=seen.placement, line=seen.line)
        if state == "live":
            reason = None
            fields["last_live"] = at
            what = _what_changed(link, seen) if link["last_live"] is not None else None
            if what:
                state, reason = "changed", what
    if state == "lost" and before != "lost":
        fields["lost_at"] = at
    elif state != "lost":
        fields["lost_at"] = None
    if state != before or reason != link["reason"]:
        fields["state_since"] = at
    fields.update(state=state, reason=reason)
    with transaction(db):
        sets = ", ".join(f"{k} = ?" for k in fields)
        db.execute(f"UPDATE backlinks SET {sets} WHERE id = ?", (*fields.values(), link["id"]))
        db.execute(
            "INSERT INTO backlink_checks (link_id, run_id, checked_at, state, reason, status, final_url, redirects,"
            " present, anchor, nofollow, sponsored, ugc, placement, line, noindex, canonical, target_status, error)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (link["id"], run_id, at, state, reason, seen.status, seen.final_url,
             json.dumps(list(seen.redirects)) if seen.redirects else None,
             None if seen.present is None else int(seen.present), seen.anchor, int(seen.nofollow),
             int(seen.sponsored), int(seen.ugc), seen.placement, seen.line,
             None if seen.noindex is None else int(seen.noindex), seen.canonical, seen.target_status, seen.error))
    return Change(link["id"], link["source_url"], link["target_url"], before, state, reason)


def _rel(nofollow: object, sponsored: object, ugc: object) -> str:
    return " ".join(n for n, v in (("nofollow", nofollow), ("sponsored", sponsored), ("ugc", ugc)) if v) or "follow"


def _what_changed(link: sqlite3.Row, seen: Outcome) -> str | None:
    parts = []
    if (link["anchor"] or "") != (seen.anchor or ""):
        parts.append(f"anchor {link['anchor'] or ''!r} -> {seen.anchor or ''!r}")
    old, new = _rel(link["nofollow"], link["sponsored"], link["ugc"]), _rel(seen.nofollow, seen.sponsored, seen.ugc)
    if old != new:
        parts.append(f"rel {old} -> {new}")
    return "; ".join(parts) or None


# --------------------------------------------------------------------------- runs


def start_run(db: sqlite3.Connection, now: datetime, *, resume: bool = True) -> tuple[int, str | None]:
    """A new check run, and, when the runs since the last finished one were interrupted, the start
    of the first of them: the links checked since then need no new check."""
    with transaction(db):
        done = db.execute("SELECT max(id) FROM backlink_runs WHERE finished_at IS NOT NULL").fetchone()[0]
        first_open = db.execute("SELECT started_at FROM backlink_runs WHERE id > ? ORDER BY id LIMIT 1",
                                (done or 0,)).fetchone()
        if not resume:
            db.execute("UPDATE backlink_runs SET finished_at = ? WHERE finished_at IS NULL", (now_text(now),))
        run_id = db.execute("INSERT INTO backlink_runs (started_at) VALUES (?)", (now_text(now),)).lastrowid
    return int(run_id or 0), (first_open["started_at"] if first_open is not None and resume else None)
def finish_run(db: sqlite3.Connection, run_id: int, checked: int, now: datetime) -> None:
    with transaction(db):
        db.execute("UPDATE backlink_runs SET finished_at = ?, checked = ? WHERE id = ?",
                   (now_text(now), checked, run_id))


# --------------------------------------------------------------------------- reviews


def review(db: sqlite3.Connection, site: str, decision: str, reason: str | None) -> None:
    """Record a decision on a linking site (or one URL): keep, or disavow."""
    with transaction(db):
        db.execute("INSERT INTO backlink_reviews (site, decision, reason, decided_at) VALUES (?,?,?,?)"
                   " ON CONFLICT (site) DO UPDATE SET decision = excluded.decision,"
                   " reason = coalesce(excluded.reason, reason), decided_at = excluded.decided_at",
                   (site, decision, reason, now_text()))


def forget_review(db: sqlite3.Connection, site: str) -> bool:
    with transaction(db):
        return db.execute("DELETE FROM backlink_reviews WHERE site = ?", (site,)).rowcount > 0


def disavowed(db: sqlite3.Connection) -> list[tuple[str, str | None, str]]:
    return [(r[0], r[1], r[2]) for r in db.execute(
        "SELECT site, reason, decided_at FROM backlink_reviews WHERE decision = 'disavow' ORDER BY site")]
