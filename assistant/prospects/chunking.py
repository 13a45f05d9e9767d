"""Site texts cut into chunks the model reads whole.

MiniLM reads at most 256 word pieces of a text and silently drops the rest, so a long resource page
embedded as one text is matched on its first paragraph only. Every text a site has is therefore cut
into chunks: by heading (Markdown ``#``, underlined reStructuredText or setext headings, HTML
``<h1>``-``<h6>``), neighbouring short sections joined up to :data:`CHUNK_WORDS` words, long ones
split into even windows of at most that many. Link addresses, HTML tags and badges are dropped
(their word pieces would crowd out the words), link texts kept. Each chunk keeps the heading it
starts under, for the reasons of a ranking ("section 'HTTP clients' of its description").

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


@dataclass(frozen=True, slots=True)
class Chunk:
    section: str  # the heading the chunk starts under ("" before the first heading)
    text: str

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


def sections(text: str) -> list[tuple[str, list[str]]]:
    """(heading, words) in reading order; the heading's own words start its section."""
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
        if words:
            out[-1][1].extend(words)
    return [(h, w) for h, w in out if w]


def chunk_text(text: str, words: int = CHUNK_WORDS) -> list[Chunk]:
    """The text as chunks of at most ``words`` words, cut at headings where it has them."""
    chunks: list[Chunk] = []
    head, buf = "", []

    def flush() -> None:
        nonlocal buf
        if buf:
            chunks.append(Chunk(head, " ".join(buf)))
        buf = []

    for heading, part in sections(text):
        if len(part) > words:
            flush()
            n = math.ceil(len(part) / words)
            size = math.ceil(len(part) / n)
            for i in range(n):
                chunks.append(Chunk(heading, " ".join(part[i * size : (i + 1) * size])))
            head = heading
        elif len(buf) + len(part) > words:
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
