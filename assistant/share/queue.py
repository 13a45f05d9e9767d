"""The durable post queue: a state machine over the share_posts table.

States: ``scheduled -> sending -> sent``; ``sending -> failed`` (retry at T) ``-> sending``;
``-> dead`` after N tries or a permanent error; ``-> cancelled`` by the user; ``unknown`` when
a crash or an ambiguous failure left it unclear whether the platform published it (the user
resolves it with ``assist queue retry --force`` or ``cancel``).

A post is claimed in one statement inside an IMMEDIATE transaction, which sets a lease (worker id
and expiry): two workers never hold the same post. A post found ``sending`` with an expired lease
is claimed with ``needs_check`` set, so the worker asks the channel before sending it again. The
worker renews its lease (``renew``) while the channel works, so a slow publish is not mistaken for
an abandoned one.

``in_flight_since`` is when the earliest attempt that may have published the post started (set when
a post is claimed, kept while it needs a check, cleared once the outcome is certain): channels
whose idempotency keys expire (Mastodon's, after an hour) need it to know whether a resend is safe.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from assistant import db as dbmod
from assistant.channels import Post, PublishResult
from assistant.errors import EXIT_USAGE, AssistError, UsageError
from assistant.share.schedule import link_key

STATES = ("scheduled", "sending", "sent", "failed", "dead", "cancelled", "unknown")
Clock = Callable[[], float]


class QueueError(AssistError):
    exit_code = EXIT_USAGE


@dataclass
class QueuedPost:
    id: int
    post: Post
    state: str
    due_at: float
    attempts: int
    idempotency_key: str
    needs_check: bool
    source: str | None
    lease_owner: str | None
    lease_until: float | None
    remote_id: str | None
    remote_url: str | None
    last_error: str | None
    note: str | None
    created_at: float
    updated_at: float
    sent_at: float | None
    in_flight_since: float | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> QueuedPost:
        post = Post(channel=row["channel"], text=row["text"], url=row["url"], title=row["title"],
                    target=row["target"], options=json.loads(row["options"] or "{}"))
        return cls(row["id"], post, row["state"], row["due_at"], row["attempts"], row["idempotency_key"],
                   bool(row["needs_check"]), row["source"], row["lease_owner"], row["lease_until"],
                   row["remote_id"], row["remote_url"], row["last_error"], row["note"], row["created_at"],
                   row["updated_at"], row["sent_at"], row["in_flight_since"])

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, **self.post.to_dict(), "state": self.state, "due_at": iso(self.due_at),
                "attempts": self.attempts, "needs_check": self.needs_check, "source": self.source,
                "remote_id": self.remote_id, "remote_url": self.remote_url, "last_error": self.last_error,
                "note": self.note, "created_at": iso(self.created_at), "sent_at": iso(self.sent_at),
                "lease_owner": self.lease_owner, "lease_until": iso(self.lease_until),
                "in_flight_since": iso(self.in_flight_since)}


def iso(stamp: float | None) -> str | None:
    if stamp is None:
        return None
    from datetime import UTC, datetime

    return datetime.fromtimestamp(stamp, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class Queue:
    """The queue over one database connection; ``clock`` is injectable for tests."""

    def __init__(self, db: sqlite3.Connection | None = None, *, clock: Clock = time.time) -> None:
        self.db = db if db is not None else dbmod.connect()
        self.clock = clock

    # -- adding
    def enqueue(self, post: Post, due_at: float, *, source: str | None = None) -> int:
        """Add one post; returns its id. Only content, target and options are stored."""
        now = self.clock()
        cur = self.db.execute(
            """INSERT INTO share_posts (channel, target, text, url, title, options, source, link_key,
                   state, due_at, idempotency_key, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?, ?)""",
            (post.channel, post.target, post.text, post.url, post.title, json.dumps(post.options, sort_keys=True),
             source, link_key(post.url), due_at, uuid.uuid4().hex, now, now),
        )
        return int(cur.lastrowid or 0)

    def enqueue_many(self, items: Iterable[tuple[Post, float]], *, source: str | None = None) -> list[int]:
        """Add several posts in one transaction: all of them or none."""
        with dbmod.transaction(self.db):
            return [self.enqueue(post, due, source=source) for post, due in items]

    # -- reading
    def get(self, post_id: int) -> QueuedPost:
        row = self.db.execute("SELECT * FROM share_posts WHERE id = ?", (post_id,)).fetchone()
        if row is None:
            raise QueueError(f"no post {post_id} in the queue (see `assist queue list`)")
        return QueuedPost.from_row(row)

    def list(self, states: Iterable[str] | None = None, channel: str | None = None,
             limit: int | None = None) -> list[QueuedPost]:
        sql, args = "SELECT * FROM share_posts WHERE 1 = 1", []
        if states:
            states = list(states)
            sql += f" AND state IN ({', '.join('?' * len(states))})"
            args += states
        if channel:
            sql += " AND channel = ?"
            args.append(channel)
        sql += " ORDER BY due_at, id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [QueuedPost.from_row(r) for r in self.db.execute(sql, args)]

    def attempts(self, post_id: int) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT * FROM share_attempts WHERE post_id = ? ORDER BY id", (post_id,))
        return [{"started_at": iso(r["started_at"]), "finished_at": iso(r["finished_at"]), "worker": r["worker"],
                 "outcome": r["outcome"], "error": r["error"], "status": r["status"],
                 "retry_at": iso(r["retry_at"])} for r in rows]

    def counts(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.db.execute("SELECT state, count(*) FROM share_posts GROUP BY state")}

    # -- user actions
    def cancel(self, post_id: int) -> QueuedPost:
        post = self.get(post_id)
        if post.state in ("sent", "cancelled"):
            raise QueueError(f"post {post_id} is {post.state}; nothing to cancel")
        if post.state == "sending" and (post.lease_until or 0) > self.clock():
            raise QueueError(f"post {post_id} is being sent by {post.lease_owner} right now; try again shortly")
        # A post abandoned in `sending` (its worker died) may have reached the platform: it keeps that
        # mark (needs_check), so a later retry checks with the channel before sending; and the user is told.
        maybe = post.state == "sending" or bool(post.needs_check)
        note = ("cancelled by the user; it may already be published on "
                f"{post.post.channel} (it was being sent when its worker stopped): check there"
                if maybe else "cancelled by the user")
        self._set(post_id, "state = 'cancelled', lease_owner = NULL, lease_until = NULL, note = ?,"
                  " needs_check = CASE WHEN state = 'sending' THEN 1 ELSE needs_check END,"
                  " in_flight_since = CASE WHEN state = 'sending' THEN coalesce(in_flight_since, ?)"
                  " ELSE in_flight_since END", (note, self.clock()))
        return self.get(post_id)

    def retry(self, post_id: int, *, force: bool = False, at: float | None = None) -> QueuedPost:
        """Send a failed, dead, cancelled or (with force) unknown post again."""
        post = self.get(post_id)
        if post.state == "unknown" and not force:
            raise QueueError(
                f"post {post_id} may already be published ({post.note or 'state unknown'}); check {post.post.channel}, "
                "then `assist queue retry --force` to send it again or `assist queue cancel` if it is there")
        if post.state not in ("failed", "dead", "cancelled", "unknown"):
            raise QueueError(f"post {post_id} is {post.state}; only failed, dead, cancelled or unknown posts are retried")
        when = self.clock() if at is None else at
        # A post that may be published (after an ambiguous failure or a crash) is still checked with
        # the platform first; only an unknown one, which the user was told to check, is sent as it is.
        self.db.execute(
            """UPDATE share_posts SET state = 'scheduled', due_at = ?, attempts = 0,
                   needs_check = CASE WHEN state = 'unknown' THEN 0 ELSE needs_check END,
                   in_flight_since = CASE WHEN state = 'unknown' THEN NULL ELSE in_flight_since END,
                   lease_owner = NULL, lease_until = NULL, note = ?, updated_at = ? WHERE id = ?""",
            (when, "retried by the user" + (" (forced)" if force else ""), self.clock(), post_id))
        return self.get(post_id)

    def reschedule(self, post_id: int, at: float) -> QueuedPost:
        post = self.get(post_id)
        if post.state not in ("scheduled", "failed"):
            raise QueueError(f"post {post_id} is {post.state}; only scheduled or failed posts are rescheduled")
        cur = self.db.execute(
            "UPDATE share_posts SET due_at = ?, updated_at = ? WHERE id = ? AND state IN ('scheduled', 'failed')",
            (at, self.clock(), post_id))
        if cur.rowcount == 0:
            raise QueueError(f"post {post_id} changed state meanwhile; see `assist queue show {post_id}`")
        return self.get(post_id)

    def _set(self, post_id: int, assignments: str, args: tuple[Any, ...] = ()) -> None:
        self.db.execute(f"UPDATE share_posts SET {assignments}, updated_at = ? WHERE id = ?",
                        (*args, self.clock(), post_id))

    # -- the worker's side
    def claim(self, worker: str, lease: float, *, blocked: Callable[[sqlite3.Connection, float], Iterable[str]]
              | None = None, post_id: int | None = None) -> QueuedPost | None:
        """Take the next due post (or an abandoned ``sending`` one) for ``worker``, atomically."""
        now = self.clock()
        with dbmod.transaction(self.db, "IMMEDIATE"):
            skip = sorted(set(blocked(self.db, now))) if blocked else []
            extra = ""
            if skip:
                extra += f" AND channel NOT IN ({', '.join(f':c{i}' for i in range(len(skip)))})"
            if post_id is not None:
                extra += " AND id = :id"
            # in_flight_since: this attempt's start, unless an earlier one may still have published the
            # post (it is being checked: an abandoned ``sending`` post or one flagged ``needs_check``)
            # one index-friendly branch per way of being claimable (an OR would scan the table)
            branches = [
                f"SELECT id, due_at FROM share_posts WHERE state = 'scheduled' AND due_at <= :now{extra}",
                f"SELECT id, due_at FROM share_posts WHERE state = 'failed' AND due_at <= :now{extra}",
                f"SELECT id, due_at FROM share_posts WHERE state = 'sending' AND lease_until < :now{extra}",
            ]
            pick = " UNION ALL ".join(f"SELECT * FROM ({b} ORDER BY due_at, id LIMIT 1)" for b in branches)
            args: dict[str, Any] = {"now": now, "worker": worker, "until": now + lease, "id": post_id,
                                    **{f"c{i}": c for i, c in enumerate(skip)}}
            row = self.db.execute(
                f"""UPDATE share_posts SET
                        needs_check = CASE WHEN state = 'sending' THEN 1 ELSE needs_check END,
                        in_flight_since = CASE WHEN state = 'sending' OR needs_check THEN in_flight_since
                                               ELSE :now END,
                        state = 'sending', lease_owner = :worker, lease_until = :until,
                        attempts = attempts + 1, updated_at = :now
                    WHERE id = (SELECT id FROM ({pick}) ORDER BY due_at, id LIMIT 1)
                    RETURNING *""",
                args,
            ).fetchone()
        return QueuedPost.from_row(row) if row is not None else None

    def renew(self, post_id: int, worker: str, lease: float) -> bool:
        """Extend ``worker``'s lease on a post it is sending; False when the post is no longer its own."""
        cur = self.db.execute(
            "UPDATE share_posts SET lease_until = ? WHERE id = ? AND state = 'sending' AND lease_owner = ?",
            (self.clock() + lease, post_id, worker))
        return cur.rowcount == 1

    @functools.cached_property
    def path(self) -> str | None:
        """The database file, for another connection to it (None for an in-memory database)."""
        rows = [row["file"] for row in self.db.execute("PRAGMA database_list") if row["name"] == "main"]
        return (rows[0] if rows else None) or None

    def finish(self, item: QueuedPost, worker: str, *, state: str, outcome: str, started: float,
               result: PublishResult | None = None, error: str | None = None, status: int | None = None,
               retry_at: float | None = None, needs_check: bool = False, note: str | None = None,
               uses_try: bool = True) -> bool:
        """Record an attempt and move the post on, if this worker still holds its lease.

        ``uses_try=False`` records the attempt without counting it towards ``max_tries`` (rate limits).
        """
        now = self.clock()
        with dbmod.transaction(self.db, "IMMEDIATE"):
            cur = self.db.execute(
                """UPDATE share_posts SET state = :state, lease_owner = NULL, lease_until = NULL,
                       due_at = coalesce(:retry_at, due_at), needs_check = :check,
                       in_flight_since = CASE WHEN :check THEN in_flight_since END,
                       remote_id = coalesce(:rid, remote_id), remote_url = coalesce(:rurl, remote_url),
                       last_error = CASE WHEN :error IS NULL AND :state = 'sent' THEN NULL
                                         ELSE coalesce(:error, last_error) END,
                       note = :note, sent_at = CASE WHEN :state = 'sent' THEN :now ELSE sent_at END,
                       attempts = max(attempts - :uncount, 0), updated_at = :now
                   WHERE id = :id AND state = 'sending' AND lease_owner = :worker""",
                {"state": state, "retry_at": retry_at, "check": int(needs_check),
                 "rid": (result.remote_id or None) if result else None, "rurl": result.url if result else None,
                 "error": error, "note": note, "now": now, "uncount": 0 if uses_try else 1,
                 "id": item.id, "worker": worker},
            )
            if cur.rowcount == 0:
                return False  # the lease expired and another worker took the post over
            self.db.execute(
                """INSERT INTO share_attempts (post_id, channel, worker, started_at, finished_at, outcome,
                       error, status, retry_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (item.id, item.post.channel, worker, started, now, outcome, error, status, retry_at))
        return True


def ensure_state(name: str) -> str:
    if name not in STATES:
        raise UsageError(f"unknown state {name!r} (one of: {', '.join(STATES)})")
    return name
