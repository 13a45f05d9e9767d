"""The drafts pages: every draft with its scores, and one draft with its findings in place."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response


def routes(site: Any) -> None:
    async def drafts(request: Request) -> Response:
        return site.page(request, "error.html.j2", title="Drafts", message="(being built)")

    site.add("/", drafts, name="drafts")
