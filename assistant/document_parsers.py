"""The parsers that turn a draft's text into a Document: Markdown (with YAML front matter), HTML
and plain text, and the assembly they share (sentences, title, front matter fields).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from assistant.document_model import (
    PROSE_KINDS,
    Block,
    Document,
    Image,
    Link,
    Sentence,
    count_words,
    split_sentences,
)
from assistant.errors import DocumentError

# --------------------------------------------------------------------------- shared assembly


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


def _finish(
    path: str, source: str, fmt: str, meta: dict[str, Any], blocks: list[Block],
    links: list[Link], images: list[Image], fallback_title: str | None = None,
    fallback_title_line: int = 1,
) -> Document:
    sentences: list[Sentence] = []
    for index, block in enumerate(blocks):
        if block.kind not in PROSE_KINDS:
            continue
        for offset, sentence in split_sentences(block.text):
            line = block.line + block.text.count("\n", 0, offset)
            clean = " ".join(sentence.split())
            if count_words(clean):
                sentences.append(Sentence(clean, line, index))
    title = str(meta.get("title") or "").strip()
    title_line = 1
    if title:
        title_line = _meta_title_line(source, title, blocks)
    else:
        h1 = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
        if h1:
            title, title_line = h1.text, h1.line
        elif fallback_title:
            title, title_line = fallback_title, fallback_title_line
        else:
            title = Path(path).stem.replace("-", " ").replace("_", " ") if path != "-" else ""
    keywords = _as_list(meta.get("keywords")) or _as_list(meta.get("tags"))
    topic = meta.get("topic")
    canonical = meta.get("canonical_url") or meta.get("canonical") or meta.get("url")
    return Document(
        path=path,
        source=source,
        format=fmt,
        front_matter=meta,
        title=title,
        blocks=blocks,
        links=links,
        images=images,
        sentences=sentences,
        description=str(meta.get("description") or meta.get("summary") or "").strip(),
        keywords=keywords,
        topic=str(topic).strip() if topic else None,
        canonical_url=str(canonical).strip() if canonical else None,
        title_line=title_line,
    )


def _meta_title_line(source: str, title: str, blocks: list[Block]) -> int:
    """Where a front matter / <meta> title shows: its H1 when they match, else its 'title:' line."""
    h1 = next((b for b in blocks if b.kind == "heading" and b.level == 1 and b.text.strip() == title), None)
    if h1 is not None:
        return h1.line
    match = re.search(r"^title\s*:", source, re.M)
    return source.count("\n", 0, match.start()) + 1 if match else 1


# --------------------------------------------------------------------------- markdown

_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


MAX_FRONT_MATTER = 64 * 1024


class _AliasRefused(Exception):
    pass


def _no_alias_loader() -> Any:
    """yaml.SafeLoader refusing aliases: a 402-byte "billion laughs" front matter expanded to 2.2 GB."""
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                raise _AliasRefused
            return super().compose_node(parent, index)

    return NoAliasLoader


def split_front_matter(path: str, text: str) -> tuple[dict[str, Any], str, int]:
    """Return (front matter, body, number of lines before the body)."""
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        return {}, text, 0
    import yaml

    raw = match.group(1) or ""
    if len(raw) > MAX_FRONT_MATTER:
        raise DocumentError(path, f"front matter over {MAX_FRONT_MATTER // 1024} KB; keep it to metadata")
    try:
        meta = yaml.load(raw, Loader=_no_alias_loader()) or {}  # noqa: S506 - a SafeLoader without aliases
    except _AliasRefused:
        raise DocumentError(path, "YAML aliases (&name / *name) are not allowed in front matter") from None
    except RecursionError:
        raise DocumentError(path, "front matter nested too deep") from None
    except (ValueError, OverflowError) as exc:  # an impossible date (2024-02-30) raises from the constructor
        raise DocumentError(path, f"invalid value in front matter: {str(exc)[:120]}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        raise DocumentError(path, f"invalid YAML front matter{where}") from None
    if not isinstance(meta, dict):
        raise DocumentError(path, "front matter is not a mapping of keys to values")
    return meta, text[match.end():], text[: match.end()].count("\n")


def _inline_text(token: Any, offset: int, links: list[Link], images: list[Image], line: int) -> str:
    parts: list[str] = []
    link_stack: list[tuple[str, int]] = []
    current_line = line
    for child in token.children or []:
        if child.type == "text" or child.type == "code_inline":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
            current_line += 1
        elif child.type == "image":
            alt = "".join(c.content for c in child.children or [])
            images.append(Image(str(child.attrGet("src") or ""), alt.strip(), current_line))
        elif child.type == "link_open":
            link_stack.append((str(child.attrGet("href") or ""), len(parts)))
        elif child.type == "link_close" and link_stack:
            href, start = link_stack.pop()
            links.append(Link(href, "".join(parts[start:]).strip(), current_line))
        elif child.type == "html_inline":
            m = re.search(r"<img\b[^>]*>", child.content, re.I)
            if m:
                images.append(_html_img(m.group(0), current_line))
    return "".join(parts)


def _html_img(tag: str, line: int) -> Image:
    src = re.search(r"""src\s*=\s*["']([^"']*)["']""", tag, re.I)
    alt = re.search(r"""alt\s*=\s*["']([^"']*)["']""", tag, re.I)
    return Image(src.group(1) if src else "", alt.group(1).strip() if alt else "", line)


def parse_markdown(path: str, text: str) -> Document:
    from markdown_it import MarkdownIt

    meta, body, offset = split_front_matter(path, text)
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(body)
    blocks: list[Block] = []
    links: list[Link] = []
    images: list[Image] = []
    list_depth = 0
    ordered_stack: list[bool] = []
    quote_depth = 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        start, end = (tok.map[0] + 1 + offset, tok.map[1] + offset) if tok.map else (0, 0)
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
            ordered_stack.append(tok.type == "ordered_list_open")
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            ordered_stack.pop()
        elif tok.type == "blockquote_open":
            quote_depth += 1
        elif tok.type == "blockquote_close":
            quote_depth -= 1
        elif tok.type == "heading_open":
            inline = tokens[i + 1]
            content = _inline_text(inline, offset, links, images, start)
            blocks.append(Block("heading", content.strip(), start, end, level=int(tok.tag[1])))
            i += 2
        elif tok.type == "paragraph_open":
            inline = tokens[i + 1]
            content = _inline_text(inline, offset, links, images, start)
            if content.strip():
                if list_depth:
                    kind = "list_item"
                elif quote_depth:
                    kind = "quote"
                else:
                    kind = "paragraph"
                blocks.append(
                    Block(kind, content.strip("\n "), start, end, level=list_depth,
                          ordered=bool(ordered_stack and ordered_stack[-1]))
                )
            i += 2
        elif tok.type == "table_open":
            rows: list[tuple[str, ...]] = []
            row: list[str] = []
            j = i + 1
            while j < len(tokens) and tokens[j].type != "table_close":
                t = tokens[j]
                if t.type == "tr_open":
                    row = []
                elif t.type == "inline":
                    row.append(_inline_text(t, offset, links, images, start).strip())
                elif t.type == "tr_close":
                    rows.append(tuple(row))
                j += 1
            table_text = "\n".join(" | ".join(r) for r in rows)
            blocks.append(Block("table", table_text, start, end, rows=tuple(rows)))
            i = j
        elif tok.type in ("fence", "code_block"):
            blocks.append(Block("code", tok.content, start, end))
        elif tok.type == "html_block":
            for m in re.finditer(r"<img\b[^>]*>", tok.content, re.I):
                images.append(_html_img(m.group(0), start + tok.content.count("\n", 0, m.start())))
            if re.search(r"<table\b", tok.content, re.I):
                blocks.append(Block("table", re.sub(r"<[^>]+>", " ", tok.content), start, end))
            else:
                blocks.append(Block("html", tok.content, start, end))
        i += 1
    return _finish(path, text, "markdown", meta, blocks, links, images)


# --------------------------------------------------------------------------- HTML

_SKIP_TAGS = {"script", "style", "nav", "footer", "header", "aside", "noscript", "template", "svg", "form"}
_BLOCK_TAGS = {"p": "paragraph", "li": "list_item", "blockquote": "quote", "pre": "code",
               "figcaption": "paragraph", "dd": "paragraph", "dt": "paragraph"}

_DATE_META = {"article:published_time": "date", "article:modified_time": "updated", "og:updated_time": "updated",
              "dcterms.modified": "updated", "last-modified": "updated"}


class _HTMLCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.links: list[Link] = []
        self.images: list[Image] = []
        self.meta: dict[str, Any] = {}
        self.skip = 0
        self.list_stack: list[bool] = []
        self.current: dict[str, Any] | None = None  # the block being collected
        self.link: tuple[str, int, int] | None = None
        self.title_parts: list[str] | None = None
        self.table: dict[str, Any] | None = None
        self.cell: list[str] | None = None
        self.has_body_article = False

    # -- helpers
    def _line(self) -> int:
        return self.getpos()[0]

    def _open(self, kind: str, level: int = 0, ordered: bool = False) -> None:
        self._close()
        self.current = {"kind": kind, "parts": [], "line": self._line(), "level": level, "ordered": ordered}

    def _close(self) -> None:
        cur = self.current
        if cur is None:
            return
        self.current = None
        text = "".join(cur["parts"])
        text = re.sub(r"[ \t\r\f\v]+", " ", text)
        text = re.sub(r" ?\n ?", "\n", text)
        # Every newline is kept, blank lines too: a sentence's line is the block's plus those before it.
        line = cur["line"] + text[: len(text) - len(text.lstrip())].count("\n")
        text = text.strip()
        if text:
            self.blocks.append(
                Block(cur["kind"], text, line, max(line, self._line()), level=cur["level"], ordered=cur["ordered"])
            )

    # -- parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag in _SKIP_TAGS:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "title":
            self.title_parts = []
        elif tag == "meta":
            name = (a.get("name") or a.get("property") or "").lower()
            if name in ("description", "og:description", "keywords", "topic", "author", "date"):
                self.meta.setdefault(name.removeprefix("og:"), a.get("content", ""))
            elif name in _DATE_META:  # the page's dates, as front matter date/updated would give them
                self.meta.setdefault(_DATE_META[name], a.get("content", ""))
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self.meta["canonical_url"] = a.get("href", "")
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._open("heading", level=int(tag[1]))
        elif tag in ("ul", "ol"):
            self._close()
            self.list_stack.append(tag == "ol")
        elif tag in _BLOCK_TAGS:
            kind = _BLOCK_TAGS[tag]
            if self.cell is not None:
                return
            if kind == "list_item":
                self._open(kind, level=len(self.list_stack), ordered=bool(self.list_stack and self.list_stack[-1]))
            elif self.current is None or self.current["kind"] not in ("list_item", "quote"):
                self._open(kind)
        elif tag == "table":
            self._close()
            self.table = {"rows": [], "line": self._line()}
        elif tag == "tr" and self.table is not None:
            self.table["rows"].append([])
        elif tag in ("td", "th") and self.table is not None:
            self.cell = []
        elif tag == "img":
            self.images.append(Image(a.get("src", ""), a.get("alt", "").strip(), self._line()))
        elif tag == "a":
            self.link = (a.get("href", ""), self._line(), self._text_len())
        elif tag == "br":
            self.handle_data("\n")

    def _text_len(self) -> int:
        target = self.cell if self.cell is not None else (self.current["parts"] if self.current else [])
        return len("".join(target))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag == "title" and self.title_parts is not None:
            self.meta.setdefault("html_title", " ".join("".join(self.title_parts).split()))
            self.title_parts = None
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6") or tag in _BLOCK_TAGS:
            if tag in _BLOCK_TAGS and self.cell is not None:
                return
            if self.current and (self.current["kind"] == _BLOCK_TAGS.get(tag) or tag.startswith("h")):
                self._close()
        elif tag in ("ul", "ol") and self.list_stack:
            self._close()
            self.list_stack.pop()
        elif tag in ("td", "th") and self.table is not None and self.cell is not None:
            if self.table["rows"]:
                self.table["rows"][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table" and self.table is not None:
            rows = tuple(tuple(r) for r in self.table["rows"] if r)
            text = "\n".join(" | ".join(r) for r in rows)
            self.blocks.append(Block("table", text, self.table["line"], self._line(), rows=rows))
            self.table = None
        elif tag == "a" and self.link is not None:
            href, line, start = self.link
            target = self.cell if self.cell is not None else (self.current["parts"] if self.current else [])
            self.links.append(Link(href, "".join(target)[start:].strip(), line))
            self.link = None

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.title_parts is not None:
            self.title_parts.append(data)
        elif self.cell is not None:
            self.cell.append(data)
        elif self.current is not None:
            self.current["parts"].append(data)
        elif data.strip() and self.table is None:
            # Loose text directly inside <div>, <section> or <body> is a paragraph of its own.
            self._open("paragraph")
            self.current["parts"].append(data)  # type: ignore[index]

    def close(self) -> None:
        super().close()
        self._close()


def parse_html(path: str, text: str) -> Document:
    collector = _HTMLCollector()
    collector.feed(text)
    collector.close()
    meta = dict(collector.meta)
    html_title = meta.pop("html_title", None)
    return _finish(path, text, "html", meta, collector.blocks, collector.links, collector.images,
                   fallback_title=html_title)


# --------------------------------------------------------------------------- plain text

_URL_RE = re.compile(r"https?://[^\s<>()\"']+[^\s<>()\"'.,;:!?]")


def parse_text(path: str, text: str) -> Document:
    blocks: list[Block] = []
    links: list[Link] = []
    lines = text.split("\n")
    para: list[str] = []
    para_start = 0

    def flush(end: int) -> None:
        if para:
            content = "\n".join(para).strip()
            kind = "list_item" if re.match(r"^\s*(?:[-*•]|\d+[.)])\s+", para[0]) else "paragraph"
            if kind == "list_item":
                for k, item in enumerate(para):
                    stripped = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", item).strip()
                    if stripped:
                        blocks.append(Block("list_item", stripped, para_start + k, para_start + k, level=1))
            else:
                blocks.append(Block("paragraph", content, para_start, end))
            para.clear()

    for n, line in enumerate(lines, start=1):
        for m in _URL_RE.finditer(line):
            links.append(Link(m.group(0), m.group(0), n))
        if not line.strip():
            flush(n - 1)
            continue
        if not para:
            para_start = n
        para.append(line)
    flush(len(lines))
    fallback = None
    if blocks and blocks[0].kind == "paragraph" and "\n" not in blocks[0].text:
        first = blocks[0].text
        if count_words(first) <= 16 and not first.endswith((".", "!", "?")):
            fallback = first
            blocks[0] = Block("heading", first, blocks[0].line, blocks[0].end_line, level=1)
    return _finish(path, text, "text", {}, blocks, links, [], fallback_title=fallback)
