"""The markers against a site in a ranking: independent evidence, each a reason in words with its
penalty. Its own texts (spam vocabulary, paid content: assistant.prospects.evidence, worked out when
they were stored), its address, and its links and pages: spam anchors, a scraper's copies, link-farm
signs, mostly sponsored links. Two or more markers leave a site out (evidence.LEAVE_OUT_AT); one only
lowers its score.
"""

from __future__ import annotations

import re
import sqlite3
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from assistant.prospects import evidence, reasons

if TYPE_CHECKING:
    import numpy as np

    from assistant.prospects import index

UNRELATED_LINKS = 0.2  # mean similarity of a site's linked pages below this: they share no subject (~0.1)
OFF_TOPIC_LINKS = 0.2  # mean similarity of a site's links (anchor and context) to its own texts below this (real lists: 0.26 and up)
HUGE_PAGE_LINKS = 1000  # outbound links on one page: a link dump, not a curated list


def is_home_page(url: str) -> bool:
    """A site's home page (/, /index.html): a link to the site rather than to one of its pages."""
    path = urlsplit(url).path.strip("/").lower()
    return path in ("", "index.html", "index.htm", "index.php")


def url_words(url: str) -> str:
    """The words in a URL's path: /blog/async-communication-guide -> "blog async communication guide"."""
    path = unquote(urlsplit(url).path)
    path = re.sub(r"\.(html?|php|aspx?)$", "", path)
    return " ".join(w for w in re.split(r"[/\-_.+]+", path) if w and not w.isdigit())


_FILLER = frozenset("the and for with how what why your you are from this that into its our".split())


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2 and w not in _FILLER}


def copies_target(source_url: str, source_title: str | None, target_url: str) -> bool:
    """Whether a linking page is a copy of the page it links to, as a scraper's is: the same last path
    segment (/2026/python-type-checking -> /python-type-checking), or a title holding every word of
    the linked page's slug (at least two)."""
    target_slug = urlsplit(target_url).path.rstrip("/").rsplit("/", 1)[-1].lower()
    slug_words = _words(url_words("/" + target_slug))
    if len(slug_words) < 2:
        return False
    source_slug = urlsplit(source_url).path.rstrip("/").rsplit("/", 1)[-1].lower()
    return source_slug == target_slug or slug_words <= _words(source_title or "")


def link_spread(links: list[sqlite3.Row], target_vecs: dict[str, np.ndarray]) -> tuple[int, float]:
    """How many article pages a site links to, and how alike they are (mean similarity of each pair):
    an editorial site links within its subject, a link seller or a magazine of paid posts wherever it
    is paid to. Home pages and one-word addresses (profiles, tags) say nothing of a subject.
    ``target_vecs``: the vector of each linked page (those not in it are not counted)."""
    import numpy as np

    urls = sorted({r["target_url"] for r in links if r["target_url"] in target_vecs
                   and len(url_words(r["target_url"]).split()) >= 2})[:100]
    if len(urls) < 3:
        return len(urls), 1.0
    vecs = np.stack([target_vecs[u] for u in urls])
    sims = vecs @ vecs.T
    n = len(urls)
    return n, float((sims.sum() - np.trace(sims)) / (n * (n - 1)))


def markers_against(site: sqlite3.Row, vecs: index.SiteVectors, links: list[sqlite3.Row],
                    pages: list[sqlite3.Row], target_vecs: dict[str, np.ndarray]) -> list[tuple[str, float]]:
    """Independent evidence against a site, each (reason in words, penalty). Two or more leave the
    site out of a ranking (evidence.LEAVE_OUT_AT); one only lowers its score. ``target_vecs``: the
    vector of each page it links to, as far as known."""
    import numpy as np

    found: list[tuple[str, float]] = []
    said = vecs.evidence  # what its own texts say, worked out when they were stored
    vocabulary = said.get("vocabulary") or []
    if vocabulary:
        found.append((reasons.spam_vocabulary(vocabulary), min(0.6, 0.25 + 0.1 * len(vocabulary))))
    anchors = " ".join(r["anchor"] or "" for r in links[:500])
    strong = [t for t in evidence.spam_terms(anchors) if t in evidence.SPAM_TERMS] if anchors.strip() else []
    if strong:
        found.append((reasons.spam_anchors(strong), 0.2))
    in_address = evidence.address_spam(site["domain"])
    if in_address:
        found.append((reasons.spam_address(in_address), 0.2))
    paid = said.get("paid") or []
    if paid:
        found.append((reasons.paid_content(paid), 0.15))
    titles = {p["url"]: p["title"] for p in pages}
    content_links = {(r["source_url"], r["target_url"]): r["source_title"] or titles.get(r["source_url"])
                     for r in links if not is_home_page(r["target_url"])}
    copied = {t for (src, t), title in content_links.items() if copies_target(src, title, t)}
    if len(copied) >= 2 and 2 * len(copied) >= len({t for _, t in content_links}):
        found.append((reasons.scraper(len(copied)), 0.3))
    # A link farm shows several signs at once; a curated list of one subject shows none of them,
    # however many links it has.
    farm: list[str] = []
    most = max((p["outbound_links"] or 0 for p in pages), default=0)
    if most >= HUGE_PAGE_LINKS:
        farm.append(reasons.huge_page(most))
    linked_count, alike = link_spread(links, target_vecs)
    if linked_count >= 3 and alike < UNRELATED_LINKS:
        farm.append(reasons.unrelated_links(linked_count, alike))
    targets = [target_vecs[u] for u in sorted({r["target_url"] for r in links}) if u in target_vecs][:200]
    if vecs.has_text and len(targets) >= 3:
        fit = float((np.stack(targets) @ vecs.centroid).mean())
        if fit < OFF_TOPIC_LINKS:
            farm.append(reasons.off_topic_links(fit))
    if len(farm) >= 2:
        found.append((reasons.link_farm(farm), 0.15))
    sponsored = sum(1 for r in links if r["sponsored"])
    if links and sponsored / len(links) > 0.5:
        found.append((reasons.sponsored_links(sponsored, len(links)), 0.15))
    return found
