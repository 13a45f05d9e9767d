"""Writing a pitch: the template context taken from the draft and the prospect when the pitch is
added, the email rendered from a template in prompts/outreach/ (the pitch, then each follow-up),
the footer every email carries (sender, postal address, opt-out line), and the check that refuses
an email before it can leave: an empty value, a leftover placeholder, no link to the draft, no
opt-out line or no postal address when one is configured.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from assistant.errors import UsageError

PITCH_TEMPLATES = ("resource-page", "guest-post", "broken-link", "you-linked-to")
FOLLOW_UP_TEMPLATE = "follow-up"
OPT_OUT = 'If you would rather not hear from me again, reply "unsubscribe" and I will not write again.'
PLACEHOLDER = re.compile(
    r"\[(?:your|their|insert|add|first|last|full|company|site|link|url|name|todo|tbd|date)\b[^\]\n]{0,40}\]"
    r"|\{\{|\}\}|\{%|%\}|<<[^>\n]{0,40}>>|\bTODO\b|\bTBD\b|\bXXX\b|\bLorem ipsum\b", re.I)
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")


@dataclass
class Sender:
    name: str | None
    email: str | None
    postal_address: str | None = None

    @classmethod
    def from_settings(cls, settings: Any) -> Sender:
        return cls(settings.get("outreach.sender_name"), settings.get("outreach.sender_email"),
                   settings.get("outreach.postal_address"))


def valid_address(address: str | None) -> bool:
    return bool(address) and len(address or "") <= 254 and bool(_EMAIL.match(address or ""))


# --------------------------------------------------------------------------- context


def fact_of(doc: Any) -> str | None:
    """One concrete fact from the draft: its first sentence with a figure in it."""
    for sentence in doc.sentences[:400]:
        text = sentence.text.strip()
        if re.search(r"\d", text) and 40 <= len(text) <= 300 and not text.endswith("?"):
            return text
    return None


def context_for(doc: Any, prospect: Any) -> dict[str, Any]:
    """What a pitch's templates are filled from, fixed when the pitch is added (no model needed later)."""
    from assistant.prospects import outreach as render_mod

    values = render_mod.context(doc, prospect)
    values.pop("short_url", None)
    values.pop("sender", None)
    values["draft"]["fact"] = fact_of(doc)
    return values


# --------------------------------------------------------------------------- rendering


@dataclass
class Composed:
    subject: str
    body: str
    template: str
    empties: int = 0


def render(name: str, values: dict[str, Any], sender: Sender) -> Composed:
    """The email from template ``name``, with the footer; UsageError (one line) for a template error."""
    from assistant import templates

    data = {**values, "sender": {"name": sender.name, "email": sender.email, "address": sender.postal_address}}
    subject, body, empties = templates.render_email(templates.find("outreach", name), data)
    return Composed(subject, body.rstrip("\n") + "\n\n" + footer(sender), name, empties)


def footer(sender: Sender) -> str:
    lines = ["--"]
    if sender.name:
        lines.append(sender.name)
    if sender.postal_address:
        lines.append(" ".join(sender.postal_address.split()))
    lines.append(OPT_OUT)
    return "\n".join(lines) + "\n"


def compose_pitch(row: sqlite3.Row, sender: Sender, template: str | None = None) -> Composed:
    values = json.loads(row["context"])
    name = template or row["template"]
    if name == "broken-link" and not values.get("prospect", {}).get("broken_targets"):
        raise UsageError(f"{row['site']}: no dead link known on this site, so a broken-link email would not be true;"
                         " use --template resource-page, guest-post or you-linked-to")
    if name == "you-linked-to" and not values.get("linked"):
        raise UsageError(f"{row['site']}: no page of theirs is known to link to a page like the draft;"
                         " use --template resource-page or guest-post")
    return render(name, values, sender)


def compose_follow_up(row: sqlite3.Row, step: int, first_subject: str, sender: Sender) -> Composed:
    values = json.loads(row["context"])
    values["follow_up"] = {"step": step, "subject": first_subject, "pitch_template": row["template"]}
    composed = render(FOLLOW_UP_TEMPLATE, values, sender)
    if not composed.subject:
        composed.subject = first_subject if first_subject.lower().startswith("re:") else f"Re: {first_subject}"
    return composed


# --------------------------------------------------------------------------- the check before sending


def problems(subject: str, body: str, *, recipient: str | None, draft_url: str | None, sender: Sender,
             empties: int = 0) -> list[str]:
    """Why this email must not leave, in words; empty when it may."""
    out = []
    if not recipient:
        out.append("no contact: find one on the site (assist outreach contacts) or give it with --contact")
    elif not valid_address(recipient):
        out.append(f"{recipient!r} is not an email address")
    if not valid_address(sender.email):
        out.append("no sender address: set [outreach] sender_email")
    if not sender.name:
        out.append("no sender name: set [outreach] sender_name")
    if not subject.strip():
        out.append("the subject is empty")
    if empties:
        out.append(f"{empties} value(s) in the template came out empty")
    for where, text in (("subject", subject), ("body", body)):
        found = PLACEHOLDER.search(text)
        if found:
            out.append(f"a placeholder is left in the {where}: {found.group(0)!r}")
    if not draft_url:
        out.append("the draft has no URL (url or canonical_url in its front matter): the email would not link to it")
    elif draft_url not in body:
        out.append(f"the body does not link to the draft ({draft_url})")
    if OPT_OUT not in body and "unsubscribe" not in body.lower():
        out.append("no opt-out line")
    if sender.postal_address and " ".join(sender.postal_address.split()) not in " ".join(body.split()):
        out.append("the postal address ([outreach] postal_address) is missing from the body")
    return out
