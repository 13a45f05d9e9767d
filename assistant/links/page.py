"""What one fetched page says about its links to the user's own sites, for the backlink ledger.

:func:`analyse` is pure (no network) and total: it never raises, and its work is bounded (the first
:data:`MAX_HTML` characters, the first :data:`MAX_LINKS` links in full, every later one only counted).

A link's *placement* comes from its ancestors, nearest first: a comment section anywhere above it
makes it a comment; otherwise the nearest landmark decides (``<nav>``, ``<header>``, ``<footer>``,
``<aside>``, an ARIA role, or class/id words such as ``site-footer``, ``widget``, ``menu``), and
``<main>`` means content. ``<article>`` does not stop the search, so a teaser card in a sidebar is
sidebar. As in HTML's accessibility mapping, a ``<header>``, ``<footer>`` or ``<aside>`` (and the
header/footer words) inside ``<article>`` or ``<main>`` belongs to the content. Class words that also
name the content (``content-sidebar-wrap``, ``footer-content``) describe a wrapper and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from assistant.prospects import evidence, identity
from assistant.prospects.pages import _main_text, _squash, _title, _tree
from assistant.prospects.targets import clean_url, domain_of

MAX_HTML = 5_000_000  # characters of a page analysed
MAX_LINKS = 20_000  # links analysed in full; later ones are only counted
MAX_ANCHOR = 500
MAX_CONTEXT = 300
MAX_TEXT = 5_000  # characters of text_sample
MAX_EVIDENCE = 20
MAX_HEADER = 8_192
EXTRACT_MAX = 1_000_000  # trafilatura reads pages up to this size; larger ones get the plain text
EXTRACT_MAX_DEPTH = 200  # nor deeper ones
DIRECTORY_LIST_LINKS = 50  # outbound links in list items that make a page look like a directory
PLACEMENTS = ("content", "navigation", "header", "footer", "sidebar", "comment")

_BIG_LINE = 65535  # libxml2's HTML parser reports every later line as this one
_INLINE = frozenset(
    "a abbr b bdi bdo br cite code data del dfn em font i img ins kbd label mark q s samp small span"
    " strike strong sub sup time tt u var wbr".split())
_SKIP = frozenset(("script", "style", "template"))
_BOILERPLATE = frozenset(("nav", "header", "footer", "aside"))
_CONTEXT_TAGS = frozenset("p li td th dd dt blockquote figcaption caption h1 h2 h3 h4 h5 h6".split())
_ROLES = {
    "navigation": "navigation", "menu": "navigation", "menubar": "navigation", "banner": "header",
    "contentinfo": "footer", "complementary": "sidebar", "comment": "comment", "main": "main",
    "article": "article",
}
_TAGS = {"nav": "navigation", "header": "header", "footer": "footer", "aside": "sidebar",
         "main": "main", "article": "article"}
_WORDS = {
    "footer": frozenset(("footer", "colophon", "copyright")),
    "header": frozenset(("header", "masthead", "topbar")),
    "sidebar": frozenset(("sidebar", "sidebars", "widget", "widgets", "aside", "blogroll")),
    "navigation": frozenset(("nav", "navbar", "navigation", "menu", "menubar", "breadcrumb", "breadcrumbs",
                             "pagination", "topnav", "sitenav", "mainnav", "navmenu", "mainmenu", "megamenu")),
}
_COMMENT_WORDS = frozenset(("comment", "comments", "commentlist", "disqus"))
_NOT_A_SECTION = frozenset(("has", "no", "open", "closed", "count", "number", "link", "icon", "toggle",
                            "enabled", "disabled", "off"))

_PAID_RE = re.compile(
    r"\b(?:sponsored\s+(?:post|content|article|story|review)s?|paid\s+(?:post|placement|partnership|content)s?"
    r"|this\s+(?:post|article|story|review|content|video)\s+(?:is|was)\s+sponsored|advertorials?"
    r"|in\s+partnership\s+with|affiliate\s+links?|gesponserte[rs]?\s+(?:beitrag|artikel|post)"
    r"|bezahlte\s+partnerschaft|in\s+kooperation\s+mit|(?:article|contenu)\s+sponsoris[ée]"
    r"|partenariat\s+r[ée]mun[ée]r[ée]|liens\s+affili[ée]s|(?:art[íi]culo|contenido)\s+patrocinado"
    r"|enlaces\s+de\s+afiliados?|(?:articolo|contenuto)\s+sponsorizzato)\b"
    r"|(?<![\w#])#(?:sponsored|ad|advert)\b", re.I)
_PAID_LABELS = frozenset(("sponsored", "gesponsert", "sponsorisé", "patrocinado", "sponsorizzato"))
_DIRECTORY_RE = re.compile(
    r"\b(?:submit\s+(?:your|a|an)\s+(?:site|website|url|link|blog)|add\s+(?:your|a)\s+(?:link|site|website|url|blog)"
    r"|add\s+url|suggest\s+a\s+(?:site|link|website)|link\s+exchanges?|exchange\s+links|reciprocal\s+links?"
    r"|(?:web|link|website)\s+directory|link\s+partners?|(?:free|paid)\s+(?:listing|submission)s?"
    r"|webkatalog|linktausch|annuaire\s+(?:web|de\s+liens)|échange\s+de\s+liens|intercambio\s+de\s+enlaces"
    r"|directorio\s+web)\b", re.I)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_LANG_RE = re.compile(r"\s*([A-Za-z]{2,3})(?![A-Za-z])")
_LINK_HEADER_RE = re.compile(r"<([^>]*)>([^,<]*)")
_RULES_WITH_VALUES = frozenset(("unavailable_after", "max-snippet", "max-image-preview", "max-video-preview"))


@dataclass
class Link:
    """A link on the page to one of the user's sites."""

    url: str
    anchor: str
    placement: str  # one of PLACEMENTS
    line: int | None  # in the HTML source
    context: str = ""  # text of the paragraph, list item or cell around the link
    image: bool = False  # an image link: the anchor is the image's alt text
    nofollow: bool = False
    sponsored: bool = False
    ugc: bool = False
    followed: bool = True  # none of nofollow, sponsored, ugc, on the link or for the whole page


@dataclass
class Evidence:
    """A phrase found on the page, its line in the HTML source and the text around it."""

    phrase: str
    line: int | None
    text: str


@dataclass
class PageFacts:
    """What one page says: its links to the user's sites, robots rules, canonical, language, text, risks."""

    url: str
    links: list[Link] = field(default_factory=list)
    title: str | None = None
    lang: str | None = None
    canonical: str | None = None
    canonical_elsewhere: bool = False
    meta_noindex: bool = False  # meta robots/googlebot or X-Robots-Tag
    meta_nofollow: bool = False
    outbound_links: int = 0  # links to other sites than the page's
    outbound_domains: int = 0
    text_sample: str = ""
    paid_disclosure: list[Evidence] = field(default_factory=list)
    directory_like: list[Evidence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was cut short or could not be read


@dataclass
class _Run:
    """Text between two block boundaries, with the line it starts on."""

    text: str
    line: int
    boilerplate: bool


@dataclass
class _Anchor:
    element: Any
    line: int
    in_list: bool


def analyse(html: str, page_url: str, *, targets: Callable[[str], bool] | Iterable[str],
            headers: Mapping[str, str] | None = None) -> PageFacts:
    """The facts of a fetched page; ``targets`` tells the user's sites (a predicate on URLs, or site names)."""
    facts = PageFacts(page_url)
    try:
        _analyse(facts, html, page_url, _own_sites(targets), headers or {})
    except Exception as exc:  # noqa: BLE001 - hostile input: keep what was read so far
        facts.notes.append(f"analysis stopped early: {type(exc).__name__}")
    return facts


def _analyse(facts: PageFacts, html: Any, page_url: str, own: Callable[[str], bool],
             headers: Mapping[str, str]) -> None:
    noindex, nofollow = _x_robots(_header_values(headers, "x-robots-tag"))
    facts.meta_noindex, facts.meta_nofollow = noindex, nofollow
    html = _clean(html, facts)
    tree = _tree(html) if html.strip() else None
    root = tree.getroottree().getroot() if tree is not None else None
    if root is None or not isinstance(root.tag, str):
        _head_facts(facts, None, page_url, page_url, headers)
        return
    runs, anchors, depth = _walk(root)
    import lxml.etree

    lxml.etree.strip_elements(root, *_SKIP, with_tail=False)
    base = _base(root, page_url)
    _head_facts(facts, root, page_url, base, headers)
    listed = _links(facts, anchors, base, own)
    facts.paid_disclosure = _paid(runs)
    facts.directory_like = [*_phrases(runs, _DIRECTORY_RE), *listed][:MAX_EVIDENCE]
    text = _main_text(html, page_url) if len(html) <= EXTRACT_MAX and depth <= EXTRACT_MAX_DEPTH else None
    facts.text_sample = (text or "\n".join(r.text for r in map(_squash_run, runs)
                                           if r.text and not r.boilerplate))[:MAX_TEXT]


def _clean(html: Any, facts: PageFacts) -> str:
    if isinstance(html, bytes | bytearray):
        html = bytes(html[: MAX_HTML * 4]).decode("utf-8", "replace")
    html = str(html or "")
    if len(html) > MAX_HTML:
        facts.notes.append(f"only the first {MAX_HTML:,} characters read")
        html = html[:MAX_HTML]
    html = html.encode("utf-8", "replace").decode("utf-8")  # lone surrogates
    return _CONTROL_RE.sub("", html)


# --------------------------------------------------------------------------- one pass over the tree


def _walk(root: Any) -> tuple[list[_Run], list[_Anchor], int]:
    """The text of the page in runs between block boundaries, its links with their lines, its depth.

    Lines are counted from the newlines of the text and resynchronised at each element, so they stay
    right past libxml2's last line number and inside comments and scripts."""
    import lxml.etree

    runs: list[_Run] = []
    anchors: list[_Anchor] = []
    parts: list[str] = []
    line = start = 1
    skip = boiler = lists = depth = deepest = 0

    def add(text: str | None) -> None:
        nonlocal line
        if text:
            if not skip:
                parts.append(text)
            line += text.count("\n")

    def flush() -> None:
        nonlocal start
        text = "".join(parts)
        if text.strip():
            runs.append(_Run(text, start, boiler > 0))
        parts.clear()
        start = line

    for event, el in lxml.etree.iterwalk(root, events=("start", "end", "comment", "pi")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event in ("comment", "pi"):
            line += (el.text or "").count("\n")
            add(el.tail)
        elif event == "start":
            depth += 1
            deepest = max(deepest, depth)
            if el.sourceline and el.sourceline < _BIG_LINE:
                line = el.sourceline
            if tag in ("a", "area"):
                anchors.append(_Anchor(el, line, lists > 0))
            if tag not in _INLINE:
                flush()
            skip += tag in _SKIP
            boiler += tag in _BOILERPLATE
            lists += tag == "li"
            add(el.text)
        else:
            depth -= 1
            if tag not in _INLINE:
                flush()
            skip -= tag in _SKIP
            boiler -= tag in _BOILERPLATE
            lists -= tag == "li"
            if el is not root:
                add(el.tail)
    flush()
    return runs, anchors, deepest


def _squash_run(run: _Run) -> _Run:
    return _Run(_squash(run.text), run.line, run.boilerplate)


def _text(el: Any, limit: int) -> str:
    """The element's text, squashed, reading no more than about ``limit`` characters."""
    out: list[str] = []
    size = 0
    for piece in el.itertext():
        out.append(piece)
        size += len(piece)
        if size > limit:
            break
    return _squash("".join(out))


# --------------------------------------------------------------------------- head and headers


def _header_values(headers: Mapping[str, str], name: str) -> list[str]:
    """Every value of a header, however the mapping holds repeats (httpx's multi_items, or joined)."""
    items = headers.multi_items() if hasattr(headers, "multi_items") else headers.items()
    return [str(v)[:MAX_HEADER] for k, v in items if str(k).strip().lower() == name]


def _x_robots(values: list[str]) -> tuple[bool, bool]:
    """(noindex, nofollow) for Googlebot from X-Robots-Tag values ("googlebot: noindex", "none")."""
    noindex = nofollow = False
    for value in values:
        agent = None
        for token in value.lower().split(","):
            head, colon, rest = token.partition(":")
            if colon and head.strip() not in _RULES_WITH_VALUES and " " not in head.strip():
                agent, token = head.strip(), rest
            if agent not in (None, "googlebot"):
                continue
            words = set(token.split())
            noindex = noindex or bool(words & {"noindex", "none"})
            nofollow = nofollow or bool(words & {"nofollow", "none"})
    return noindex, nofollow


def _head_facts(facts: PageFacts, root: Any, page_url: str, base: str, headers: Mapping[str, str]) -> None:
    if root is not None:
        for meta in root.iter("meta"):
            if (meta.get("name") or "").strip().lower() in ("robots", "googlebot"):
                words = set(re.split(r"[\s,]+", (meta.get("content") or "")[:MAX_HEADER].lower()))
                facts.meta_noindex = facts.meta_noindex or bool(words & {"noindex", "none"})
                facts.meta_nofollow = facts.meta_nofollow or bool(words & {"nofollow", "none"})
        facts.title = _title(root)
    facts.canonical = _canonical(root, base, page_url, headers)
    facts.canonical_elsewhere = bool(facts.canonical) and _url_key(facts.canonical or "") != _url_key(page_url)
    facts.lang = _lang(root, headers)


def _base(root: Any, page_url: str) -> str:
    """The URL links resolve against: the first <base href> (http or https only), else the page's."""
    for el in root.iter("base"):
        href = (el.get("href") or "").strip()
        if href:
            url = _join(page_url, href)
            return url if url and urlsplit(url).scheme in ("http", "https") else page_url
    return page_url


def _canonical(root: Any, base: str, page_url: str, headers: Mapping[str, str]) -> str | None:
    """The first <link rel=canonical>, else a Link header with rel="canonical"."""
    if root is not None:
        for el in root.iter("link"):
            href = (el.get("href") or "").strip()
            if href and "canonical" in (el.get("rel") or "").lower().split():
                return _join(base, href)
    for value in _header_values(headers, "link"):
        for m in _LINK_HEADER_RE.finditer(value):
            rel = re.search(r"""rel\s*=\s*"?([^";]*)""", m.group(2), re.I)
            if rel and "canonical" in rel.group(1).lower().split() and m.group(1).strip():
                return _join(page_url, m.group(1).strip())
    return None


def _url_key(url: str) -> tuple[str, str, int | None, str, str]:
    """A URL as compared for canonical: case of scheme and host, default port, trailing slash, fragment."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ("", url, None, "", "")
    scheme = parts.scheme.lower()
    if (scheme, port) in (("http", 80), ("https", 443)):
        port = None
    return scheme, (parts.hostname or "").rstrip("."), port, parts.path.rstrip("/") or "/", parts.query


def _lang(root: Any, headers: Mapping[str, str]) -> str | None:
    """The primary language subtag of <html lang>, a content-language meta, else the header."""
    values = []
    if root is not None:
        values += [root.get("lang"), root.get("xml:lang")]
        values += [m.get("content") for m in root.iter("meta")
                   if (m.get("http-equiv") or "").strip().lower() == "content-language"]
    values += _header_values(headers, "content-language")
    for value in values:
        if value and (m := _LANG_RE.match(value[:100])):
            return m.group(1).lower()
    return None


# --------------------------------------------------------------------------- links


def _own_sites(targets: Callable[[str], bool] | Iterable[str]) -> Callable[[str], bool]:
    """A predicate on URLs: the caller's, or membership of the named sites (subdomains and www too)."""
    if callable(targets):
        check = targets

        def guarded(url: str) -> bool:
            try:
                return bool(check(url))
            except Exception:  # noqa: BLE001 - a failing predicate says no rather than stop the analysis
                return False

        return guarded
    sites = {domain_of(t) for t in targets if isinstance(t, str)} - {""}
    seen: dict[str, bool] = {}

    def member(url: str) -> bool:
        key = domain_of(url)
        if key not in seen:
            seen[key] = bool(key) and any(identity.contains(site, key) for site in sites)
        return seen[key]

    return member


def _join(base: str, href: str) -> str | None:
    try:
        return urljoin(base, href)
    except ValueError:
        return None


def _target(base: str, href: str) -> str | None:
    """The absolute http(s) URL of an href, cleaned; None for mailto:, javascript: and broken ones."""
    url = _join(base, href.strip())
    if not url:
        return None
    try:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
    except ValueError:
        return None
    return clean_url(url)


def _links(facts: PageFacts, anchors: list[_Anchor], base: str, own: Callable[[str], bool]) -> list[Evidence]:
    """The links to the user's sites and the count of outbound links and domains; evidence of a link list."""
    page_site = domain_of(facts.url)
    sites = _SiteCache()
    domains: set[str] = set()
    listed: set[str] = set()
    listed_count, first_listed, seen = 0, None, 0
    for anchor in anchors:
        href = anchor.element.get("href")
        if href is None:
            continue
        seen += 1
        url = _target(base, href[:10_000])
        if not url:
            continue
        key = sites.key(url)
        if key and not (page_site and identity.contains(page_site, key)):
            facts.outbound_links += 1
            domains.add(key)
            if anchor.in_list:
                listed_count, first_listed = listed_count + 1, first_listed or anchor.line
                listed.add(key)
        if seen <= MAX_LINKS and own(url):
            facts.links.append(_link(anchor, url, facts.meta_nofollow))
    facts.outbound_domains = len(domains)
    if seen > MAX_LINKS:
        facts.notes.append(f"{seen:,} links: only the first {MAX_LINKS:,} checked for links to your sites")
    return _listed(listed_count, len(listed), first_listed)


class _SiteCache:
    """Site keys of URLs, computed once per host (per host and path on a shared host)."""

    def __init__(self) -> None:
        self.hosts: dict[str, str | None] = {}

    def key(self, url: str) -> str:
        host = urlsplit(url).netloc
        if host not in self.hosts:
            key = domain_of(url)
            self.hosts[host] = None if identity.is_shared(key.partition("/")[0]) else key
        cached = self.hosts[host]
        return cached if cached is not None else domain_of(url)


def _link(anchor: _Anchor, url: str, page_nofollow: bool) -> Link:
    el = anchor.element
    rel = set((el.get("rel") or "")[:1000].lower().split())
    text = _text(el, MAX_ANCHOR * 2)[:MAX_ANCHOR]
    image = False
    if not text:
        images = [el] if el.tag == "area" else list(el.iter("img"))[:10]
        image = bool(images)
        text = _squash(" ".join(i.get("alt") or "" for i in images)) or _squash(
            el.get("title") or el.get("aria-label"))
    flags = {"nofollow", "sponsored", "ugc"} & rel
    return Link(url, text[:MAX_ANCHOR], _placement(el), anchor.line, _context(el, text), image,
                "nofollow" in rel, "sponsored" in rel, "ugc" in rel, not flags and not page_nofollow)


def _chain(el: Any) -> list[Any]:
    """The element and its ancestors up to, not including, <body> or <html>."""
    chain = [el]
    for parent in el.iterancestors():
        if parent.tag in ("body", "html"):
            break
        chain.append(parent)
    return chain


def _words(el: Any) -> list[list[str]]:
    """The class and id tokens of an element, each split into lower-case words (siteFooter: site, footer)."""
    tokens = f"{(el.get('class') or '')[:500]} {(el.get('id') or '')[:200]}".split()
    return [re.split(r"[^a-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1-\2", t).lower()) for t in tokens]


def _is_comment(el: Any) -> bool:
    if (el.get("role") or "").strip().lower() == "comment" or "/comment" in (el.get("itemtype") or "").lower():
        return True
    return any(_COMMENT_WORDS.intersection(w) and not _NOT_A_SECTION.intersection(w) for w in _words(el))


def _label(el: Any, scoped: bool) -> str | None:
    """What one element says about the place of what it holds; ``scoped``: it is inside article or main."""
    if label := _ROLES.get((el.get("role") or "").strip().lower()):
        return label
    label = _TAGS.get(el.tag)
    if label and not (scoped and label in ("header", "footer", "sidebar")):
        return label
    words = {w for token in _words(el) for w in token}
    if "content" in words:
        return None
    for name in ("footer", "header", "sidebar", "navigation"):
        if words & _WORDS[name] and not (scoped and name in ("header", "footer")):
            return name
    return None


def _placement(el: Any) -> str:
    """Where a link sits: content, navigation, header, footer, sidebar or comment."""
    chain = _chain(el)
    if any(_is_comment(e) for e in chain):
        return "comment"
    content = [i for i, e in enumerate(chain) if _label(e, False) in ("main", "article")]
    outermost = max(content, default=-1)
    for i, e in enumerate(chain):
        label = _label(e, i < outermost)
        if label == "main":
            return "content"
        if label and label != "article":
            return label
    return "content"


def _context(el: Any, anchor: str) -> str:
    """The text of the paragraph, list item or cell around a link (else its parent), near the link."""
    block = next((e for e in _chain(el)[1:] if e.tag in _CONTEXT_TAGS), None)
    if block is None:
        block = el.getparent()
        if block is None or block.tag in ("body", "html"):
            return ""
    text = _text(block, MAX_CONTEXT * 6)
    if len(text) <= MAX_CONTEXT:
        return text
    at = max(text.find(anchor), 0) if anchor else 0
    begin = max(0, min(at - MAX_CONTEXT // 3, len(text) - MAX_CONTEXT))
    return text[begin : begin + MAX_CONTEXT]


# --------------------------------------------------------------------------- risk evidence


def _snippet(run: _Run, start: int, end: int) -> str:
    return _squash(run.text[max(0, start - 80) : end + 80])[:240]


def _phrases(runs: list[_Run], pattern: re.Pattern[str], *, negatable: bool = False) -> list[Evidence]:
    """Every match of a pattern in the page's text, with its line (a phrase once a line)."""
    found: dict[tuple[str, int], Evidence] = {}
    for run in runs:
        for m in pattern.finditer(run.text):
            before = re.split(r"[.!?;:]", run.text[max(0, m.start() - 60) : m.start()])[-1]
            if negatable and evidence._NEGATED_RE.search(before):
                continue
            phrase = _squash(m.group(0)).lower()
            line = run.line + run.text.count("\n", 0, m.start())
            found.setdefault((phrase, line), Evidence(phrase, line, _snippet(run, m.start(), m.end())))
            if len(found) >= MAX_EVIDENCE:
                return list(found.values())
    return list(found.values())


def _paid(runs: list[_Run]) -> list[Evidence]:
    """Disclosures of paid content: phrases ("sponsored post", "affiliate links"), or a lone "Sponsored"
    label in the content; not after a negation ("this is not a sponsored post")."""
    found = _phrases(runs, _PAID_RE, negatable=True)
    for run in runs:
        label = _squash(run.text).strip(" :|·-–—[]()").lower()
        if label in _PAID_LABELS and not run.boilerplate:
            lead = len(run.text) - len(run.text.lstrip())
            found.append(Evidence(label, run.line + run.text.count("\n", 0, lead), _squash(run.text)))
    return sorted(found, key=lambda e: e.line or 0)[:MAX_EVIDENCE]


def _listed(count: int, domains: int, line: int | None) -> list[Evidence]:
    """Evidence of a link list: many outbound links in list items."""
    if count < DIRECTORY_LIST_LINKS:
        return []
    return [Evidence("outbound links in lists", line, f"{count} outbound links to {domains} sites in list items")]
