"""Outreach emails rendered from Jinja2 templates with the prospect's reasons filled in.

Templates are looked up by assistant.templates (kind ``outreach``): the user's
``<config dir>/prompts/outreach/`` first, then assist's ``prompts/outreach/``. The first line of a
rendered template is ``Subject: ...``; the rest is the body.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import UsageError

if TYPE_CHECKING:
    from assistant.documents import Document
    from assistant.prospects.rank import Prospect

TEMPLATES = ("resource-page", "guest-post", "broken-link")


@dataclass
class Email:
    to: str | None
    subject: str
    body: str
    template: str
    template_path: str
    site: str
    pitch_url: str | None
    reasons: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def as_text(self) -> str:
        head = f"To: {self.to}\n" if self.to else ""
        return f"{head}Subject: {self.subject}\n\n{self.body}"


def template_dirs() -> list[Path]:
    from assistant import templates

    return templates.search_path("outreach")


def available_templates() -> list[str]:
    from assistant import templates

    return templates.available("outreach")


def find_template(name: str) -> Path:
    """The template file for a name, the user's override first; UsageError when there is none."""
    from assistant import templates

    return templates.find("outreach", name)


def _summary(doc: Document, sentences: int = 2) -> str:
    if doc.description:
        return doc.description.strip()
    return " ".join(s.text for s in doc.sentences[:sentences])


def context(doc: Document, prospect: Prospect, sender: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a template can use: draft, site, prospect (with reasons), linked (best linked page), sender."""
    from assistant.prospects.rank import short_url

    linked = next((lp for lp in prospect.linked_pages if lp.similarity >= 0.45), None)
    topic = doc.topic or (doc.keywords[0] if doc.keywords else None) or doc.title
    return {
        "draft": {
            "title": doc.title, "url": doc.canonical_url, "summary": _summary(doc), "topic": topic,
            "description": doc.description, "headings": [h.text for h in doc.headings if h.level == 2],
            "extra": None,
        },
        "site": {"domain": prospect.domain, "name": prospect.name, "contact": prospect.contact,
                 "contact_name": None},
        "prospect": prospect.to_dict(),
        "linked": {"target_url": linked.target_url, "source_url": linked.source_url,
                   "similarity": round(linked.similarity, 2), "anchor": linked.anchor} if linked else None,
        "reasons": prospect.reasons,
        "sender": {"name": None, "email": None, **(sender or {})},
        "short_url": short_url,
    }


def render(
    doc: Document, prospect: Prospect, template: str | None = None, *, sender: dict[str, Any] | None = None
) -> Email:
    """Render the email for a prospect (template: the prospect's suggestion unless one is named)."""
    from assistant import templates

    name = template or prospect.template
    path = find_template(name)
    if name == "broken-link" and not prospect.broken_targets:
        # the email would claim a dead link nobody has seen
        raise UsageError(f"{prospect.domain}: no dead link known on this site, so a broken-link email would not be"
                         " true; use --template resource-page or guest-post (dead links show up once assist"
                         " has crawled the pages a site links to)")
    subject, body, _ = templates.render_email(path, context(doc, prospect, sender))
    return Email(to=prospect.contact, subject=subject, body=body, template=name, template_path=str(path),
                 site=prospect.domain, pitch_url=prospect.pitch_url, reasons=prospect.reasons)
