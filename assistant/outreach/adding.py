"""Adding pitches from ranked prospects (``assist outreach add`` and ``assist prospects --add``): the
contact comes from the site's own pages (or the user), never a guess."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.errors import UsageError
from assistant.outreach.pipeline import REPITCH_AFTER

# Added to the note of a pitch of a site the prospects list did not show (assistant.prospects.rank.
# listed_prospects): it was ranked alone, so its page and reasons may not be those of any list.
NOT_LISTED = "not in the top {limit} prospects with these options: scored on its own"


def add_pitches(conn: Any, doc: Any, prospects: list[Any], *, contact: str | None, template: str | None,
                crawl: bool, allow: set[str], repitch_after: timedelta = REPITCH_AFTER,
                ) -> list[tuple[int | None, str, str]]:
    """Add a pitch per prospect (used by `outreach add` and `prospects --add`): (id, site, note)."""
    from assistant.errors import AssistError
    from assistant.outreach import compose, pipeline

    out = []
    for p in prospects:
        try:
            email, source, role = _contact_for(conn, p.domain, contact, crawl)
            new = pipeline.NewPitch(
                draft_key=doc.canonical_url or str(Path(doc.path).resolve()), draft_path=doc.path,
                draft_url=doc.canonical_url, draft_title=doc.title, site=p.domain, page_url=p.pitch_url,
                template=template or pitch_template(p),
                context=compose.context_for(doc, p), reasons=list(p.reasons), contact=email, contact_source=source,
                contact_role=role)
            pid = pipeline.add(conn, new, now=datetime.now(UTC), allow=allow, repitch_after=repitch_after)
        except AssistError as exc:
            out.append((None, p.domain, str(exc)))
            continue
        note = f"contact {email} ({source})" + (" - a role address" if role else "") if email else \
            "no contact found on the site's pages: give one with assist outreach contact ID EMAIL"
        out.append((pid, p.domain, note))
    return out


def pitch_template(prospect: Any) -> str:
    """The outreach template a pitch of this prospect gets unless one is named: the ranking's, except
    that a resource page linking to a page like the draft gets you-linked-to, which names that link.
    The prospects list shows this one, so that the pitch added has the template the row said."""
    from assistant.prospects.scoring import SIMILAR

    linked = prospect.linked_pages
    if prospect.template == "resource-page" and linked and linked[0].similarity >= SIMILAR:
        return "you-linked-to"
    return str(prospect.template)


def look_for_contacts(conn: Any, site: str) -> list[Any]:
    """Look on the site's pages (from its known home URL, else https://SITE/) and keep what is found."""
    from assistant.outreach import contacts, pipeline
    from assistant.prospects.identity import home_url

    row = conn.execute("SELECT url FROM sites WHERE domain = ?", (site,)).fetchone()
    found = contacts.find_contacts(row["url"] if row is not None and row["url"] else home_url(site))
    pipeline.store_contacts(conn, site, found, datetime.now(UTC))
    return pipeline.contacts_of(conn, site)


def _contact_for(conn: Any, site: str, given: str | None, crawl: bool) -> tuple[str | None, str | None, bool]:
    from assistant.outreach import compose, contacts, pipeline

    if given:
        if not compose.valid_address(given):
            raise UsageError(f"{given!r} is not an email address")
        return given, "given", contacts.is_role(given)
    known = pipeline.contacts_of(conn, site)
    if not known and crawl:
        known = look_for_contacts(conn, site)
    usable = [c for c in known if not pipeline.is_suppressed(conn, c["email"])]
    if not usable:
        return None, None, False
    best = usable[0]
    return best["email"], best["source_url"], bool(best["role"])


