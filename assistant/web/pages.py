"""What the pipeline pages share (prospects, share, links, outreach: assistant.web.pages_*): the draft
named in ``?path=`` (inside the content folders only), forms, 303 redirects that carry a one-line
message back to the page, and times in the user's zone."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse

from assistant.errors import AssistError, UsageError

MAX_MESSAGE = 300  # a message carried in the address is one line, at most this long


class PageError(AssistError):
    """A request a page cannot answer (a draft outside the content folders, an unknown id)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def draft_path(site: Any, raw: str | None) -> tuple[str, Path]:
    """The draft ``raw`` names, as (its relative path, its file): relative to a content folder as the
    drafts pages name it, and strictly inside it (assistant.web.drafts: no '..', no absolute path, no
    hidden part, a draft's suffix, no symbolic link out of the folder)."""
    from assistant.web.drafts import Drafts

    if not raw or not raw.strip():
        raise PageError("which draft? Give its path in a content folder: ?path=DRAFT")
    entry = Drafts(site).resolve(raw.strip())
    if entry is None or not Path(entry.real).is_file():
        raise PageError(f"no draft {raw.strip()!r} in the content folders", 404)
    return entry.rel, Path(entry.real)


def drafts(site: Any) -> list[str]:
    """Every draft in the content folders, as the drafts list finds them (their relative paths)."""
    from assistant.web.drafts import Drafts

    return [e.rel for e in Drafts(site).listing()]


def load_draft(path: Path, shown: str | None = None) -> Any:
    """The draft, with the size limit of `assist score` and `assist prospects` (score.max_file_mb).
    ``shown``: the name the pages use for it, in an error instead of the file's absolute path."""
    from assistant.cli.prospects import _load_draft

    try:
        return _load_draft(str(path))
    except AssistError as exc:
        if shown is None or str(path) not in str(exc):
            raise
        raise PageError(str(exc).replace(str(path), shown), getattr(exc, "status", 400)) from None


async def form(request: Request) -> dict[str, str]:
    """The posted form's text fields (the CSRF token was checked by the guard)."""
    data = await request.form()
    return {k: v for k, v in data.items() if isinstance(v, str)}


_SIGNING_KEY = secrets.token_bytes(32)  # this process's: a message in an address it did not write is not shown


def _signature(kind: str, text: str) -> str:
    return hmac.new(_SIGNING_KEY, f"{kind}\0{text}".encode(), hashlib.sha256).hexdigest()[:32]


def back(path: str, params: dict[str, Any] | None = None, *, done: str | None = None,
         error: str | None = None) -> RedirectResponse:
    """A 303 to one of our own pages (never an address from the request), with a message signed by
    this process, so that a link from elsewhere cannot put words on our pages."""
    query = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    for kind, text in (("done", done), ("error", error)):
        if text:
            query[kind] = one_line(text)
            query[f"{kind}_sig"] = _signature(kind, query[kind])
    return RedirectResponse(path + ("?" + urlencode(query) if query else ""), status_code=303)


def one_line(text: str) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= MAX_MESSAGE else flat[: MAX_MESSAGE - 1] + "\u2026"


def notice(request: Request) -> dict[str, str | None]:
    """The message a redirect carried back (shown escaped, as every text)."""
    q = request.query_params
    out: dict[str, str | None] = {}
    for kind in ("done", "error"):
        text = one_line(q[kind]) if q.get(kind) else None
        signed = text is not None and hmac.compare_digest((q.get(f"{kind}_sig") or "").encode(),
                                                           _signature(kind, text).encode())
        out[kind] = text if signed else None
    return out


def zone(site: Any) -> Any:
    from assistant.share.schedule import user_timezone

    return user_timezone(site.settings)


def local(stamp: float | None, tz: Any) -> str:
    """Unix seconds in the user's zone, as `assist queue` shows them."""
    if stamp is None:
        return "-"
    return datetime.fromtimestamp(stamp, tz).strftime("%Y-%m-%d %H:%M %Z")


def int_param(value: str | None, name: str, default: int, low: int, high: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(str(value))
    except ValueError:
        raise UsageError(f"{name} must be a whole number") from None
    if not low <= number <= high:
        raise UsageError(f"{name} must be between {low} and {high}")
    return number


def web_url(url: str | None) -> str | None:
    """An address from outside, linked only when it is http(s) (never javascript: or data:)."""
    if not url:
        return None
    try:
        return url if urlsplit(url).scheme in ("http", "https") else None
    except ValueError:
        return None
