"""Real contacts of a site, found on its own pages, never guessed.

:func:`extract` reads one page: ``mailto:`` links (and Cloudflare's e-mail protection), schema.org
JSON-LD and microdata ``email``, and addresses in the visible text, including simple obfuscations
(``name [at] example [dot] com``, ``name(at)example.com``, HTML entities). :func:`find_contacts`
crawls the home page and the pages it links to that carry contacts (contact, write-for-us,
impressum, about, team and author pages) with the crawler's polite fetcher.

Role addresses (RFC 2142 mailbox names and common shared boxes) are flagged, not dropped; no-reply
addresses are dropped, as are documentation placeholders (``@example.com``) and asset names
(``logo@2x.png``). Every contact keeps the URL it was seen on.
"""

from __future__ import annotations

import html as html_mod
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from assistant.errors import AssistError, UsageError
from assistant.prospects import identity
from assistant.prospects.fetch import Fetch, Fetcher, _decode
from assistant.prospects.targets import _looks_like_page, check_url, clean_url, domain_of, same_site

Kind = Literal["mailto", "schema", "text", "author"]

MAX_HTML_CHARS = 3_000_000  # a page is read up to here (the fetcher's cap is the same)
MAX_PER_PAGE = 50  # contacts kept from one page
MAX_AT_SIGNS = 20_000  # "@" looked at in one page's text
MAX_JSONLD_CHARS = 1_000_000
MAX_JSON_NODES = 20_000
MAX_JSON_DEPTH = 32
MAX_CANDIDATES = 8

# RFC 2142 mailbox names, then shared boxes that name a function, not a person. An editor@ box is a
# role: for a pitch it may be the right one, but no one person reads it.
RFC2142_ROLES = frozenset(
    "info marketing sales support abuse noc security postmaster hostmaster usenet news webmaster www uucp ftp"
    .split())
COMMON_ROLES = frozenset(
    "contact contactus contacts hello hi hey admin administrator office team press media pr newsroom "
    "editor editors editorial redaktion redazione redaccion help helpdesk service customerservice "
    "billing accounts accounting finance enquiries enquiry inquiries inquiry general mail email "
    "jobs careers hr recruiting legal privacy gdpr dpo feedback partners partnerships partner "
    "advertising ads advertise sponsor sponsors sponsorship affiliates submissions submit pitch "
    "pitches contribute contributors writeforus guestpost guestposts community events orders sales "
    "kontakt contacto contatti contato bonjour hallo hola ciao shop store studio".split())
ROLE_NAMES = RFC2142_ROLES | COMMON_ROLES
NOREPLY = frozenset("noreply donotreply mailerdaemon nobody bounce bounces".split())

# Documentation placeholders (RFC 2606) and services whose addresses sit in page code (Sentry
# DSNs): kept only on a page of that very domain.
PLACEHOLDER_DOMAINS = ("example.com", "example.net", "example.org", "example", "test", "invalid",
                       "localhost", "domain.com", "yourdomain.com", "yoursite.com", "yourwebsite.com",
                       "yourcompany.com", "website.com", "mysite.com", "sentry.io", "wixpress.com")
PLACEHOLDER_LOCALS = frozenset(
    "you your yourname youremail your.name your.email firstname.lastname first.last firstname "
    "name username user someone somebody".split())
# Asset names that look like addresses: logo@2x.png, icon@3x.webp.
FILE_SUFFIXES = frozenset(
    "png jpg jpeg gif webp svg ico bmp avif tif tiff heic css js mjs map json xml txt pdf zip gz mp3 mp4 "
    "webm mov avi woff woff2 ttf eot otf php html htm asp aspx jsp".split())


class ContactError(AssistError):
    """A site's contacts could not be looked for: its home page could not be read."""

    def __init__(self, site: str, why: str) -> None:
        why = " ".join(why.split())
        super().__init__(f"{site}: {why}")
        self.site = site
        self.why = why


@dataclass
class Contact:
    """An address seen on a site, with the URL it was seen on."""

    email: str
    source_url: str
    kind: Kind  # mailto link, schema.org data, visible text, or an author's (schema Person, author page)
    role: bool  # a function's box (info@, editor@), not a person's
    name: str | None = None  # a schema.org Person's name
    on_site: bool = True  # the address's domain is the site's, or one of its subdomains

    def to_dict(self) -> dict[str, Any]:
        return {"email": self.email, "source_url": self.source_url, "kind": self.kind, "role": self.role,
                "name": self.name, "on_site": self.on_site}


# --------------------------------------------------------------------------- addresses


_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_DOMAIN = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,10}(?:[A-Za-z]{2,24}|xn--[A-Za-z0-9-]{1,59})"
                     r"(?![A-Za-z0-9-]|\.[A-Za-z0-9])")
_LOCAL = re.compile(r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*")
_HEXISH = re.compile(r"[0-9a-f]{24,}")
_AT = re.compile(r"\s{0,3}[\[({<]\s{0,3}(?:at|@)\s{0,3}[\])}>]\s{0,3}", re.I)
_DOT = re.compile(r"\s{0,3}[\[({<]\s{0,3}(?:dot|\.)\s{0,3}[\])}>]\s{0,3}", re.I)


def _local_key(email: str) -> str:
    """The local part as role names are compared: lower case, no +tag, no separators, no trailing digits."""
    local = email.rsplit("@", 1)[0].lower().split("+", 1)[0]
    return re.sub(r"[-_.]", "", local).rstrip("0123456789")


def is_noreply(email: str) -> bool:
    """A box that reads nothing (noreply@, do-not-reply@, mailer-daemon@): never usable."""
    key = _local_key(email)
    return key in NOREPLY or key.startswith(("noreply", "donotreply"))


def is_role(email: str) -> bool:
    """Is this a role address (RFC 2142 names, shared boxes such as contact@ or editor@, no-reply)?"""
    key = _local_key(email)
    return key in ROLE_NAMES or is_noreply(email)


def _domain_in(domain: str, parent: str) -> bool:
    return domain == parent or domain.endswith("." + parent)


def _site_host(url: str) -> str:
    """A page's host without "www." ("" on a shared host such as github.com, where no address is the site's)."""
    try:
        host = (urlsplit(url).hostname or "").strip(".").lower().removeprefix("www.")
    except ValueError:
        return ""
    return "" if host in identity.SHARED_HOSTS else host


def normalize(address: str, page_host: str = "") -> str | None:
    """The address with its domain in lower case, or None when it is not a usable address."""
    address = address.strip().strip(".")
    if len(address) > 254 or address.count("@") != 1:
        return None
    local, domain = address.split("@")
    domain = domain.lower().rstrip(".")
    if domain and not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    if not local or len(local) > 64 or not _LOCAL.fullmatch(local) or not _DOMAIN.fullmatch(domain):
        return None
    if domain.rsplit(".", 1)[-1] in FILE_SUFFIXES or _HEXISH.fullmatch(local.lower()):
        return None
    own = bool(page_host) and (_domain_in(page_host, domain) or _domain_in(domain, page_host))
    if not own and (local.lower() in PLACEHOLDER_LOCALS or any(_domain_in(domain, p) for p in PLACEHOLDER_DOMAINS)):
        return None
    email = f"{local}@{domain}"
    return None if is_noreply(email) else email


# --------------------------------------------------------------------------- one page


@dataclass
class _Seen:
    """Contacts of one page, deduplicated, the first sighting kept, at most MAX_PER_PAGE."""

    url: str
    host: str
    contacts: dict[str, Contact]

    def add(self, raw: str, kind: Kind, name: str | None = None) -> None:
        if self.full:
            return
        email = normalize(raw, self.host)
        if email is None:
            return
        key = email.lower()
        if key in self.contacts:
            if name and not self.contacts[key].name:
                self.contacts[key].name = name
            return
        on_site = bool(self.host) and _domain_in(email.rsplit("@", 1)[1], self.host)
        self.contacts[key] = Contact(email, self.url, kind, is_role(email), name, on_site)

    @property
    def full(self) -> bool:
        return len(self.contacts) >= MAX_PER_PAGE


def extract(html: str, page_url: str) -> list[Contact]:
    """The contacts on one HTML page (pure; never raises; at most MAX_PER_PAGE)."""
    seen = _Seen(page_url, _site_host(page_url), {})
    try:
        _extract_into(seen, html)
    except Exception:  # noqa: BLE001 - a hostile page yields what was found before it broke us
        pass
    return list(seen.contacts.values())


def _extract_into(seen: _Seen, html: str) -> None:
    html = _clean_html(html)
    tree = _tree(html)
    if tree is None:
        _scan_text(seen, html_mod.unescape(re.sub(r"<[^<>]{0,2000}>", " ", html)))
        return
    _extract_tree(seen, tree)


def _clean_html(html: str) -> str:
    html = html[:MAX_HTML_CHARS] if isinstance(html, str) else ""
    # lxml refuses NUL and most control characters, and str input with an XML declaration
    html = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]", " ", html)
    return re.sub(r"^\s*<\?xml[^>]{0,200}\?>", "", html)


def _tree(html: str) -> Any:
    import lxml.etree
    import lxml.html

    if not html.strip():
        return None
    try:
        return lxml.html.fromstring(html)
    except (lxml.etree.LxmlError, ValueError):
        return None


def _extract_tree(seen: _Seen, tree: Any) -> None:
    """Schema.org data first (it carries names), then links, then text; the tree is changed."""
    import lxml.etree

    _json_ld(seen, tree)
    _microdata(seen, tree)
    _links_out(seen, tree)
    lxml.etree.strip_elements(tree, lxml.etree.Comment, "script", "style", "template", with_tail=False)
    _scan_text(seen, " ".join(tree.itertext()))


def _json_ld(seen: _Seen, tree: Any) -> None:
    for script in tree.iter("script"):
        if (script.get("type") or "").split(";")[0].strip().lower() != "application/ld+json":
            continue
        text = (script.text or "")[:MAX_JSONLD_CHARS]
        try:
            data = json.loads(text, strict=False)
        except (ValueError, RecursionError):
            continue
        for raw, kind, name in _schema_emails(data):
            seen.add(raw.removeprefix("mailto:").removeprefix("MAILTO:"), kind, name)
            if seen.full:
                return


_AUTHOR_KEYS = frozenset({"author", "creator", "contributor"})


def _schema_emails(data: Any) -> Iterator[tuple[str, Kind, str | None]]:
    """(address, kind, name) of every ``email`` in JSON-LD; a Person's or an author's is "author"."""
    stack: list[tuple[Any, int, bool]] = [(data, 0, False)]
    nodes = 0
    while stack and nodes < MAX_JSON_NODES:
        node, depth, authorish = stack.pop()
        nodes += 1
        if isinstance(node, list):
            stack.extend((item, depth + 1, authorish) for item in reversed(node[:1000]) if depth < MAX_JSON_DEPTH)
            continue
        if not isinstance(node, dict):
            continue
        types = node.get("@type")
        types = {t.lower() for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)}
        person = "person" in types
        author = authorish or person
        name = node.get("name") if person and isinstance(node.get("name"), str) else None
        values = node.get("email")
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str):
                yield value, "author" if author else "schema", (name or "").strip()[:200] or None
        if depth < MAX_JSON_DEPTH:
            children = [(v, depth + 1, author or k in _AUTHOR_KEYS) for k, v in node.items()
                        if k != "email" and isinstance(v, dict | list)]
            stack.extend(reversed(children))


def _microdata(seen: _Seen, tree: Any) -> None:
    for el in tree.xpath("//*[@itemprop]"):
        if "email" not in (el.get("itemprop") or "").lower().split():
            continue
        value = el.get("content") or el.get("href") or el.text_content()
        scope = el.xpath("ancestor::*[@itemscope][1]")
        person = bool(scope) and "person" in (scope[0].get("itemtype") or "").lower()
        name = _microdata_name(scope[0]) if person else None
        for address in _mailto_addresses(value) if value.strip().lower().startswith("mailto:") else [value]:
            seen.add(address, "author" if person else "schema", name)
        if seen.full:
            return


def _microdata_name(scope: Any) -> str | None:
    for el in scope.xpath(".//*[@itemprop]"):
        if "name" in (el.get("itemprop") or "").lower().split():
            name = " ".join((el.get("content") or el.text_content()).split())
            return name[:200] or None
    return None


def _links_out(seen: _Seen, tree: Any) -> None:
    """mailto: links (rel=author ones are an author's) and Cloudflare-protected addresses."""
    for el in tree.xpath("//a[@href]|//area[@href]|//*[@data-cfemail]"):
        href = (el.get("href") or "").strip()
        author = "author" in (el.get("rel") or "").lower().split()
        if href[:7].lower() == "mailto:":
            for address in _mailto_addresses(href):
                seen.add(address, "author" if author else "mailto")
        elif "/cdn-cgi/l/email-protection#" in href:
            seen.add(_cloudflare(href.rsplit("#", 1)[1]), "mailto")
        if el.get("data-cfemail"):
            seen.add(_cloudflare(el.get("data-cfemail")), "text")
        if seen.full:
            return


def _mailto_addresses(href: str) -> list[str]:
    """The addresses of a mailto: URL (RFC 6068): its path, and the to= and cc= of its query."""
    body = href.strip()[7:] if href.strip()[:7].lower() == "mailto:" else href
    path, _, query = body.partition("?")
    parts = [path]
    for pair in query.split("&")[:20]:
        key, _, value = pair.partition("=")
        if key.strip().lower() in ("to", "cc"):
            parts.append(value)
    out = []
    for part in parts:
        text = unquote(part)
        if "&" in text:
            text = html_mod.unescape(text)
        text = _DOT.sub(".", _AT.sub("@", text))
        for address in re.split(r"[,;]", text)[:20]:
            address = address.strip()
            if "<" in address and address.endswith(">"):  # "Jane Doe <jane@example.com>"
                address = address.rsplit("<", 1)[1][:-1]
            if address:
                out.append(address)
    return out


def _cloudflare(encoded: str) -> str:
    """An address hidden by Cloudflare's e-mail protection: hex bytes XOR-ed with the first one."""
    try:
        data = bytes.fromhex(encoded.strip()[:512])
        return bytes(b ^ data[0] for b in data[1:]).decode("utf-8") if data else ""
    except (ValueError, UnicodeDecodeError):
        return ""


def _scan_text(seen: _Seen, text: str) -> None:
    """Addresses in visible text, read outward from each "@", so long runs without one cost nothing."""
    text = _DOT.sub(".", _AT.sub("@", text))
    at = text.find("@")
    looked = 0
    while at != -1 and looked < MAX_AT_SIGNS and not seen.full:
        looked += 1
        start = at
        while start > 0 and at - start <= 64 and text[start - 1] in _LOCAL_CHARS:
            start -= 1
        domain = _DOMAIN.match(text, at + 1, at + 1 + 253)
        if start < at and at - start <= 64 and domain and domain.end() < at + 1 + 253:
            seen.add(text[start:at].lstrip(".-+%") + "@" + domain.group(), "text")
        at = text.find("@", at + 1)


# --------------------------------------------------------------------------- pages worth reading

_PAGE_RANKS = {"contact": 0, "write": 1, "impressum": 2, "about": 3, "team": 4, "home": 5, "author": 6}
_PATH_WORDS = {
    "contact": r"contact(?:s|-?us|-?me|-?form|ez-?nous|o|enos|anos)?|kontakt(?:formular|-?aufnehmen)?|contatti|"
               r"contato|get-?in-?touch|reach-?us|email-?us",
    "write": r"write-?for-?[\w-]+|guest-?(?:post|posts|posting|blogging|authors?|contributors?)(?:-?guidelines)?|"
             r"contribute|contributors?|contributor-?guidelines|become-?an?-?(?:writer|contributor|author)|"
             r"submissions?|submission-?guidelines|submit-?(?:an?-)?(?:article|post|guest-?post|story)|"
             r"pitch-?us|writers?-?wanted",
    "impressum": r"impressum|imprint|legal-?notice|mentions-?legales|aviso-?legal",
    "about": r"about(?:-?us|-?me)?|uber-?uns|ueber-?uns|über-?uns|a-?propos|à-?propos|qui-?sommes-?nous|"
             r"sobre(?:-?nosotros|-?mi|-?nos)?|quienes-?somos|chi-?siamo|over-?ons|om-?oss",
    "team": r"team|our-?team|the-?team|staff|masthead|people|editors|editorial-?team|authors|writers|"
            r"equipo|redaktion|mitarbeiter",
}
_PATHS = {k: re.compile(v, re.I) for k, v in _PATH_WORDS.items()}
_ANCHORS = {
    "contact": r"contact|kontakt|contacto|contactez|contatti|contato|get in touch|reach us|email us",
    "write": r"write for|guest post|contribute|become an? (?:writer|contributor|author)|"
             r"submit (?:an? )?(?:article|post|guest post)|submissions?|pitch us",
    "impressum": r"impressum|imprint|legal notice|mentions l[ée]gales|aviso legal",
    "about": r"about|über uns|ueber uns|à propos|a propos|qui sommes-nous|sobre|quiénes somos|chi siamo|over ons",
    "team": r"team|our team|the team|staff|masthead|redaktion|our writers|our authors",
}
_ANCHOR_RES = {k: re.compile(rf"^\W*(?:{v})\b", re.I) for k, v in _ANCHORS.items()}
_AUTHOR_SEGMENTS = frozenset({"author", "authors", "writer", "writers", "autor", "autoren", "auteur", "autore"})
_PAGE_EXTENSIONS = re.compile(r"\.(?:html?|php|aspx?|shtml|jsp)$", re.I)


def page_category(url: str, anchor: str = "", rel: str = "") -> str | None:
    """Why a page may carry contacts: contact, write, impressum, about, team, author; None if not."""
    segments = [_PAGE_EXTENSIONS.sub("", s) for s in unquote(urlsplit(url).path).lower().split("/") if s]
    if segments and segments[-1] in ("feed", "rss", "atom", "page"):
        return None
    found = [k for k, pattern in _PATHS.items() if segments and pattern.fullmatch(segments[-1])]
    anchor = " ".join(anchor.split())
    if len(anchor) <= 30:
        found += [k for k, pattern in _ANCHOR_RES.items() if pattern.search(anchor)]
    if any(s in _AUTHOR_SEGMENTS for s in segments[:-1]) or "author" in rel.lower().split():
        found.append("author")
    return min(found, key=_PAGE_RANKS.__getitem__) if found else None


def _page_links(tree: Any, page_url: str) -> list[tuple[str, str]]:
    """(url, category) of the same-site links worth reading, best first, deduplicated."""
    site = domain_of(page_url)
    if not site:
        return []
    base = urljoin(page_url, (tree.xpath("//base/@href") or [page_url])[0])
    here = clean_url(page_url)
    best: dict[str, tuple[int, int, str]] = {}
    for order, a in enumerate(tree.xpath("//a[@href]|//link[@rel and @href]")[:5000]):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:", "data:")):
            continue
        url = urljoin(base, href)
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            continue
        url = clean_url(url)
        if url == here or not same_site(url, site) or not _looks_like_page(url):
            continue
        anchor = a.text_content() if a.tag == "a" else ""
        category = page_category(url, anchor, a.get("rel") or "")
        if category is not None:
            rank = (_PAGE_RANKS[category], order, category)
            best[url] = min(best.get(url, rank), rank)
    ranked = sorted(best.items(), key=lambda item: item[1][:2])
    return [(url, rank[2]) for url, rank in ranked]


def candidate_pages(html: str, page_url: str) -> list[str]:
    """Same-site pages likely to carry contacts, best first (contact, write-for-us, impressum, about,
    team, author), at most MAX_CANDIDATES."""
    try:
        tree = _tree(_clean_html(html))
        return [] if tree is None else [url for url, _ in _page_links(tree, page_url)][:MAX_CANDIDATES]
    except Exception:  # noqa: BLE001 - like extract, total on any page
        return []


# --------------------------------------------------------------------------- a site


def find_contacts(site_url: str, *, client: httpx.Client | None = None, timeout: float = 10.0,
                  delay: float = 1.0, max_pages: int = 8, user_agent: str | None = None) -> list[Contact]:
    """The contacts of a site, best first, from its home page and up to ``max_pages`` more pages.

    Robots.txt is obeyed; a page that fails is skipped; a home page that cannot be read is a
    :class:`ContactError`. An empty list means none was found: nothing is ever guessed.
    """
    from assistant.prospects.crawl import USER_AGENT, make_client

    try:
        start = check_url(site_url)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    agent = user_agent or USER_AGENT
    owns = client is None
    client = client or make_client(timeout=timeout, user_agent=agent)
    try:
        fetcher = Fetcher(client, user_agent=agent, delay=delay, timeout=timeout, max_bytes=MAX_HTML_CHARS)
        return _SiteContacts(start, fetcher, max(max_pages, 0)).run()
    finally:
        if owns:
            client.close()


class _SiteContacts:
    """One site's search: the home page, then its contact, about and author pages."""

    def __init__(self, start: str, fetcher: Fetcher, max_pages: int) -> None:
        self.start = start
        self.fetcher = fetcher
        self.max_pages = max_pages
        self.domain = domain_of(start)
        self.seen: set[str] = set()
        self.found: dict[str, tuple[tuple[int, int, int], Contact]] = {}
        self.sightings = 0

    def run(self) -> list[Contact]:
        html, url = self._home()
        queue = self._read(html, url, "home")
        fetched = 0
        while queue and fetched < self.max_pages:
            url, category = queue.pop(0)
            if url in self.seen:
                continue
            self.seen.add(url)
            if not self.fetcher.allowed(url):
                continue
            fetched += 1
            page = self._fetch(url)
            if page is not None:
                links = self._read(*page, category)
                if category != "author":  # an about page may link the contact page or the authors
                    queued = {u for u, _ in queue}
                    queue += [(u, c) for u, c in links if u not in self.seen and u not in queued]
                    queue.sort(key=lambda item: _PAGE_RANKS[item[1]])  # stable: link order within a rank
        ranked = sorted(self.found.values(), key=lambda item: item[0])
        return [contact for _, contact in ranked]

    def _home(self) -> tuple[str, str]:
        rules = self.fetcher.rules(self.start)
        if rules.unreachable:
            raise ContactError(self.start, f"unreachable ({rules.unreachable})")
        if not rules.allowed(self.start):
            raise ContactError(self.start, rules.note or "robots.txt disallows the home page")
        self.seen.add(self.start)
        got = self.fetcher.get(self.start, site=self.domain)
        why = self._failure(got)
        if why is not None:
            raise ContactError(self.start, f"the home page {why}")
        self.seen.add(got.url)
        return self._decode(got), got.url

    def _fetch(self, url: str) -> tuple[str, str] | None:
        got = self.fetcher.get(url, site=self.domain, seen=self.seen)
        if self._failure(got) is not None:
            return None
        self.seen.add(got.url)
        return self._decode(got), got.url

    @staticmethod
    def _failure(got: Fetch) -> str | None:
        if got.error is not None:
            return f"failed: {got.error}"
        if got.offsite:
            return f"redirects off the site, to {got.url}"
        if got.blocked:
            return f"redirects to {got.url}, which robots.txt disallows"
        if got.seen:
            return "redirects to a page already read"
        if got.status is None or not 200 <= got.status < 300:
            return f"answered HTTP {got.status}"
        if got.skipped_type is not None:
            return f"is not HTML ({got.skipped_type})"
        return None

    @staticmethod
    def _decode(got: Fetch) -> str:
        return _decode(got.body, got.headers)

    def _read(self, html: str, url: str, category: str) -> list[tuple[str, str]]:
        """Keep the page's contacts; return its links worth reading."""
        try:
            tree = _tree(_clean_html(html))
            links = _page_links(tree, url) if tree is not None else []
        except Exception:  # noqa: BLE001 - links are a bonus; the contacts still count
            links = []
        for contact in extract(html, url):
            if category == "author" and not contact.role:
                contact = replace(contact, kind="author")
            self._keep(contact, category)
        return links

    def _keep(self, contact: Contact, category: str) -> None:
        """The best sighting of each address: on-site personal ones from contact pages first, then
        authors, then role addresses, then addresses off the site."""
        if contact.on_site and not contact.role:
            bucket = 1 if contact.kind == "author" else 0
        elif contact.on_site:
            bucket = 2
        else:
            bucket = 3 + contact.role
        self.sightings += 1
        key = (bucket, _PAGE_RANKS[category], self.sightings)
        email = contact.email.lower()
        if email not in self.found or key < self.found[email][0]:
            self.found[email] = (key, contact)
