"""The share pages: each channel's post about a draft with its length against the platform's limit
(composed as `assist share --dry-run` composes it), and the queue as a timeline with the actions of
`assist queue cancel / retry / reschedule` (the same Queue methods, with their guards)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from assistant.errors import AssistError, UsageError
from assistant.web import pages

TIMELINE_LIMIT = 500
SUMMARIES = ("central", "lead")


def routes(site: Any) -> None:
    def share(request: Request) -> Response:
        try:
            if request.query_params.get("path"):
                values = _preview(site, request)
                return site.page(request, "share_preview.html.j2", title=f"Share {values['doc'].title}", **values,
                                 **pages.notice(request))
            return site.page(request, "share.html.j2", title="Queue", **_timeline(site, request),
                             **pages.notice(request))
        except AssistError as exc:
            return site.page(request, "error.html.j2", getattr(exc, "status", 400), title="Share", message=str(exc))

    def action(name: str, act: Callable[[Any, Any, int, dict[str, str]], str]) -> Any:
        async def endpoint(request: Request) -> Response:
            post_id = request.path_params["post_id"]
            data = await pages.form(request)
            params = {"state": data.get("state")}
            try:
                said = await run_in_threadpool(_act, site, act, post_id, data)
            except AssistError as exc:
                return pages.back("/share", params, error=str(exc))
            return pages.back("/share", params, done=said)
        site.add(f"/share/{{post_id:id}}/{name}", endpoint, methods=["POST"], name=f"queue-{name}")

    site.add("/share", share, methods=["GET"], name="share")
    action("cancel", _cancel)
    action("retry", _retry)
    action("reschedule", _reschedule)


# --------------------------------------------------------------------------- the queue


@dataclass
class Row:
    """One queued post as the timeline shows it."""

    item: Any
    due: str
    sent: str
    day: str
    where: str
    link: str | None

    @property
    def may_be_live(self) -> bool:
        """Cancelling it may come too late: it was being sent, or an attempt may have published it."""
        return self.item.state in ("sending", "unknown") or bool(self.item.needs_check)


def _timeline(site: Any, request: Request) -> dict[str, Any]:
    from assistant.share.queue import STATES, Queue, ensure_state

    state = request.query_params.get("state") or None
    tz = pages.zone(site)
    conn = site.db(readonly=True)
    try:
        q = Queue(conn)
        items = q.list([ensure_state(state)] if state else None, None, TIMELINE_LIMIT)
        counts = q.counts()
    finally:
        conn.close()
    rows = [Row(i, pages.local(i.due_at, tz), pages.local(i.sent_at, tz), pages.local(i.sent_at or i.due_at, tz)[:10],
                f"{i.post.channel}:{i.post.target}" if i.post.target else i.post.channel, pages.web_url(i.remote_url))
            for i in items]
    days: dict[str, list[Row]] = {}
    for row in rows:
        days.setdefault(row.day, []).append(row)
    return {"days": days, "counts": {s: counts.get(s, 0) for s in STATES}, "state": state, "total": sum(counts.values()),
            "drafts": pages.drafts(site), "limit": TIMELINE_LIMIT, "shown_rows": len(rows)}




def _act(site: Any, act: Callable[[Any, Any, int, dict[str, str]], str], post_id: int, data: dict[str, str]) -> str:
    from assistant import db
    from assistant.share.queue import Queue

    conn = site.db(readonly=False)
    try:
        q = Queue(conn)
        with db.transaction(conn):  # as `assist queue`: the change and its guard in one transaction
            return act(site, q, post_id, data)
    finally:
        conn.close()


def _cancel(site: Any, q: Any, post_id: int, data: dict[str, str]) -> str:
    item = q.cancel(post_id)
    return f"Post {item.id}: cancelled" + (f" (warning: it may already be published on {item.post.channel};"
                                           " check there)" if item.needs_check else "")


def _retry(site: Any, q: Any, post_id: int, data: dict[str, str]) -> str:
    item = q.retry(post_id, force=data.get("force") == "1")
    return f"Post {item.id}: scheduled now"


def _reschedule(site: Any, q: Any, post_id: int, data: dict[str, str]) -> str:
    """The new time from the date-and-time picker, else the words `assist queue reschedule --at` takes."""
    from assistant.share.schedule import day_start, parse_at

    raw = (data.get("when") or "").strip() or (data.get("at") or "").strip()
    if not raw:
        raise UsageError("when? Pick a date and time, or write one ('tomorrow 9am', 2026-05-01T09:30)")
    tz = pages.zone(site)
    item = q.reschedule(post_id, parse_at(raw, tz, time.time(), day_start(site.settings)))
    return f"Post {item.id}: due {pages.local(item.due_at, tz)}"


# --------------------------------------------------------------------------- the preview


def _channels(request: Request) -> list[str]:
    """The channels asked for (``?channel=NAME[:TARGET]``, repeatable), else every installed channel
    that needs no destination."""
    from assistant.channels import available_channels

    asked = [c.strip() for c in request.query_params.getlist("channel") if c.strip()]
    extra = (request.query_params.get("other") or "").strip()
    if extra:
        asked += [c.strip() for c in extra.split(",") if c.strip()]
    if asked:
        return list(dict.fromkeys(asked))
    out = []
    for name, cls in available_channels().items():
        try:
            if not cls({}).limits().needs_target:
                out.append(name)
        except Exception:  # noqa: BLE001,S112 - a broken plugin: `assist channels` names it
            continue
    return out


def _preview(site: Any, request: Request) -> dict[str, Any]:
    """What `assist share DRAFT --channel ... --dry-run` prints: each post, its length against the
    limit, its problems, when it would go out, missing credentials and the guards' objections."""
    from assistant.channels import available_channels
    from assistant.share import plan

    rel, path = pages.draft_path(site, request.query_params.get("path"))
    summary = request.query_params.get("summary") or "central"
    if summary not in SUMMARIES:
        raise UsageError(f"summary must be one of {', '.join(SUMMARIES)}")
    specs = _channels(request)
    if not specs:
        raise UsageError("no channel installed (see `assist channels`)")
    dests = plan.resolve(specs)
    doc = pages.load_draft(path, rel)
    notes = [f"{d.channel.name}: credentials not configured ({', '.join(d.missing)}); it could not be queued"
             for d in dests if d.missing]
    conn = site.db(readonly=True)
    try:
        composed = _compose(site, doc, dests, summary, notes)
        times, conflicts = plan.plan_times(conn, site.settings, composed, plan.Timing(), time.time())
    finally:
        conn.close()
    notes += [f"{c.message} (it would not be queued)" for c in conflicts]
    tz = pages.zone(site)
    posts = [{"spec": d.spec, "c": c, "at": pages.local(t, tz), "over": c.length > c.limit,
              "title_over": c.title_length is not None and c.title_limit is not None and c.title_length > c.title_limit}
             for d, c, t in zip(dests, composed, times, strict=True)]
    command = "assist share " + _quote(str(path)) + "".join(f" --channel {_quote(d.spec)}" for d in dests)
    return {"doc": doc, "draft": rel, "posts": posts, "notes": notes,
            "summary": summary, "installed": list(available_channels()), "chosen": {d.channel.name for d in dests},
            "command": command + ("" if summary == "central" else f" --summary {summary}")}


def _compose(site: Any, doc: Any, dests: list[Any], summary: str, notes: list[str]) -> list[Any]:
    """As `assist share` composes: the central sentences (the embedding model), else the lead ones."""
    from assistant.share import compose

    material = None
    if summary == "central":
        try:
            material = compose.material(doc, site.embedder())
        except Exception as exc:  # noqa: BLE001 - the lead sentences are a fine fallback (as the CLI)
            notes.append(f"embeddings unavailable ({pages.one_line(str(exc))}); using the draft's first sentences")
    if material is None:
        material = compose.material(doc, None)
    if not material.url:
        notes.append("the draft has no canonical_url (front matter canonical_url or --url): the posts carry no link")
    return [compose.compose_post(material, d.channel, target=d.target, options=d.options, settings=site.settings)
            for d in dests]


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)
