"""Pitches and their stages: adding one (with the safety rules that apply before anything is
written), events, marking, forgetting a site's contact data, the suppression list, and the link
that turns a pitch into ``won``.

Stages: ``new -> drafted -> sent -> followed-up -> replied -> won | declined | no-reply | bounced |
opted-out``. A pitch in a final stage never gets another email.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.errors import UsageError
from assistant.sql import now_text, transaction

STAGES = ("new", "drafted", "sent", "followed-up", "replied", "won", "declined", "no-reply", "bounced", "opted-out")
FINAL = frozenset(("won", "declined", "no-reply", "bounced", "opted-out"))
STOPS_FOLLOW_UPS = FINAL | {"replied"}
REPITCH_AFTER = timedelta(days=90)


def address_hash(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- events and stages


def event(db: sqlite3.Connection, pitch_id: int, kind: str, detail: str | None = None,
          now: datetime | None = None) -> None:
    db.execute("INSERT INTO pitch_events (pitch_id, at, kind, detail) VALUES (?,?,?,?)",
               (pitch_id, now_text(now), kind, detail))


def set_stage(db: sqlite3.Connection, pitch_id: int, stage: str, detail: str | None = None,
              now: datetime | None = None) -> None:
    if stage not in STAGES:
        raise UsageError(f"unknown stage {stage!r}; one of {', '.join(STAGES)}")
    with transaction(db):
        db.execute("UPDATE pitches SET stage = ?, stage_at = ? WHERE id = ?", (stage, now_text(now), pitch_id))
        event(db, pitch_id, stage, detail, now)
        if stage in STOPS_FOLLOW_UPS:
            cancelled = db.execute("UPDATE outreach_messages SET state = 'cancelled', last_error = ? WHERE pitch_id = ?"
                                   " AND state IN ('scheduled', 'failed')", (f"pitch {stage}", pitch_id)).rowcount
            if cancelled:
                event(db, pitch_id, "cancelled", f"{cancelled} queued email(s): the pitch is {stage}", now)


SUPPRESSING = ("opted-out", "bounced")  # marked by hand, these put the contact on the suppression list


def mark(db: sqlite3.Connection, pitch_id: int, stage: str, note: str | None = None) -> sqlite3.Row:
    """A stage set by hand (`assist outreach mark`, the app's pitch page): an opt-out or a bounce also
    suppresses the contact, as one read from the mailbox does. Returns the pitch as it was."""
    with transaction(db):  # the stage and the suppression together, or neither
        row = get(db, pitch_id)
        set_stage(db, pitch_id, stage, (note or "").strip() or "by hand")
        if stage in SUPPRESSING and row["contact"]:
            suppress(db, row["contact"], stage)
    return row


def get(db: sqlite3.Connection, pitch_id: int) -> sqlite3.Row:
    row = db.execute("SELECT * FROM pitches WHERE id = ?", (pitch_id,)).fetchone()
    if row is None:
        raise UsageError(f"no pitch {pitch_id} (assist outreach list)")
    return row


# --------------------------------------------------------------------------- adding


@dataclass
class NewPitch:
    draft_key: str
    draft_path: str
    draft_url: str | None
    draft_title: str
    site: str
    page_url: str | None
    template: str
    context: dict[str, Any]
    reasons: list[str]
    contact: str | None = None
    contact_source: str | None = None
    contact_role: bool = False


def repitch_after(settings: Any) -> timedelta:
    """``[outreach] repitch_after`` (default 90 days): how long before a site may be pitched again."""
    from assistant.settings import duration_setting

    return timedelta(seconds=duration_setting(settings.get("outreach.repitch_after", "90d"), "outreach.repitch_after"))


def rule_problems(db: sqlite3.Connection, draft_key: str, site: str, *, now: datetime,
                  repitch_after: timedelta = REPITCH_AFTER, exclude_id: int | None = None) -> list[tuple[str, str]]:
    """The safety rules a new pitch to ``site`` about this draft breaks, as (flag, message)."""
    out = []
    same = db.execute("SELECT id, stage FROM pitches WHERE draft_key = ? AND site = ? AND id != ?",
                      (draft_key, site, exclude_id or -1)).fetchone()
    if same is not None:
        out.append(("--allow-second-pitch", f"{site} already has pitch {same['id']} ({same['stage']}) about this draft"))
    since = now_text(now - repitch_after)
    recent = db.execute(
        "SELECT p.id, max(m.sent_at) AS at FROM pitches p JOIN outreach_messages m ON m.pitch_id = p.id"
        " WHERE p.site = ? AND m.state = 'sent' AND m.sent_at >= ? AND p.id != ? GROUP BY p.id ORDER BY at DESC",
        (site, since, exclude_id or -1)).fetchone()
    if recent is not None:
        days = repitch_after.days
        out.append(("--allow-recent-site", f"{site} was pitched on {recent['at'][:10]} (pitch {recent['id']}); "
                    f"no site is pitched again within {days} days"))
    return out


def add(db: sqlite3.Connection, pitch: NewPitch, *, now: datetime, allow: set[str] = frozenset(),
        repitch_after: timedelta = REPITCH_AFTER) -> int:
    """Store a pitch in stage ``new``; a broken rule not allowed by its flag is a UsageError.

    The rules are checked inside the write transaction that adds the pitch: two adds at once (two
    clicks, two processes) are taken one after the other, and the second sees the first's pitch."""
    with transaction(db):
        for flag, message in rule_problems(db, pitch.draft_key, pitch.site, now=now, repitch_after=repitch_after):
            if flag not in allow:
                raise UsageError(f"{message} ({flag} to pitch anyway)")
        if pitch.contact and is_suppressed(db, pitch.contact):
            raise UsageError(f"{pitch.contact} asked not to be written to, or bounced: it is on the suppression list")
        pid = db.execute(
            "INSERT INTO pitches (draft_key, draft_path, draft_url, draft_title, site, page_url, contact, contact_source,"
            " contact_role, template, context, reasons, stage, stage_at, created_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?, 'new', ?, ?)",
            (pitch.draft_key, pitch.draft_path, pitch.draft_url, pitch.draft_title, pitch.site, pitch.page_url,
             pitch.contact, pitch.contact_source, int(pitch.contact_role), pitch.template,
             json.dumps(pitch.context, default=str), json.dumps(pitch.reasons), now_text(now), now_text(now))).lastrowid
        assert pid is not None
        event(db, pid, "created", f"{pitch.template} to {pitch.site}" + (f", contact {pitch.contact}" if pitch.contact
                                                                          else ", no contact yet"), now)
    return int(pid)


def set_contact(db: sqlite3.Connection, pitch_id: int, email: str, source: str, role: bool) -> None:
    if is_suppressed(db, email):
        raise UsageError(f"{email} is on the suppression list (it opted out or bounced): it is never written to")
    with transaction(db):
        db.execute("UPDATE pitches SET contact = ?, contact_source = ?, contact_role = ? WHERE id = ?",
                   (email, source, int(role), pitch_id))
        event(db, pitch_id, "contact", f"{email} ({source})")


# --------------------------------------------------------------------------- contacts and privacy


def store_contacts(db: sqlite3.Connection, site: str, contacts: list[Any], now: datetime) -> None:
    with transaction(db):
        for c in contacts:
            db.execute("INSERT OR IGNORE INTO outreach_contacts (site, email, source_url, kind, role, name, on_site,"
                       " found_at) VALUES (?,?,?,?,?,?,?,?)",
                       (site, c.email, c.source_url, c.kind, int(c.role), c.name, int(getattr(c, "on_site", True)),
                        now_text(now)))


def contacts_of(db: sqlite3.Connection, site: str) -> list[sqlite3.Row]:
    # in the order the finder ranked them (personal on-site addresses from contact pages first, then
    # authors, roles, and addresses on other domains last), which its id keeps
    return list(db.execute("SELECT * FROM outreach_contacts WHERE site = ? ORDER BY id", (site,)))


def forget(db: sqlite3.Connection, site: str) -> dict[str, int]:
    """Erase a site's contact data: found contacts, the addresses and names on its pitches and
    their emails. The suppression list keeps only hashes, and keeps them: an opt-out is final."""
    with transaction(db):
        contacts = db.execute("DELETE FROM outreach_contacts WHERE site = ?", (site,)).rowcount
        ids = [r[0] for r in db.execute("SELECT id FROM pitches WHERE site = ?", (site,))]
        for pid in ids:
            for (eml,) in db.execute("SELECT eml_path FROM outreach_messages WHERE pitch_id = ? AND eml_path IS NOT"
                                     " NULL", (pid,)).fetchall():
                Path(eml).unlink(missing_ok=True)  # the .eml files carry the address too
            db.execute("UPDATE pitches SET contact = NULL, contact_source = NULL, reply_excerpt = NULL,"
                       " subject = NULL, body = NULL WHERE id = ?", (pid,))
            db.execute("UPDATE outreach_messages SET recipient = '(forgotten)', body = '(forgotten)',"
                       " state = CASE WHEN state IN ('scheduled', 'failed') THEN 'cancelled' ELSE state END"
                       " WHERE pitch_id = ?", (pid,))
            db.execute("UPDATE pitch_events SET detail = '(forgotten)' WHERE pitch_id = ? AND detail IS NOT NULL",
                       (pid,))
            event(db, pid, "forgotten", "the site's contact data was erased")
    return {"contacts": contacts, "pitches": len(ids)}


def suppress(db: sqlite3.Connection, address: str, reason: str, now: datetime | None = None) -> None:
    with transaction(db):
        db.execute("INSERT OR IGNORE INTO suppression (address_hash, reason, at) VALUES (?,?,?)",
                   (address_hash(address), reason, now_text(now)))


def is_suppressed(db: sqlite3.Connection, address: str) -> bool:
    return db.execute("SELECT 1 FROM suppression WHERE address_hash = ?", (address_hash(address),)).fetchone() is not None


# --------------------------------------------------------------------------- won links


def mark_won(db: sqlite3.Connection, now: datetime | None = None) -> list[tuple[int, str]]:
    """Pitches whose site now links to the draft (a live link in the ledger, first seen after the
    pitch was sent) become ``won`` with the link. Returns (pitch id, linking page).

    The ledger is searched by the draft's URL (indexed), in each spelling a link may use (http or
    https, with or without www. and a trailing slash), not scanned per pitch."""
    from urllib.parse import urlsplit, urlunsplit

    from assistant.links.store import link_key

    won = []
    pitches = list(db.execute(
        "SELECT id, draft_url, site, first_sent_at FROM pitches WHERE stage IN ('sent', 'followed-up', 'replied',"
        " 'no-reply') AND draft_url IS NOT NULL AND first_sent_at IS NOT NULL"))
    for p in pitches:
        parts = urlsplit(p["draft_url"].strip())
        host = (parts.hostname or "").removeprefix("www.")
        path = parts.path.rstrip("/") or "/"
        spellings = {urlunsplit((scheme, h + (f":{parts.port}" if parts.port else ""), x, parts.query, ""))
                     for scheme in ("http", "https") for h in (host, "www." + host)
                     for x in {path, path + "/" if not path.endswith("/") else path}}
        marks = ",".join("?" * len(spellings))
        rows = db.execute(
            f"SELECT source_url, source_site, target_url, first_seen FROM backlinks WHERE target_url IN ({marks})"
            " AND state IN ('live', 'changed') ORDER BY first_seen", tuple(sorted(spellings))).fetchall()
        for r in rows:
            on_site = r["source_site"] == p["site"] or r["source_site"].endswith("." + p["site"])
            if not on_site or link_key(r["target_url"]) != link_key(p["draft_url"]):
                continue
            if r["first_seen"][:10] < p["first_sent_at"][:10]:  # the link was there before the pitch
                continue
            with transaction(db):
                db.execute("UPDATE pitches SET won_link = ? WHERE id = ?", (r["source_url"], p["id"]))
                set_stage(db, p["id"], "won", f"{r['source_url']} links to {r['target_url']}", now)
            won.append((p["id"], r["source_url"]))
            break
    return won
