"""Rank known sites by how likely they are to link to a draft, with the reasons in words.

Per site: topical match (draft chunks against the site's page and profile vectors: best and
typical), links to pages like this draft (link intersect weighted by the similarity of each linked
page to the draft), link propensity (resource and guest-post pages, outbound links), authority
(imported metric, else PageRank over the domain link graph, in proportion to the topic match), and
penalties (spam signals, shops and services, paid content, sponsored links, links with little in
common, scrapers, link farms). Excluded sites and sites already linking to you
are dropped (or, on request, kept with a penalty).
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
from urllib.parse import unquote, urlsplit

from assistant.prospects import evidence, graph, index, lexical, store

if TYPE_CHECKING:
    import numpy as np

    from assistant.documents import Document

DEFAULT_WEIGHTS = {"topical": 0.45, "intersect": 0.30, "propensity": 0.10, "authority": 0.15, "mention": 0.10}
MAX_NAME_WORDS = 4  # a title this short can be a name ("httpx", "Delta Lake"); a longer one is a headline
# How the semantic match (MiniLM, best and typical chunk cosines) and the lexical one (BM25 of the
# site's best chunk, as a share of the best site's) make the topic match: a weighted mean, 0-1.
LEXICAL_SHARE = 0.5
spam_signals = evidence.spam_vocabulary  # 0.1's name for the spam vocabulary of a text
MAX_DRAFT_CHUNKS = 48
UNRELATED_LINKS = 0.2  # mean similarity of a site's linked pages below this: they share no subject (~0.1)
OFF_TOPIC_LINKS = 0.2  # mean similarity of a site's links (anchor and context) to its own texts below this (real lists: 0.26 and up)
HUGE_PAGE_LINKS = 1000  # outbound links on one page: a link dump, not a curated list
SIMILAR = 0.45  # a linked page at least this similar to the draft counts as "a page like this draft"


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
    """The default weights updated with the configured ones; ConfigError for unknown keys or non-numbers."""
    from assistant.errors import ConfigError

    out = dict(DEFAULT_WEIGHTS)
    for key, value in (weights or {}).items():
        if key not in DEFAULT_WEIGHTS:
            raise ConfigError(f"prospects.weights.{key}: unknown weight; use {', '.join(DEFAULT_WEIGHTS)}")
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError(f"prospects.weights.{key}: must be a number >= 0, got {value!r}")
        out[key] = float(value)
    return out


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


def short_url(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    return (host + parts.path.rstrip("/")) or url


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


def _where(label: str | None, section: str | None) -> str:
    """'section 'HTTP clients' of its description', 'example.com/guide' and the like, for reasons."""
    place = "its description" if label == "profile" else short_url(label or "")
    return f"section '{section}' of {place}" if section else place


def _fused(semantic: float, lexical_: float) -> float:
    """The topic match: the semantic and lexical matches (each 0-1) mixed LEXICAL_SHARE to one."""
    return (1 - LEXICAL_SHARE) * semantic + LEXICAL_SHARE * lexical_


def _index_dir() -> Path:
    from assistant import config

    return config.data_dir() / "index"


def _topical_norm(value: float) -> float:
    # MiniLM cosines: ~0.1 for unrelated text, ~0.6+ for the same topic.
    return min(1.0, max(0.0, (value - 0.15) / 0.5))


@dataclass(slots=True)
class _Parts:
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


def _topical(draft_vecs: np.ndarray, sites: list[index.SiteVectors], block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
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
            return self.db.execute("SELECT * FROM sites WHERE domain = ?", (self.only,)).fetchall()
        rows = self.db.execute("SELECT * FROM sites WHERE excluded = 0").fetchall()  # a small catalog
        skip = self._skip()
        return [r for r in rows if r["domain"] not in skip]

    def _full_rows(self, ids: list[int]) -> list[sqlite3.Row]:
        out: list[sqlite3.Row] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            out.extend(self.db.execute(f"SELECT * FROM sites WHERE id IN ({marks}) ORDER BY id", chunk))
        return out

    def _linking_to_you(self) -> set[str]:
        if not self.own:
            return set()
        if self._linking is None:
            self._linking = {r[0] for r in self.db.execute(
                "SELECT DISTINCT source_domain FROM links WHERE target_domain = ?", (self.own,))}
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
        known: dict[str, str] = {}
        for start in range(0, len(urls), 500):
            chunk = urls[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(f"SELECT url, title, text FROM pages WHERE url IN ({marks})", chunk):
                known[row["url"]] = f"{row['title'] or ''}. {(row['text'] or '')[:400]}"
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
        links = self._links({site["domain"]}).get(site["domain"], [])
        targets: dict[str, set[str]] = defaultdict(set)
        contexts: dict[str, str] = {}
        for row in links:
            targets[row["target_url"]].add(row["anchor"] or "")
            if row["context"]:
                contexts[row["target_url"]] = row["context"]
        if targets:
            self._target_vectors(list(targets), targets, contexts)
        found = self._markers(site, vecs, links, self._pages([site["id"]]).get(site["id"], []))
        return [m for m, _ in found], len(found) >= evidence.LEAVE_OUT_AT

    def _links(self, domains: set[str]) -> dict[str, list[sqlite3.Row]]:
        out: dict[str, list[sqlite3.Row]] = defaultdict(list)
        names = sorted(domains)
        for start in range(0, len(names), 500):
            chunk = names[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(
                "SELECT source_domain, source_url, source_title, target_url, target_domain, anchor, sponsored,"
                " context FROM links"
                f" WHERE source_domain IN ({marks}) AND source_domain != target_domain",
                chunk,
            ):
                out[row["source_domain"]].append(row)
        return out

    def _pages(self, site_ids: list[int]) -> dict[int, list[sqlite3.Row]]:
        """The pages of the sites being scored (not the whole table: it grows with every import)."""
        out: dict[int, list[sqlite3.Row]] = defaultdict(list)
        for start in range(0, len(site_ids), 500):
            chunk = site_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(
                f"SELECT site_id, url, kind, status, outbound_links, title FROM pages WHERE site_id IN ({marks})",
                chunk,
            ):
                out[row["site_id"]].append(row)
        return out

    # ------------------------------------------------------------ ranking

    def rank(self, doc: Document, limit: int = 20) -> list[Prospect]:
        import numpy as np

        chunks = draft_chunks(doc)
        draft_vecs = self.embedder.encode(chunks)
        centroid = draft_vecs.mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        self.query = lexical.query_terms(draft_query_text(doc))
        linking = self._linking_to_you()
        large = not self.only and self.db.execute(
            "SELECT count(*) FROM sites WHERE excluded = 0").fetchone()[0] > index.ANN_THRESHOLD
        lex_scores: lexical.SiteScores | None = None
        if large:
            # Never read every site: ask the indexes, then check only the candidates they return.
            if not self.include_linking:
                self.dropped_linking = self._count_domains(linking - self._skip())
            keep = set(index.candidate_ids(self.db, self.embedder, self._allowed, centroid,
                                           k=max(500, limit * 20), progress=self.progress))
            lex_scores = self._lexical_scores()
            if lex_scores is not None:
                keep |= self._allowed(lex_scores.top_ids(max(500, limit * 20)))
            keep |= self._intersect_candidates()
            sites = self._full_rows(sorted(keep))
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
        links = self._links(domains)
        targets: dict[str, set[str]] = defaultdict(set)
        contexts: dict[str, str] = {}
        for rows in links.values():
            for row in rows:
                if self._counts_for_intersect(row["target_domain"]):
                    targets[row["target_url"]].add(row["anchor"] or "")
                    if row["context"] and len(row["context"]) > len(contexts.get(row["target_url"], "")):
                        contexts[row["target_url"]] = row["context"]
        target_sim = self._target_similarity(draft_vecs, targets, contexts)
        pages = self._pages([s["id"] for s in sites])
        broken = self._broken_targets(targets)
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
            self._parts(site, float(b), float(t), links.get(site["domain"], []), target_sim,
                        pages.get(site["id"], []), pagerank,
                        lex.get(site["id"], 0.0) / top_lex if top_lex > 0 else 0.0, named.get(site["id"]),
                        specific)
            for site, b, t in zip(sites, best, typical, strict=True)
        ]
        # Evidence against each site (cheap: its own texts and links). Sites with two or more
        # independent markers are left out unless include_spam; every one of them is counted and
        # named in the notes, whatever the limit.
        markers = {site["id"]: self._markers(site, vectors[site["id"]], links.get(site["domain"], []),
                                             pages.get(site["id"], []))
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
    def _tie(parts: _Parts) -> tuple[float, float]:
        """What orders sites of equal score: the topic match, then the best single chunk's cosine."""
        return (-round(parts.topical, 6), -round(parts.best, 6))

    @staticmethod
    def _key(p: Prospect) -> tuple[Any, ...]:
        return (-p.score, -round(_fused(p.semantic, p.lexical), 6), -round(p.topical_best, 6), p.domain)

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
        skip = self._unlisted()
        found: set[int] = set()
        ids = list(ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found |= {r[0] for r in self.db.execute(
                f"SELECT id, domain FROM sites WHERE excluded = 0 AND id IN ({marks})", chunk) if r[1] not in skip}
        return found

    def _count_domains(self, domains: set[str]) -> int:
        """How many of these domains are known, not excluded sites."""
        names, total = sorted(domains), 0
        for start in range(0, len(names), 500):
            chunk = names[start : start + 500]
            marks = ",".join("?" * len(chunk))
            total += self.db.execute(
                f"SELECT count(*) FROM sites WHERE excluded = 0 AND domain IN ({marks})", chunk).fetchone()[0]
        return int(total)

    def _intersect_candidates(self) -> set[int]:
        """Sites that link to a competitor (when --competitor is given) and may be listed: always scored
        in full. One join on the links' target_domain index, filtered as ``_allowed`` does."""
        if not self.competitors:
            return set()
        skip = self._unlisted()
        marks = ",".join("?" * len(self.competitors))
        cur = self.db.execute(
            "SELECT DISTINCT s.id, s.domain FROM links l JOIN sites s ON s.domain = l.source_domain"
            f" WHERE l.target_domain IN ({marks}) AND s.excluded = 0", tuple(sorted(self.competitors)))
        cur.row_factory = None
        return {sid for sid, domain in cur if domain not in skip}

    def _broken_targets(self, targets: dict[str, set[str]]) -> set[str]:
        urls = list(targets)
        broken: set[str] = set()
        for start in range(0, len(urls), 500):
            chunk = urls[start : start + 500]
            marks = ",".join("?" * len(chunk))
            broken |= {r[0] for r in self.db.execute(
                f"SELECT url FROM pages WHERE url IN ({marks}) AND status >= 400", chunk)}
        return broken

    def _parts(
        self,
        site: sqlite3.Row,
        best: float,
        typical: float,
        links: list[sqlite3.Row],
        target_sim: dict[str, float],
        pages: list[sqlite3.Row],
        pagerank: dict[str, float],
        lex: float = 0.0,
        mention: int | None = None,
        specific: float = 1.0,
    ) -> _Parts:
        """Everything of a site's score but the penalties, in plain numbers (thousands of sites)."""
        semantic = _topical_norm(0.6 * best + 0.4 * typical)
        topical = _fused(semantic, lex)

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
        relevance = min(1.0, max(topical, intersect) / _topical_norm(WEAK_TOPIC))
        auth_norm = (authority or 0.0) / 100 * relevance

        w = self.weights
        bound = (w["topical"] * topical + w["intersect"] * intersect + w["propensity"] * propensity
                 + w["authority"] * auth_norm + w["mention"] * specific * (mention is not None))
        return _Parts(best, typical, intersect, propensity, authority, source, bound, link_pages,
                      semantic, lex, topical, mention)

    def _markers(self, site: sqlite3.Row, vecs: index.SiteVectors, links: list[sqlite3.Row],
                 pages: list[sqlite3.Row]) -> list[tuple[str, float]]:
        """Independent evidence against a site, each (reason in words, penalty). Two or more leave the
        site out of a ranking (evidence.LEAVE_OUT_AT); one only lowers its score."""
        import numpy as np

        found: list[tuple[str, float]] = []
        said = vecs.evidence  # what its own texts say, worked out when they were stored
        vocabulary = said.get("vocabulary") or []
        if vocabulary:
            found.append((f"spam vocabulary in its texts ({', '.join(vocabulary[:4])})",
                          min(0.6, 0.25 + 0.1 * len(vocabulary))))
        anchors = " ".join(r["anchor"] or "" for r in links[:500])
        strong = [t for t in evidence.spam_terms(anchors) if t in evidence.SPAM_TERMS] if anchors.strip() else []
        if strong:
            found.append((f"spam words in the anchors of its links ({', '.join(strong[:3])})", 0.2))
        in_address = evidence.address_spam(site["domain"])
        if in_address:
            found.append((f"spam words in its address ({', '.join(in_address[:2])})", 0.2))
        paid = said.get("paid") or []
        if paid:
            found.append((f"publishes paid content ({paid[0]}); its links are bought", 0.15))
        titles = {p["url"]: p["title"] for p in pages}
        content_links = {(r["source_url"], r["target_url"]): r["source_title"] or titles.get(r["source_url"])
                         for r in links if not is_home_page(r["target_url"])}
        copied = {t for (src, t), title in content_links.items() if copies_target(src, title, t)}
        if len(copied) >= 2 and 2 * len(copied) >= len({t for _, t in content_links}):
            found.append((f"its pages copy the {len(copied)} pages they link to (title or address): a scraper", 0.3))
        # A link farm shows several signs at once; a curated list of one subject shows none of them,
        # however many links it has.
        farm: list[str] = []
        most = max((p["outbound_links"] or 0 for p in pages), default=0)
        if most >= HUGE_PAGE_LINKS:
            farm.append(f"{most:,} outbound links on one page")
        linked_count, alike = self._link_spread(links)
        if linked_count >= 3 and alike < UNRELATED_LINKS:
            farm.append(f"its {linked_count} linked pages have little in common (mean similarity {alike:.2f})")
        targets = [self._target_vecs[u] for u in sorted({r["target_url"] for r in links}) if u in self._target_vecs][:200]
        if vecs.has_text and len(targets) >= 3:
            fit = float((np.stack(targets) @ vecs.centroid).mean())
            if fit < OFF_TOPIC_LINKS:
                farm.append(f"its links are off its own subject (similarity {fit:.2f})")
        if len(farm) >= 2:
            found.append((f"link-farm links: {'; '.join(farm)}", 0.15))
        sponsored = sum(1 for r in links if r["sponsored"])
        if links and sponsored / len(links) > 0.5:
            found.append((f"{sponsored} of its {len(links)} known links are sponsored", 0.15))
        return found

    def _finish(
        self,
        site: sqlite3.Row,
        parts: _Parts,
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

        # penalties
        penalty = sum(p for _, p in markers)
        reasons_bad = [m for m, _ in markers]
        shop_hits = vecs.evidence.get("shop") or []
        if shop_hits:
            penalty += 0.1
            reasons_bad.append(f"looks like a shop or a service ({shop_hits[0]}); they rarely link out")
        if links_to_you:
            penalty += 0.5
            reasons_bad.append("already links to you")
        if site["excluded"]:
            penalty += 1.0
            reasons_bad.append("you excluded this site")

        score = parts.bound - penalty

        reasons: list[str] = []
        if similar:
            lp = linked[0]
            n_similar = len({x.target_url for x in similar} - {lp.target_url})
            more = f" and {n_similar} more similar page(s)" if n_similar else ""
            reasons.append(f"linked to {short_url(lp.target_url)}, similarity {lp.similarity:.2f}"
                           f" (from {short_url(lp.source_url)}){more}")
        elif linked and parts.intersect > 0:  # some credit, but not "a page like this draft"
            lp = linked[0]
            reasons.append(f"links only to pages loosely like yours: closest {short_url(lp.target_url)},"
                           f" similarity {lp.similarity:.2f} (from {short_url(lp.source_url)})")
        if parts.mention is not None and parts.mention < len(vecs.texts):
            others = f" (one of {self.named_by} sites naming it)" if self.named_by > 1 else ""
            reasons.insert(0, f"mentions '{self.name}' in {_where(vecs.labels[parts.mention], vecs.sections[parts.mention])}"
                              + others + (": ask for a link" if not links_to_you else ""))
        if has_text:
            reasons.append(f"topic match {best:.2f} with {_where(best_label, best_section)} (typical {typical:.2f})")
            lex_at = self._lex.best_chunk(site["id"]) if self._lex is not None else None
            if parts.lexical > 0 and lex_at is not None and lex_at < len(vecs.texts):
                words = set(lexical.tokens(f"{vecs.texts[lex_at]} {vecs.terms[lex_at]}"))
                shared = [t for t in self.query if t in words][:5]
                reasons.append(f"words in common ({', '.join(shared)}) with "
                               f"{_where(vecs.labels[lex_at], vecs.sections[lex_at])}, lexical match {parts.lexical:.2f}")
        else:
            reasons.append("no text known for this site yet (crawl it for a topical match)")
        if resources:
            reasons.append(f"has a resources page: {short_url(resources[0])}")
        if guests:
            reasons.append(f"accepts guest posts: {short_url(guests[0])}")
        if link_pages and not resources:
            reasons.append(f"{link_pages} page(s) with outbound links in the graph")
        if authority is not None:
            label = "imported metric" if parts.source == "imported" else "PageRank on the link graph"
            reasons.append(f"authority {authority:.0f} ({label})")
        reasons.extend(reasons_bad)

        pitch_url, pitch_reason, template = self._pitch(linked, similar, resources, guests, best_label,
                                                        site, broken)
        # the spam words of a site left out (0.1's field; `markers` names every kind of evidence)
        spam_hits = evidence.spam_terms(" ".join(filter(None, [site["name"], site["description"], site["domain"]])))\
            if len(markers) >= evidence.LEAVE_OUT_AT else []
        return Prospect(
            domain=site["domain"], name=site["name"], score=float(score), topical_best=best,
            topical_typical=typical, intersect=parts.intersect, propensity=parts.propensity,
            authority=authority, authority_source=parts.source, penalty=penalty, reasons=reasons, pitch_url=pitch_url,
            pitch_reason=pitch_reason, template=template, contact=site["contact"],
            matched_page=best_label if best_label not in (None, "profile") else None,
            links_to_you=links_to_you, linked_pages=linked[:5], resource_pages=resources[:3],
            guest_pages=guests[:3], broken_targets=sorted({lp.target_url for lp in linked} & broken)[:3],
            spam_signals=spam_hits, lexical=parts.lexical, semantic=parts.semantic,
            markers=[m for m, _ in markers], left_out=len(markers) >= evidence.LEAVE_OUT_AT,
        )

    def _link_spread(self, links: list[sqlite3.Row]) -> tuple[int, float]:
        """How many article pages a site links to, and how alike they are (mean similarity of each pair):
        an editorial site links within its subject, a link seller or a magazine of paid posts wherever it
        is paid to. Home pages and one-word addresses (profiles, tags) say nothing of a subject."""
        import numpy as np

        urls = sorted({r["target_url"] for r in links if r["target_url"] in self._target_vecs
                       and len(url_words(r["target_url"]).split()) >= 2})[:100]
        if len(urls) < 3:
            return len(urls), 1.0
        vecs = np.stack([self._target_vecs[u] for u in urls])
        sims = vecs @ vecs.T
        n = len(urls)
        return n, float((sims.sum() - np.trace(sims)) / (n * (n - 1)))

    @staticmethod
    def _pitch(
        linked: list[LinkedPage], similar: list[LinkedPage], resources: list[str], guests: list[str],
        best_label: str | None, site: sqlite3.Row, broken: set[str],
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


WEAK_TOPIC = 0.40  # best cosine below this: no known site is really about the draft's topic


def _notes(db: sqlite3.Connection, ranker: Ranker, found: list[Prospect]) -> list[str]:
    """Remarks for the user: sites left out, competitors nobody links to, no site on the topic."""
    out = []
    if ranker.dropped_linking:
        out.append(f"{ranker.dropped_linking} site(s) already linking to {ranker.own} left out"
                   " (--include-linking shows them)")
    if ranker.dropped_spam:
        named = "; ".join(f"{domain} ({', '.join(m.split(' (')[0].split(':')[0] for m in marks)})"
                          for _, domain, marks in ranker.left_out[:5])
        more = f"; and {ranker.dropped_spam - 5} more" if ranker.dropped_spam > 5 else ""
        out.append(f"{ranker.dropped_spam} site(s) left out on two or more kinds of evidence: {named}{more}"
                   " (--include-spam shows them; `assist sites show SITE` says why)")
    if ranker.below_zero:
        named = ", ".join(ranker.below_zero[:5]) + (f" and {len(ranker.below_zero) - 5} more"
                                                     if len(ranker.below_zero) > 5 else "")
        out.append(f"{len(ranker.below_zero)} site(s) whose penalties outweigh the rest are not listed: {named}"
                   " (--include-spam shows them with their reasons)")
    if ranker.no_match:
        out.append(f"{ranker.no_match} site(s) with nothing in common with this draft are not listed")
    ties = _ties(found)
    if ties:
        out.append(ties)
    for comp in sorted(ranker.competitors):
        if not db.execute("SELECT 1 FROM links WHERE target_domain = ? LIMIT 1", (comp,)).fetchone():
            out.append(f"no known site links to {comp} (--competitor): import its backlink export"
                       " (assist sites import) for link-intersect reasons")
    best = max((p.topical_best for p in found), default=0.0)
    if 0 < best < WEAK_TOPIC:
        out.append(f"no known site is close to this draft's topic (best topic match {best:.2f}):"
                   " import or crawl sites that cover it")
    return out


def _ties(found: list[Prospect]) -> str | None:
    """Say where listed sites have the same score, and what ordered them."""
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


def prospect_for(
    db: sqlite3.Connection,
    doc: Document,
    embedder: Any,
    domain: str,
    *,
    competitors: Sequence[str] = (),
    own_domain: str | None = None,
) -> Prospect | None:
    """The scored prospect for one named site (None if the site is unknown)."""
    ranker = Ranker(db, embedder, own_domain=own_domain_of(doc, own_domain), competitors=competitors,
                    include_linking=True, only=domain)
    found = ranker.rank(doc, limit=1)
    return found[0] if found else None
