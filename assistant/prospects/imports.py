"""Import site catalogs and competitors' backlink exports into the sites and links tables.

Formats are recognised by their header: Ahrefs, Semrush, Majestic, Google Search Console (the
"Top linking sites" and "Linking pages" tables), a plain ``source_url,target_url,anchor`` file, and
catalogs (CSV or JSONL with url or domain, name, description, topics, authority, contact).

Backlink exports can hold millions of rows, so they are parsed, validated and normalised in DuckDB
(SQL, columnar) and written to SQLite with ``executemany``, BATCH rows a transaction, so that other
writers (a queue worker) get the database between batches. The file's ``imports`` row keeps
rows_ok 0 until the last batch is in: an interrupted import does not look complete, and importing the
file again takes that row over and updates its links in place (links are unique by source and target).
DuckDB reads only UTF-8, so UTF-16 (Ahrefs' default) and Windows-1252 files are transcoded to a
temporary UTF-8 copy first, streaming. Malformed rows are counted and the first few reported with
their line numbers; a stray quote is one malformed row, never the rows after it (``_read_raw``).
"""

from __future__ import annotations

import codecs
import csv
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import ImportDataError, first_line
from assistant.prospects import catalog, identity, store
from assistant.prospects.sniff import (
    FORMATS,
    MAX_BAD_SAMPLES,
    SAMPLE_BYTES,
    BadRow,
    ImportResult,
    Sniff,
    _columns,
    csv_records,
    detect_format,
    norm_header,
    sniff,
)
from assistant.sql import transaction

__all__ = ["FORMATS", "BadRow", "ImportResult", "import_file"]

BATCH = 50_000  # rows a DuckDB fetch hands to SQLite in one transaction

# ---------------------------------------------------------------- entry point


def import_file(
    db: sqlite3.Connection,
    path: str | Path,
    *,
    fmt: str = "auto",
    own_domain: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Import one file; raises ImportDataError (one line) when nothing in it can be imported."""
    if fmt not in FORMATS:
        raise ImportDataError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    file = Path(path)
    sn = sniff(file)
    detected = "catalog" if sn.jsonl else detect_format(sn.header)
    if fmt == "auto":
        if detected is None:
            shown = ", ".join(h.strip() for h in sn.header[:8]) or "(none)"
            raise ImportDataError(
                f"{file}: unknown CSV: the header ({shown}) is not a catalog, Ahrefs, Semrush, Majestic, "
                "Search Console or source_url,target_url export"
            )
        fmt = detected
    if fmt == "catalog":
        return catalog.import_catalog(db, file, sn)
    return _import_links(db, file, sn, fmt, own_domain, progress)


# ---------------------------------------------------------------- backlink exports


def _utf8_copy(file: Path, encoding: str, tmpdir: str) -> Path:
    """Stream-transcode a UTF-16 / Windows-1252 file to UTF-8 (DuckDB reads only UTF-8)."""
    out = Path(tmpdir) / "export.utf8.csv"
    decoder_name = {"utf-16-le": "utf-16", "utf-16-be": "utf-16"}.get(encoding, encoding)
    # "utf-16" with a BOM picks the byte order itself; without one it needs the explicit codec.
    with file.open("rb") as src:
        has_bom = src.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    if encoding.startswith("utf-16") and not has_bom:
        decoder_name = encoding
    decoder = codecs.getincrementaldecoder(decoder_name)(errors="replace")
    with file.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
        first = True
        while chunk := src.read(1 << 22):
            text = decoder.decode(chunk)
            if first:
                text = text.lstrip("\ufeff")
                first = False
            dst.write(text)
        dst.write(decoder.decode(b"", final=True))
    return out


@dataclass
class _ParseBad:
    """Rows the CSV reading could not read: how many, the first few, and (DuckDB's) line numbers
    absent from ``raw`` whose rows come after them."""

    count: int = 0
    samples: list[BadRow] = field(default_factory=list)
    unnumbered: list[int] = field(default_factory=list)

    def add(self, line: int, reason: str) -> None:
        self.count += 1
        if len(self.samples) < MAX_BAD_SAMPLES:
            self.samples.append(BadRow(line, reason))


def _read_csv_sql(path: Path, columns: dict[str, str], delimiter: str, lenient: bool) -> str:
    spec = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items()) + "}"
    return (
        f"read_csv({_sql_str(str(path))}, header = false, columns = {spec}, delim = {_sql_str(delimiter)},"
        " quote = '\"', escape = '\"', max_line_size = 10000000"
        + (", skip = 1, ignore_errors = true, store_rejects = true, strict_mode = false)" if lenient else ")")
    )


def _read_raw(con: Any, source: Path, sn: Sniff, tmpdir: str, progress: Callable[[str], None] | None) -> _ParseBad:
    """The rows of an export as table ``raw`` (rn, c0..cN) and the ones that cannot be read.

    DuckDB reads it fast, but a stray quote makes its reader swallow the rows after it into one field.
    When a field holds a line break (a stray quote or a real multi-line anchor) or DuckDB gives up,
    the file is read again record by record (sniff.csv_records), which reports a stray quote's row
    and reads the rows after it.
    """
    import duckdb

    ncols, delimiter = len(sn.header), sn.delimiter or ","
    newline = "\n" if "\n" in sn.text else "\r"
    columns = {f"c{i}": "VARCHAR" for i in range(ncols)}
    try:
        con.execute("CREATE TEMP TABLE raw AS SELECT row_number() OVER () AS rn, * FROM "
                    + _read_csv_sql(source, columns, delimiter, lenient=True))
        # the file's line break: "\r\n" holds "\n"; a lone "\r" is the line break of old Mac files
        lf = f"chr({ord(newline)})"
        breaks = " OR ".join(f"contains(c{i}, {lf})" for i in range(ncols))
        spans = con.execute(f"SELECT EXISTS (SELECT 1 FROM raw WHERE {breaks})"
                            f" OR EXISTS (SELECT 1 FROM reject_errors WHERE contains(csv_line, {lf}))").fetchone()[0]
    except duckdb.Error:
        spans = True
    if not spans:
        bad = _ParseBad()
        rejects = con.execute("SELECT line, min(error_type) FROM reject_errors GROUP BY line ORDER BY line")
        for line, kind in rejects.fetchall():
            bad.unnumbered.append(int(line))
            bad.add(int(line), kind.lower().replace("_", " "))
        return bad
    if progress:
        progress("a quoted field spans lines: reading record by record")
    return _read_records(con, source, ncols, delimiter, Path(tmpdir) / "records.csv")


def _utf8_lines(src: Any, invalid: set[int]) -> Iterator[str]:
    for number, line in enumerate(src, start=1):
        if not line.isascii():
            try:
                line.encode("utf-8")
            except UnicodeEncodeError:  # undecodable bytes, kept as surrogates
                invalid.add(number)
        yield line


def _read_records(con: Any, source: Path, ncols: int, delimiter: str, out: Path) -> _ParseBad:
    """Table ``raw`` from a record-by-record reading, through a clean CSV (rn, c0..cN) for DuckDB;
    ``rn`` is the record's first line less one, so its line numbers are exact."""
    bad, good = _ParseBad(), 0
    invalid: set[int] = set()
    with source.open(encoding="utf-8", errors="surrogateescape", newline="") as src, \
            out.open("w", encoding="utf-8", newline="") as dst:
        writer = csv.writer(dst)
        records = csv_records(_utf8_lines(src, invalid), delimiter)
        next(records, None)  # the header
        for rec in records:
            if rec.problem:
                bad.add(rec.line, rec.problem)
            elif invalid and any(n in invalid for n in range(rec.line, rec.end + 1)):
                bad.add(rec.line, "invalid encoding (not UTF-8)")
            elif len(rec.row) < ncols and any(cell.strip() for cell in rec.row):
                bad.add(rec.line, f"missing columns: expected {ncols}, found {len(rec.row)}")
            elif len(rec.row) >= ncols:  # extra columns are dropped, as DuckDB does
                writer.writerow([rec.line - 1, *rec.row[:ncols]])
                good += 1
    columns = {"rn": "BIGINT"} | {f"c{i}": "VARCHAR" for i in range(ncols)}
    con.execute("DROP TABLE IF EXISTS raw")
    if good:
        con.execute("CREATE TEMP TABLE raw AS SELECT * FROM " + _read_csv_sql(out, columns, ",", lenient=False))
    else:
        con.execute(f"CREATE TEMP TABLE raw ({', '.join(f'{n} {k}' for n, k in columns.items())})")
    return bad


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


_DOMAIN_SQL = (
    "rtrim(regexp_replace(lower(regexp_extract({u}, '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/:?#]+)', 1)),"
    " '^www\\.', ''), '.')"
)
_BOOL_SQL = "coalesce(lower(trim({c})) IN ('true', '1', 'yes', 'y', '+', 'nofollow', 'x'), false)::INTEGER"
_DATE_SQL = (
    "coalesce(strftime(try_strptime(trim({c}), ['%Y-%m-%d', '%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%d %H:%M:%S',"
    " '%Y-%m-%dT%H:%M:%S', '%d/%m/%Y', '%b %d, %Y', '%d %b %Y']), '%Y-%m-%d'), nullif(trim({c}), ''))"
)


def _num_sql(c: str, decimal_comma: bool) -> str:
    """SQL for a number as exports write it; the same rules as parse_number."""
    v = f"replace(replace(trim({c}), ' ', ''), chr(160), '')"
    if decimal_comma:
        expr = f"CASE WHEN contains({v}, ',') THEN replace(replace({v}, '.', ''), ',', '.') ELSE {v} END"
    else:
        expr = f"CASE WHEN regexp_matches({v}, '^[0-9]+,[0-9]{{1,2}}$') THEN replace({v}, ',', '.') ELSE replace({v}, ',', '') END"
    return f"try_cast({expr} AS DOUBLE)"


def _url_problem(col: str, label: str) -> str:
    return (
        f"CASE WHEN {col} IS NULL OR {col} = '' THEN 'missing {label}'"
        f" WHEN NOT regexp_matches({col}, '^[A-Za-z][A-Za-z0-9+.-]*://')"
        f" THEN '{label} without scheme (expected http:// or https://): ' || left({col}, 80)"
        f" WHEN NOT regexp_matches(lower({col}), '^https?://') THEN 'not an http(s) {label}: ' || left({col}, 80)"
        f" WHEN NOT regexp_matches({_DOMAIN_SQL.format(u=col)}, '^[^\\s]+\\.[^\\s]+$|^localhost$')"
        f" THEN 'invalid {label}: ' || left({col}, 80) END"
    )


def _select_sql(fmt: str, cols: dict[str, int], own_domain: str | None, decimal_comma: bool = False) -> str:
    """SQL over `raw` (c0..cN, rn) producing the normalised link rows and a `problem` column."""

    def col(name: str) -> str:
        return f"nullif(trim(c{cols[name]}), '')" if name in cols else "NULL"

    if fmt == "gsc_sites":
        own = _sql_str(f"https://{own_domain}/")
        src = f"'https://' || {_DOMAIN_SQL.format(u=chr(39) + 'x://' + chr(39) + ' || ' + col('source_domain'))} || '/'"
        src_problem = (
            f"CASE WHEN {col('source_domain')} IS NULL THEN 'missing site'"
            f" WHEN NOT regexp_matches({col('source_domain')}, '^[A-Za-z0-9.-]+\\.[A-Za-z0-9-]+$')"
            f" THEN 'invalid site: ' || left({col('source_domain')}, 80)"
            # the counts are not stored, but a row whose count is not a number ("1,234" is) is not a report row
            + (f" WHEN {col('linking_pages')} IS NOT NULL AND {_num_sql(col('linking_pages'), decimal_comma)} IS NULL"
               f" THEN 'Linking pages is not a number: ' || left({col('linking_pages')}, 40)" if "linking_pages" in cols
               else "")
            + " END"
        )
        exprs = {
            "source_url": src, "target_url": own, "anchor": "NULL", "source_title": "NULL",
            "nofollow": "0", "ugc": "0", "sponsored": "0", "first_seen": "NULL", "last_seen": "NULL",
            "authority": "NULL", "problem": src_problem,
        }
    else:
        target = col("target_url") if "target_url" in cols else _sql_str(f"https://{own_domain}/")
        exprs = {
            "source_url": col("source_url"),
            "target_url": target,
            "anchor": col("anchor"),
            "source_title": col("source_title"),
            "nofollow": _BOOL_SQL.format(c=col("nofollow")) if "nofollow" in cols else "0",
            "ugc": _BOOL_SQL.format(c=col("ugc")) if "ugc" in cols else "0",
            "sponsored": _BOOL_SQL.format(c=col("sponsored")) if "sponsored" in cols else "0",
            "first_seen": _DATE_SQL.format(c=col("first_seen")) if "first_seen" in cols else "NULL",
            "last_seen": _DATE_SQL.format(c=col("last_seen")) if "last_seen" in cols else "NULL",
            "authority": _num_sql(col("authority"), decimal_comma) if "authority" in cols else "NULL",
            "problem": f"coalesce({_url_problem(col('source_url'), 'source URL')},"
            f" {_url_problem(target, 'target URL')})",
        }
    inner = ", ".join(f"{expr} AS {name}" for name, expr in exprs.items())
    return (
        f"SELECT rn, source_url, {_DOMAIN_SQL.format(u='source_url')} AS source_domain, target_url,"
        f" {_DOMAIN_SQL.format(u='target_url')} AS target_domain, anchor, source_title, nofollow, ugc,"
        f" sponsored, first_seen, last_seen, authority, problem FROM (SELECT rn, {inner} FROM raw)"
    )


def _import_links(
    db: sqlite3.Connection,
    file: Path,
    sn: Sniff,
    fmt: str,
    own_domain: str | None,
    progress: Callable[[str], None] | None,
) -> ImportResult:
    import duckdb

    variant = fmt
    if fmt == "gsc":
        names = {norm_header(h) for h in sn.header}
        variant = "gsc_pages" if "linking page" in names else "gsc_sites"
    cols = _columns(sn.header, variant)
    needs = ("source_domain",) if variant == "gsc_sites" else ("source_url",)
    needs_target = variant not in ("gsc_pages", "gsc_sites")
    missing = [n for n in needs if n not in cols] + (["target_url"] if needs_target and "target_url" not in cols else [])
    if missing:
        raise ImportDataError(f"{file}: not a {fmt} export: no column for {', '.join(missing)}")
    if not needs_target and not own_domain:
        raise ImportDataError(
            f"{file}: Search Console reports list links to your own site; pass --own-domain or set site.domain"
        )
    if not needs_target:
        try:  # "https://www.MySite.example/" is as good as "mysite.example"
            own_domain = store.normalize_domain(str(own_domain))
        except store.InvalidURL:
            raise ImportDataError(f"your domain (--own-domain or site.domain) is not a domain: {own_domain!r}") from None
    if len([line for line in sn.text.splitlines() if line.strip()]) < 2 and file.stat().st_size < SAMPLE_BYTES:
        raise ImportDataError(f"{file}: no rows after the header")
    result = ImportResult(str(file), fmt, sn.encoding.replace("-sig", ""), sn.delimiter)
    with tempfile.TemporaryDirectory(prefix="assist-import-") as tmpdir:
        source = file
        if sn.encoding not in ("utf-8", "utf-8-sig"):
            if progress:
                progress(f"transcoding {sn.encoding} to UTF-8")
            source = _utf8_copy(file, sn.encoding, tmpdir)
        con = duckdb.connect()
        try:
            con.execute(f"SET temp_directory = {_sql_str(tmpdir)}")
            con.execute("SET memory_limit = '768MB'")
            con.execute(f"SET threads = {max(1, min(4, os.cpu_count() or 1))}")
            if progress:
                progress("parsing")
            try:
                bad = _read_raw(con, source, sn, tmpdir, progress)
            except duckdb.Error as exc:
                raise ImportDataError(f"{file}: cannot parse as CSV: {first_line(exc)}") from None
            con.execute(f"CREATE TEMP TABLE norm AS {_select_sql(variant, cols, own_domain, sn.delimiter == ';')}")
            _idna_domains(con)
            _shared_host_sites(con)
            _collect_bad(con, result, bad)
            total_good = con.execute("SELECT count(*) FROM norm WHERE problem IS NULL").fetchone()[0]
            if total_good == 0:
                if result.bad:
                    raise ImportDataError(f"{file}: no valid rows ({result.rows_bad} malformed); first: {result.bad[0]}")
                raise ImportDataError(f"{file}: no rows after the header")
            result.rows_ok = int(total_good)
            if progress:
                progress(f"writing {total_good:,} links")
            _write_links(con, db, result, fmt, progress)
        finally:
            con.close()
    return result


def _rekey(con: Any, values: list[tuple[str]], updates: list[tuple[str, str]]) -> None:
    """Key each value with store.normalize_domain in Python (SQL cannot) and join the keys back: for
    each (key column, value column), rows of ``norm`` whose value column holds a value get its key."""
    mapping = []
    for (value,) in values:
        try:
            mapping.append((value, store.normalize_domain(value)))
        except store.InvalidURL:
            continue  # the row's problem column already says why
    if not mapping:
        return
    con.execute("CREATE OR REPLACE TEMP TABLE key_map (v VARCHAR, k VARCHAR)")
    con.executemany("INSERT INTO key_map VALUES (?, ?)", mapping)
    for key_col, value_col in updates:
        con.execute(f"UPDATE norm SET {key_col} = m.k FROM key_map m WHERE norm.{value_col} = m.v")


def _idna_domains(con: Any) -> None:
    """Non-ASCII domains as store.normalize_domain writes them (xn--...), so a site has one key.
    Such domains are few."""
    found = con.execute(
        "SELECT DISTINCT d FROM (SELECT source_domain AS d FROM norm UNION SELECT target_domain FROM norm)"
        " WHERE d IS NOT NULL AND NOT regexp_matches(d, '^[\\x00-\\x7F]*$')"
    ).fetchall()
    _rekey(con, found, [("source_domain", "source_domain"), ("target_domain", "target_domain")])


def _shared_host_sites(con: Any) -> None:
    """Rows on a shared host (github.com, medium.com, ...) belong to the owner's site, not the host's
    (assistant.prospects.identity): their URLs are keyed in Python and joined back, like IDNA names."""
    hosts = sorted(set(identity.shared_hosts()) | set(identity.HOST_ALIASES))
    con.execute("CREATE TEMP TABLE shared_hosts (h VARCHAR)")
    con.executemany("INSERT INTO shared_hosts VALUES (?)", [(h,) for h in hosts])
    for url_col, key_col in (("source_url", "source_domain"), ("target_url", "target_domain")):
        found = con.execute(
            f"SELECT DISTINCT {url_col} FROM norm WHERE {key_col} IN (SELECT h FROM shared_hosts)"
            f" AND {url_col} IS NOT NULL"
        ).fetchall()
        _rekey(con, found, [(key_col, url_col)])


def _collect_bad(con: Any, result: ImportResult, parsed: _ParseBad) -> None:
    """Count unreadable (parse) and invalid (validation) rows; keep the first few with line numbers."""
    invalid = con.execute("SELECT count(*) FROM norm WHERE problem IS NOT NULL").fetchone()[0]
    first_invalid = con.execute(
        f"SELECT rn, problem FROM norm WHERE problem IS NOT NULL ORDER BY rn LIMIT {MAX_BAD_SAMPLES}"
    ).fetchall()
    samples = list(parsed.samples)
    for rn, problem in first_invalid:
        line = int(rn) + 1  # the header is line 1
        for rl in parsed.unnumbered:  # rejected lines are not numbered in `raw`
            if rl <= line:
                line += 1
        samples.append(BadRow(line, problem))
    result.rows_bad = parsed.count + int(invalid)
    result.bad = sorted(samples, key=lambda b: b.line)[:MAX_BAD_SAMPLES]


_SITES_BULK_SQL = (
    "INSERT INTO sites (domain, url, authority, sources) VALUES (?, ?, ?, ?)"
    " ON CONFLICT(domain) DO UPDATE SET authority = coalesce(excluded.authority, sites.authority),"
    " url = coalesce(sites.url, excluded.url),"
    " sources = CASE WHEN instr(',' || sites.sources || ',', ',' || excluded.sources || ',') > 0"
    " THEN sites.sources WHEN sites.sources = '' THEN excluded.sources"
    " ELSE sites.sources || ',' || excluded.sources END,"
    " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
)


def _write_links(con: Any, db: sqlite3.Connection, result: ImportResult, fmt: str,
                 progress: Callable[[str], None] | None) -> None:
    """Bulk upsert of links and their source sites, BATCH rows a transaction (other writers get the
    database between them); the imports row says the file is complete only once the last is in."""
    # A bigger page cache for the index inserts of a large import (negative = KiB), restored after.
    cache = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute("PRAGMA cache_size = -131072")
    try:
        _write_batches(con, db, result, fmt, progress)
    finally:
        db.execute(f"PRAGMA cache_size = {int(cache)}")


def _begin_import(db: sqlite3.Connection, path: str, fmt: str) -> int:
    """The imports row of this file, unfinished (rows_ok 0) until the import ends: the one an
    interrupted import of it left, whose links the upserts of this one then update, or a new one."""
    with transaction(db):
        row = db.execute(
            "SELECT id FROM imports WHERE path = ? AND format = ? AND rows_ok = 0 ORDER BY id DESC LIMIT 1",
            (path, fmt),
        ).fetchone()
        if row:
            return int(row[0])
        return int(db.execute("INSERT INTO imports (path, format) VALUES (?, ?)", (path, fmt)).lastrowid or 0)


def _upsert_batch(db: sqlite3.Connection, table: str, sql: str, rows: list[Any]) -> int:
    """Upsert rows in one short transaction; returns how many were new. An upsert that updates keeps
    its row id, so new rows are exactly those above the old maximum."""
    with transaction(db):
        max_id = db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
        db.executemany(sql, rows)
        return int(db.execute(f"SELECT count(*) FROM {table} WHERE id > ?", (max_id,)).fetchone()[0])


def _write_batches(con: Any, db: sqlite3.Connection, result: ImportResult, fmt: str,
                   progress: Callable[[str], None] | None) -> None:
    import_id = _begin_import(db, str(Path(result.path).resolve()), fmt)
    result.import_id = import_id
    # Per source domain: the best authority seen and a home URL (same scheme as its pages).
    sites = con.execute(
        "SELECT source_domain, CASE WHEN contains(source_domain, '/') THEN 'https://' || source_domain || '/'"
        " ELSE min(regexp_extract(source_url, '^([A-Za-z]+://[^/?#]+)', 1)) || '/' END,"
        f" max(authority), {_sql_str(fmt)} FROM norm WHERE problem IS NULL GROUP BY source_domain"
    ).fetchall()
    for start in range(0, len(sites), BATCH):
        result.sites_new += _upsert_batch(db, "sites", _SITES_BULK_SQL, sites[start : start + BATCH])
    rel = con.execute(
        "SELECT source_url, source_domain, target_url, target_domain, anchor, source_title, nofollow,"
        f" ugc, sponsored, first_seen, last_seen, {_sql_str(fmt)}, {import_id}, NULL FROM norm"
        # sorted like the unique index: B-tree inserts in order are several times faster
        " WHERE problem IS NULL ORDER BY source_url, target_url"
    )
    done = 0
    while batch := rel.fetchmany(BATCH):
        result.links_new += _upsert_batch(db, "links", store.LINK_UPSERT_SQL, batch)
        done += len(batch)
        if progress:
            progress(f"writing links: {done:,} of {result.rows_ok:,}")
    with transaction(db):
        if db.execute("SELECT 1 FROM site_vectors LIMIT 1").fetchone():
            # the titles of their linking pages are part of these sites' texts
            titled = con.execute(
                "SELECT DISTINCT source_domain FROM norm WHERE problem IS NULL AND source_title IS NOT NULL"
            ).fetchall()
            store.invalidate_vectors(db, [d for (d,) in titled])
        store.fill_link_context(db, [row[0] for row in sites])
        db.execute(
            "UPDATE imports SET rows_ok = ?, rows_bad = ?, imported_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
            " WHERE id = ?",
            (result.rows_ok, result.rows_bad, import_id),
        )
