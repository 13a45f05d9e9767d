"""Loading drafts: Markdown with front matter, HTML, text and stdin, with source line numbers and errors."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest

from assistant import documents
from assistant.errors import DocumentError

MD = """---
title: Meetings, Measured
description: What we learned.
tags: [meetings, remote work]
topic: meeting habits of remote teams
canonical_url: https://example.com/meetings
---

# Meetings, Measured

Teams meet a lot. Dr. Smith measured 3.5 hours a day
in 2025. That is a lot of time.

## Why it matters

- Fewer meetings
- More focus
  1. nested step

> "Cut the status meeting," said Ana.

| Team | Hours |
|---|---|
| A | 5.4 |

![Chart of hours](chart.png) See [the study](https://example.org/study).

```python
print("not prose. Really.")
```

### Details

Final words here.
"""


def test_markdown_front_matter_blocks_and_lines() -> None:
    doc = documents.load("m.md", text=MD)
    assert doc.format == "markdown"
    assert doc.title == "Meetings, Measured" and doc.title_line == 9
    assert doc.keywords == ["meetings", "remote work"] and doc.topic == "meeting habits of remote teams"
    assert doc.canonical_url == "https://example.com/meetings" and doc.description == "What we learned."
    kinds = [(b.kind, b.line) for b in doc.blocks]
    assert ("heading", 14) in kinds and ("quote", 20) in kinds and ("table", 22) in kinds
    assert ("code", 28) in kinds and ("heading", 32) in kinds
    items = [b for b in doc.blocks if b.kind == "list_item"]
    assert [(b.text, b.line, b.level, b.ordered) for b in items] == [
        ("Fewer meetings", 16, 1, False), ("More focus", 17, 1, False), ("nested step", 18, 2, True),
    ]
    table = next(b for b in doc.blocks if b.kind == "table")
    assert table.rows == (("Team", "Hours"), ("A", "5.4"))
    assert [(i.src, i.alt, i.line) for i in doc.images] == [("chart.png", "Chart of hours", 26)]
    assert [(link.url, link.text, link.line) for link in doc.links] == [("https://example.org/study", "the study", 26)]


def test_sentences_keep_their_lines_and_skip_code() -> None:
    doc = documents.load("m.md", text=MD)
    found = [(s.text, s.line) for s in doc.sentences]
    assert found[:3] == [
        ("Teams meet a lot.", 11),
        ("Dr. Smith measured 3.5 hours a day in 2025.", 11),
        ("That is a lot of time.", 12),
    ]
    assert not any("not prose" in s.text for s in doc.sentences)
    assert doc.sentences[-1].text == "Final words here." and doc.sentences[-1].line == 34


def test_sections_and_word_counts() -> None:
    doc = documents.load("m.md", text=MD)
    sections = doc.sections()
    assert [(s.heading, s.line) for s in sections] == [("(introduction)", 9), ("Why it matters", 14)]
    assert [s.heading for s in doc.sections(level=3)][-1] == "Details"
    assert documents.count_words("Don't count 1,214 or 3.5 twice; co-op is one.") == 9
    assert doc.word_count == sum(documents.count_words(b.text) for b in doc.blocks if b.kind in documents.PROSE_KINDS)


def test_title_line_points_at_the_front_matter_key_without_an_h1() -> None:
    doc = documents.load("x.md", text="---\ndescription: d\ntitle: Hello there\n---\nBody text here. More.\n")
    assert doc.title == "Hello there" and doc.title_line == 3


def test_split_sentences_keeps_abbreviations_decimals_and_initials() -> None:
    parts = [s for _, s in documents.split_sentences("Dr. Smith paid $3.5 million, e.g. for J. R. Tolkien. Why? Yes!")]
    assert parts == ["Dr. Smith paid $3.5 million, e.g. for J. R. Tolkien.", "Why?", "Yes!"]


HTML = """<!DOCTYPE html>
<html><head>
<title>Page title</title>
<meta name="description" content="A page.">
<meta name="keywords" content="a, b">
<link rel="canonical" href="https://example.com/p">
</head><body>
<nav><a href="/">Home</a> Menu text that is not prose.</nav>
<article>
<h1>The Heading</h1>
<p>First para. It has <a href="https://src.example/x">a source</a>.</p>
<h2>Part</h2>
<ul><li><p>Item in a paragraph.</p></li><li>Plain item.</li></ul>
<img src="a.png" alt="A chart of sales">
<table><tr><th>K</th><th>V</th></tr><tr><td>x</td><td>1</td></tr></table>
<blockquote>Quoted words here.</blockquote>
</article>
<footer>Copyright text.</footer>
</body></html>
"""


def test_html_blocks_meta_and_lines() -> None:
    doc = documents.load("p.html", text=HTML)
    assert doc.format == "html" and doc.title == "The Heading" and doc.title_line == 10
    assert doc.description == "A page." and doc.keywords == ["a", "b"] and doc.canonical_url == "https://example.com/p"
    assert [(b.kind, b.text, b.line) for b in doc.blocks if b.kind != "table"] == [
        ("heading", "The Heading", 10), ("paragraph", "First para. It has a source.", 11), ("heading", "Part", 12),
        ("list_item", "Item in a paragraph.", 13), ("list_item", "Plain item.", 13), ("quote", "Quoted words here.", 16),
    ]
    assert not any("Menu" in s.text or "Copyright" in s.text for s in doc.sentences)
    assert [(link.url, link.text, link.line) for link in doc.links] == [("https://src.example/x", "a source", 11)]
    assert [(i.alt, i.line) for i in doc.images] == [("A chart of sales", 14)]
    assert next(b for b in doc.blocks if b.kind == "table").rows == (("K", "V"), ("x", "1"))


def test_html_title_falls_back_to_the_title_tag_then_the_file_name() -> None:
    assert documents.load("p.html", text="<title>Tab</title><p>Words here. More words.</p>").title == "Tab"
    assert documents.load("my-page.html", text="<p>Words here. More words.</p>").title == "my page"


def test_plain_text_title_and_list_items() -> None:
    doc = documents.load("n.txt", text="Short Title\n\nA paragraph here. Another one.\n\n- one item\n- two item\n")
    assert doc.title == "Short Title" and doc.format == "text"
    assert [(b.kind, b.line) for b in doc.blocks] == [("heading", 1), ("paragraph", 3), ("list_item", 5), ("list_item", 6)]


def test_stdin_detects_html_and_markdown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"# From stdin\n\nHello there. Bye.\n")))
    doc = documents.load("-")
    assert doc.format == "markdown" and doc.title == "From stdin" and doc.path == "-"
    assert documents.load("-", text="<html><body><p>Hi there. Yes.</p></body></html>").format == "html"


def test_encodings(tmp_path: Path) -> None:
    bom = tmp_path / "bom.md"
    bom.write_bytes(b"\xef\xbb\xbf# T\r\n\r\nWindows line endings. Second.\r\n")
    doc = documents.load(str(bom))
    assert doc.encoding == "utf-8-sig" and doc.sentences[0].line == 3
    utf16 = tmp_path / "u16.md"
    utf16.write_bytes("# T\n\nSixteen bits. Yes.\n".encode("utf-16"))
    assert documents.load(str(utf16)).encoding == "utf-16"
    latin = tmp_path / "latin.md"
    latin.write_bytes("# Café\n\nLe café est très bon. Très.\n".encode("latin-1"))
    assert documents.load(str(latin)).title == "Café"


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        # Windows-1252: curly quotes, an em dash and the euro sign live in 0x80-0x9f.
        ("# Café “notes”\n\nThe café opened in spring — everyone liked the crème brûlée. It cost 5€.\n",
         "cp1252", "cp1252"),
        ("Naïve café. Très bien.\n", "latin-1", "latin-1"),  # short: charset detection alone says cp1006
        ("# Привет\n\nЭто текст о работе. Он простой и понятный для всех читателей.\n", "cp1251", "cp1251"),
        ("Zażółć gęślą jaźń. To jest tekst po polsku, który ma ładne litery.\n", "cp1250", "cp1250"),
    ],
)
def test_legacy_encodings_decode_to_the_original_text(tmp_path: Path, text: str, encoding: str,
                                                      expected: str) -> None:
    path = tmp_path / "legacy.md"
    path.write_bytes(text.encode(encoding))
    doc = documents.load(str(path))
    assert doc.encoding == expected
    assert doc.text.strip().splitlines()[-1] == text.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.md", b"", "empty file"),
        ("blank.md", b" \n\t\n", "empty file"),
        ("bin.md", b"abc\x00def" * 10, "binary file"),
        ("bad.md", bytes(range(0x80, 0x100)) * 20, "not UTF-8"),
        ("draft.pdf", b"%PDF-1.7\x00\x01binary", "unsupported file type .pdf"),
        ("noext", b"Words. More words.", "unsupported file type (no extension)"),
        ("code.md", b"# Title\n\n```\nx = 1\n```\n", "no sentences"),
        ("yaml.md", b"---\ntitle: [oops\n---\nText here.\n", "invalid YAML front matter"),
        ("list.md", b"---\n- a\n---\nText here.\n", "front matter is not a mapping"),
    ],
)
def test_bad_drafts_raise_document_error(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=re.escape(message)) as info:
        documents.load(str(path))
    assert str(info.value).startswith(f"{path}: ") and info.value.exit_code == 2


def test_size_limit_and_missing_paths(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(b"Word. " * 400)
    with pytest.raises(DocumentError, match="too large"):
        documents.load(str(big), max_bytes=1000)
    with pytest.raises(DocumentError, match="no such file"):
        documents.load(str(tmp_path / "missing.md"))
    with pytest.raises(DocumentError, match="is a directory"):
        documents.load(str(tmp_path))


def test_iter_paths_expands_directories(tmp_path: Path) -> None:
    for rel in ("b.md", "a.html", "sub/c.txt", "sub/d.markdown", "skip.csv", ".hidden/e.md", "node_modules/f.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("Words. More.")
    found = [Path(p).relative_to(tmp_path).as_posix() for p in documents.iter_paths([str(tmp_path)])]
    assert found == ["a.html", "b.md", "sub/c.txt", "sub/d.markdown"]
    assert list(documents.iter_paths(["-", "x.md"])) == ["-", "x.md"]


def test_html_sentences_carry_the_line_their_text_is_on() -> None:
    """Text on the line after its tag, and blank lines inside a block or in loose text, keep the
    source's line numbers."""
    page = ("<html><body>\n"            # 1
            "<p>\n"                      # 2
            "  Alpha starts here.\n"     # 3
            "\n"                         # 4
            "  Beta follows it.</p>\n"   # 5
            "<div>\n"                    # 6
            "Gamma is loose text.\n"     # 7
            "\n"                         # 8
            "\n"                         # 9
            "Delta is loose too.\n"      # 10
            "</div></body></html>\n")
    doc = documents.load("p.html", text=page)
    assert [(s.text, s.line) for s in doc.sentences] == [
        ("Alpha starts here.", 3), ("Beta follows it.", 5), ("Gamma is loose text.", 7), ("Delta is loose too.", 10),
    ]


def test_unique_paths_names_each_file_once_in_its_first_spelling(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from assistant.documents import unique_paths

    (tmp_path / "a.md").write_text("# A\n\nText.\n")
    (tmp_path / "b.md").write_text("# B\n\nText.\n")
    monkeypatch.chdir(tmp_path)
    assert unique_paths(["a.md", "./a.md", str(tmp_path / "a.md"), "-", "b.md", "-"]) == ["a.md", "-", "b.md"]
