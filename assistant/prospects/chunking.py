"""Site texts cut into chunks the model reads whole.

MiniLM reads at most 256 word pieces of a text and silently drops the rest, so a long resource page
embedded as one text is matched on its first paragraph only. Every text a site has is therefore cut
into chunks: by heading (Markdown ``#``, underlined reStructuredText or setext headings, HTML
``<h1>``-``<h6>``), neighbouring short sections joined up to :data:`CHUNK_WORDS` words, long ones
split into even windows of at most that many. Link addresses, HTML tags and badges are dropped
from the text (their word pieces would crowd out the words), link texts kept; the words of each link's
path (``github.com/encode/httpx`` -> ``encode httpx``) are kept beside the text, as the chunk's
``terms``, for the lexical match only: what a page links to says what it is about, as its anchors do.
Each chunk keeps the heading it starts under, for the reasons of a ranking ("section 'HTTP clients'
of its description").

A site is matched on at most :data:`MAX_SITE_CHUNKS` chunks (about 60,000 words); an import that
stores a longer text says so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

CHUNK_WORDS = 150  # ~200-230 word pieces for English prose: inside the model's 256
MAX_SITE_CHUNKS = 400

_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
_HTML_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.I | re.S)
_UNDERLINE = re.compile(r"^\s*([=\-~^*+#])\1{2,}\s*$")
_MD_LINK = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\(\s*<?[^)\s>]*>?(?:\s+\"[^\"]*\")?\s*\)")
_REF_LINK = re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$")
_TAG = re.compile(r"<[^>]{0,500}>")
_URL = re.compile(r"\b(?:https?://|www\.)\S+")
_MARKS = re.compile(r"[*_`|>]+|^\s*(?:[-+*]|\d+[.)])\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # and the terminal escapes they start
# a link's address: a Markdown link's target, an HTML href, a bare URL (left to right, no overlaps)
_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]{1,2000})|\bhref\s*=\s*[\"']?([^\"'\s>]{1,2000})"
                          r"|\b((?:https?://|www\.)[^\s)<>\]\"']{1,2000})", re.I)
_PATH_WORD = re.compile(r"[^\W_]+")
MAX_PATH_WORDS = 12  # of one address
_TERM = "\0"  # marks a path word in a section's word list (control characters never reach one)


@dataclass(frozen=True, slots=True)
class Chunk:
    section: str  # the heading the chunk starts under ("" before the first heading)
    text: str
    terms: str = ""  # the path words of the chunk's links, for the lexical match (not embedded)

    @property
    def words(self) -> int:
        return len(self.text.split())


def clean_line(line: str) -> str:
    """A line of Markdown or HTML as plain words: link texts kept; images, addresses, tags and marks dropped."""
    line = _MD_LINK.sub(lambda m: m.group(1) or " ", _CONTROL.sub("", line))
    line = _TAG.sub(" ", line)
    line = _URL.sub(" ", line)
    line = _MARKS.sub(" ", line)
    return " ".join(line.split())


def path_words(line: str) -> list[str]:
    """The words of the paths of a line's link addresses: ``[httpx](https://github.com/encode/httpx)``
    -> ``encode``, ``httpx``. Hosts are left out (``github``, ``com`` say little); at most
    MAX_PATH_WORDS an address."""
    out: list[str] = []
    for m in _LINK_TARGET.finditer(line):
        url = next(g for g in m.groups() if g)
        rest = re.sub(r"^[a-z][a-z0-9+.-]*:(?://)?", "", url, flags=re.I)
        if "://" in url or url.lower().startswith("www.") or m.group(3):
            rest = rest.partition("/")[2]  # drop the host
        out.extend(_PATH_WORD.findall(rest)[:MAX_PATH_WORDS])
    return out


def sections(text: str) -> list[tuple[str, list[str]]]:
    """(heading, words) in reading order; the heading's own words start its section. The path words
    of links (path_words) are in the lists too, each marked with a leading NUL."""
    text = _HTML_HEADING.sub(lambda m: "\n# " + _TAG.sub(" ", m.group(1)).strip() + "\n", text or "")
    out: list[tuple[str, list[str]]] = [("", [])]
    lines = text.splitlines()
    for i, raw in enumerate(lines):
        if _REF_LINK.match(raw) or _UNDERLINE.match(raw):
            continue
        heading = None
        if m := _MD_HEADING.match(raw):
            heading = clean_line(m.group(2))
        elif i + 1 < len(lines) and raw.strip() and _UNDERLINE.match(lines[i + 1]) and len(raw) < 120:
            heading = clean_line(raw)
        if heading is not None:
            out.append((heading[:80], heading.split()))
            continue
        words = clean_line(raw).split()
        words.extend(_TERM + w for w in path_words(raw))
        if words:
            out[-1][1].extend(words)
    return [(h, w) for h, w in out if any(not x.startswith(_TERM) for x in w)]


def _chunk(section: str, words: list[str]) -> Chunk:
    return Chunk(section, " ".join(w for w in words if not w.startswith(_TERM)),
                 " ".join(w[1:] for w in words if w.startswith(_TERM)))


def _count(words: list[str]) -> int:
    return sum(1 for w in words if not w.startswith(_TERM))


def chunk_text(text: str, words: int = CHUNK_WORDS) -> list[Chunk]:
    """The text as chunks of at most ``words`` words, cut at headings where it has them."""
    chunks: list[Chunk] = []
    head, buf = "", []

    def flush() -> None:
        nonlocal buf
        if buf:
            chunks.append(_chunk(head, buf))
        buf = []

    for heading, part in sections(text):
        count = _count(part)
        if count > words:
            flush()
            size = math.ceil(count / math.ceil(count / words))
            window: list[str] = []
            seen = 0
            for w in part:
                if not w.startswith(_TERM):
                    if seen == size:
                        chunks.append(_chunk(heading, window))
                        window, seen = [], 0
                    seen += 1
                window.append(w)
            if window:
                chunks.append(_chunk(heading, window))
            head = heading
        elif _count(buf) + count > words:
            flush()
            head, buf = heading, list(part)
        else:
            if not buf:
                head = heading
            buf.extend(part)
    flush()
    return chunks


def chunk_count(text: str) -> int:
    """How many chunks a text makes, cheaply (for the import's note on capped texts)."""
    return math.ceil(len((text or "").split()) / CHUNK_WORDS)
