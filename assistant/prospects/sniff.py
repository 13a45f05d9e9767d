"""Reading an import file: its encoding, its header, which format it is, and the records an import
reports (its result, its malformed rows). A leaf of the import modules: ``imports`` (backlink
exports, and the entry point) and ``catalog`` (site catalogs) both read files through it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from assistant.errors import ImportDataError

FORMATS = ("auto", "catalog", "ahrefs", "semrush", "majestic", "gsc", "plain")
SAMPLE_BYTES = 1 << 16
MAX_BAD_SAMPLES = 5
# A record spanning more lines than this, or more than one line and this many characters, is a
# quoted field a stray quote left open (a real multi-line anchor or title is a line or two).
MAX_RECORD_LINES = 5
MAX_RECORD_CHARS = 8192

# Canonical field -> header names (normalised: lower case, "_" as space) per backlink format.
COLUMN_MAP: dict[str, dict[str, tuple[str, ...]]] = {
    "ahrefs": {
        "source_url": ("referring page url",),
        "target_url": ("target url",),
        "anchor": ("anchor", "anchor text"),
        "source_title": ("referring page title",),
        "authority": ("domain rating", "dr"),
        "nofollow": ("nofollow",),
        "ugc": ("ugc",),
        "sponsored": ("sponsored",),
        "first_seen": ("first seen",),
        "last_seen": ("last seen", "last check"),
    },
    "semrush": {
        "source_url": ("source url",),
        "target_url": ("target url",),
        "anchor": ("anchor",),
        "source_title": ("source title",),
        "authority": ("page ascore", "domain ascore"),
        "nofollow": ("nofollow",),
        "ugc": ("ugc",),
        "sponsored": ("sponsored",),
        "first_seen": ("first seen",),
        "last_seen": ("last seen",),
    },
    "majestic": {
        "source_url": ("sourceurl",),
        "target_url": ("targeturl",),
        "anchor": ("anchortext",),
        "source_title": ("sourcetitle",),
        "authority": ("sourcetrustflow",),
        "nofollow": ("flagnofollow",),
        "first_seen": ("firstindexeddate",),
        "last_seen": ("lastseendate",),
    },
    "plain": {
        "source_url": ("source url", "source", "from"),
        "target_url": ("target url", "target", "to"),
        "anchor": ("anchor", "anchor text"),
        "source_title": ("source title", "title"),
        "nofollow": ("nofollow",),
    },
    "gsc_pages": {"source_url": ("linking page",), "last_seen": ("last crawled",)},
    "gsc_sites": {"source_domain": ("site",), "linking_pages": ("linking pages",)},
}


@dataclass
class BadRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ImportResult:
    """What an import did: counts, the detected format and encoding, and the first bad rows."""

    path: str
    format: str
    encoding: str
    delimiter: str | None
    rows_ok: int = 0
    rows_bad: int = 0
    bad: list[BadRow] = field(default_factory=list)
    links_new: int = 0
    sites_new: int = 0
    pages: int = 0
    import_id: int | None = None
    items_skipped: int = 0  # pages or links inside good catalog rows that could not be stored
    skipped: list[BadRow] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)  # input rows that resolved to one site, named
    capped: list[str] = field(default_factory=list)  # texts longer than ranking matches, named

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k not in ("bad", "skipped")}
        data["bad"] = [{"line": b.line, "reason": b.reason} for b in self.bad]
        data["skipped"] = [{"line": b.line, "reason": b.reason} for b in self.skipped]
        return data


@dataclass
class Sniff:
    encoding: str  # utf-8 | utf-8-sig | utf-16-le | utf-16-be | cp1252
    text: str  # the decoded start of the file
    delimiter: str | None
    header: list[str]
    jsonl: bool


# ---------------------------------------------------------------- detection


def norm_header(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").strip().strip('"').lower().replace("_", " ").split())


def detect_encoding(head: bytes, path: str) -> str:
    """BOM, then UTF-16 without BOM (NUL bytes in alternate places), then UTF-8, then Windows-1252."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ImportDataError(f"{path}: a spreadsheet or archive, not CSV; export or save it as CSV")
    sample = head[:4096]
    if sample and sample.count(b"\x00") * 4 >= len(sample):
        odd, even = sample[1::2].count(b"\x00"), sample[0::2].count(b"\x00")
        # UTF-16 text: the NULs are the high bytes of ASCII characters, all on one side. A database,
        # an image or other binary file has them on both sides.
        if min(odd, even) * 10 <= max(odd, even):
            return "utf-16-le" if odd >= even else "utf-16-be"
        raise ImportDataError(f"{path}: binary data, not a text export")
    if b"\x00" in sample:
        raise ImportDataError(f"{path}: binary data, not a text export")
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4 and len(head) >= SAMPLE_BYTES:
            return "utf-8"  # a character cut at the end of the sample
    try:
        head.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportDataError(
            f"{path}: cannot decode the file: not UTF-8, UTF-16 or Windows-1252; re-save it as UTF-8"
        ) from None
    return "cp1252"


def _decode_head(head: bytes, encoding: str) -> str:
    # Drop a possibly cut last character of the sample.
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)


def sniff(path: Path) -> Sniff:
    try:
        with path.open("rb") as fh:
            head = fh.read(SAMPLE_BYTES)
    except FileNotFoundError:
        raise ImportDataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportDataError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise ImportDataError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not head.strip():
        raise ImportDataError(f"{path}: empty file")
    if head[:2] == b"\x1f\x8b":
        raise ImportDataError(f"{path}: a gzip-compressed file; decompress it first (gunzip {path.name})")
    encoding = detect_encoding(head, str(path))
    text = _decode_head(head, encoding).lstrip("\ufeff")
    if not text.strip():
        raise ImportDataError(f"{path}: empty file")
    first = text.lstrip()[:1]
    if first in ("{", "["):
        return Sniff(encoding, text, None, [], True)
    line = text.splitlines()[0] if text.splitlines() else ""
    counts = {d: line.count(d) for d in ("\t", ",", ";", "|")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = ","
    header = next(csv.reader([line], delimiter=delimiter), [])
    return Sniff(encoding, text, delimiter, header, False)


def detect_format(header: list[str]) -> str | None:
    """The export format a header belongs to, or None."""
    names = {norm_header(h) for h in header}
    if "referring page url" in names:
        return "ahrefs"
    if "source url" in names and "target url" in names and names & {"page ascore", "source title", "sitewide"}:
        return "semrush"
    if "sourceurl" in names and "targeturl" in names:
        return "majestic"
    if "linking page" in names or ("site" in names and "linking pages" in names):
        return "gsc"
    if names & {"source url", "source", "from"} and names & {"target url", "target", "to"}:
        return "plain"
    if names & {"url", "domain", "website", "site"}:
        return "catalog"
    return None


def _columns(header: list[str], fmt: str) -> dict[str, int]:
    """Canonical field -> column index for a backlink format."""
    names = [norm_header(h) for h in header]
    found: dict[str, int] = {}
    for canon, aliases in COLUMN_MAP[fmt].items():
        for alias in aliases:
            if alias in names:
                found[canon] = names.index(alias)
                break
    return found


def parse_number(text: Any, *, decimal_comma: bool = False) -> float:
    """A number as a spreadsheet exports it: "1,234" (thousands), "45,5" (a decimal comma).

    ``decimal_comma``: the file is semicolon-separated, as a spreadsheet set to a language that
    writes 45,5 saves it; there every comma is the decimal one ("1.234,5" is 1234.5). Elsewhere a
    comma followed by one or two digits is decimal and any other comma separates thousands.
    Raises ValueError when it is not a number.
    """
    value = str(text).strip().replace(" ", "").replace("\u00a0", "")
    if decimal_comma and "," in value:
        value = value.replace(".", "").replace(",", ".")
    elif not decimal_comma and re.fullmatch(r"\d+,\d{1,2}", value):
        value = value.replace(",", ".")
    else:
        value = value.replace(",", "")
    return float(value)


def read_text(file: Path, encoding: str) -> str:
    """The whole file decoded (catalogs are small)."""
    data = file.read_bytes()
    try:
        return data.decode("utf-16" if encoding.startswith("utf-16") and data[:2] in (
            codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else encoding).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportDataError(f"{file}: line {line}: invalid {encoding} text; re-save the file as UTF-8") from None


def text_stream(text: str) -> io.StringIO:
    return io.StringIO(text, newline="")


# ---------------------------------------------------------------- records


class Record(NamedTuple):
    line: int  # its first line
    end: int  # its last line
    row: list[str]  # empty when malformed
    problem: str | None


class _Runaway(Exception):
    """A quoted field that does not close where a real one would."""


def csv_records(lines: Iterable[str], delimiter: str, *, max_lines: int = MAX_RECORD_LINES,
                max_chars: int = MAX_RECORD_CHARS) -> Iterator[Record]:
    """The records of CSV lines (read with ``newline=""``), the header first, blank ones left out.

    A stray quote opens a field that swallows the rows after it. A record longer than ``max_lines``
    lines, or than one line and ``max_chars`` characters, or still open at the end of the file, is
    malformed at its first line, and the lines after that one are read again: no row is lost.
    """
    source = enumerate(lines, start=1)
    again: deque[tuple[int, str]] = deque()
    taken: list[tuple[int, str]] = []

    def feed() -> Iterator[str]:
        while True:
            item = again.popleft() if again else next(source, None)
            if item is None:
                if taken:
                    raise _Runaway("a quoted field runs to the end of the file")
                return
            taken.append(item)
            if len(taken) > max_lines:
                raise _Runaway(f"a quoted field runs over more than {max_lines} lines")
            if len(taken) > 1 and sum(len(text) for _, text in taken) > max_chars:
                raise _Runaway(f"a quoted field runs over {len(taken)} lines and {max_chars:,} characters")
            yield item[1]

    while True:
        try:
            for row in csv.reader(feed(), delimiter=delimiter, strict=False):
                first, last = taken[0][0], taken[-1][0]
                taken.clear()
                if row:
                    yield Record(first, last, row, None)
            return
        except (_Runaway, csv.Error) as exc:
            problem = f"{exc} (a stray quote?)" if isinstance(exc, _Runaway) else f"unreadable CSV row: {exc}"
            yield Record(taken[0][0], taken[0][0], [], problem)
            again.extendleft(reversed(taken[1:]))
            taken.clear()
