"""Catalogs of sites (CSV or JSONL): url or domain, name, description, topics, authority, contact.

A JSONL entry may also carry ``pages`` (objects with url, title, text, kind) and ``links``
(URLs its pages link to, or objects with source, target, anchor), so a catalog can stand in for a
crawl when the writer already has the data.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.errors import ImportDataError
from assistant.prospects import identity, store
from assistant.prospects.sniff import (
    MAX_BAD_SAMPLES,
    BadRow,
    ImportResult,
    Record,
    Sniff,
    csv_records,
    norm_header,
    parse_number,
    read_text,
    text_stream,
)
from assistant.sql import transaction

ALIASES = {
    "url": ("url", "website", "homepage", "site url"),
    "domain": ("domain", "site", "host"),
    "name": ("name", "title", "site name"),
    "description": ("description", "about", "summary"),
    "topics": ("topics", "topic", "tags", "categories", "category"),
    "authority": ("authority", "dr", "da", "domain rating", "domain authority", "ascore"),
    "contact": ("contact", "email", "contact email", "contact url"),
    "pages": ("pages",),
    "links": ("links",),
}


def _canonical(entry: dict[str, Any]) -> dict[str, Any]:
    lowered = {norm_header(str(k)): v for k, v in entry.items()}
    out: dict[str, Any] = {}
    for canon, names in ALIASES.items():
        for name in names:
            if name in lowered and lowered[name] not in (None, ""):
                out[canon] = lowered[name]
                break
    return out


# A catalog row spanning more lines or characters than this is a runaway quoted field (its
# description may hold a few paragraphs).
MAX_ROW_LINES = 50
MAX_ROW_CHARS = 1 << 17
TEXT_FIELDS = ("url", "domain", "name", "description", "contact")


def _entries(file: Path, sn: Sniff) -> list[tuple[int, dict[str, Any] | str]]:
    """(line, entry) pairs; an entry is a str when the line itself is malformed."""
    text = read_text(file, sn.encoding)
    if sn.jsonl:
        stripped = text.lstrip()
        if stripped.startswith("["):
            try:
                return list(_array_items(stripped))
            except json.JSONDecodeError as exc:
                raise ImportDataError(f"{file}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
        rows: list[tuple[int, dict[str, Any] | str]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                rows.append((number, f"invalid JSON: {exc.msg}"))
                continue
            except RecursionError:  # 100,000 nested arrays
                rows.append((number, "JSON nested too deep"))
                continue
            rows.append((number, item if isinstance(item, dict) else "not a JSON object"))
        return rows
    records = csv_records(text_stream(text), sn.delimiter or ",", max_lines=MAX_ROW_LINES, max_chars=MAX_ROW_CHARS)
    header = next(records, Record(1, 1, [], None)).row
    out: list[tuple[int, dict[str, Any] | str]] = []
    for rec in records:
        if rec.problem:  # a stray quote or an oversized field: that row, never the rows after it
            out.append((rec.line, rec.problem))
        elif not any(cell.strip() for cell in rec.row):
            continue
        elif len(rec.row) != len(header):
            out.append((rec.line, f"expected {len(header)} columns, found {len(rec.row)}"))
        else:
            out.append((rec.line, dict(zip(header, rec.row, strict=True))))
    return out


def _array_items(text: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(number from 1, entry) of each item of a JSON array, read one item at a time: an item nested
    too deep for Python's recursion limit is that row's problem, not the whole file's (as in JSONL)."""
    decoder = json.JSONDecoder()
    pos, number = _skip_space(text, 1), 0
    more = not text.startswith("]", pos)  # "[]" has no items
    while more:
        number += 1
        try:
            item, pos = decoder.raw_decode(text, pos)
        except RecursionError:  # 100,000 nested arrays
            yield number, "JSON nested too deep"
            pos = _value_end(text, pos)
        else:
            yield number, item if isinstance(item, dict) else "not an object"
        pos = _skip_space(text, pos)
        more = text.startswith(",", pos)
        if more:
            pos = _skip_space(text, pos + 1)
    if not text.startswith("]", pos):
        raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
    if _skip_space(text, pos + 1) < len(text):
        raise json.JSONDecodeError("Extra data", text, _skip_space(text, pos + 1))


_SPACE = re.compile(r"[ \t\n\r]*")


def _skip_space(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    return match.end() if match else pos


_BRACKET_OR_QUOTE = re.compile(r'[\[\]{}"]')


def _value_end(text: str, pos: int) -> int:
    """Where the array or object starting at ``pos`` ends, found without recursion."""
    depth = 0
    while match := _BRACKET_OR_QUOTE.search(text, pos):
        pos = match.end()
        if match.group() == '"':
            pos = json.decoder.scanstring(text, pos)[1]  # type: ignore[attr-defined]
            continue
        depth += 1 if match.group() in "[{" else -1
        if depth == 0:
            return pos
    raise json.JSONDecodeError("Unterminated array or object", text, len(text))


def _validate(entry: dict[str, Any], decimal_comma: bool = False) -> tuple[dict[str, Any] | None, str | None]:
    """Site fields ready for upsert_site, or the reason the entry is malformed."""
    data = _canonical(entry)
    for key in TEXT_FIELDS:  # JSONL can hold anything where text is expected
        if key in data and not isinstance(data[key], str | int | float):
            return None, f"{key} must be text, not {type(data[key]).__name__}"
    url = str(data.get("url", "")).strip() or None
    domain_raw = str(data.get("domain", "")).strip() or None
    if not url and not domain_raw:
        return None, "no url or domain"
    if url and "://" not in url:
        return None, f"URL without scheme (expected http:// or https://): {url[:80]}"
    if url and not url.lower().startswith(("http://", "https://")):
        return None, f"not an http(s) URL: {url[:80]}"
    try:
        domain = store.normalize_domain(url or domain_raw or "")
    except store.InvalidURL as exc:
        return None, str(exc)
    authority = data.get("authority")
    if authority is not None:
        try:
            authority = parse_number(authority, decimal_comma=decimal_comma)
        except ValueError:
            return None, f"authority is not a number: {str(authority)[:40]}"
        if not 0 <= authority <= 100:
            return None, f"authority must be 0-100, got {authority:g}"
    topics = data.get("topics")
    if isinstance(topics, str):
        topics = [t.strip() for t in topics.replace(";", ",").replace("|", ",").split(",")]
    fields = {
        "domain": domain,
        "url": url or f"https://{domain}/",
        "name": data.get("name"),
        "description": data.get("description"),
        "topics": topics,
        "authority": authority,
        "contact": data.get("contact"),
        "pages": data.get("pages") or [],
        "links": data.get("links") or [],
    }
    if not isinstance(fields["pages"], list) or not isinstance(fields["links"], list):
        return None, "pages and links must be lists"
    return fields, None


def _page_problem(page: Any, domain: str) -> str | None:
    """Why a catalog entry's page cannot be stored, or None."""
    if not isinstance(page, dict):
        return "page is not an object"
    for key in ("url", "title", "text", "kind"):
        if page.get(key) is not None and not isinstance(page[key], str):
            return f"page {key} must be text, not {type(page[key]).__name__}"
    if page.get("outbound_links") is not None and (isinstance(page["outbound_links"], bool)
                                                   or not isinstance(page["outbound_links"], int)):
        return "page outbound_links must be a whole number"
    url = str(page.get("url", ""))
    if not url.lower().startswith(("http://", "https://")):
        return f"page URL is not http(s): {url[:80] or '(none)'}"
    try:
        host = store.normalize_domain(url)
    except store.InvalidURL:
        return f"invalid page URL: {url[:80]}"
    if not identity.contains(domain, host):
        # storing it would give this site another site's text (or move that site's page here)
        return f"page {url[:80]} is not on {domain}"
    return None


def _store_pages(db: sqlite3.Connection, site_id: int, domain: str, pages: list[Any],
                 line: int, result: ImportResult) -> int:
    count = 0
    for page in pages:
        problem = _page_problem(page, domain)
        if problem:
            _skip(result, line, problem)
            continue
        kind = page.get("kind") if page.get("kind") in store.PAGE_KINDS else None
        store.upsert_page(
            db, site_id, page["url"], title=page.get("title"), text=page.get("text"), kind=kind,
            outbound_links=page.get("outbound_links"),
        )
        count += 1
    return count


def _skip(result: ImportResult, line: int, problem: str) -> None:
    result.items_skipped += 1
    if len(result.skipped) < MAX_BAD_SAMPLES:
        result.skipped.append(BadRow(line, problem))


def _link_rows(site_url: str, links: list[Any], import_id: int, line: int,
               result: ImportResult) -> list[dict[str, Any]]:
    rows = []
    for link in links:
        if isinstance(link, str):
            link = {"target": link}
        if not isinstance(link, dict):
            _skip(result, line, "link is not a URL or an object")
            continue
        wrong = next((k for k in ("source", "target", "url", "anchor", "title")
                      if link.get(k) is not None and not isinstance(link[k], str)), None)
        if wrong:
            _skip(result, line, f"link {wrong} must be text, not {type(link[wrong]).__name__}")
            continue
        source = link.get("source") or site_url
        target = link.get("target") or link.get("url")
        if not target or not str(target).lower().startswith(("http://", "https://")) \
                or not str(source).lower().startswith(("http://", "https://")):
            _skip(result, line, f"link is not http(s): {str(source)[:60]} -> {str(target)[:60]}")
            continue
        try:
            domains = store.normalize_domain(str(source)), store.normalize_domain(str(target))
        except store.InvalidURL as exc:
            _skip(result, line, f"link skipped: {exc}")
            continue
        rows.append({
            "source_url": source, "source_domain": domains[0], "target_url": target,
            "target_domain": domains[1], "anchor": link.get("anchor"), "source_title": link.get("title"),
            "origin": "catalog", "import_id": import_id,
        })
    return rows


def _capped(good: list[dict[str, Any]]) -> list[str]:
    """Sites whose texts are longer than a ranking matches (chunking.MAX_SITE_CHUNKS), named."""
    from assistant.prospects import chunking

    out = []
    for fields in good:
        text = " ".join([str(fields.get("description") or "")]
                        + [str(p.get("text") or "") for p in fields["pages"] if isinstance(p, dict)])
        if chunking.chunk_count(text) > chunking.MAX_SITE_CHUNKS:
            words = len(text.split())
            cap = chunking.MAX_SITE_CHUNKS * chunking.CHUNK_WORDS
            out.append(f"{fields['domain']}: its text is {words:,} words; ranking matches the first {cap:,}"
                       f" ({chunking.MAX_SITE_CHUNKS} chunks of {chunking.CHUNK_WORDS} words)")
    return out


def _merged_rows(good: list[dict[str, Any]]) -> list[str]:
    """Rows that are one site (the same domain, or one owner's pages on a shared host), named."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    for fields in good:
        by_key.setdefault(fields["domain"], []).append(fields)
    out = []
    for key, rows in by_key.items():
        if len(rows) > 1:
            named = ", ".join(f"line {r['line']} ({r['url'][:60]})" for r in rows[:3])
            more = f" and {len(rows) - 3} more" if len(rows) > 3 else ""
            out.append(f"{named}{more} are one site, {key}: merged (later rows update earlier ones)")
    return out


def import_catalog(db: sqlite3.Connection, file: Path, sn: Sniff) -> ImportResult:
    """Upsert every valid catalog entry; malformed ones are counted with their line numbers."""
    result = ImportResult(str(file), "catalog", sn.encoding.replace("-sig", ""), sn.delimiter)
    good: list[dict[str, Any]] = []
    for line, entry in _entries(file, sn):
        fields, problem = (None, entry) if isinstance(entry, str) else _validate(entry, sn.delimiter == ";")
        if fields is None:
            result.rows_bad += 1
            if len(result.bad) < MAX_BAD_SAMPLES:
                result.bad.append(BadRow(line, str(problem)))
        else:
            fields["line"] = line
            good.append(fields)
    if not good:
        if result.bad:
            raise ImportDataError(f"{file}: no valid rows ({result.rows_bad} malformed); first: {result.bad[0]}")
        raise ImportDataError(f"{file}: no rows after the header")
    result.rows_ok = len(good)
    result.merged = _merged_rows(good)
    result.capped = _capped(good)
    with transaction(db):  # joins the caller's transaction when there is one
        sites_before = db.execute("SELECT count(*) FROM sites").fetchone()[0]
        links_before = db.execute("SELECT count(*) FROM links").fetchone()[0]
        cur = db.execute(
            "INSERT INTO imports (path, format, rows_ok, rows_bad) VALUES (?, 'catalog', ?, ?)",
            (str(file.resolve()), result.rows_ok, result.rows_bad),
        )
        result.import_id = int(cur.lastrowid or 0)
        keys = {f["domain"] for f in good}
        for fields in good:
            pages, links, line = fields.pop("pages"), fields.pop("links"), fields.pop("line")
            domain = fields.pop("domain")
            site_id = store.upsert_site(db, domain, source="catalog", **fields)
            result.pages += _store_pages(db, site_id, domain, pages, line, result)
            rows = _link_rows(fields["url"], links, result.import_id, line, result)
            if rows:
                store.add_links(db, rows)
        store.fill_link_context(db, keys)
        result.sites_new = int(db.execute("SELECT count(*) FROM sites").fetchone()[0] - sites_before)
        result.links_new = int(db.execute("SELECT count(*) FROM links").fetchone()[0] - links_before)
    return result
