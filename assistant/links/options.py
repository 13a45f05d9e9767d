"""The ledger's inputs as the CLI and the web app both read them: which sites are yours, a period,
a site or URL to review or disavow, and the reason written above a disavow entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from assistant.errors import UsageError
from assistant.links.store import Own

MAX_AGE = 20 * 366 * 86400  # seconds: the longest --since or --stale (longer overflows dates)


def own_sites(own_domains: tuple[str, ...] | list[str], settings: Any) -> Own:
    """``--own-domain`` values, else ``[links] own``, else ``[site] domain``."""
    if own_domains:
        return Own(own_domains)
    value = settings.get("links.own") or settings.get("site.domain")
    if isinstance(value, str):
        value = [value]
    if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
        raise UsageError('[links] own must be a list of domains, e.g. own = ["example.com"]')
    return Own(value or [])


def since(value: str | None) -> datetime | None:
    """The start of ``--since AGE`` (e.g. 30d) from now."""
    if value is None:
        return None
    from assistant.settings import parse_duration

    seconds = parse_duration(value, "--since")
    if not 0 < seconds <= MAX_AGE:
        raise UsageError(f"--since {value!r} is out of range (use e.g. 7d, 4w)")
    return datetime.now(UTC) - timedelta(seconds=seconds)


def stale(value: str | None) -> timedelta | None:
    """``--stale AGE`` (e.g. 7d): at most 20 years."""
    if value is None:
        return None
    from assistant.settings import parse_duration

    seconds = parse_duration(value, "--stale")
    if not 0 <= seconds <= MAX_AGE:
        raise UsageError(f"--stale {value!r} is out of range (at most 20 years; use e.g. 7d, 4w)")
    return timedelta(seconds=seconds)


def site_key(site: str) -> str:
    """The identity of a site given as a domain or URL."""
    from assistant.prospects.targets import domain_of

    try:
        key = domain_of(site if "//" in site else f"https://{site.strip()}/")
    except ValueError:  # urlsplit's, e.g. an unclosed [IPv6 address
        key = ""
    if not key:
        raise UsageError(f"{site!r} is not a site (give a domain such as example.com)")
    return key


def disavow_key(item: str) -> str:
    """A site (``domain:`` optional) or one URL to review or disavow."""
    item = item.strip()
    if item.startswith("domain:"):
        item = item[len("domain:"):]
    if "//" in item:
        from assistant.prospects.targets import check_url

        try:
            return check_url(item)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    return site_key(item)


def markers_reason(conn: Any, own: Own, key: str) -> str:
    """The comment above a disavow entry chosen without a reason: the site's risk markers."""
    from assistant.links import review

    for s in review.risk_review(conn, own, include_kept=True) if own else []:
        if s.site == key:
            return "chosen in the risk review: " + ", ".join(sorted({m.kind for m in s.markers}))
    return "chosen by hand"
