"""The prospects page: the sites likely to link to a draft, with their reasons and the page to pitch
(ranked as `assist prospects` ranks them), each with a button that adds it to the outreach pipeline
(as `assist outreach add` does, without looking for contacts unless asked)."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from assistant.errors import AssistError, UsageError
from assistant.web import pages

LIMIT = 20


def routes(site: Any) -> None:
    def prospects(request: Request) -> Response:
        raw = request.query_params.get("path")
        if not raw:
            return site.page(request, "prospects.html.j2", title="Prospects", drafts=pages.drafts(site), draft=None,
                             found=[], pitched={}, notes=[], **pages.notice(request))
        try:
            values = _ranked(site, request)
        except AssistError as exc:
            return site.page(request, "error.html.j2", getattr(exc, "status", 400), title="Prospects",
                             message=str(exc))
        return site.page(request, "prospects.html.j2", title=f"Prospects for {values['doc'].title}",
                         drafts=[], **values, **pages.notice(request))

    async def add(request: Request) -> Response:
        data = await pages.form(request)
        raw = data.get("path", "")
        shown = {k: data.get(k) for k in ("limit", "include_linking", "include_spam")}  # the list it was added from
        try:
            pid, note = await run_in_threadpool(_add, site, raw, data.get("site", ""), data.get("crawl") == "1", shown)
        except AssistError as exc:
            return pages.back("/prospects", {"path": raw, **shown}, error=str(exc))
        return pages.back(f"/outreach/pitch/{pid}", done=f"pitch {pid}: {note}")

    site.add("/prospects", prospects, methods=["GET"], name="prospects")
    site.add("/outreach/add", add, methods=["POST"], name="outreach-add")


def _options(site: Any, values: Any) -> dict[str, Any]:
    """The ranking options of a prospects list (its limit, --include-linking, --include-spam) from the
    query or the Add form, with the configured site and weights: the list and the pitch made from one
    of its rows are ranked alike."""
    cfg = site.settings
    return {"limit": pages.int_param(values.get("limit"), "limit", LIMIT, 1, 1000),
            "include_linking": values.get("include_linking") == "1", "include_spam": values.get("include_spam") == "1",
            "own_domain": cfg.get("site.domain"), "weights": cfg.get("prospects.weights") or None}


def _ranked(site: Any, request: Request) -> dict[str, Any]:
    """rank.rank with the options of `assist prospects` (its limit, --include-linking, --include-spam)."""
    from assistant.outreach.adding import pitch_template
    from assistant.prospects import rank

    q = request.query_params
    rel, path = pages.draft_path(site, q.get("path"))
    options = _options(site, q)
    doc = pages.load_draft(path, rel)
    conn = site.db(readonly=True)
    try:
        if not conn.execute("SELECT 1 FROM sites WHERE excluded = 0 LIMIT 1").fetchone():
            raise UsageError("no sites to rank yet: import a catalog or backlink export (assist sites import FILE)"
                             " or crawl sites (assist sites crawl)")
        notes: list[str] = []
        found = rank.rank(conn, doc, site.embedder(), notes=notes, **options)
        pitched = {r["site"]: (r["id"], r["stage"]) for r in conn.execute(
            "SELECT id, site, stage FROM pitches WHERE draft_key = ? ORDER BY id", (_draft_key(doc),))}
    finally:
        conn.close()
    return {"doc": doc, "draft": rel, "found": found, "pitched": pitched, "notes": notes,
            "templates": {p.domain: pitch_template(p) for p in found}, "limit": options["limit"],
            "include_linking": options["include_linking"], "include_spam": options["include_spam"]}


def _draft_key(doc: Any) -> str:
    """How a pitch names its draft (assistant.outreach.adding): its URL, else its resolved path."""
    from pathlib import Path

    return doc.canonical_url or str(Path(doc.path).resolve())


def _add(site: Any, raw: str, domain: str, crawl: bool, shown: dict[str, Any]) -> tuple[int, str]:
    """`assist outreach add DRAFT --site DOMAIN [--no-crawl]` for one site, with the ranking options of
    the list it was chosen from (``shown``), so the pitch carries that row: (pitch id, note)."""
    from assistant.outreach.adding import NOT_LISTED, add_pitches
    from assistant.outreach.pipeline import repitch_after
    from assistant.prospects import rank

    rel, path = pages.draft_path(site, raw)
    if not domain.strip():
        raise UsageError("which site? (the form carries it)")
    options = _options(site, shown)
    doc = pages.load_draft(path, rel)
    conn = site.db(readonly=False)
    try:
        [(_, prospect, listed)] = rank.listed_prospects(conn, doc, site.embedder(), [domain.strip()], **options)
        if prospect is None:
            raise UsageError(f"unknown site {domain!r}: import or crawl it first (assist sites import / crawl)")
        [(pid, name, note)] = add_pitches(conn, doc, [prospect], contact=None, template=None, crawl=crawl, allow=set(),
                                          repitch_after=repitch_after(site.settings))
    finally:
        conn.close()
    if pid is None:
        raise UsageError(f"{name}: {note}")
    return pid, note if listed else f"{note}; {NOT_LISTED.format(limit=options['limit'])}"
