"""The outreach pages: the pitches by stage as a board, and one pitch with its reasons, emails,
events, the reply's excerpt and the link won (what `assist outreach show` gathers), where a pitch is
moved to a stage by hand as `assist outreach mark` moves it."""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from assistant.errors import AssistError, UsageError
from assistant.web import pages

PER_COLUMN = 200


def routes(site: Any) -> None:
    def board(request: Request) -> Response:
        from assistant.outreach import pipeline

        conn = site.db(readonly=True)
        try:
            rows = [dict(r) for r in conn.execute(
                "SELECT id, stage, site, contact, template, draft_title, draft_path, stage_at, reply_at, won_link"
                " FROM pitches ORDER BY stage_at DESC, id DESC")]
        finally:
            conn.close()
        columns: dict[str, list[dict[str, Any]]] = {s: [] for s in pipeline.STAGES}
        for row in rows:
            columns.setdefault(row["stage"], []).append(row)
        return site.page(request, "outreach.html.j2", title="Outreach", columns=columns, total=len(rows),
                         per_column=PER_COLUMN, **pages.notice(request))

    def pitch(request: Request) -> Response:
        try:
            values = _pitch(site, request.path_params["pitch_id"])
        except AssistError as exc:
            return site.page(request, "error.html.j2", 404, title="Pitch", message=str(exc))
        return site.page(request, "outreach_pitch.html.j2", title=f"Pitch {values['pitch']['id']}", **values,
                         **pages.notice(request))

    async def mark(request: Request) -> Response:
        pid = request.path_params["pitch_id"]
        data = await pages.form(request)
        try:
            said = await run_in_threadpool(_mark, site, pid, data.get("stage", ""), data.get("note", ""))
        except AssistError as exc:
            return pages.back(f"/outreach/pitch/{pid}", error=str(exc))
        return pages.back(f"/outreach/pitch/{pid}", done=said)

    site.add("/outreach", board, methods=["GET"], name="outreach")
    site.add("/outreach/pitch/{pitch_id:id}", pitch, methods=["GET"], name="outreach-pitch")
    site.add("/outreach/pitch/{pitch_id:id}/stage", mark, methods=["POST"], name="outreach-mark")


def _pitch(site: Any, pitch_id: int) -> dict[str, Any]:
    """The pitch, its emails and its events, as `assist outreach show --json` gathers them."""
    from assistant.outreach import pipeline

    conn = site.db(readonly=True)
    try:
        row = dict(pipeline.get(conn, pitch_id))
        emails = [dict(r) for r in conn.execute(
            "SELECT id, step, state, scheduled_at, sent_at, recipient, subject, via, message_id, last_error, eml_path"
            " FROM outreach_messages WHERE pitch_id = ? ORDER BY step", (pitch_id,))]
        events = [dict(r) for r in conn.execute(
            "SELECT at, kind, detail FROM pitch_events WHERE pitch_id = ? ORDER BY id", (pitch_id,))]
    finally:
        conn.close()
    row["reasons"] = json.loads(row["reasons"] or "[]")
    row.pop("context")
    return {"pitch": row, "emails": emails, "events": events, "stages": pipeline.STAGES,
            "won_href": pages.web_url(row["won_link"]), "page_href": pages.web_url(row["page_url"])}




def _mark(site: Any, pitch_id: int, stage: str, note: str) -> str:
    """`assist outreach mark ID STAGE [--note]`: the stage by hand; an opt-out or a bounce suppresses
    the contact."""
    from assistant.outreach import pipeline

    if stage not in pipeline.STAGES:
        raise UsageError(f"unknown stage {stage!r}; one of {', '.join(pipeline.STAGES)}")
    conn = site.db(readonly=False)
    try:
        row = pipeline.mark(conn, pitch_id, stage, note)
    finally:
        conn.close()
    return f"pitch {pitch_id}: {row['stage']} -> {stage}"
