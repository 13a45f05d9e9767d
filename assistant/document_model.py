"""The Document model: a parsed draft's blocks (with their source lines), sentences, links, images
and sections, and the word counting and sentence splitting they are built with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

PROSE_KINDS = {"paragraph", "list_item", "quote"}

# A number with its separators ("1,214", "3.5") is one word; so are "don't" and "co-op".
_WORD_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+(?:['’\-][^\W_]+)*")
_ABBREVIATIONS = {
    "e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "prof", "inc", "ltd", "jr", "sr", "st",
    "fig", "no", "vol", "approx", "u.s", "u.k", "al", "cf", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "p", "pp", "ed", "est",
}
_SENTENCE_END_RE = re.compile(r"([.!?…]+[\"'”’)\]]*)(\s+)(?=[\"'“‘(\[]?[A-Z0-9¿¡])"
                              r"|([。！？]+[」』”’）)]*)(\s*)")  # CJK full stops end a sentence, spaces or not


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    line: int


@dataclass(frozen=True)
class Image:
    src: str
    alt: str
    line: int


@dataclass(frozen=True)
class Block:
    kind: str  # heading | paragraph | list_item | quote | table | code | html
    text: str
    line: int
    end_line: int
    level: int = 0  # heading level, or list nesting depth
    ordered: bool = False  # list items only
    rows: tuple[tuple[str, ...], ...] = ()  # tables only


@dataclass(frozen=True)
class Sentence:
    text: str
    line: int
    block: int  # index into Document.blocks


@dataclass
class Section:
    heading: str
    level: int
    line: int
    end_line: int
    blocks: list[Block]
    sentences: list[Sentence]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @property
    def word_count(self) -> int:
        return sum(count_words(s.text) for s in self.sentences)


@dataclass
class Document:
    path: str
    source: str
    format: str  # markdown | html | text
    front_matter: dict[str, Any]
    title: str
    blocks: list[Block]
    links: list[Link]
    images: list[Image]
    sentences: list[Sentence] = field(default_factory=list)
    description: str = ""
    keywords: list[str] = field(default_factory=list)
    topic: str | None = None
    canonical_url: str | None = None
    title_line: int = 1
    encoding: str = "utf-8"

    @property
    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "heading"]

    @property
    def text(self) -> str:
        """The prose of the body (no code, no tables), one sentence after another."""
        return " ".join(s.text for s in self.sentences)

    @property
    def word_count(self) -> int:
        return sum(count_words(b.text) for b in self.blocks if b.kind in PROSE_KINDS)

    def sections(self, level: int = 2) -> list[Section]:
        """Split at headings of ``level`` or higher (the H1 title does not start a section)."""
        starts: list[tuple[int, Block | None]] = [(0, None)]
        for i, block in enumerate(self.blocks):
            if block.kind == "heading" and 1 < block.level <= level:
                starts.append((i, block))
            elif block.kind == "heading" and block.level == 1 and i > 0 and level >= 1:
                if any(b.kind == "heading" and b.level == 1 for b in self.blocks[:i]):
                    starts.append((i, block))
        out: list[Section] = []
        for n, (start, heading) in enumerate(starts):
            end = starts[n + 1][0] if n + 1 < len(starts) else len(self.blocks)
            blocks = self.blocks[start:end]
            indexes = set(range(start, end))
            sentences = [s for s in self.sentences if s.block in indexes]
            if heading is None and not sentences:
                continue
            first_line = heading.line if heading else (blocks[0].line if blocks else 1)
            last_line = blocks[-1].end_line if blocks else first_line
            out.append(
                Section(
                    heading=heading.text if heading else "(introduction)",
                    level=heading.level if heading else 0,
                    line=first_line,
                    end_line=last_line,
                    blocks=blocks,
                    sentences=sentences,
                )
            )
        return out


def count_words(text: str) -> int:
    return len(_WORD_RE.findall(text))


def split_sentences(text: str) -> list[tuple[int, str]]:
    """Split prose into (offset, sentence) pairs; keeps abbreviations and decimals together."""
    out: list[tuple[int, str]] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        cjk = match.group(1) is None
        end = match.end(3) if cjk else match.end(1)
        candidate = text[start:end]
        last_word = None if cjk else re.search(r"([\w.]+)[.]+[\"'”’)\]]*$", candidate)
        if last_word and last_word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
            continue
        if last_word and re.fullmatch(r"[A-Z]", last_word.group(1)):
            continue  # an initial, as in "J. Smith"
        if candidate.strip():
            out.append((start + len(candidate) - len(candidate.lstrip()), candidate.strip()))
        start = match.end(4) if cjk else match.end(2)
    rest = text[start:]
    if rest.strip():
        out.append((start + len(rest) - len(rest.lstrip()), rest.strip()))
    return out
