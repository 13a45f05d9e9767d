"""What to do about the ledger: links to reclaim, and the risk review.

Reclaim: a link to a page of yours that is now broken should get a 301 to your live page closest
to what the link was about (its anchors, the broken address's words, the title the page had),
by embedding similarity among your pages (from a content directory or your sitemap). A link
removed from a page that is still live is listed with the anchor and date it was last seen.

Risk: Google has no notion of "toxic" links and most sites never need to disavow anything (the
disavow tool is for links you bought, or that brought a manual action). So this is a review, not a
score: each site is listed with named markers a crawl can evidence, each with its page and line.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from assistant.links.store import Own, link_key

SITEWIDE_PAGES = 5  # pages of one site linking to you from navigation, header, footer or sidebar
MANY_OUTBOUND = 1000  # outbound links on one page: a link dump (as prospects' HUGE_PAGE_LINKS)
UNRELATED_TOPIC = 0.15  # cosine of the linking page's text to your page's: no shared subject
BOILERPLATE = ("navigation", "header", "footer", "sidebar")
COMMERCIAL = re.compile(
    r"\b(?:buy|cheap|cheapest|best|discount|deals?|coupons?|promo|price[sd]?|pricing|for sale|sale|order|"
    r"near me|casino|slots?|poker|betting|bet|loans?|payday|credit|insurance|viagra|cialis|pills?|replica|"
    r"seo services|backlinks?|escort|crypto|forex|top \d+|hire|services?|agency|company|online)\b", re.I)
MARKERS = {
    "sitewide": "links to you from the navigation, header, footer or sidebar of many pages of one site",
    "commercial-anchor": "an exact-match commercial anchor (money words, not your name)",
    "paid-not-sponsored": "the page discloses payment or sponsorship, and the link has neither rel=sponsored nor nofollow",
    "link-dump": f"the page has {MANY_OUTBOUND:,} or more outbound links",
    "directory": "a link-directory or link-exchange page",
    "unrelated-topic": "the linking page's text shares no subject with your page (embeddings)",
    "language-mismatch": "the linking page is in another language than your page",
}


# --------------------------------------------------------------------------- risk


@dataclass
class Marker:
    kind: str
    evidence: str
    page: str
    line: int | None = None


@dataclass
class SiteRisk:
    site: str
    links: int
    markers: list[Marker] = field(default_factory=list)
    decision: str | None = None  # keep | disavow, when reviewed

    def to_dict(self) -> dict[str, Any]:
        return {"site": self.site, "links": self.links, "decision": self.decision,
                "markers": [m.__dict__ for m in self.markers]}


def risk_review(db: sqlite3.Connection, own: Own, *, embedder: Any = None, include_kept: bool = False) -> list[SiteRisk]:
    """Sites with at least one marker, most markers first; sites you kept are left out unless asked."""
    rows = list(db.execute(
        "SELECT b.*, p.paid, p.directory, p.outbound_links, p.lang AS page_lang, p.text_sample AS page_text,"
        " t.lang AS target_lang, t.text_sample AS target_text FROM backlinks b"
        " LEFT JOIN backlink_pages p ON p.url = b.source_url LEFT JOIN backlink_targets t ON t.url = b.target_url"
        " WHERE b.state != 'lost'"))
    decisions = {r["site"]: r["decision"] for r in db.execute("SELECT site, decision FROM backlink_reviews")}
    sites: dict[str, SiteRisk] = {}
    by_site: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for r in rows:
        by_site[r["source_site"]].append(r)
    unrelated = _unrelated(rows, embedder) if embedder is not None else {}
    brand = {d.split(".")[0].lower() for d in own.domains}
    for site, links in by_site.items():
        risk = SiteRisk(site, len(links), decision=decisions.get(site))
        boiler = {r["source_url"]: r for r in links if r["placement"] in BOILERPLATE}
        if len(boiler) >= SITEWIDE_PAGES:
            first = next(iter(boiler.values()))
            risk.markers.append(Marker("sitewide", f"{len(boiler)} pages link to you from their {first['placement']}",
                                       first["source_url"], first["line"]))
        for r in links:
            risk.markers += _link_markers(r, brand, unrelated.get(r["id"]))
        if risk.markers and (include_kept or risk.decision != "keep"):
            sites[site] = risk
    return sorted(sites.values(), key=lambda s: (-len({m.kind for m in s.markers}), -s.links, s.site))


def _link_markers(r: sqlite3.Row, brand: set[str], similarity: float | None) -> list[Marker]:
    out = []
    anchor = (r["anchor"] or "").strip()
    words = set(re.findall(r"[a-z0-9]+", anchor.lower()))
    if anchor and COMMERCIAL.search(anchor) and not words & brand and "://" not in anchor and "." not in anchor:
        out.append(Marker("commercial-anchor", f"anchor {anchor[:100]!r}", r["source_url"], r["line"]))
    if r["paid"] and not (r["sponsored"] or r["nofollow"]):
        found = json.loads(r["paid"])[0]
        out.append(Marker("paid-not-sponsored", f"the page says {found['phrase']!r}", r["source_url"], found.get("line")))
    if (r["outbound_links"] or 0) >= MANY_OUTBOUND:
        out.append(Marker("link-dump", f"{r['outbound_links']:,} outbound links", r["source_url"], r["line"]))
    if r["directory"]:
        found = json.loads(r["directory"])[0]
        out.append(Marker("directory", f"the page says {found['phrase']!r}", r["source_url"], found.get("line")))
    if similarity is not None and similarity < UNRELATED_TOPIC:
        out.append(Marker("unrelated-topic", f"similarity {similarity:.2f} to {r['target_url']}", r["source_url"],
                          r["line"]))
    if r["page_lang"] and r["target_lang"] and r["page_lang"] != r["target_lang"]:
        out.append(Marker("language-mismatch", f"page in {r['page_lang']!r}, your page in {r['target_lang']!r}",
                          r["source_url"], r["line"]))
    return out


def _unrelated(rows: list[sqlite3.Row], embedder: Any) -> dict[int, float]:
    """Cosine of each linking page's text to the linked page's, where both were read."""
    import numpy as np

    pairs = [(r["id"], r["page_text"], r["target_text"]) for r in rows if r["page_text"] and r["target_text"]]
    if not pairs:
        return {}
    texts = sorted({t for _, a, b in pairs for t in (a[:2000], b[:2000])})
    vectors = embedder.encode(texts)
    index = {t: i for i, t in enumerate(texts)}
    return {lid: float(np.dot(vectors[index[a[:2000]]], vectors[index[b[:2000]]])) for lid, a, b in pairs}


# --------------------------------------------------------------------------- reclaim


@dataclass
class Page:
    url: str
    title: str
    text: str


@dataclass
class Reclaim:
    broken: str
    links: int
    sites: int
    anchors: list[str]
    suggestion: str | None = None
    title: str | None = None
    similarity: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def broken_targets(db: sqlite3.Connection) -> list[Reclaim]:
    """Your broken pages that links point to, most linked first."""
    out = []
    for r in db.execute(
            "SELECT target_url, count(*) AS n, count(DISTINCT source_site) AS sites,"
            " json_group_array(anchor) AS anchors FROM backlinks WHERE state = 'lost' AND reason = 'target-broken'"
            " GROUP BY target_url ORDER BY sites DESC, n DESC, target_url"):
        anchors = sorted({a for a in json.loads(r["anchors"]) if a})
        out.append(Reclaim(r["target_url"], r["n"], r["sites"], anchors[:10]))
    return out


def removed_links(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """Links taken off pages that are still live: who to ask, with what was there."""
    return [dict(r) for r in db.execute(
        "SELECT source_url, target_url, anchor AS last_anchor, last_live AS last_seen, lost_at FROM backlinks"
        " WHERE state = 'lost' AND reason = 'link-removed' ORDER BY lost_at DESC, source_url")]


def _words(url: str) -> str:
    path = unquote(urlsplit(url).path)
    return " ".join(w for w in re.split(r"[/\-_.+]+", path) if w and not w.isdigit() and w not in ("html", "htm", "php"))


def suggest(db: sqlite3.Connection, broken: list[Reclaim], pages: list[Page], embedder: Any) -> None:
    """Fill each broken target's suggestion: your live page most similar to what links said of it."""
    import numpy as np

    live = [p for p in pages if link_key(p.url) not in {link_key(b.broken) for b in broken}]
    if not broken or not live:
        return
    titles = {r["url"]: r["title"] for r in db.execute("SELECT url, title FROM backlink_targets WHERE title IS NOT NULL")}
    queries = [" ".join(filter(None, [titles.get(b.broken), _words(b.broken), "; ".join(b.anchors)])) for b in broken]
    docs = [f"{p.title}. {p.text[:1500]}" for p in live]
    q = embedder.encode(queries)
    d = embedder.encode(docs)
    sims = np.asarray(q) @ np.asarray(d).T
    for i, b in enumerate(broken):
        j = int(np.argmax(sims[i]))
        b.suggestion, b.title, b.similarity = live[j].url, live[j].title, round(float(sims[i, j]), 3)


def pages_from_content(paths: list[str], own: Own) -> tuple[list[Page], int]:
    """Your pages from a content directory: drafts whose front matter gives their URL on your site."""
    from assistant import documents
    from assistant.errors import DocumentError

    pages, without_url = [], 0
    for path in documents.iter_paths(paths):
        try:
            doc = documents.load(path)
        except DocumentError:
            continue
        if doc.canonical_url and own.site_of(doc.canonical_url):
            pages.append(Page(doc.canonical_url, doc.title, doc.text[:3000]))
        else:
            without_url += 1
    return pages, without_url


def pages_from_db(db: sqlite3.Connection, own: Own) -> list[Page]:
    """Your pages the checks have fetched and found live."""
    return [Page(r["url"], r["title"] or "", r["text_sample"] or "") for r in db.execute(
        "SELECT url, title, text_sample FROM backlink_targets WHERE status = 200") if own.site_of(r["url"])]


MAX_SITEMAP_PAGES = 300


def pages_from_sitemap(sitemap_url: str, own: Own, *, max_pages: int = MAX_SITEMAP_PAGES, delay: float = 0.2,
                       timeout: float = 10.0) -> list[Page]:
    """Your pages from your sitemap (an index is followed one level): each fetched, politely, for
    its title and text. A page that fails is skipped; a sitemap that cannot be read is an error."""
    from assistant.errors import UsageError
    from assistant.links import page as page_mod
    from assistant.prospects import crawl
    from assistant.prospects.fetch import Fetcher, _decode
    from assistant.prospects.pages import _gunzip, parse_sitemap

    client = crawl.make_client(timeout=timeout)
    fetcher = Fetcher(client, user_agent=crawl.USER_AGENT, delay=delay, timeout=timeout, max_bytes=2_000_000)
    try:
        got = fetcher.get(sitemap_url, accept=None, check_robots=False)
        if got.error or got.status != 200:
            raise UsageError(f"cannot read the sitemap {sitemap_url}: {got.error or f'HTTP {got.status}'}")
        urls, children = parse_sitemap(_gunzip(got.body, 20_000_000))
        for child, _ in children[:5]:
            more = fetcher.get(child, accept=None, check_robots=False)
            if more.status == 200:
                urls += parse_sitemap(_gunzip(more.body, 20_000_000))[0]
        pages = []
        for url, _ in urls:
            if len(pages) >= max_pages:
                break
            if not own.site_of(url):
                continue
            one = fetcher.get(url, check_robots=False, site=own.site_of(url))
            if one.status == 200 and one.body:
                facts = page_mod.analyse(_decode(one.body, one.headers), one.url, targets=lambda u: False,
                                         headers=one.headers)
                pages.append(Page(one.url, facts.title or "", facts.text_sample))
        return pages
    finally:
        client.close()
