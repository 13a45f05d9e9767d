"""Google disavow files: write, check, read and extend them.

The format is Google's (Search Console help, "Disavow links to your site",
https://support.google.com/webmasters/answer/2648487): a UTF-8 or 7-bit ASCII text file, one page
URL or ``domain:host`` per line, ``#`` lines are comments, at most 100,000 lines (blank and comment
lines count) and 2 MB, URLs of at most 2,048 characters, no path prefixes or wildcards.

Decisions where Google is silent or vague:
- "2 MB" is read as 2,000,000 bytes, the stricter reading, so a file that passes here passes there.
- Domains are written lower-case and in ASCII (IDNA, punycode ``xn--`` labels): Google accepts either
  form, and ASCII is what backlink exports show and what a 7-bit file can hold. Hosts are compared
  in that form, so ``domain:bücher.de`` and ``domain:xn--bcher-kva.de`` are the same entry.
- ``domain:example.com`` covers its subdomains; a URL or ``domain:`` line under it is redundant.
- A UTF-8 byte-order mark is a warning, not an error: Google asks for UTF-8, and a BOM may end up
  glued to the first entry. UTF-16 files and bytes that are not UTF-8 are errors.
- Duplicates (after normalisation) and entries a ``domain:`` line covers are warnings: harmless,
  but they waste lines. A URL's key lower-cases its scheme and host, drops a default port and the
  fragment, and keeps its path and query as written.
- Only http and https URLs are entries; anything else, a leading space before ``#``, or a
  ``Domain:`` prefix is an error, as Google documents no such forms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal, NamedTuple
from urllib.parse import urlsplit

from assistant.errors import UsageError

MAX_LINES = 100_000
MAX_BYTES = 2_000_000
MAX_URL_CHARS = 2_048
READ_MARGIN = 64 * 1024  # check_file reads up to MAX_BYTES + this, to point at the line past the limit
HELP_URL = "https://support.google.com/webmasters/answer/2648487"
BOM = "\ufeff"

Kind = Literal["domain", "url"]
Severity = Literal["error", "warning"]

_BREAK = re.compile(r"\r\n|\r|\n")
_BYTE_BREAK = re.compile(rb"\r\n|\r|\n")
_REASON = re.compile(r"# (?:(.*) )?\((\d{4}-\d{2}-\d{2})\)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_NOT_IN_ENTRIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs", "Cs"})
_NOT_IN_REASONS = frozenset({"Cc", "Zl", "Zp", "Cs"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Entry:
    """One line to disavow: a whole ``domain`` (a host) or one page ``url``, with why and when."""

    kind: Kind
    value: str
    reason: str | None = None
    date: str | None = None  # YYYY-MM-DD; render and merge use today when None


@dataclass(frozen=True)
class Problem:
    """Something wrong in a disavow file; line 0 is the file as a whole."""

    line: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.severity}: {self.message}"


class _Line(NamedTuple):
    kind: Kind
    value: str  # as written in the file: the ASCII host of a domain, the URL as given
    key: str  # equal keys are the same entry
    host: str


class _Invalid(ValueError):
    """An entry Google would not accept; the message is for the user."""


def render(entries: Iterable[Entry], *, today: date, own_site: str | None = None) -> str:
    """A new disavow file: a header, then each entry under a ``# reason (date)`` comment.

    Domains come first, then URLs, each sorted; duplicates and entries a domain covers are left out.
    UsageError (one line) for an invalid entry or a file past Google's limits."""
    own = _own_host(own_site)
    header = [f"# Disavow file for Google Search Console, written by assist on {today.isoformat()}.",
              f"# Format: {HELP_URL}"]
    lines = header + [line for entry in _prepare(entries, today, own, set(), set()) for line in _pair(entry)]
    text = "\n".join(lines) + "\n"
    _refuse_past_limits(len(lines), len(text.encode("utf-8")))
    return text


def merge(existing_text: str, new_entries: Iterable[Entry], *, today: date,
          own_site: str | None = None) -> str:
    """The current file, unchanged to the byte, followed by the new entries it lacks, each under its
    reason comment, in the file's own line ending.

    An entry is present when the same key is (see the module docstring) or a ``domain:`` line covers
    its host. Read and write the file as bytes (or with ``newline=""``) to keep its line endings.
    UsageError when the current file has errors or the result would pass Google's limits."""
    errors = [p for p in check(existing_text) if p.severity == "error"]
    if errors:
        raise UsageError(f"the current disavow file has {len(errors):,} error(s); fix them first "
                         f"({errors[0]})")
    lines = _lines(existing_text)
    present = [item for item in map(_try_entry, _lines(existing_text.removeprefix(BOM))) if item is not None]
    keys = {item.key for item in present}
    domains = {item.host for item in present if item.kind == "domain"}
    added = [line for entry in _prepare(new_entries, today, _own_host(own_site), keys, domains)
             for line in _pair(entry)]
    if not added:
        return existing_text
    newline = _newline_of(existing_text)
    ended = not existing_text or existing_text.endswith(("\n", "\r"))
    text = existing_text + ("" if ended else newline) + newline.join(added) + newline
    _refuse_past_limits(len(lines) + len(added), len(text.encode("utf-8")))
    return text


def parse(text: str) -> list[Entry]:
    """The entries of a disavow file, in file order; invalid lines are skipped (``check`` reports them).

    A ``# reason (YYYY-MM-DD)`` comment just above an entry, as assist writes it, becomes its reason
    and date."""
    entries: list[Entry] = []
    previous = ""
    for line in _lines(text.removeprefix(BOM)):
        item = _try_entry(line)
        if item is not None:
            found = _REASON.fullmatch(previous)
            reason, when = (found.group(1), found.group(2)) if found else (None, None)
            entries.append(Entry(item.kind, item.value, reason, when))
        previous = line
    return entries


def check(data: str | bytes, *, own_site: str | None = None) -> list[Problem]:
    """Every problem Google would refuse (errors) or that wastes lines (warnings), by line."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [Problem(1, "error", "the file is UTF-16; save it as UTF-8")]
    problems: list[Problem] = []
    if raw.startswith(BOM.encode("utf-8")):
        problems.append(Problem(1, "warning", "the file starts with a byte-order mark (BOM); "
                                              "save it as UTF-8 without one"))
    scan = _Scan(_own_host(own_site))
    size = count = 0
    for count, (content, ending) in enumerate(_byte_lines(raw), 1):
        size += len(content) + len(ending)
        if size > MAX_BYTES and size - len(content) - len(ending) <= MAX_BYTES:
            problems.append(Problem(count, "error", f"the file is {len(raw):,} bytes; Google's limit is "
                                                    f"2 MB ({MAX_BYTES:,} bytes), passed on this line"))
        try:
            line = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(count, "error", f"not UTF-8 (byte 0x{content[exc.start]:02X} at "
                                                    f"byte {exc.start + 1} of the line); save the file as UTF-8"))
            continue
        problems.extend(scan.line(count, line.removeprefix(BOM) if count == 1 else line))
    if count > MAX_LINES:
        problems.append(Problem(MAX_LINES + 1, "error", f"the file has {count:,} lines; Google's limit is "
                                                        f"{MAX_LINES:,} (blank and comment lines count)"))
    problems.extend(scan.finish())
    return sorted(problems, key=lambda p: p.line)


def check_file(path: str | Path, *, own_site: str | None = None) -> list[Problem]:
    """``check`` of a file on disk; a file far past 2 MB is reported from its size, unread."""
    file = Path(path)
    size = _stat_size(file)
    if size > MAX_BYTES + READ_MARGIN:
        return [_too_big(size)]
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_BYTES + READ_MARGIN + 1)
    except OSError as exc:
        raise UsageError(f"{file}: cannot read the file: {exc.strerror or exc}") from exc
    if len(data) > MAX_BYTES + READ_MARGIN:  # it grew since the stat
        return [_too_big(len(data))]
    return check(data, own_site=own_site)


def read_text(path: str | Path) -> str:
    """A disavow file's text, line endings kept, for ``merge``; UsageError if missing, too big or not UTF-8."""
    file = Path(path)
    size = _stat_size(file)
    if size > MAX_BYTES:
        raise UsageError(f"{file}: {size:,} bytes, already past Google's 2 MB limit ({MAX_BYTES:,} bytes)")
    try:
        data = file.read_bytes()
        return data.decode("utf-8")
    except OSError as exc:
        raise UsageError(f"{file}: cannot read the file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UsageError(f"{file}: not UTF-8 (line {line}); save it as UTF-8") from exc


class _Scan:
    """The per-line checks of ``check``, and the duplicate and coverage checks that need every line."""

    def __init__(self, own: str | None) -> None:
        self.own = own
        self.seen: dict[str, int] = {}
        self.domains: dict[str, int] = {}
        self.entries: list[tuple[int, _Line]] = []

    def line(self, number: int, line: str) -> list[Problem]:
        """The problems of one line."""
        try:
            item = _entry(line)
        except _Invalid as exc:
            return [Problem(number, "error", str(exc))]
        if item is None:
            return []
        problems = []
        if line != line.strip():
            problems.append(Problem(number, "warning", "spaces before or after the entry"))
        if item.key in self.seen:
            return [*problems, Problem(number, "warning", f"duplicate of line {self.seen[item.key]}")]
        self.seen[item.key] = number
        if item.kind == "domain":
            self.domains[item.host] = number
        self.entries.append((number, item))
        return problems

    def finish(self) -> list[Problem]:
        """Entries a domain: line covers, and entries for the user's own site."""
        problems = []
        for number, item in self.entries:
            parent = _covering(item, self.domains)
            if parent is not None:
                problems.append(Problem(number, "warning", f"already covered by domain:{parent} "
                                                           f"on line {self.domains[parent]}"))
            if self.own and _touches(item, self.own):
                problems.append(Problem(number, "warning", f"disavows links from your own site ({self.own})"))
        return problems


def _entry(line: str) -> _Line | None:
    """The entry on a line; None for a blank or comment line; _Invalid if Google would not accept it."""
    value = line.strip()
    if not value or line.startswith("#"):
        return None
    if value.startswith("#"):
        raise _Invalid("a comment must start with # at the very beginning of the line")
    _refuse_bad_characters(value)
    if value.startswith("domain:"):
        host = _domain(value.removeprefix("domain:"))
        return _Line("domain", host, f"domain:{host}", host)
    if value[:7].lower() == "domain:":
        raise _Invalid(f"write the prefix in lower case: domain:{value[7:]}")
    key, host = _url(value)
    return _Line("url", value, key, host)


def _try_entry(line: str) -> _Line | None:
    try:
        return _entry(line)
    except _Invalid:
        return None


def _domain(raw: str) -> str:
    """The lower-case ASCII host of a ``domain:`` entry."""
    if not raw:
        raise _Invalid("empty domain: write domain:example.com")
    if "://" in raw or raw.lower().startswith(("http:", "https:")):
        raise _Invalid("domain: takes a host without a scheme, such as domain:example.com")
    if "*" in raw:
        raise _Invalid("wildcards are not supported; domain:example.com already covers its subdomains")
    if any(mark in raw for mark in "/?#"):
        raise _Invalid("domain: takes a host, not a path (Google does not support path prefixes)")
    if ":" in raw:
        raise _Invalid("domain: takes a host without a port")
    host = _host(raw)
    if host is None or "." not in host:
        raise _Invalid(f"not a domain name: {_short(raw)}")
    return host


def _url(raw: str) -> tuple[str, str]:
    """The key and host of a URL entry."""
    if len(raw) > MAX_URL_CHARS:
        raise _Invalid(f"the URL is {len(raw):,} characters; Google's limit is {MAX_URL_CHARS:,}")
    scheme, sep, _ = raw.partition("://")
    if not sep:
        raise _Invalid("not a URL: write the full URL of one page (https://...) or domain:host for a "
                       "whole site; path prefixes are not supported")
    if scheme.lower() not in _DEFAULT_PORTS:
        raise _Invalid(f"only http:// and https:// URLs can be disavowed, not {_short(scheme + '://')}")
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise _Invalid(f"not a valid URL ({exc})") from exc
    if "*" in parts.netloc or "*" in parts.path:
        raise _Invalid("wildcards are not supported; list each page, or use domain:host for a whole site")
    host = _host(parts.hostname or "")
    if host is None or "." not in host:
        raise _Invalid(f"the URL has no valid host: {_short(raw)}")
    scheme = scheme.lower()
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = f"?{parts.query}" if parts.query else ""
    return f"{scheme}://{netloc}{parts.path or '/'}{query}", host


def _host(raw: str) -> str | None:
    """A host name in lower-case ASCII (non-ASCII labels in punycode), or None if it is not one."""
    host = raw.lower()
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in host.split(".")):
        return None
    return host


def _refuse_bad_characters(value: str) -> None:
    if value.isascii() and value.isprintable() and " " not in value:
        return
    for column, char in enumerate(value, 1):
        if unicodedata.category(char) in _NOT_IN_ENTRIES:
            what = "a space" if char == " " else f"character U+{ord(char):04X}"
            raise _Invalid(f"{what} inside the entry (column {column}); write one URL or domain:host per line")


def _covering(item: _Line, domains: dict[str, int] | set[str]) -> str | None:
    """The domain: host that already covers an entry (a parent domain for a domain entry)."""
    labels = item.host.split(".")
    start = 1 if item.kind == "domain" else 0
    for i in range(start, len(labels)):
        suffix = ".".join(labels[i:])
        if suffix in domains:
            return suffix
    return None


def _touches(item: _Line, own: str) -> bool:
    """Does the entry disavow links on the user's own site (a page of it, or a domain holding it)?"""
    inside = item.host == own or item.host.endswith(f".{own}")
    holds = item.kind == "domain" and own.endswith(f".{item.host}")
    return inside or holds


def _own_host(site: str | None) -> str | None:
    """The user's site as a host without "www.", from a URL or a host."""
    if not site or not site.strip():
        return None
    value = site.strip()
    try:
        host = _host(urlsplit(value if "://" in value else f"//{value}").hostname or "")
    except ValueError:
        host = None
    if host is None:
        raise UsageError(f"not a site URL or host: {_short(value)}")
    return host.removeprefix("www.")


def _prepare(entries: Iterable[Entry], today: date, own: str | None, keys: set[str],
             domains: set[str]) -> list[Entry]:
    """Valid, normalised entries in file order, without those present (``keys``) or covered (``domains``)."""
    ready = sorted((_valid(entry, today, own) for entry in entries),
                   key=lambda pair: (pair[1].kind != "domain", pair[1].key, pair[1].value,
                                     pair[0].reason or "", pair[0].date))
    covering = domains | {item.host for _, item in ready if item.kind == "domain"}
    taken = set(keys)
    out = []
    for entry, item in ready:
        if item.key not in taken and _covering(item, covering) is None:
            taken.add(item.key)
            out.append(entry)
    return out


def _valid(entry: Entry, today: date, own: str | None) -> tuple[Entry, _Line]:
    """The entry normalised (ASCII host, stripped URL, one-line reason, a date), or UsageError."""
    if entry.kind not in ("domain", "url"):
        raise UsageError(f"disavow entry kind must be 'domain' or 'url', not {_short(str(entry.kind))}")
    value = entry.value.strip()
    if entry.kind == "domain":
        value = f"domain:{value.removeprefix('domain:')}"
    try:
        item = _entry(value)
        if item is None or item.kind != entry.kind:
            raise _Invalid(f"not a {entry.kind} entry")
    except _Invalid as exc:
        raise UsageError(f"disavow entry {_short(entry.value)}: {exc}") from exc
    if own and _touches(item, own):
        raise UsageError(f"disavow entry {_short(entry.value)} would disavow links from your own site ({own})")
    when = entry.date or today.isoformat()
    if not _DATE.fullmatch(when) or not _is_date(when):
        raise UsageError(f"disavow entry {_short(entry.value)}: date must be YYYY-MM-DD, not {_short(when)}")
    return Entry(item.kind, item.value, _one_line(entry.reason), when), item


def _pair(entry: Entry) -> tuple[str, str]:
    """The comment and entry lines of one entry."""
    comment = f"# {entry.reason} ({entry.date})" if entry.reason else f"# ({entry.date})"
    return comment, f"domain:{entry.value}" if entry.kind == "domain" else entry.value


def _one_line(reason: str | None) -> str | None:
    """A reason with control characters and line breaks as spaces, runs of spaces collapsed."""
    if reason is None:
        return None
    text = "".join(" " if unicodedata.category(c) in _NOT_IN_REASONS else c for c in reason)
    return " ".join(text.split()) or None


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _lines(text: str) -> list[str]:
    """The lines of a text as Google counts them (CRLF, CR or LF ends a line; a final one adds none)."""
    parts = _BREAK.split(text)
    return parts[:-1] if parts[-1] == "" else parts


def _byte_lines(raw: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(content, line ending) pairs, split as ``_lines`` splits text."""
    start = 0
    for found in _BYTE_BREAK.finditer(raw):
        yield raw[start:found.start()], found.group()
        start = found.end()
    if start < len(raw):
        yield raw[start:], b""


def _newline_of(text: str) -> str:
    found = _BREAK.search(text)
    return found.group() if found else "\n"


def _refuse_past_limits(lines: int, size: int) -> None:
    if lines > MAX_LINES:
        raise UsageError(f"the disavow file would have {lines:,} lines; Google's limit is {MAX_LINES:,} "
                         "(blank and comment lines count)")
    if size > MAX_BYTES:
        raise UsageError(f"the disavow file would be {size:,} bytes; Google's limit is 2 MB ({MAX_BYTES:,} bytes)")


def _stat_size(file: Path) -> int:
    try:
        if file.is_dir():
            raise UsageError(f"{file}: is a directory, not a disavow file")
        return file.stat().st_size
    except FileNotFoundError as exc:
        raise UsageError(f"{file}: no such file") from exc
    except OSError as exc:
        raise UsageError(f"{file}: cannot read the file: {exc.strerror or exc}") from exc


def _too_big(size: int) -> Problem:
    return Problem(0, "error", f"the file is {size:,} bytes; Google's limit is 2 MB ({MAX_BYTES:,} bytes)")


def _short(text: str, limit: int = 60) -> str:
    """A value for a one-line message: quoted, escaped, cut to ``limit`` characters."""
    return repr(text if len(text) <= limit else text[:limit] + "...")
