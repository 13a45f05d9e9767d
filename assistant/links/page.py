"""What one fetched page says about its links to the user's own sites, for the backlink ledger.

:func:`analyse` is pure (no network) and total: it never raises, and its work is bounded (the first
:data:`MAX_HTML` characters, the first :data:`MAX_LINKS` links in full, every later one only counted).

A link's *placement*: a comment section anywhere above it makes it a comment; else the nearest
landmark (``<nav>``, ``<header>``, ``<footer>``, ``<aside>``, an ARIA role, class/id words such as
``site-footer``, ``widget``, ``menu``), where ``<main>`` is content. ``<article>`` decides nothing (a
teaser card in a sidebar is sidebar), but as in HTML's accessibility mapping a ``<header>``,
``<footer>`` or ``<aside>`` inside ``<article>`` or ``<main>`` is content. Class words that also say
content (``content-sidebar-wrap``, ``footer-content``) name a wrapper and are skipped.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import SplitResult, urljoin, urlsplit

import lxml.etree
import lxml.html

from assistant.prospects import evidence, identity
from assistant.prospects.pages import _main_text, _squash, _title
from assistant.prospects.targets import clean_url, domain_of

MAX_HTML = 5_000_000  # characters of a page analysed
MAX_LINKS = 20_000  # links analysed in full; later ones are only counted
MAX_ANCHOR = 500
MAX_CONTEXT = 300
MAX_BLOCKS = 200  # paragraphs read in full for contexts; later links get the text right around them
MAX_TEXT = 5_000  # characters of text_sample
MAX_EVIDENCE = 20
MAX_HEADER = 8_192
EXTRACT_MAX = 1_000_000  # trafilatura reads pages up to this size (its time grows with the elements)
EXTRACT_MAX_ELEMENTS = 20_000  # and elements, about 0.7 s; larger pages get the plain text
EXTRACT_MAX_DEPTH = 200  # nor deeper ones
MAX_DEPTH = 2048  # libxml2's nesting limit (with huge_tree)
DIRECTORY_LIST_LINKS = 50  # outbound links in list items that make a page look like a directory
PLACEMENTS = ("content", "navigation", "header", "footer", "sidebar", "comment")

_BIG_LINE = 65535  # libxml2's HTML parser reports every later line as this one
_INLINE = frozenset(
    "a abbr area b bdi bdo br cite code data del dfn em font i img ins kbd label map mark q s samp small span"
    " strike strong sub sup time tt u var wbr".split())
_SKIP = frozenset(("script", "style", "template"))
_BOILERPLATE = frozenset(("nav", "header", "footer", "aside"))
_SPECIAL = _SKIP | _BOILERPLATE | {"li"}
_CONTEXT_TAGS = frozenset("p li td th dd dt blockquote figcaption caption h1 h2 h3 h4 h5 h6".split())
_ROLES = {"navigation": "navigation", "menu": "navigation", "menubar": "navigation", "banner": "header",
          "contentinfo": "footer", "complementary": "sidebar", "main": "main", "article": "article"}
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


class _Run(NamedTuple):
    text: str  # between two block boundaries
    line: int  # where it starts
    boilerplate: bool  # inside nav, header, footer or aside


_Anchor = tuple[Any, int, bool]  # a link element, its line, in a list item (not in nav, footer...)?


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
    root = _parse(html)
    if root is None:
        _head_facts(facts, None, page_url, page_url, headers)
        return
    runs, anchors, depth, elements = _walk(root)
    if depth >= MAX_DEPTH:
        facts.notes.append(f"elements nested over {MAX_DEPTH:,} deep: the parser left out what they hold")
    lxml.etree.strip_elements(root, *_SKIP, with_tail=False)
    base = _base(root, page_url)
    _head_facts(facts, root, page_url, base, headers)
    listed = _links(facts, anchors, base, own)
    facts.paid_disclosure = _paid(runs)
    facts.directory_like = [*_phrases(runs, _DIRECTORY_RE), *listed][:MAX_EVIDENCE]
    small = len(html) <= EXTRACT_MAX and elements <= EXTRACT_MAX_ELEMENTS and depth <= EXTRACT_MAX_DEPTH
    text = _main_text(html, page_url) if small else None
    plain = (t for run in runs if not run.boilerplate and (t := _squash(run.text)))  # outside nav, aside...
    facts.text_sample = (text or "\n".join(itertools.islice(plain, MAX_TEXT)))[:MAX_TEXT]


def _clean(html: Any, facts: PageFacts) -> str:
    if isinstance(html, bytes | bytearray):
        html = bytes(html[: MAX_HTML * 4]).decode("utf-8", "replace")
    html = str(html or "")
    if len(html) > MAX_HTML:
        facts.notes.append(f"only the first {MAX_HTML:,} characters read")
        html = html[:MAX_HTML]
    html = html.encode("utf-8", "replace").decode("utf-8")  # lone surrogates
    return _CONTROL_RE.sub("", html)


def _parse(html: str) -> Any:
    """The root element of the page, or None. As pages._tree, but with lxml's huge_tree, which lets
    libxml2 nest 2048 elements deep rather than 256 (it drops the rest of a page past the limit)."""
    html = re.sub(r"^\s*<\?xml[^>]*\?>", lambda m: "\n" * m.group(0).count("\n"), html)  # lxml refuses it in str
    if not html.strip():
        return None
    try:
        root = lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))
    except (lxml.etree.ParserError, ValueError):
        return None
    return root if isinstance(root.tag, str) else None


# --------------------------------------------------------------------------- one pass over the tree


def _walk(root: Any) -> tuple[list[_Run], list[_Anchor], int, int]:
    """The text of the page in runs between block boundaries, its links with their lines, its depth and
    its number of elements.

    Lines are counted from the newlines of the text and resynchronised at each element, so they stay
    right past libxml2's last line number and inside comments and scripts."""
    runs: list[_Run] = []
    anchors: list[_Anchor] = []
    parts: list[str] = []
    line = start = 1
    skip = boiler = lists = depth = deepest = elements = 0

    def flush() -> None:
        nonlocal start
        if parts:
            text = "".join(parts)
            if text.strip():
                runs.append(_Run(text, start, boiler > 0))
            parts.clear()
        start = line

    for event, el in lxml.etree.iterwalk(root, events=("start", "end", "comment", "pi")):
        if event == "start":
            tag = el.tag
            depth += 1
            elements += 1
            if depth > deepest:
                deepest = depth
            if 0 < (el.sourceline or 0) < _BIG_LINE:
                line = el.sourceline
            if tag not in _INLINE:
                flush()
            elif (tag == "a" or tag == "area") and not skip:
                anchors.append((el, line, lists > 0 and not boiler))
            if tag in _SPECIAL:
                skip += tag in _SKIP
                boiler += tag in _BOILERPLATE
                lists += tag == "li"
            text = el.text
        elif event == "end":
            tag = el.tag
            depth -= 1
            if tag not in _INLINE:
                flush()
            if tag in _SPECIAL:
                skip -= tag in _SKIP
                boiler -= tag in _BOILERPLATE
                lists -= tag == "li"
            text = el.tail if el is not root else None
        else:
            line += (el.text or "").count("\n")
            text = el.tail
        if text:
            if not skip:
                parts.append(text)
            line += text.count("\n")
    flush()
    return runs, anchors, deepest, elements


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
            rules = _rules(token.split())
            noindex, nofollow = noindex or rules[0], nofollow or rules[1]
    return noindex, nofollow


def _rules(words: Iterable[str]) -> tuple[bool, bool]:
    """(noindex, nofollow) of robots rules ("none" is both)."""
    words = set(words)
    return bool(words & {"noindex", "none"}), bool(words & {"nofollow", "none"})


def _head_facts(facts: PageFacts, root: Any, page_url: str, base: str, headers: Mapping[str, str]) -> None:
    if root is not None:
        for meta in root.iter("meta"):
            if (meta.get("name") or "").strip().lower() in ("robots", "googlebot"):
                rules = _rules(re.split(r"[\s,]+", (meta.get("content") or "")[:MAX_HEADER].lower()))
                facts.meta_noindex, facts.meta_nofollow = facts.meta_noindex or rules[0], facts.meta_nofollow or rules[1]
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


def _own_sites(targets: Callable[[str], bool] | Iterable[str]) -> Callable[[str], bool]:
    """A predicate on URLs: the caller's, or membership of the named sites (subdomains and www too)."""
    if callable(targets):
        return targets
    sites = {domain_of(t) for t in targets if isinstance(t, str)} - {""}
    keys = _SiteCache()

    @functools.cache
    def member(key: str) -> bool:
        return bool(key) and any(identity.contains(site, key) for site in sites)

    return lambda url: member(keys.key(url))


def _join(base: str, href: str) -> str | None:
    try:
        return urljoin(base, href)
    except ValueError:
        return None


def _absolute(base: str, href: str) -> tuple[str, SplitResult] | None:
    """An href resolved against the base, and its parts; None unless http(s) with a host."""
    href = href[:10_000].strip()
    url = href if href[:8].lower().startswith(("http://", "https://")) else _join(base, href)
    try:
        parts = urlsplit(url or "")
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return None
    except ValueError:
        return None
    return url or "", parts


def _links(facts: PageFacts, anchors: list[_Anchor], base: str, own: Callable[[str], bool]) -> list[Evidence]:
    """The links to the user's sites and the count of outbound links and domains; evidence of a link list."""
    sites = _SiteCache(domain_of(facts.url))
    domains: set[str] = set()
    listed: list[str] = []  # sites of the outbound links in list items
    first_listed, seen = None, 0
    places: dict[Any, _Place] = {}  # worked out once per element
    blocks: dict[Any, Any] = {}  # and once per block
    for el, line, in_list in anchors:
        href = el.get("href")
        found = _absolute(base, href) if href is not None else None
        seen += href is not None
        if found is None:
            continue
        url, parts = found
        key = sites.key(url, parts)
        if key and sites.outbound(key):
            facts.outbound_links += 1
            domains.add(key)
            if in_list:
                first_listed = first_listed or line
                listed.append(key)
        if seen <= MAX_LINKS and own(url):
            place = _place_of(el, places)
            facts.links.append(_link(el, line, clean_url(url), facts.meta_nofollow, place, blocks))
    facts.outbound_domains = len(domains)
    if seen > MAX_LINKS:
        facts.notes.append(f"{seen:,} links: only the first {MAX_LINKS:,} checked for links to your sites")
    if len(listed) < DIRECTORY_LIST_LINKS:
        return []
    return [Evidence("outbound links in lists", first_listed,
                     f"{len(listed)} outbound links to {len(set(listed))} sites in list items")]


class _SiteCache:
    """Site keys of URLs as domain_of gives them, worked out once per host (per host and owner's path on
    a shared host): a plain ASCII host that is no shared host is its own key, without asking identity."""

    def __init__(self, page_site: str = "") -> None:
        self.page_site = page_site
        self.special = set(identity.shared_hosts()) | set(identity.HOST_ALIASES)
        self.keys: dict[str, str] = {}
        self.others: dict[str, bool] = {}

    def key(self, url: str, parts: SplitResult | None = None) -> str:
        parts = parts or urlsplit(url)
        host = (parts.hostname or "").strip(".").removeprefix("www.")
        plain = host.isascii() and "." in host and " " not in host and host not in self.special
        cache = host if plain else parts.netloc + "/".join(parts.path.split("/", 4)[:4])
        if cache not in self.keys:
            self.keys[cache] = host if plain else domain_of(url)
        return self.keys[cache]

    def outbound(self, key: str) -> bool:
        """Is a site key another site than the page's?"""
        if key not in self.others:
            self.others[key] = not (self.page_site and identity.contains(self.page_site, key))
        return self.others[key]


def _link(el: Any, line: int, url: str, page_nofollow: bool, place: _Place, blocks: dict[Any, Any]) -> Link:
    rel = set((el.get("rel") or "")[:1000].lower().split())
    text = _squash(_block_text(el, MAX_ANCHOR * 2)[0])[:MAX_ANCHOR]
    image = False
    if not text:
        images = [el] if el.tag == "area" else list(el.iter("img"))[:10]
        image = bool(images)
        text = _squash(" ".join(i.get("alt") or "" for i in images)) or _squash(
            el.get("title") or el.get("aria-label"))
    flags = {"nofollow", "sponsored", "ugc"} & rel
    placement = "comment" if place.comment else place.label or "content"
    return Link(url, text[:MAX_ANCHOR], placement, line, _context(el, place.block, blocks), image,
                "nofollow" in rel, "sponsored" in rel, "ugc" in rel, not flags and not page_nofollow)


@dataclass(frozen=True)
class _Place:
    """Where an element sits, from its ancestors: in a comment section, under which landmark (None:
    none), inside article or main, in which paragraph, list item or cell."""

    comment: bool = False
    label: str | None = None
    content: bool = False
    block: Any = None

    def child(self, el: Any) -> _Place:
        label = _label(el, self.content)
        return _Place(
            self.comment or _is_comment(el),
            "content" if label == "main" else label if label and label != "article" else self.label,
            self.content or label in ("main", "article"),
            el if el.tag in _CONTEXT_TAGS else self.block)


def _place_of(el: Any, memo: dict[Any, _Place]) -> _Place:
    """The _Place of an element, worked out once per element from its parent's (deep pages stay linear)."""
    pending = []
    while el is not None and el.tag not in ("body", "html") and el not in memo:
        pending.append(el)
        el = el.getparent()
    place = memo.get(el, _Place()) if el is not None else _Place()
    for node in reversed(pending):
        place = memo[node] = place.child(node)
    return place


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


def _context(el: Any, block: Any, blocks: dict[Any, tuple[str, dict[Any, int]]]) -> str:
    """The text of the paragraph, list item or cell around a link (else its parent), near the link."""
    block = block if block is not None else el.getparent()
    if block is None or block.tag in ("body", "html"):
        return ""
    if block not in blocks and len(blocks) < MAX_BLOCKS:
        blocks[block] = _block_text(block)
    text, starts = blocks.get(block, ("", {}))
    at = starts.get(el)
    if at is None:  # past the part of a huge block that was read, or past the blocks read
        before = el.getprevious().tail if el.getprevious() is not None else block.text
        return _squash(f"{(before or '')[-200:]}{_block_text(el, MAX_CONTEXT)[0]}{(el.tail or '')[:200]}")[:MAX_CONTEXT]
    window = _squash(text[max(0, at - 2 * MAX_CONTEXT) : at + 3 * MAX_CONTEXT])
    lead = len(_squash(text[max(0, at - 2 * MAX_CONTEXT) : at]))
    begin = max(0, min(lead - MAX_CONTEXT // 3, len(window) - MAX_CONTEXT))
    return window[begin : begin + MAX_CONTEXT].strip()


def _block_text(block: Any, limit: int = MAX_CONTEXT * 10) -> tuple[str, dict[Any, int]]:
    """The text of an element (about ``limit`` characters or nodes at most) and where its links start."""
    out: list[str] = []
    starts: dict[Any, int] = {}
    size = 0
    for steps, (event, node) in enumerate(lxml.etree.iterwalk(block, events=("start", "end", "comment"))):
        if event == "start" and node.tag in ("a", "area"):
            starts[node] = size
        piece = node.text if event == "start" else None if node is block else node.tail
        if piece:
            out.append(piece)
            size += len(piece)
        if size > limit or steps > limit:
            break
    return "".join(out), starts


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

