"""The links page: links and referring sites over time, new and lost per week, lost by reason (charts
of `assist links summary`), the links behind them with the filters of `assist links list`, the risk
review of `assist links risk` with Keep and Disavow per site, and the disavow file to download (as
`assist links disavow` writes it, from the entries chosen)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from assistant.errors import AssistError, UsageError
from assistant.web import pages

LIST_LIMIT = 500
WEEKS = 12
DECISIONS = ("keep", "disavow", "forget")
# The page's filters, the only parameters its forms carry back and its links keep: the list's (state,
# since, site), the charts' weeks, the risk review's topic comparison and kept sites.
FILTERS = ("state", "since", "site", "weeks", "topic", "all")
MAX_SITE = 253  # a host name's length at most


def routes(site: Any) -> None:
    def links(request: Request) -> Response:
        try:
            values = _page(site, request)
        except AssistError as exc:
            return site.page(request, "error.html.j2", getattr(exc, "status", 400), title="Links", message=str(exc))
        return site.page(request, "links.html.j2", title="Links", **values, **pages.notice(request))

    async def review(request: Request) -> Response:
        data = await pages.form(request)
        keep = _filters(data, strict=False)  # back to the view the form was on, as it would show
        try:
            said = await run_in_threadpool(_review, site, data.get("item", ""), data.get("decision", ""),
                                           data.get("reason", ""))
        except AssistError as exc:
            return pages.back("/links", keep, error=str(exc))
        return pages.back("/links", keep, done=said)

    def disavow_file(request: Request) -> Response:
        try:
            text = _disavow_text(site)
        except AssistError as exc:
            return site.page(request, "error.html.j2", 400, title="Disavow file", message=str(exc))
        return Response(text.encode("utf-8"), media_type="text/plain; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="disavow.txt"'})

    site.add("/links", links, methods=["GET"], name="links")
    site.add("/links/review", review, methods=["POST"], name="links-review")
    site.add("/links/disavow.txt", disavow_file, methods=["GET"], name="links-disavow")


def _own(site: Any) -> Any:
    """Your sites, as `assist links` reads them ([links] own, else [site] domain)."""
    from assistant.links.options import own_sites

    return own_sites((), site.settings)


def _filters(params: Mapping[str, str], *, strict: bool = True) -> dict[str, str]:
    """The page's filters from its query or from a form posted on it: only the names in FILTERS, each
    value checked as the page checks it, and given back as the page reads it (weeks=012 is "12"). A
    value the page refuses is a UsageError, or with ``strict=False`` (a form's, to go back to its
    view) left out; so is an empty one, and topic or all other than 1 (off)."""
    from assistant.links import store
    from assistant.links.options import since as _since
    from assistant.terminal import printable

    out: dict[str, str] = {}
    for name in FILTERS:
        value = (params.get(name) or "").strip()
        try:
            if not value or (name in ("topic", "all") and value != "1"):
                continue
            if name == "state" and value not in store.LISTED_STATES:
                raise UsageError(f"unknown state {value!r} (one of: {', '.join(store.LISTED_STATES)})")
            if name == "since":
                if len(value) > 32:
                    raise UsageError("--since is too long (use e.g. 7d, 4w)")
                _since(value)
            if name == "weeks":
                value = str(pages.int_param(value, "weeks", WEEKS, 1, 520))
            if name == "site":
                value = printable(value).strip()
                if len(value) > MAX_SITE:
                    raise UsageError(f"site: at most {MAX_SITE} characters (a host name, e.g. example.com)")
        except UsageError:
            if strict:
                raise
            continue
        if value:
            out[name] = value
    return out


def _with(filters: dict[str, str], name: str, on: bool) -> str:
    """The page's address with the same filters, ``name`` (topic, all) turned on or off."""
    query = {k: v for k, v in filters.items() if k != name} | ({name: "1"} if on else {})
    return "/links" + ("?" + urlencode(query) if query else "")


def _page(site: Any, request: Request) -> dict[str, Any]:
    from assistant.links import queries, review, store
    from assistant.links.options import since as _since

    filters = _filters(request.query_params)
    state = filters.get("state")
    weeks = int(filters.get("weeks", WEEKS))
    since = _since(filters.get("since"))
    topic, kept = "topic" in filters, "all" in filters
    own = _own(site)
    conn = site.db(readonly=True)
    try:
        summary = queries.summary(conn, weeks=weeks, now=datetime.now(UTC))
        rows = queries.list_links(conn, state=state, since=since, site=filters.get("site"), limit=LIST_LIMIT + 1)
        risks = review.risk_review(conn, own, embedder=site.embedder() if topic else None,
                                   include_kept=kept) if own else []
        chosen = store.disavowed(conn)
    finally:
        conn.close()
    return {"summary": summary, "charts": _charts(summary), "rows": rows[:LIST_LIMIT], "more": len(rows) > LIST_LIMIT,
            "state": state, "since": filters.get("since", ""), "site_filter": filters.get("site", ""), "weeks": weeks,
            "states": store.LISTED_STATES, "reasons": store.LOST_REASONS, "risks": risks, "markers": review.MARKERS,
            "topic": topic, "kept": kept, "own": list(own.domains), "chosen": chosen, "limit": LIST_LIMIT,
            "filters": filters, "topic_url": _with(filters, "topic", not topic), "kept_url": _with(filters, "all", not kept)}


def _charts(summary: dict[str, Any]) -> dict[str, str]:
    """SVG markup from assistant.web.charts (drawn and escaped there)."""
    from assistant.web import charts

    weeks = summary["weeks"]
    labels = [w["week"] for w in weeks]
    lost = summary["lost_by_reason"]
    return {
        "standing": charts.line("Links and referring sites", labels,
                                {"links": [w["links"] for w in weeks],
                                 "referring sites": [w["referring_sites"] for w in weeks]}),
        "weekly": charts.bars("New and lost links per week", labels,
                              {"new": [w["new"] for w in weeks], "lost": [w["lost"] for w in weeks]}),
        "reasons": charts.bars("Lost links by reason", list(lost), {"lost": list(lost.values())}, horizontal=True),
    }


def _review(site: Any, item: str, decision: str, reason: str) -> str:
    """Keep a site (`assist links keep`), choose it for the disavow file (`assist links disavow --add`)
    or take it off the choices (`--remove`)."""
    from assistant.links import store
    from assistant.links.options import disavow_key as _disavow_key
    from assistant.links.options import markers_reason as _markers_reason
    from assistant.links.options import site_key as _site_key

    if decision not in DECISIONS:
        raise UsageError(f"unknown decision {decision!r} (one of: {', '.join(DECISIONS)})")
    if not item.strip():
        raise UsageError("which site? (the form carries it)")
    conn = site.db(readonly=False)
    try:
        if decision == "keep":
            key = _site_key(item)
            store.review(conn, key, "keep", reason.strip() or None)
            return f"kept: {key}"
        key = _disavow_key(item)
        if decision == "forget":
            found = store.forget_review(conn, key)
            return f"{key}: taken off your choices" if found else f"{key} was not among your choices"
        own = _own(site)
        if own and own.site_of(key if "//" in key else f"https://{key}/"):
            raise UsageError(f"{item} is your own site; a disavow file lists other sites")
        store.review(conn, key, "disavow", reason.strip() or _markers_reason(conn, own, key))
        return f"chosen to disavow: {key} (download the disavow file below)"
    finally:
        conn.close()


def _disavow_text(site: Any) -> str:
    """The disavow file of the chosen entries, as `assist links disavow` writes it."""
    from assistant.links import disavow as dv
    from assistant.links import store

    conn = site.db(readonly=True)
    try:
        chosen = store.disavowed(conn)
    finally:
        conn.close()
    entries = [dv.Entry("url" if "//" in key else "domain", key, why, when[:10]) for key, why, when in chosen]
    return dv.render(entries, today=datetime.now(UTC).date())
