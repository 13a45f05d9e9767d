"""Rank known sites by how likely they are to link to a draft, with the reasons in words.

Per site: topical match (draft chunks against the site's page and profile vectors: best and
typical), links to pages like this draft (link intersect weighted by the similarity of each linked
page to the draft), link propensity (resource and guest-post pages, outbound links), authority
(imported metric, else PageRank over the domain link graph, in proportion to the topic match), and
penalties (spam signals, shops and services, paid content, sponsored links, links with little in
common, scrapers, link farms). Excluded sites and sites already linking to you
are dropped (or, on request, kept with a penalty).

This module picks the sites and puts the parts together; beside it, ``scoring`` works out a site's
score before penalties, ``markers`` the evidence against it, ``reasons`` says all of it in words, and
``queries`` holds the SQL. Names imported ``as`` themselves below are re-exported: tests, the CLI and
the bench scripts import them from here.
"""

from __future__ import annotations

import bisect
import math
import re
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.prospects import evidence, graph, index, lexical, queries, reasons, scoring, store
from assistant.prospects.markers import HUGE_PAGE_LINKS as HUGE_PAGE_LINKS
from assistant.prospects.markers import OFF_TOPIC_LINKS as OFF_TOPIC_LINKS
from assistant.prospects.markers import UNRELATED_LINKS as UNRELATED_LINKS
from assistant.prospects.markers import copies_target as copies_target
from assistant.prospects.markers import is_home_page as is_home_page
from assistant.prospects.markers import markers_against, url_words
from assistant.prospects.reasons import short_url as short_url
from assistant.prospects.scoring import LEXICAL_SHARE as LEXICAL_SHARE
from assistant.prospects.scoring import SIMILAR, WEAK_TOPIC, fused, site_parts
from assistant.prospects.scoring import topical as _topical

if TYPE_CHECKING:
    import numpy as np

    from assistant.documents import Document

DEFAULT_WEIGHTS = {"topical": 0.45, "intersect": 0.30, "propensity": 0.10, "authority": 0.15, "mention": 0.10}
MAX_NAME_WORDS = 4  # a title this short can be a name ("httpx", "Delta Lake"); a longer one is a headline
spam_signals = evidence.spam_vocabulary  # 0.1's name for the spam vocabulary of a text
MAX_DRAFT_CHUNKS = 48


@dataclass
class LinkedPage:
    target_url: str
    source_url: str
    similarity: float
    anchor: str | None = None


@dataclass
class Prospect:
    domain: str
    name: str | None
    score: float
    topical_best: float
    topical_typical: float
    intersect: float
    propensity: float
    authority: float | None
    authority_source: str  # imported | pagerank | unknown
    penalty: float
    reasons: list[str]
    pitch_url: str | None
    pitch_reason: str
    template: str  # resource-page | guest-post | broken-link
    contact: str | None = None
    matched_page: str | None = None
    links_to_you: bool = False
    linked_pages: list[LinkedPage] = field(default_factory=list)
    resource_pages: list[str] = field(default_factory=list)
    guest_pages: list[str] = field(default_factory=list)
    broken_targets: list[str] = field(default_factory=list)
    spam_signals: list[str] = field(default_factory=list)  # listed only with include_spam
    lexical: float = 0.0  # BM25 of its best chunk as a share of the best site's (0-1)
    semantic: float = 0.0  # the MiniLM part of the topic match (0-1)
    markers: list[str] = field(default_factory=list)  # evidence against it, each named
    left_out: bool = False  # two or more markers: not a prospect (listed only with include_spam)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("score", "topical_best", "topical_typical", "intersect", "propensity", "penalty", "lexical",
                    "semantic"):
            data[key] = round(data[key], 4)
        return data


def check_weights(weights: dict[str, Any] | None) -> dict[str, float]:
    """The default weights updated with the configured ones (assistant.settings.weights: known names,
    numbers >= 0; a one-line ConfigError otherwise)."""
    from assistant.settings import weights as read_weights

    return read_weights(weights, DEFAULT_WEIGHTS, "prospects.weights")


def draft_chunks(doc: Document) -> list[str]:
    """Title + description, then windows of three sentences (at most MAX_DRAFT_CHUNKS, evenly spread)."""
    head = ". ".join(p for p in (doc.title, doc.description) if p)
    sentences = [s.text for s in doc.sentences]
    windows = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    if len(windows) > MAX_DRAFT_CHUNKS - 1:
        step = len(windows) / (MAX_DRAFT_CHUNKS - 1)
        windows = [windows[int(i * step)] for i in range(MAX_DRAFT_CHUNKS - 1)]
    return [c for c in [head, *windows] if c.strip()]


def draft_query_text(doc: Document) -> str:
    """The draft's words for the lexical match: its title and description twice (they name the
    subject), then its whole source: prose, and code and tables too (a project's name is in every
    `import` and `pip install` line)."""
    head = " ".join(p for p in (doc.title, doc.description) if p)
    return f"{head} {head} {doc.source}"


def draft_name(doc: Document) -> str | None:
    """The draft's name, when its title is one: a short title ("httpx", "Delta Lake", "Pint: a
    Python units library" -> "Pint"), without Markdown or punctuation around it. None for a headline."""
    title = re.split(r"\s[-:|\u2013\u2014]\s|:\s", doc.title or "", maxsplit=1)[0]
    words = re.findall(r"[\w][\w.+#-]*", title)
    if not words or len(words) > MAX_NAME_WORDS or sum(len(w) for w in words) < 3:
        return None
    return " ".join(words)


def mentions(name: str, texts: Sequence[str]) -> int | None:
    """The first chunk that names the draft (the whole name, as words), or None."""
    pattern = re.compile(r"(?<![\w.-])" + r"[\s\W]{1,3}".join(re.escape(w) for w in name.split())
                         + r"(?![\w-])", re.I)
    return next((i for i, text in enumerate(texts) if pattern.search(text)), None)


def own_domain_of(doc: Document | None, configured: str | None) -> str | None:
    """Your domain: the draft's canonical URL, else config site.domain."""
    for value in ((doc.canonical_url if doc else None), configured):
        if value:
            try:
                return store.normalize_domain(value)
            except store.InvalidURL:
                continue
    return None


def _index_dir() -> Path:
    from assistant import config

    return config.data_dir() / "index"


class Ranker:
    """Scores sites for one draft; the embedder is passed in (tests share one)."""

    def __init__(
        self,
        db: sqlite3.Connection,
        embedder: Any,
        *,
        own_domain: str | None = None,
        competitors: Sequence[str] = (),
        weights: dict[str, float] | None = None,
        include_linking: bool = False,
        include_spam: bool = False,
        progress: Any = None,
        only: str | None = None,
    ) -> None:
        self.only = store.normalize_domain(only) if only else None
        self.db = db
        self.embedder = embedder
        self.own = own_domain
        self.competitors = {store.normalize_domain(c) for c in competitors}
        self.weights = check_weights(weights)
        self.include_linking = include_linking
        self.include_spam = include_spam or bool(self.only)  # a site asked for by name is scored whatever it is
        self.progress = progress
        self.dropped_linking = 0  # sites left out because they already link to you
        self.dropped_spam = 0  # sites with spam signals that would have made the list
        self._linking: set[str] | None = None
        self._target_vecs: dict[str, np.ndarray] = {}  # linked page -> its vector (for link spread)
        self._lex: lexical.SiteScores | None = None  # the lexical match of the last ranking
        self.query: dict[str, float] = {}  # the draft's weighted words
        self.name: str | None = None  # the draft's name, when its title is one
        self.named_by = 0  # how many of the sites scored name the draft
        self.below_zero: list[str] = []  # sites whose penalties took their score below 0, not listed
        self.left_out: list[tuple[float, str, list[str]]] = []  # (bound, site, markers) of sites left out
        self.no_match = 0  # sites with nothing in common with the draft

    # ------------------------------------------------------------ inputs

    def _sites(self) -> list[sqlite3.Row]:
        if self.only:  # one named site, whatever its status (outreach to it was asked for)
            return queries.site_rows(self.db, self.only)
        rows = queries.listed_sites(self.db)  # a small catalog
        skip = self._skip()
        return [r for r in rows if r["domain"] not in skip]

    def _linking_to_you(self) -> set[str]:
        if not self.own:
            return set()
        if self._linking is None:
            self._linking = queries.linking_domains(self.db, self.own)
        return self._linking

    def _target_similarity(self, draft_vecs: np.ndarray, targets: dict[str, set[str]],
                           contexts: dict[str, str] | None = None) -> dict[str, float]:
        """Similarity of each linked page to the draft, judged by what the linking site says of it:
        the anchor with the line or sentence around the link when known, else the page's own title
        and text when it was crawled, else the words of its address with its anchors."""
        import numpy as np

        if not targets:
            return {}
        urls = list(targets)
        vecs, solid = self._target_vectors(urls, targets, contexts or {})
        # best match of the linked page against any part of the draft, blended with the whole draft
        sims = draft_vecs @ vecs.T
        centroid = draft_vecs.mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        score = (0.5 * sims.max(axis=0) + 0.5 * (vecs @ centroid)) * np.where(solid, 1.0, 0.5)
        return {url: float(x) for url, x in zip(urls, score, strict=True)}

    def _target_vectors(self, urls: list[str], targets: dict[str, set[str]],
                        contexts: dict[str, str]) -> tuple[np.ndarray, list[bool]]:
        """Each linked page's vector (kept for the link-farm signs) and whether its text is more than one
        word: the anchor with the link's context when known, else the page's crawled title and text,
        else the words of its address with its anchors."""
        known = {url: f"{row['title'] or ''}. {(row['text'] or '')[:400]}"
                 for url, row in queries.crawled_pages(self.db, urls).items()}
        texts = []
        solid = []
        for url in urls:
            anchors = ", ".join(sorted(a for a in targets[url] if a and len(a) > 3)[:3])
            context = contexts.get(url, "")
            if context:
                text = context if any(a and a.lower() in context.lower() for a in targets[url]) \
                    else f"{anchors}. {context}".strip(". ")
            else:
                text = known.get(url) or f"{url_words(url)}. {anchors}".strip(". ")
            texts.append(text)
            # one word (an address like /espresso, no anchor) is too little to call a page like the draft
            solid.append(bool(context) or url in known or len(set(re.findall(r"[a-z0-9]+", text.lower()))) >= 2)
        vecs = self.embedder.encode(texts)
        self._target_vecs.update(zip(urls, vecs, strict=True))
        return vecs, solid

    def evidence(self, domain: str) -> tuple[list[str], bool]:
        """The markers against one site, as a ranking finds them, and whether they leave it out."""
        site = store.site_by_domain(self.db, domain)
        if site is None:
            return [], False
        vecs = index.load_vectors(self.db, self.embedder, [site])[site["id"]]
        links = queries.links_from(self.db, {site["domain"]}).get(site["domain"], [])
        targets: dict[str, set[str]] = defaultdict(set)
        contexts: dict[str, str] = {}
        for row in links:
            targets[row["target_url"]].add(row["anchor"] or "")
            if row["context"]:
                contexts[row["target_url"]] = row["context"]
        if targets:
            self._target_vectors(list(targets), targets, contexts)
        found = markers_against(site, vecs, links, queries.pages_of(self.db, [site["id"]]).get(site["id"], []),
                                self._target_vecs)
        return [m for m, _ in found], len(found) >= evidence.LEAVE_OUT_AT

    # ------------------------------------------------------------ ranking

    def rank(self, doc: Document, limit: int = 20) -> list[Prospect]:
        import numpy as np

        chunks = draft_chunks(doc)
        draft_vecs = self.embedder.encode(chunks)
        centroid = draft_vecs.mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        self.query = lexical.query_terms(draft_query_text(doc))
        linking = self._linking_to_you()
        large = not self.only and queries.count_listed(self.db) > index.ANN_THRESHOLD
        lex_scores: lexical.SiteScores | None = None
        if large:
            # Never read every site: ask the indexes, then check only the candidates they return.
            if not self.include_linking:
                self.dropped_linking = queries.count_listed_domains(self.db, linking - self._skip())
            keep = set(index.candidate_ids(self.db, self.embedder, self._allowed, centroid,
                                           k=max(500, limit * 20), progress=self.progress))
            lex_scores = self._lexical_scores()
            if lex_scores is not None:
                keep |= self._allowed(lex_scores.top_ids(max(500, limit * 20)))
            # sites linking to a competitor (when --competitor is given) are always scored in full
            keep |= queries.linking_site_ids(self.db, self.competitors, self._unlisted())
            sites = queries.sites_by_id(self.db, sorted(keep))
        else:
            sites = self._sites()
            if not self.include_linking and not self.only:
                kept = [s for s in sites if s["domain"] not in linking]
                self.dropped_linking = len(sites) - len(kept)
                sites = kept
        if not sites:
            return []
        vectors = index.load_vectors(self.db, self.embedder, sites, progress=self.progress)
        if not large:
            lex_scores = self._lexical_scores()
        lex = {s["id"]: lex_scores.get(s["id"]) for s in sites} if lex_scores is not None else {}
        # the best site's lexical match is 1; with one site asked for, the best of every known site
        top_lex = lex_scores.top() if lex_scores is not None and self.only else max(lex.values(), default=0.0)

        self._lex = lex_scores
        domains = {s["domain"] for s in sites}
        links = queries.links_from(self.db, domains)
        targets: dict[str, set[str]] = defaultdict(set)
        contexts: dict[str, str] = {}
        for rows in links.values():
            for row in rows:
                if self._counts_for_intersect(row["target_domain"]):
                    targets[row["target_url"]].add(row["anchor"] or "")
                    if row["context"] and len(row["context"]) > len(contexts.get(row["target_url"], "")):
                        contexts[row["target_url"]] = row["context"]
        target_sim = self._target_similarity(draft_vecs, targets, contexts)
        pages = queries.pages_of(self.db, [s["id"] for s in sites])
        broken = queries.broken_urls(self.db, list(targets))
        need_pr = any(s["authority"] is None for s in sites)
        pagerank = graph.domain_authority(self.db, cache_dir=_index_dir()) if need_pr else {}
        with index.one_blas_thread():
            best, typical = _topical(draft_vecs, [vectors[s["id"]] for s in sites])
        # An unlinked mention: a site that names the draft (its title, when the title is a name) is
        # the first to ask for a link. Only sites sharing a word with the draft are read for it.
        name = draft_name(doc)
        named = {s["id"]: mentions(name, vectors[s["id"]].texts) for s in sites
                 if name and lex.get(s["id"], 0.0) > 0} if name else {}
        self.name = name
        # A name many sites use says little ("Introduction", "Visual Studio Code"): a mention counts
        # as much as the name is specific, log(N / n) / log(N) for n of the N sites naming it.
        self.named_by = sum(1 for v in named.values() if v is not None)
        specific = math.log(len(sites) / self.named_by) / math.log(len(sites)) \
            if self.named_by and len(sites) > 1 else 1.0
        parts = [
            site_parts(site, float(b), float(t), links.get(site["domain"], []), target_sim,
                       pages.get(site["id"], []), pagerank, self.weights,
                       lex.get(site["id"], 0.0) / top_lex if top_lex > 0 else 0.0, named.get(site["id"]),
                       specific)
            for site, b, t in zip(sites, best, typical, strict=True)
        ]
        # Evidence against each site (cheap: its own texts and links). Sites with two or more
        # independent markers are left out unless include_spam; every one of them is counted and
        # named in the notes, whatever the limit.
        markers = {site["id"]: markers_against(site, vectors[site["id"]], links.get(site["domain"], []),
                                               pages.get(site["id"], []), self._target_vecs)
                   for site in sites}
        self.left_out = sorted(
            ((parts[i].bound, site["domain"], [m for m, _ in markers[site["id"]]])
             for i, site in enumerate(sites) if len(markers[site["id"]]) >= evidence.LEAVE_OUT_AT),
            key=lambda x: (-x[0], x[1]))
        self.dropped_spam = 0 if self.include_spam else len(self.left_out)
        # Penalties only lower a score, so the score without them bounds it from above. Reasons,
        # penalties and the pitch are worked out in the order of that bound, and only until no
        # site left can reach the top `limit`: the same list as scoring every site in full.
        order = sorted(range(len(sites)), key=lambda i: (-parts[i].bound, *self._tie(parts[i]), sites[i]["domain"]))
        top: list[tuple[Any, ...]] = []  # sort keys of the best `limit` so far, sorted
        prospects: list[Prospect] = []
        self.no_match = sum(1 for i, site in enumerate(sites) if parts[i].bound <= 0
                            and len(markers[site["id"]]) < evidence.LEAVE_OUT_AT) if not self.only else 0
        for i in order:
            site = sites[i]
            if len(top) >= limit and top[limit - 1] < (-parts[i].bound, *self._tie(parts[i]), site["domain"]):
                break
            if parts[i].bound <= 0 and not self.only:
                continue  # nothing in common with the draft: never listed in a made-up order
            found = markers[site["id"]]
            if len(found) >= evidence.LEAVE_OUT_AT and not self.include_spam:
                continue
            p = self._finish(site, parts[i], vectors[site["id"]], draft_vecs, links.get(site["domain"], []),
                             target_sim, pages.get(site["id"], []), site["domain"] in linking, broken, found)
            if p.score < 0 and not self.include_spam and not p.links_to_you and not self.only:
                self.below_zero.append(p.domain)  # its penalties outweigh all it has for it: no prospect
                continue
            prospects.append(p)
            bisect.insort(top, self._key(p))
            del top[limit:]
        prospects.sort(key=self._key)
        return prospects[:limit]

    @staticmethod
    def _tie(parts: scoring.Parts) -> tuple[float, float]:
        """What orders sites of equal score: the topic match, then the best single chunk's cosine."""
        return (-round(parts.topical, 6), -round(parts.best, 6))

    @staticmethod
    def _key(p: Prospect) -> tuple[Any, ...]:
        return (-p.score, -round(fused(p.semantic, p.lexical), 6), -round(p.topical_best, 6), p.domain)

    def _lexical_scores(self) -> lexical.SiteScores | None:
        """BM25 of each site's best chunk for the draft's words."""
        if not self.query:
            return None
        idx = lexical.lexical_index(self.db, self.embedder.cache_identity)
        return idx.site_scores(self.query)

    def _counts_for_intersect(self, target_domain: str) -> bool:
        if target_domain == self.own:
            return False
        return not self.competitors or target_domain in self.competitors

    def _skip(self) -> set[str]:
        return self.competitors | ({self.own} if self.own else set())

    def _unlisted(self) -> set[str]:
        """Domains never listed: you, the competitors and, unless include_linking, sites linking to you."""
        return self._skip() | (set() if self.include_linking else self._linking_to_you())

    def _allowed(self, ids: list[int] | set[int]) -> set[int]:
        """The ids that may be listed: not excluded, not you or a competitor, not linking to you (unless asked)."""
        return queries.listed_ids(self.db, ids, self._unlisted())

    def _finish(
        self,
        site: sqlite3.Row,
        parts: scoring.Parts,
        vecs: index.SiteVectors,
        draft_vecs: np.ndarray,
        links: list[sqlite3.Row],
        target_sim: dict[str, float],
        pages: list[sqlite3.Row],
        links_to_you: bool,
        broken: set[str],
        markers: list[tuple[str, float]] | None = None,
    ) -> Prospect:
        """The prospect: penalties, reasons in words and the page to pitch."""
        import numpy as np

        markers = markers or []
        best, typical, link_pages = parts.best, parts.typical, parts.link_pages
        authority = parts.authority
        linked = sorted(
            (LinkedPage(r["target_url"], r["source_url"], target_sim[r["target_url"]], r["anchor"])
             for r in links if r["target_url"] in target_sim),
            key=lambda lp: -lp.similarity,
        )
        similar = [lp for lp in linked if lp.similarity >= SIMILAR]
        resources = [p["url"] for p in pages if p["kind"] == "resource"]
        guests = [p["url"] for p in pages if p["kind"] == "guest_post"]
        has_text = vecs.has_text
        best_label = best_section = None
        if has_text:
            sims = draft_vecs @ vecs.vectors.T
            at = int(np.unravel_index(int(sims.argmax()), sims.shape)[1])
            best_label, best_section = vecs.labels[at], vecs.sections[at]

        # penalties: the markers, then what else counts against it
        costs = list(markers)
        shop_hits = vecs.evidence.get("shop") or []
        if shop_hits:
            costs.append((reasons.shop(shop_hits[0]), 0.1))
        if links_to_you:
            costs.append((reasons.ALREADY_LINKS, 0.5))
        if site["excluded"]:
            costs.append((reasons.EXCLUDED, 1.0))
        penalty = sum(p for _, p in costs)
        score = parts.bound - penalty

        mention = words = None
        if parts.mention is not None and parts.mention < len(vecs.texts):
            mention = (vecs.labels[parts.mention], vecs.sections[parts.mention])
        if has_text:
            lex_at = self._lex.best_chunk(site["id"]) if self._lex is not None else None
            if parts.lexical > 0 and lex_at is not None and lex_at < len(vecs.texts):
                chunk_words = set(lexical.tokens(f"{vecs.texts[lex_at]} {vecs.terms[lex_at]}"))
                shared = [t for t in self.query if t in chunk_words][:5]
                words = (shared, vecs.labels[lex_at], vecs.sections[lex_at], parts.lexical)
        said = reasons.site_reasons(
            linked=linked, similar=similar, intersect=parts.intersect, mention=mention, name=self.name,
            named_by=self.named_by, links_to_you=links_to_you,
            topic=(best, typical, best_label, best_section) if has_text else None, words=words,
            resources=resources, guests=guests, link_pages=link_pages, authority=authority,
            authority_source=parts.source, against=[m for m, _ in costs])

        pitch_url, pitch_reason, template = reasons.pitch(linked, similar, resources, guests, best_label,
                                                          site, broken)
        # the spam words of a site left out (0.1's field; `markers` names every kind of evidence)
        spam_hits = evidence.spam_terms(" ".join(filter(None, [site["name"], site["description"], site["domain"]])))\
            if len(markers) >= evidence.LEAVE_OUT_AT else []
        return Prospect(
            domain=site["domain"], name=site["name"], score=float(score), topical_best=best,
            topical_typical=typical, intersect=parts.intersect, propensity=parts.propensity,
            authority=authority, authority_source=parts.source, penalty=penalty, reasons=said, pitch_url=pitch_url,
            pitch_reason=pitch_reason, template=template, contact=site["contact"],
            matched_page=best_label if best_label not in (None, "profile") else None,
            links_to_you=links_to_you, linked_pages=linked[:5], resource_pages=resources[:3],
            guest_pages=guests[:3], broken_targets=sorted({lp.target_url for lp in linked} & broken)[:3],
            spam_signals=spam_hits, lexical=parts.lexical, semantic=parts.semantic,
            markers=[m for m, _ in markers], left_out=len(markers) >= evidence.LEAVE_OUT_AT,
        )


def rank(
    db: sqlite3.Connection,
    doc: Document,
    embedder: Any,
    *,
    limit: int = 20,
    competitors: Sequence[str] = (),
    own_domain: str | None = None,
    include_linking: bool = False,
    include_spam: bool = False,
    weights: dict[str, float] | None = None,
    progress: Any = None,
    notes: list[str] | None = None,
    own_override: str | None = None,
) -> list[Prospect]:
    """The top prospects for a draft, best first; notes (if given) receives remarks for the user.

    Your domain is ``own_override`` when given (raises InvalidURL if it is not a domain), else the
    draft's canonical_url, else ``own_domain`` (config site.domain). Sites with spam signals are left
    out unless ``include_spam`` (then listed, penalised).
    """
    own = store.normalize_domain(own_override) if own_override else own_domain_of(doc, own_domain)
    ranker = Ranker(db, embedder, own_domain=own, competitors=competitors, weights=weights,
                    include_linking=include_linking, include_spam=include_spam, progress=progress)
    found = ranker.rank(doc, limit=limit)
    if notes is not None:
        notes.extend(_notes(db, ranker, found))
    return found


def _notes(db: sqlite3.Connection, ranker: Ranker, found: list[Prospect]) -> list[str]:
    """Remarks for the user: sites left out, competitors nobody links to, no site on the topic."""
    return reasons.notes(
        own=ranker.own, dropped_linking=ranker.dropped_linking, dropped_spam=ranker.dropped_spam,
        left_out=ranker.left_out, below_zero=ranker.below_zero, no_match=ranker.no_match, found=found,
        unlinked_competitors=[c for c in sorted(ranker.competitors) if not queries.has_links_to(db, c)],
        best_topic=max((p.topical_best for p in found), default=0.0), weak_topic=WEAK_TOPIC)


def prospect_for(
    db: sqlite3.Connection,
    doc: Document,
    embedder: Any,
    domain: str,
    *,
    competitors: Sequence[str] = (),
    own_domain: str | None = None,
    weights: dict[str, float] | None = None,
    own_override: str | None = None,
) -> Prospect | None:
    """The scored prospect for one named site, ranked alone (None if the site is unknown). Its row can
    differ from the one a full ranking lists (see listed_prospects): a pitch uses that one."""
    own = store.normalize_domain(own_override) if own_override else own_domain_of(doc, own_domain)
    ranker = Ranker(db, embedder, own_domain=own, competitors=competitors, weights=weights,
                    include_linking=True, only=domain)
    found = ranker.rank(doc, limit=1)
    return found[0] if found else None


def listed_prospects(db: sqlite3.Connection, doc: Document, embedder: Any, domains: Sequence[str], *,
                     limit: int = 20, **options: Any) -> list[tuple[str, Prospect | None, bool]]:
    """Each named site's prospect as `assist prospects DRAFT` lists it with the same ``limit`` and
    ``options`` (those of :func:`rank`), as (domain, prospect, listed).

    A site's row depends on the sites ranked with it (the context of links to the same page, the
    best lexical match, how many sites name the draft), so a site ranked alone can get another
    page, other reasons and template: a pitch made from the list must carry the row that was shown.
    The same ranking is run once (fast: under 300 ms on 100,000 sites) and each site's row taken.
    A site the list does not show (below the limit, left out as linking to you or for spam evidence,
    excluded) is ranked alone (:func:`prospect_for`, listed False); its prospect is None if unknown.
    """
    wanted = [store.normalize_domain(d) for d in domains]  # a bad name fails before any ranking
    rows = {p.domain: p for p in rank(db, doc, embedder, limit=limit, **options)}
    alone = {k: options[k] for k in ("competitors", "own_domain", "weights", "own_override") if k in options}
    return [(d, rows[d], True) if d in rows else (d, prospect_for(db, doc, embedder, d, **alone), False)
            for d in wanted]
