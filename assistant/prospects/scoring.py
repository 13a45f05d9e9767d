"""A site's score before penalties, in plain numbers: the topic match (semantic and lexical), links to
pages like the draft, link propensity and authority, weighted. assistant.prospects.rank scores every
candidate site with these, then takes off the penalties of the best and says why in words.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from assistant.prospects import index

# How the semantic match (MiniLM, best and typical chunk cosines) and the lexical one (BM25 of the
# site's best chunk, as a share of the best site's) make the topic match: a weighted mean, 0-1.
LEXICAL_SHARE = 0.5
SIMILAR = 0.45  # a linked page at least this similar to the draft counts as "a page like this draft"
WEAK_TOPIC = 0.40  # best cosine below this: no known site is really about the draft's topic


def fused(semantic: float, lexical_: float) -> float:
    """The topic match: the semantic and lexical matches (each 0-1) mixed LEXICAL_SHARE to one."""
    return (1 - LEXICAL_SHARE) * semantic + LEXICAL_SHARE * lexical_


def topical_norm(value: float) -> float:
    # MiniLM cosines: ~0.1 for unrelated text, ~0.6+ for the same topic.
    return min(1.0, max(0.0, (value - 0.15) / 0.5))


@dataclass(slots=True)
class Parts:
    """A site's score before penalties (``bound``) and what its reasons and pitch are made of."""

    best: float
    typical: float
    intersect: float
    propensity: float
    authority: float | None
    source: str
    bound: float
    link_pages: int
    semantic: float = 0.0
    lexical: float = 0.0
    topical: float = 0.0
    mention: int | None = None  # the chunk that names the draft, if one does


def topical(draft_vecs: np.ndarray, sites: list[index.SiteVectors], block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Best and typical topical match of each site, from one matrix product per block of sites.

    best: the highest cosine between any draft chunk and any site chunk; typical: the mean over draft
    chunks of their best site match. 0 and 0 for a site known by its domain name alone.
    """
    import numpy as np

    best = np.zeros(len(sites), dtype=np.float32)
    typical = np.zeros(len(sites), dtype=np.float32)
    for lo in range(0, len(sites), block):
        group = sites[lo : lo + block]
        counts = np.array([len(v.vectors) for v in group], dtype=np.int64)
        sims = draft_vecs @ np.concatenate([v.vectors for v in group]).T  # draft chunks x all site chunks
        per_site = np.maximum.reduceat(sims, np.concatenate(([0], np.cumsum(counts)[:-1])), axis=1)
        text = np.array([v.has_text for v in group])
        best[lo : lo + len(group)] = np.where(text, per_site.max(axis=0), 0.0)
        typical[lo : lo + len(group)] = np.where(text, per_site.mean(axis=0), 0.0)
    return best, typical


def site_parts(
    site: sqlite3.Row,
    best: float,
    typical: float,
    links: list[sqlite3.Row],
    target_sim: dict[str, float],
    pages: list[sqlite3.Row],
    pagerank: dict[str, float],
    weights: dict[str, float],
    lex: float = 0.0,
    mention: int | None = None,
    specific: float = 1.0,
) -> Parts:
    """Everything of a site's score but the penalties, in plain numbers (thousands of sites)."""
    semantic = topical_norm(0.6 * best + 0.4 * typical)
    topical = fused(semantic, lex)

    # links to pages like this draft
    intersect = 0.0
    top: float | None = None
    similar: set[str] = set()
    for r in links:
        sim = target_sim.get(r["target_url"])
        if sim is not None:
            if top is None or sim > top:
                top = sim
            if sim >= SIMILAR:
                similar.add(r["target_url"])
    if top is not None:
        intersect = min(1.0, max(0.0, (top - 0.2) / 0.5)) * min(1.0, 0.7 + 0.1 * len(similar))

    # link propensity
    kinds = {p["kind"] for p in pages}
    outbound = [p["outbound_links"] for p in pages if p["outbound_links"]]
    density = sum(outbound) / len(outbound) if outbound else 0.0
    link_pages = len({r["source_url"] for r in links})
    propensity = min(1.0, 0.45 * ("resource" in kinds) + 0.3 * ("guest_post" in kinds)
                     + 0.15 * min(1.0, link_pages / 5) + 0.1 * min(1.0, density / 40))

    # authority
    if site["authority"] is not None:
        authority, source = float(site["authority"]), "imported"
    elif site["domain"] in pagerank:
        authority, source = pagerank[site["domain"]], "pagerank"
    else:
        authority, source = None, "unknown"
    # Authority says how much a link is worth, not whether the site would give one: it counts in
    # full for a site on the draft's topic (a topic match at WEAK_TOPIC or links to pages like the
    # draft), and in proportion below that, so a big site on another subject does not climb on it.
    relevance = min(1.0, max(topical, intersect) / topical_norm(WEAK_TOPIC))
    auth_norm = (authority or 0.0) / 100 * relevance

    w = weights
    bound = (w["topical"] * topical + w["intersect"] * intersect + w["propensity"] * propensity
             + w["authority"] * auth_norm + w["mention"] * specific * (mention is not None))
    return Parts(best, typical, intersect, propensity, authority, source, bound, link_pages,
                 semantic, lex, topical, mention)
