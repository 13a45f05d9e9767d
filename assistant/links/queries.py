"""The ledger read back: links by state, a link's or a site's history, and the summary over time."""

from __future__ import annotations

import bisect
import sqlite3
from datetime import datetime, timedelta
from typing import Any

from assistant.errors import UsageError
from assistant.links.store import now_text

LIST_COLUMNS = ("state", "reason", "source_url", "target_url", "anchor", "rel", "placement", "first_seen",
                "last_checked", "state_since", "lost_at")


def list_links(db: sqlite3.Connection, *, state: str | None = None, since: datetime | None = None,
               site: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Links, newest change first. ``new``: first seen since ``since`` (default 30 days) and not lost;
    ``since`` also narrows the other states to those that came into them since then."""
    where, params = [], []
    if state == "new":
        where += ["first_seen >= ?", "state != 'lost'"]
        params.append(now_text(since) if since else _days_ago(30))
    elif state is not None:
        where.append("state = ?")
        params.append(state)
        if since is not None:
            where.append("(lost_at >= ?)" if state == "lost" else "state_since >= ?")
            params.append(now_text(since))
    elif since is not None:
        where.append("state_since >= ?")
        params.append(now_text(since))
    if site:
        key = site.lower().removeprefix("www.")
        where.append("(source_site = ? OR target_site = ?)")
        params += [key, key]
    sql = ("SELECT * FROM backlinks" + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY state_since DESC, id DESC")
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_row(r) for r in db.execute(sql, params)]


def _days_ago(days: int) -> str:
    from datetime import UTC

    return now_text(datetime.now(UTC) - timedelta(days=days))


def _row(r: sqlite3.Row) -> dict[str, Any]:
    rel = " ".join(n for n in ("nofollow", "sponsored", "ugc") if r[n]) or "follow"
    return {"id": r["id"], "state": r["state"], "reason": r["reason"], "source_url": r["source_url"],
            "target_url": r["target_url"], "source_site": r["source_site"], "anchor": r["anchor"], "rel": rel,
            "placement": r["placement"], "line": r["line"], "origin": r["origin"], "first_seen": r["first_seen"],
            "last_checked": r["last_checked"], "last_live": r["last_live"], "state_since": r["state_since"],
            "lost_at": r["lost_at"], "failures": r["failures"]}


def show(db: sqlite3.Connection, what: str) -> list[dict[str, Any]]:
    """Each link of a linking page URL (or of a site, or to a page of yours), with its checks."""
    what = what.strip()
    if "://" in what:
        rows = list(db.execute("SELECT * FROM backlinks WHERE source_url = ? OR target_url = ? ORDER BY id",
                               (what, what)))
    else:
        key = what.lower().removeprefix("www.").rstrip("/")
        rows = list(db.execute("SELECT * FROM backlinks WHERE source_site = ? OR source_site LIKE ? ESCAPE '\\'"
                               " ORDER BY source_url, id", (key, "%." + _like(key))))
    if not rows:
        raise UsageError(f"no link in the ledger from or to {what!r} (see assist links list)")
    out = []
    for r in rows[:1000]:
        link = _row(r)
        link["checks"] = [dict(c) for c in db.execute(
            "SELECT checked_at, state, reason, status, final_url, redirects, present, anchor, nofollow, sponsored,"
            " ugc, placement, line, noindex, canonical, target_status, error FROM backlink_checks"
            " WHERE link_id = ? ORDER BY checked_at, id", (r["id"],))]
        out.append(link)
    return out


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def summary(db: sqlite3.Connection, *, weeks: int = 12, now: datetime) -> dict[str, Any]:
    """Totals by state, lost by reason, and per ISO week: new and lost links, and the links and
    referring sites standing at the week's end."""
    if not 1 <= weeks <= 520:
        raise UsageError("--weeks must be between 1 and 520")
    states = {r[0]: r[1] for r in db.execute("SELECT state, count(*) FROM backlinks GROUP BY state")}
    lost_by = {r[0] or "unknown": r[1] for r in db.execute(
        "SELECT reason, count(*) FROM backlinks WHERE state = 'lost' GROUP BY reason ORDER BY 2 DESC")}
    start_day = (now - timedelta(days=now.weekday() + 7 * (weeks - 1))).replace(
        hour=0, minute=0, second=0, microsecond=0)
    edges = [start_day + timedelta(days=7 * i) for i in range(weeks + 1)]
    start_text = now_text(edges[0])
    week_of = "CAST((julianday(substr({c}, 1, 10)) - julianday(?)) / 7 AS INTEGER)"
    new = dict(db.execute(f"SELECT {week_of.format(c='first_seen')} AS w, count(*) FROM backlinks"
                          " WHERE first_seen >= ? GROUP BY w", (start_text[:10], start_text)).fetchall())
    lost = dict(db.execute(f"SELECT {week_of.format(c='lost_at')} AS w, count(*) FROM backlinks"
                           " WHERE lost_at >= ? GROUP BY w", (start_text[:10], start_text)).fetchall())
    standing = db.execute("SELECT count(*) FROM backlinks WHERE first_seen < ? AND (lost_at IS NULL OR lost_at >= ?)",
                          (start_text, start_text)).fetchone()[0]
    sites = _sites_by_week(db, edges)
    series = []
    for i in range(weeks):
        standing += new.get(i, 0) - lost.get(i, 0)
        series.append({"week": edges[i].strftime("%G-W%V"), "start": edges[i].date().isoformat(),
                       "new": new.get(i, 0), "lost": lost.get(i, 0), "links": standing,
                       "referring_sites": sites[i]})
    referring = db.execute("SELECT count(DISTINCT source_site) FROM backlinks WHERE lost_at IS NULL").fetchone()[0]
    snapshots = [dict(r) for r in db.execute(
        "SELECT as_of, path, format, links, new_links, elsewhere, malformed FROM backlink_snapshots"
        " ORDER BY as_of DESC, id DESC LIMIT 20")]
    return {"links": sum(states.values()), "referring_sites": referring,
            "by_state": {s: states.get(s, 0) for s in ("live", "changed", "unverified", "unchecked", "lost")},
            "lost_by_reason": lost_by, "weeks": series, "snapshots": snapshots}


def _sites_by_week(db: sqlite3.Connection, edges: list[datetime]) -> list[int]:
    """Referring sites standing at the end of each week: a site stands from its first link until
    its last link is lost."""
    ends = [now_text(e) for e in edges[1:]]
    steps = [0] * (len(ends) + 1)
    cur = db.execute("SELECT min(first_seen), CASE WHEN count(lost_at) = count(*) THEN max(lost_at) END"
                     " FROM backlinks GROUP BY source_site")
    cur.row_factory = None
    for first, gone in cur:
        lo = bisect.bisect_right(ends, first)  # the first week whose end is after the site's first link
        hi = len(ends) if gone is None else bisect.bisect_right(ends, gone)
        if lo < hi:
            steps[lo] += 1
            steps[hi] -= 1
    counts, running = [], 0
    for step in steps[:-1]:
        running += step
        counts.append(running)
    return counts
