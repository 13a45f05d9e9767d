"""Import site catalogs and competitors' backlink exports into the sites and links tables.

Formats are recognised by their header: Ahrefs, Semrush, Majestic, Google Search Console (the
"Top linking sites" and "Linking pages" tables), a plain ``source_url,target_url,anchor`` file, and
catalogs (CSV or JSONL with url or domain, name, description, topics, authority, contact).

Backlink exports can hold millions of rows, so they are parsed, validated and normalised in DuckDB
(SQL, columnar) and written to SQLite with ``executemany`` in one transaction. DuckDB reads only
UTF-8, so UTF-16 (Ahrefs' default) and Windows-1252 files are transcoded to a temporary UTF-8 copy
first, streaming. Malformed rows are counted and the first few reported with their line numbers.
"""

from __future__ import annotations

import codecs
import os
import sqlite3
import tempfile
from collections.abc import Callable
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
    detect_format,
    norm_header,
    sniff,
)
from assistant.sql import transaction

__all__ = ["FORMATS", "BadRow", "ImportResult", "import_file"]

BATCH = 50_000  # rows a DuckDB fetch hands to SQLite at a time

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
            ncols = len(sn.header)
            columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(ncols)) + "}"
            if progress:
                progress("parsing")
            try:
                con.execute(
                    "CREATE TEMP TABLE raw AS SELECT row_number() OVER () AS rn, * FROM read_csv("
                    f"{_sql_str(str(source))}, header = false, skip = 1, columns = {columns},"
                    f" delim = {_sql_str(sn.delimiter or ',')}, quote = '\"', escape = '\"',"
                    " ignore_errors = true, store_rejects = true, strict_mode = false, max_line_size = 10000000)"
                )
            except duckdb.Error as exc:
                raise ImportDataError(f"{file}: cannot parse as CSV: {first_line(exc)}") from None
            rejects = con.execute(
                "SELECT line, error_type FROM reject_errors ORDER BY line"
            ).fetchall()
            con.execute(f"CREATE TEMP TABLE norm AS {_select_sql(variant, cols, own_domain, sn.delimiter == ';')}")
            _idna_domains(con)
            _shared_host_sites(con)
            _collect_bad(con, result, rejects)
            total_good = con.execute("SELECT count(*) FROM norm WHERE problem IS NULL").fetchone()[0]
            if total_good == 0:
                if result.bad:
                    raise ImportDataError(f"{file}: no valid rows ({result.rows_bad} malformed); first: {result.bad[0]}")
                raise ImportDataError(f"{file}: no rows after the header")
            result.rows_ok = int(total_good)
            if progress:
                progress(f"writing {total_good:,} links")
            _write_links(con, db, result, fmt)
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


def _collect_bad(con: Any, result: ImportResult, rejects: list[tuple[int, str]]) -> None:
    """Count rejected (parse) and invalid (validation) rows; keep the first few with line numbers."""
    reject_lines = sorted({int(line) for line, _ in rejects})
    invalid = con.execute(
        "SELECT count(*) FROM norm WHERE problem IS NOT NULL"
    ).fetchone()[0]
    first_invalid = con.execute(
        f"SELECT rn, problem FROM norm WHERE problem IS NOT NULL ORDER BY rn LIMIT {MAX_BAD_SAMPLES}"
    ).fetchall()
    samples: list[BadRow] = []
    seen: set[int] = set()
    for line, kind in rejects:
        if int(line) not in seen and len(seen) < MAX_BAD_SAMPLES:
            seen.add(int(line))
            samples.append(BadRow(int(line), kind.lower().replace("_", " ")))
    for rn, problem in first_invalid:
        line = int(rn) + 1  # the header is line 1
        for rl in reject_lines:  # rejected lines are not numbered in `raw`
            if rl <= line:
                line += 1
        samples.append(BadRow(line, problem))
    result.rows_bad = len(reject_lines) + int(invalid)
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


def _write_links(con: Any, db: sqlite3.Connection, result: ImportResult, fmt: str) -> None:
    """Bulk upsert of links and their source sites, in one SQLite transaction."""
    # A bigger page cache for the index inserts of a large import (negative = KiB), restored after.
    cache = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute("PRAGMA cache_size = -131072")
    try:
        _write_links_tx(con, db, result, fmt)
    finally:
        db.execute(f"PRAGMA cache_size = {int(cache)}")


def _write_links_tx(con: Any, db: sqlite3.Connection, result: ImportResult, fmt: str) -> None:
    with transaction(db):  # joins the caller's transaction when there is one
        max_id = db.execute("SELECT coalesce(max(id), 0) FROM links").fetchone()[0]
        sites_before = db.execute("SELECT count(*) FROM sites").fetchone()[0]
        cur = db.execute(
            "INSERT INTO imports (path, format, rows_ok, rows_bad) VALUES (?, ?, ?, ?)",
            (str(Path(result.path).resolve()), fmt, result.rows_ok, result.rows_bad),
        )
        import_id = int(cur.lastrowid or 0)
        result.import_id = import_id
        # Per source domain: the best authority seen and a home URL (same scheme as its pages).
        sites = con.execute(
            "SELECT source_domain, CASE WHEN contains(source_domain, '/') THEN 'https://' || source_domain || '/'"
            " ELSE min(regexp_extract(source_url, '^([A-Za-z]+://[^/?#]+)', 1)) || '/' END,"
            " max(authority) FROM norm WHERE problem IS NULL GROUP BY source_domain"
        ).fetchall()
        db.executemany(_SITES_BULK_SQL, [(d, u, a, fmt) for d, u, a in sites])
        rel = con.execute(
            "SELECT source_url, source_domain, target_url, target_domain, anchor, source_title, nofollow,"
            f" ugc, sponsored, first_seen, last_seen, {_sql_str(fmt)}, {import_id}, NULL FROM norm"
            # sorted like the unique index: B-tree inserts in order are several times faster
            " WHERE problem IS NULL ORDER BY source_url, target_url"
        )
        while batch := rel.fetchmany(BATCH):
            db.executemany(store.LINK_UPSERT_SQL, batch)
        # an upsert that updates keeps its row id, so new rows are exactly those above the old maximum
        result.links_new = int(db.execute("SELECT count(*) FROM links WHERE id > ?", (max_id,)).fetchone()[0])
        if db.execute("SELECT 1 FROM site_vectors LIMIT 1").fetchone():
            # the titles of their linking pages are part of these sites' texts
            titled = con.execute(
                "SELECT DISTINCT source_domain FROM norm WHERE problem IS NULL AND source_title IS NOT NULL"
            ).fetchall()
            store.invalidate_vectors(db, [d for (d,) in titled])
        store.fill_link_context(db, [row[0] for row in sites])
        result.sites_new = int(db.execute("SELECT count(*) FROM sites").fetchone()[0] - sites_before)

