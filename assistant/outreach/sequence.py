"""Follow-ups that stop, what is due, what the mailbox says, and the summary.

A pitch's sequence is a list of delays after the first email (default ``5d`` then ``12d``; per
template in ``[outreach.templates.NAME] follow_ups``). Each follow-up is composed and queued once
its time comes, unless the pitch was answered, bounced, opted out, won, declined or marked no-reply;
``no_reply_after`` (default ``7d``) after the last one, a silent pitch becomes ``no-reply``.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from assistant.outreach import compose, pipeline, send
from assistant.sql import now_text, parse_time, transaction

DEFAULT_FOLLOW_UPS = ("5d", "12d")
NO_REPLY_AFTER = timedelta(days=7)


def follow_ups(settings: Any, template: str) -> list[timedelta]:
    from assistant.settings import parse_duration

    raw = settings.get(f"outreach.templates.{template}.follow_ups", settings.get("outreach.follow_ups",
                                                                                 list(DEFAULT_FOLLOW_UPS)))
    if not isinstance(raw, list):
        from assistant.errors import ConfigError

        raise ConfigError('[outreach] follow_ups must be a list of delays, e.g. ["5d", "12d"] (or [] for none)')
    delays = [timedelta(seconds=parse_duration(v, "[outreach] follow_ups")) for v in raw[:5]]
    if any(d <= timedelta(0) or d > timedelta(days=366) for d in delays):
        from assistant.errors import ConfigError

        raise ConfigError("[outreach] follow_ups: each delay must be between 1 s and 366 days")
    return sorted(delays)


@dataclass
class Upcoming:
    pitch_id: int
    site: str
    step: int
    at: str
    subject: str
    body: str
    recipient: str | None


def upcoming(db: sqlite3.Connection, settings: Any, sender: compose.Sender, *, until: datetime) -> list[Upcoming]:
    """The follow-ups that will be composed by ``until``, written out for review."""
    out = []
    for pitch, step, at in _follow_up_slots(db, settings):
        if at > until:
            continue
        first = _first(db, pitch["id"])
        composed = compose.compose_follow_up(pitch, step, first["subject"], sender)
        out.append(Upcoming(pitch["id"], pitch["site"], step, now_text(at), composed.subject, composed.body,
                            pitch["contact"]))
    return out


def _first(db: sqlite3.Connection, pitch_id: int) -> sqlite3.Row:
    return db.execute("SELECT * FROM outreach_messages WHERE pitch_id = ? AND step = 0", (pitch_id,)).fetchone()


def _follow_up_slots(db: sqlite3.Connection, settings: Any) -> list[tuple[sqlite3.Row, int, datetime]]:
    """(pitch, next step, when) for each pitch whose sequence goes on."""
    slots = []
    for pitch in db.execute("SELECT * FROM pitches WHERE stage IN ('sent', 'followed-up') AND first_sent_at IS NOT NULL"):
        delays = follow_ups(settings, pitch["template"])
        steps = db.execute("SELECT max(step) FROM outreach_messages WHERE pitch_id = ? AND state != 'cancelled'",
                           (pitch["id"],)).fetchone()[0] or 0
        if steps < len(delays):
            slots.append((pitch, steps + 1, parse_time(pitch["first_sent_at"]) + delays[steps]))
    return slots


def queue_follow_ups(db: sqlite3.Connection, settings: Any, sender: compose.Sender, *, now: datetime,
                     rules: send.Rules, via: str) -> tuple[list[int], list[tuple[int, str]]]:
    """Compose and queue the follow-ups due now; mark silent finished sequences no-reply."""
    queued, refused = [], []
    for pitch, step, at in _follow_up_slots(db, settings):
        if at > now:
            continue
        first = _first(db, pitch["id"])
        try:
            composed = compose.compose_follow_up(pitch, step, first["subject"], sender)
            queued.append(send.enqueue(db, pitch, composed, step=step, sender=sender, via=first["via"] or via,
                                       at=now, rules=rules))
        except Exception as exc:  # noqa: BLE001 - one pitch's problem is reported, the others go on
            from assistant.errors import AssistError

            if not isinstance(exc, AssistError):
                raise
            refused.append((pitch["id"], str(exc)))
    _no_reply(db, settings, now)
    return queued, refused


def _no_reply(db: sqlite3.Connection, settings: Any, now: datetime) -> None:
    from assistant.settings import parse_duration

    wait = timedelta(seconds=parse_duration(settings.get("outreach.no_reply_after", "7d"), "[outreach] no_reply_after"))
    for pitch in list(db.execute("SELECT * FROM pitches WHERE stage IN ('sent', 'followed-up')")):
        delays = follow_ups(settings, pitch["template"])
        last = db.execute("SELECT max(step), max(sent_at), sum(state IN ('scheduled', 'sending', 'failed', 'unknown'))"
                          " FROM outreach_messages WHERE pitch_id = ? AND state != 'cancelled'", (pitch["id"],)).fetchone()
        if last[0] is None or last[0] < len(delays) or last[2] or last[1] is None:
            continue
        if parse_time(last[1]) + wait <= now:
            pipeline.set_stage(db, pitch["id"], "no-reply", f"no answer {wait.days} days after the last email", now)


# --------------------------------------------------------------------------- the mailbox


def apply_mail(db: sqlite3.Connection, events: list[Any], now: datetime) -> list[tuple[int, str]]:
    """Move pitches on what the mailbox said: replied, bounced, opted-out. Returns (pitch, stage)."""
    moved = []
    for ev in events:
        row = None
        for mid in ev.refers_to:
            row = db.execute("SELECT m.pitch_id, m.recipient, p.stage FROM outreach_messages m JOIN pitches p"
                             " ON p.id = m.pitch_id WHERE m.message_id = ?", (mid,)).fetchone()
            if row is not None:
                break
        if row is None:
            continue
        pid, ended = row["pitch_id"], row["stage"] in ("won", "opted-out", "bounced")
        if ev.kind == "bounce":
            if not ev.permanent:
                continue
            pipeline.suppress(db, ev.bounced_recipient or row["recipient"], "bounced", now)  # whatever the stage
            if not ended:
                pipeline.set_stage(db, pid, "bounced",
                                   f"{ev.bounced_recipient or row['recipient']}: {ev.status or ''}".strip(), now)
                moved.append((pid, "bounced"))
        elif ev.kind == "unsubscribe":
            pipeline.suppress(db, row["recipient"], "opted-out", now)  # final, even after a won link
            if ev.from_addr:
                pipeline.suppress(db, ev.from_addr, "opted-out", now)
            if not ended:
                pipeline.set_stage(db, pid, "opted-out", (ev.excerpt or "")[:300], now)
                moved.append((pid, "opted-out"))
            elif row["stage"] == "won":  # the link stays won; the address is never written to again
                with transaction(db):
                    pipeline.event(db, pid, "opted-out", (ev.excerpt or "")[:300], now)
        elif ev.kind == "reply" and row["stage"] != "replied" and not ended:
            with transaction(db):
                db.execute("UPDATE pitches SET reply_at = ?, reply_excerpt = ? WHERE id = ?",
                           (ev.date or now_text(now), (ev.excerpt or "")[:1000], pid))
                pipeline.set_stage(db, pid, "replied", f"from {ev.from_addr}: {(ev.excerpt or '')[:200]}", now)
            moved.append((pid, "replied"))
    return moved


def mailbox_state(db: sqlite3.Connection, key: str) -> dict[str, Any] | None:
    row = db.execute("SELECT state FROM mailbox_state WHERE mailbox = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else None


def save_mailbox_state(db: sqlite3.Connection, key: str, state: dict[str, Any]) -> None:
    with transaction(db):
        db.execute("INSERT OR REPLACE INTO mailbox_state (mailbox, state) VALUES (?, ?)", (key, json.dumps(state)))


def our_message_ids(db: sqlite3.Connection) -> set[str]:
    return {r[0] for r in db.execute("SELECT message_id FROM outreach_messages WHERE state IN ('sent', 'unknown')")}


# --------------------------------------------------------------------------- summary


def summary(db: sqlite3.Connection, *, since: datetime | None = None) -> dict[str, Any]:
    """Pitches, emails sent, replies and links won, per template and per draft (``since``: only the
    pitches created since then, and their emails)."""
    where, params = (" WHERE created_at >= ?", (pipeline.now_text(since),)) if since else ("", ())

    def rows(by: str) -> list[dict[str, Any]]:
        return [dict(r) for r in db.execute(
            f"SELECT {by} AS name, count(*) AS pitches, sum(first_sent_at IS NOT NULL) AS sent,"
            " sum(reply_at IS NOT NULL OR stage IN ('replied', 'declined')) AS replied, sum(stage = 'won') AS won,"
            " sum(stage = 'bounced') AS bounced, sum(stage = 'opted-out') AS opted_out"
            f" FROM pitches{where} GROUP BY {by} ORDER BY won DESC, replied DESC, pitches DESC", params)]

    stages = {r[0]: r[1] for r in db.execute(f"SELECT stage, count(*) FROM pitches{where} GROUP BY stage", params)}
    emails = {r[0]: r[1] for r in db.execute(
        "SELECT state, count(*) FROM outreach_messages"
        + (" WHERE pitch_id IN (SELECT id FROM pitches WHERE created_at >= ?)" if since else "")
        + " GROUP BY state", params)}
    return {"stages": {s: stages.get(s, 0) for s in pipeline.STAGES}, "emails": emails,
            "by_template": rows("template"), "by_draft": rows("draft_title")}
