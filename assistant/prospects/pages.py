"""What the crawler reads in what it fetched: an HTML page (title, main text, links, feed links),
its kind (home, article, resource, guest_post), and sitemaps and RSS/Atom feeds.
"""

from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from assistant.prospects import store
from assistant.prospects.targets import clean_url, domain_of, same_site

MAX_FEED_ITEMS = 50
MAX_TEXT_CHARS = 200_000
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json",
              "application/rdf+xml")


@dataclass
class OutLink:
    """A link from a crawled page to another site."""

    url: str
    domain: str
    anchor: str
    nofollow: bool = False
    ugc: bool = False
    sponsored: bool = False
    context: str = ""  # the list item, paragraph or cell the link sits in


# --------------------------------------------------------------------------- HTML


@dataclass
class ParsedPage:
    """What the crawler keeps from one HTML page."""

    title: str | None
    text: str
    outbound: list[OutLink]
    internal: list[tuple[str, str]]  # (url, anchor) on the same site
    feeds: list[str]
    headings: list[str]
    list_outbound: int  # outbound links inside list items
    description: str | None = None  # <meta name="description">, else og:description


def parse_html(html: str, url: str, domain: str) -> ParsedPage:
    """Title, main text, links and feed links of an HTML page."""
    import lxml.html

    tree = _tree(html)
    if tree is None:
        return ParsedPage(None, "", [], [], [], [], 0)
    base = urljoin(url, (tree.xpath("//base/@href") or [url])[0])
    outbound, internal, list_outbound = _links(tree, base, domain)
    feeds = [
        clean_url(urljoin(base, href))
        for link in tree.xpath("//link[@rel and @href]")
        if "alternate" in link.get("rel", "").lower().split()
        and link.get("type", "").lower().strip() in FEED_TYPES
        and (href := link.get("href", "").strip())
    ]
    headings = [_squash(h.text_content()) for h in tree.xpath("//h1|//h2")][:20]
    text = _main_text(html, url) or _fallback_text(lxml.html, tree)
    return ParsedPage(_title(tree), text[:MAX_TEXT_CHARS], outbound, internal, feeds, headings,
                      list_outbound, _description(tree))


def _tree(html: str) -> Any:
    import lxml.etree
    import lxml.html

    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)  # lxml refuses str input with a declaration
    if not html.strip():
        return None
    try:
        return lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _title(tree: Any) -> str | None:
    for path in ("//title", "//meta[@property='og:title']/@content", "//h1"):
        found = tree.xpath(path)
        if found:
            value = _squash(found[0] if isinstance(found[0], str) else found[0].text_content())
            if value:
                return value[:500]
    return None


def _description(tree: Any) -> str | None:
    for path in ("//meta[@name='description']/@content", "//meta[@property='og:description']/@content"):
        found = [_squash(v) for v in tree.xpath(path)]
        if found and found[0]:
            return found[0][:1000]
    return None


def _links(tree: Any, base: str, domain: str) -> tuple[list[OutLink], list[tuple[str, str]], int]:
    outbound: dict[str, OutLink] = {}
    internal: dict[str, str] = {}
    in_lists = 0
    for a in tree.xpath("//a[@href]"):
        href = a.get("href", "").strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
            continue
        target = urljoin(base, href)
        if urlsplit(target).scheme not in ("http", "https") or not urlsplit(target).hostname:
            continue
        target = clean_url(target)
        anchor = _squash(a.text_content()) or _squash(a.get("title")) or _squash(
            " ".join(a.xpath(".//img/@alt")))
        if same_site(target, domain):
            internal.setdefault(target, anchor)
            continue
        if target not in outbound:
            rel = set(a.get("rel", "").lower().split())
            block = a.xpath("ancestor::*[self::li or self::p or self::td or self::dd or self::dt"
                            " or self::h1 or self::h2 or self::h3 or self::h4 or self::blockquote][1]")
            context = _squash(block[0].text_content())[: store.MAX_CONTEXT] if block else ""
            outbound[target] = OutLink(target, domain_of(target), anchor[:500], "nofollow" in rel,
                                       "ugc" in rel, "sponsored" in rel, context)
            in_lists += bool(a.xpath("ancestor::li"))
    return list(outbound.values()), list(internal.items()), in_lists


def _main_text(html: str, url: str) -> str | None:
    import trafilatura

    try:
        text = trafilatura.extract(html, url=url, include_comments=False, include_tables=True)
    except Exception:  # noqa: BLE001 - a page trafilatura cannot handle falls back to plain text
        return None
    return text.strip() if text and text.strip() else None


def _fallback_text(lxml_html: Any, tree: Any) -> str:
    """Visible text of the body without scripts, styles and navigation."""
    body = tree.find(".//body")
    root = body if body is not None else tree
    root = lxml_html.fromstring(lxml_html.tostring(root))  # a copy: do not edit the parsed tree
    for bad in root.xpath("//script|//style|//noscript|//nav|//template"):
        bad.drop_tree()
    blocks = [_squash(t) for t in root.itertext()]
    return "\n".join(b for b in blocks if b)


# --------------------------------------------------------------------------- classification

# Guest-post pages: a whole path segment, a phrase in a title or heading, or a short title that
# is only the word ("Contribute | Site"), so "how-to-contribute-to-open-source" stays an article.
_GUEST_URL = re.compile(
    r"(^|/)(write-?for-?[\w-]+|guest-?(post|posts|posting|blogging|author|authors|contributors?)"
    r"(-guidelines)?|contribute|contributors?|contributor-?guidelines|become-?an?-?(writer|"
    r"contributor|author)|submit-?(an?-)?(article|post|guest-?post|story)|submissions?|"
    r"submission-?guidelines|pitch-?us|writers?-?wanted)(/|\.html?|\.php|$)", re.I)
_GUEST_TITLE = re.compile(
    r"\b(write for (us|me)|guest (post|posting|blogging)s? guidelines|accepting guest posts|"
    r"contributors? guidelines|submission guidelines|submit (an? )?(article|guest post)|"
    r"become an? (writer|contributor|author)|pitch us|writers wanted)\b"
    r"|^\s*(write for \w+|contribute|contributors|submissions|guest posts?)\s*($|[|:·–—-])",
    re.I)
_GUEST_TEXT = (
    "write for us", "guest post", "guest posts", "submit an article", "submit your article",
    "submission guidelines", "contributor guidelines", "we accept guest", "pitch us",
    "become a contributor", "send us your pitch", "original, unpublished",
)
_RESOURCE_URL = re.compile(
    r"(^|/)(resources?|useful-?links|links|link-?list|recommended(-\w+)?|tools|toolkit|"
    r"reading-?list|further-?reading|blogroll|link-?roundup|directory|best-?of|library)(/|\.html?|$)",
    re.I)
_RESOURCE_TITLE = re.compile(
    r"\b(resources|resource (list|page|guide|library)|useful links|helpful links|"
    r"recommended (tools|reading|resources|sites|books|links|blogs)|further reading|"
    r"link roundup|blogroll|reading list|tools (we|i) (use|love|recommend)|toolkit)\b"
    r"|^\s*(links|tools|directory)\s*($|[|:·–—-])",
    re.I)


def classify(url: str, page: ParsedPage, *, home: bool = False) -> tuple[str, str | None]:
    """The page's kind and why: home, guest_post, resource or article."""
    if home:
        return "home", None
    path = urlsplit(url).path
    names = " | ".join(filter(None, [page.title, *page.headings[:3]]))
    guest, guest_why = _guest_score(path, names, page.text)
    if guest >= 2:
        return "guest_post", guest_why
    resource, resource_why = _resource_score(path, names, page)
    if resource >= 3:
        return "resource", resource_why
    return "article", None


def _guest_score(path: str, names: str, text: str) -> tuple[int, str]:
    score, why = 0, []
    if _GUEST_URL.search(path):
        score, why = score + 2, [*why, f"URL {path}"]
    if m := next(filter(None, (_GUEST_TITLE.search(n) for n in names.split(" | "))), None):
        score, why = score + 2, [*why, f"title/heading says {m.group(0)!r}"]
    lowered = text.lower()
    phrases = [p for p in _GUEST_TEXT if p in lowered]
    if phrases:
        score += min(len(phrases), 2)
        why.append("text mentions " + ", ".join(repr(p) for p in phrases[:3]))
    return score, "; ".join(why)


def _resource_score(path: str, names: str, page: ParsedPage) -> tuple[int, str]:
    score, why = 0, []
    if _RESOURCE_URL.search(path):
        score, why = score + 2, [*why, f"URL {path}"]
    if m := next(filter(None, (_RESOURCE_TITLE.search(n) for n in names.split(" | "))), None):
        score, why = score + 2, [*why, f"title/heading says {m.group(0)!r}"]
    listed = page.list_outbound
    if listed >= 15 and listed * 2 >= len(page.outbound):
        score, why = score + 3, [*why, f"{listed} outbound links in lists"]
    elif listed >= 5:
        score, why = score + 1, [*why, f"{listed} outbound links in lists"]
    return score, "; ".join(why)


def _url_hint(url: str, anchor: str = "") -> bool:
    """Does a link look like a resource or write-for-us page? (crawled first)"""
    path = urlsplit(url).path
    return bool(_GUEST_URL.search(path) or _RESOURCE_URL.search(path)
                or _GUEST_TITLE.search(anchor) or _RESOURCE_TITLE.search(anchor))


# --------------------------------------------------------------------------- sitemaps and feeds


def parse_sitemap(body: bytes) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(page URLs, child sitemaps) of a sitemap or sitemap index, each with its lastmod."""
    import lxml.etree

    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=True,
                                  huge_tree=False)
    try:
        root = lxml.etree.fromstring(body, parser)
    except lxml.etree.XMLSyntaxError:
        return [], []
    if root is None:
        return [], []
    pages: list[tuple[str, str]] = []
    children: list[tuple[str, str]] = []
    for node in root.iter("{*}url", "{*}sitemap"):
        loc = node.findtext("{*}loc") or ""
        lastmod = (node.findtext("{*}lastmod") or "").strip()
        if loc.strip():
            bucket = children if lxml.etree.QName(node).localname == "sitemap" else pages
            bucket.append((loc.strip(), lastmod))
    return pages, children


def _gunzip(body: bytes, max_bytes: int) -> bytes:
    """Decompress a gzipped sitemap, at most ``max_bytes`` of output."""
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, max_bytes)
    except (zlib.error, gzip.BadGzipFile):
        return b""


def _by_lastmod(entries: list[tuple[str, str]]) -> list[str]:
    """URLs newest first (ISO dates sort as text); entries without lastmod keep their order, last."""
    dated = sorted((e for e in entries if e[1]), key=lambda e: e[1], reverse=True)
    return [url for url, _ in dated] + [url for url, lastmod in entries if not lastmod]


@dataclass
class FeedEntry:
    url: str
    title: str | None
    text: str


def parse_feed(body: bytes, base: str) -> list[FeedEntry]:
    """Entries of an RSS or Atom feed: link, title and text (content, else summary)."""
    import feedparser

    feed = feedparser.parse(body, response_headers={"content-location": base})
    entries = []
    for entry in feed.entries[:MAX_FEED_ITEMS]:
        link = entry.get("link")
        if not link:
            continue
        html = (entry.get("content") or [{}])[0].get("value") or entry.get("summary") or ""
        entries.append(FeedEntry(clean_url(urljoin(base, link)), entry.get("title"),
                                 _html_to_text(html)))
    return entries


def _html_to_text(html: str) -> str:
    import lxml.html

    tree = _tree(html)
    return _fallback_text(lxml.html, tree) if tree is not None else ""
