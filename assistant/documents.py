"""Load a draft once into a Document that every job reads.

Markdown (with YAML front matter), HTML and plain text are parsed into blocks (headings,
paragraphs, list items, quotes, tables, images, code) that keep the 1-based line of the source
file they came from, so every finding can point at its place.

The model is in assistant.document_model, reading and decoding files in
assistant.document_decoding and the parsers in assistant.document_parsers; this module loads a
draft with them and names what callers use (``documents.load``, ``documents.Document``, ...).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from assistant.document_decoding import DEFAULT_MAX_BYTES, read_source
from assistant.document_model import (
    PROSE_KINDS,
    Block,
    Document,
    Image,
    Link,
    Section,
    Sentence,
    count_words,
    split_sentences,
)
from assistant.document_parsers import parse_html, parse_markdown, parse_text
from assistant.errors import DocumentError

__all__ = [  # the model's names are kept here: callers use documents.Document, documents.count_words, ...
    "DEFAULT_MAX_BYTES", "HTML_SUFFIXES", "MARKDOWN_SUFFIXES", "PROSE_KINDS", "SUPPORTED_SUFFIXES",
    "TEXT_SUFFIXES", "Block", "Document", "Image", "Link", "Section", "Sentence", "count_words",
    "detect_format", "is_assist_report", "iter_paths", "load", "split_sentences", "unique_paths",
]

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text"}
SUPPORTED_SUFFIXES = MARKDOWN_SUFFIXES | HTML_SUFFIXES | TEXT_SUFFIXES


def detect_format(path: str, text: str) -> str:
    if path == "-":
        head = text.lstrip()[:500].lower()
        return "html" if head.startswith(("<!doctype html", "<html", "<article", "<body")) else "markdown"
    suffix = Path(path).suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    shown = suffix or "(no extension)"
    raise DocumentError(path, f"unsupported file type {shown}; use .md, .markdown, .html, .htm or .txt")


REPORT_GENERATOR = "assist report"  # <meta name="generator"> of `assist report`'s pages


def is_assist_report(path: str | Path) -> bool:
    """Whether an HTML file is a report `assist report` wrote (its head says so): not a draft."""
    if Path(path).suffix.lower() not in HTML_SUFFIXES:
        return False
    try:
        with open(path, "rb") as f:
            head = f.read(2048)
    except OSError:
        return False
    return f'<meta name="generator" content="{REPORT_GENERATOR}">'.encode() in head


def iter_paths(paths: list[str]) -> Iterator[str]:
    """Expand directories into the drafts inside them (recursively, sorted, hidden dirs skipped,
    and the reports `assist report` left there too: a draft named on its own is always kept)."""
    for path in paths:
        p = Path(path)
        if path != "-" and p.is_dir():
            for child in sorted(p.rglob("*")):
                rel = child.relative_to(p).parts
                if any(part.startswith(".") or part == "node_modules" for part in rel):
                    continue
                if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES and not is_assist_report(child):
                    yield str(child)
        else:
            yield path


def unique_paths(paths: list[str]) -> list[str]:
    """Each file once, first spelling kept: `a.md ./a.md dir/` (dir holding a.md) name a.md once."""
    seen: set[str] = set()
    out: list[str] = []
    for path in paths:
        key = path if path == "-" else os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out


def load(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES, text: str | None = None) -> Document:
    """Read and parse one draft. ``text`` skips reading (the path then only names it)."""
    encoding = "utf-8"
    if text is None:
        if path != "-" and Path(path).is_file():
            detect_format(path, "")  # an unsupported type is named before it is read (a PDF is not "binary")
        text, encoding = read_source(path, max_bytes=max_bytes)
    fmt = detect_format(path, text)
    if fmt == "markdown":
        doc = parse_markdown(path, text)
    elif fmt == "html":
        doc = parse_html(path, text)
    else:
        doc = parse_text(path, text)
    doc.encoding = encoding
    if not doc.sentences:
        raise DocumentError(path, "no sentences to read (only headings, code or markup)")
    return doc
