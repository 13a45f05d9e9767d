"""The words of a ranking (assistant.prospects.rank): the reasons of each prospect, the markers and
penalties against a site, the page to pitch and why, and the notes for the user.

Each function takes the numbers and rows a ranking worked out and returns the text; none of them
changes a score. A leaf module: it imports nothing of assist, so the ranking, the markers and the
outreach emails can all use it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Protocol
from urllib.parse import urlsplit


class Linked(Protocol):
    """A page a site links to (rank.LinkedPage)."""

    target_url: str
    source_url: str
    similarity: float


def short_url(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    return (host + parts.path.rstrip("/")) or url


def where(label: str | None, section: str | None) -> str:
    """'section 'HTTP clients' of its description', 'example.com/guide' and the like, for reasons."""
    place = "its description" if label == "profile" else short_url(label or "")
    return f"section '{section}' of {place}" if section else place


# --------------------------------------------------------------------------- evidence against a site


def spam_vocabulary(words: Sequence[str]) -> str:
    return f"spam vocabulary in its texts ({', '.join(words[:4])})"


def spam_anchors(words: Sequence[str]) -> str:
    return f"spam words in the anchors of its links ({', '.join(words[:3])})"


def spam_address(words: Sequence[str]) -> str:
    return f"spam words in its address ({', '.join(words[:2])})"


def paid_content(disclosures: Sequence[str]) -> str:
    return f"publishes paid content ({disclosures[0]}); its links are bought"


def scraper(copied: int) -> str:
    return f"its pages copy the {copied} pages they link to (title or address): a scraper"


def huge_page(links: int) -> str:
    return f"{links:,} outbound links on one page"


def unrelated_links(count: int, alike: float) -> str:
    return f"its {count} linked pages have little in common (mean similarity {alike:.2f})"


def off_topic_links(fit: float) -> str:
    return f"its links are off its own subject (similarity {fit:.2f})"


def link_farm(signs: Sequence[str]) -> str:
    return f"link-farm links: {'; '.join(signs)}"


def sponsored_links(sponsored: int, total: int) -> str:
    return f"{sponsored} of its {total} known links are sponsored"


def shop(call: str) -> str:
    return f"looks like a shop or a service ({call}); they rarely link out"


ALREADY_LINKS = "already links to you"
EXCLUDED = "you excluded this site"


# --------------------------------------------------------------------------- a prospect


def site_reasons(
    *,
    linked: Sequence[Linked],
    similar: Sequence[Linked],
    intersect: float,
    mention: tuple[str | None, str | None] | None,
    name: str | None,
    named_by: int,
    links_to_you: bool,
    topic: tuple[float, float, str | None, str | None] | None,
    words: tuple[Sequence[str], str | None, str | None, float] | None,
    resources: Sequence[str],
    guests: Sequence[str],
    link_pages: int,
    authority: float | None,
    authority_source: str,
    against: Sequence[str],
) -> list[str]:
    """A prospect's reasons, strongest first.

    ``linked`` are the pages it links to, most like the draft first (``similar``: those like it);
    ``mention`` the (label, section) of its chunk naming the draft, named ``name`` by ``named_by``
    sites; ``topic`` (best, typical, label, section) of its closest chunk, None when no text is known;
    ``words`` (shared words, label, section, lexical match) of its best chunk for the draft's words;
    ``against`` the markers and penalties, in words.
    """
    reasons: list[str] = []
    if mention is not None:
        others = f" (one of {named_by} sites naming it)" if named_by > 1 else ""
        reasons.append(f"mentions '{name}' in {where(*mention)}" + others
                       + (": ask for a link" if not links_to_you else ""))
    if similar:
        lp = linked[0]
        n_similar = len({x.target_url for x in similar} - {lp.target_url})
        more = f" and {n_similar} more similar page(s)" if n_similar else ""
        reasons.append(f"linked to {short_url(lp.target_url)}, similarity {lp.similarity:.2f}"
                       f" (from {short_url(lp.source_url)}){more}")
    elif linked and intersect > 0:  # some credit, but not "a page like this draft"
        lp = linked[0]
        reasons.append(f"links only to pages loosely like yours: closest {short_url(lp.target_url)},"
                       f" similarity {lp.similarity:.2f} (from {short_url(lp.source_url)})")
    if topic is not None:
        best, typical, label, section = topic
        reasons.append(f"topic match {best:.2f} with {where(label, section)} (typical {typical:.2f})")
        if words is not None:
            shared, label, section, lexical = words
            reasons.append(f"words in common ({', '.join(shared)}) with "
                           f"{where(label, section)}, lexical match {lexical:.2f}")
    else:
        reasons.append("no text known for this site yet (crawl it for a topical match)")
    if resources:
        reasons.append(f"has a resources page: {short_url(resources[0])}")
    if guests:
        reasons.append(f"accepts guest posts: {short_url(guests[0])}")
    if link_pages and not resources:
        reasons.append(f"{link_pages} page(s) with outbound links in the graph")
    if authority is not None:
        label = "imported metric" if authority_source == "imported" else "PageRank on the link graph"
        reasons.append(f"authority {authority:.0f} ({label})")
    reasons.extend(against)
    return reasons


def pitch(
    linked: Sequence[Linked], similar: Sequence[Linked], resources: Sequence[str], guests: Sequence[str],
    best_label: str | None, site: Any, broken: set[str],
) -> tuple[str | None, str, str]:
    """The page to pitch, why, and the outreach template that fits."""
    dead = [lp for lp in linked if lp.target_url in broken]
    if dead:
        return dead[0].source_url, f"links to a dead page ({short_url(dead[0].target_url)})", "broken-link"
    if similar:
        lp = similar[0]
        return lp.source_url, f"it links to {short_url(lp.target_url)}, a page like yours", "resource-page"
    if resources:
        return resources[0], "its resources page", "resource-page"
    if guests:
        return guests[0], "its guest-post page", "guest-post"
    if best_label and best_label not in ("profile", "domain"):
        return best_label, "the page closest to your draft", "resource-page"
    return site["url"] or f"https://{site['domain']}/", "its home page", "resource-page"


# --------------------------------------------------------------------------- notes for the user


def notes(
    *,
    own: str | None,
    dropped_linking: int,
    dropped_spam: int,
    left_out: Sequence[tuple[float, str, list[str]]],
    below_zero: Sequence[str],
    no_match: int,
    found: Sequence[Any],
    unlinked_competitors: Sequence[str],
    best_topic: float,
    weak_topic: float,
) -> list[str]:
    """Remarks for the user: sites left out, competitors nobody links to, no site on the topic.

    ``left_out`` is (bound, domain, markers) of the sites left out, best first; ``found`` the
    prospects listed; ``best_topic`` their best topic match, weak below ``weak_topic``.
    """
    out = []
    if dropped_linking:
        out.append(f"{dropped_linking} site(s) already linking to {own} left out"
                   " (--include-linking shows them)")
    if dropped_spam:
        named = "; ".join(f"{domain} ({', '.join(m.split(' (')[0].split(':')[0] for m in marks)})"
                          for _, domain, marks in left_out[:5])
        more = f"; and {dropped_spam - 5} more" if dropped_spam > 5 else ""
        out.append(f"{dropped_spam} site(s) left out on two or more kinds of evidence: {named}{more}"
                   " (--include-spam shows them; `assist sites show SITE` says why)")
    if below_zero:
        named = ", ".join(below_zero[:5]) + (f" and {len(below_zero) - 5} more"
                                             if len(below_zero) > 5 else "")
        out.append(f"{len(below_zero)} site(s) whose penalties outweigh the rest are not listed: {named}"
                   " (--include-spam shows them with their reasons)")
    if no_match:
        out.append(f"{no_match} site(s) with nothing in common with this draft are not listed")
    tied = ties(found)
    if tied:
        out.append(tied)
    for comp in unlinked_competitors:
        out.append(f"no known site links to {comp} (--competitor): import its backlink export"
                   " (assist sites import) for link-intersect reasons")
    if 0 < best_topic < weak_topic:
        out.append(f"no known site is close to this draft's topic (best topic match {best_topic:.2f}):"
                   " import or crawl sites that cover it")
    return out


def ties(found: Sequence[Any]) -> str | None:
    """Say where listed sites (with a score and a domain) have the same score, and what ordered them."""
    groups: dict[float, list[str]] = defaultdict(list)
    for p in found:
        groups[round(p.score, 4)].append(p.domain)
    tied = [(score, domains) for score, domains in groups.items() if len(domains) > 1]
    if not tied:
        return None
    score, domains = max(tied, key=lambda x: x[0])
    shown = ", ".join(domains[:4]) + (f" and {len(domains) - 4} more" if len(domains) > 4 else "")
    others = sum(len(d) for _, d in tied) - len(domains)
    extra = f" ({others} more site(s) tie at lower scores)" if others else ""
    return (f"{len(domains)} sites tie at score {score:.3f} ({shown}): ordered among themselves by topic match,"
            f" then by their closest text, not by merit{extra}")
