"""Imports under stress (issue 10): a stray quote is one malformed row, never the rows after it
(item 17); a long import commits in batches, so other writers get the database (item 3)."""

from __future__ import annotations

import csv
import io
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import config, db
from assistant.cli import cli
from assistant.prospects import imports
from assistant.prospects.sniff import BadRow

ROWS = 1000
STRAY = "(a stray quote?)"


@pytest.fixture()
def conn():  # type: ignore[no-untyped-def]
    c = db.connect()
    yield c
    c.close()


# format -> (header, a row's fields, the field a stray quote opens, encoding, delimiter, own domain)
FORMATS: dict[str, tuple[list[str], Callable[[int], list[str]], int, str, str, str | None]] = {
    "plain": (["source_url", "target_url", "anchor"],
              lambda i: [f"https://s{i}.example/p", "https://t.example/", f"anchor {i}"], 2, "utf-8", ",", None),
    "semrush": (["Source url", "Source title", "Target url", "Anchor", "Page ascore"],
                lambda i: [f"https://s{i}.example/p", f"Title {i}", "https://t.example/", f"anchor {i}", "12"],
                1, "utf-8", ",", None),
    "ahrefs": (["Referring page URL", "Referring page title", "Target URL", "Anchor", "Domain rating"],
               lambda i: [f"https://s{i}.example/p", f"Title {i}", "https://t.example/", f"anchor {i}", "40"],
               3, "utf-16", "\t", None),
    "majestic": (["SourceURL", "TargetURL", "AnchorText", "SourceTrustFlow"],
                 lambda i: [f"https://s{i}.example/p", "https://t.example/", f"anchor {i}", "7"], 2, "utf-8", ",", None),
    "gsc": (["Linking page", "Last crawled"],
            lambda i: [f"https://s{i}.example/p", "2026-01-02"], 1, "utf-8", ",", "mysite.example"),
}


def _export(path: Path, fmt: str, *, opens: int | None = 9, closes: int | None = 898) -> Path:
    """An export of ROWS rows; a stray quote opens a field of row ``opens`` (0-based: row 10 is line 11)
    and a later quote in row ``closes`` ends it, so a reader taking quotes at their word swallows the rows
    between."""
    header, row, col, encoding, delimiter, _ = FORMATS[fmt]
    lines = [delimiter.join(header)]
    for i in range(ROWS):
        fields = row(i)
        if i == opens:
            fields[col] = '"' + fields[col]
        if i == closes:
            fields[col] = fields[col] + '"'
        lines.append(delimiter.join(fields))
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_stray_quote_is_one_malformed_row_and_the_rows_after_it_are_imported(conn, tmp_path: Path,
                                                                              fmt: str) -> None:  # type: ignore[no-untyped-def]
    path = _export(tmp_path / f"{fmt}.csv", fmt)
    result = imports.import_file(conn, path, own_domain=FORMATS[fmt][5])
    assert result.format == fmt
    assert (result.rows_ok, result.rows_bad) == (ROWS - 1, 1)
    assert [b.line for b in result.bad] == [11] and STRAY in result.bad[0].reason
    sources = {r[0] for r in conn.execute("SELECT source_url FROM links")}
    assert len(sources) == ROWS - 1 and "https://s9.example/p" not in sources
    assert {"https://s10.example/p", "https://s500.example/p", "https://s898.example/p"} <= sources
    if fmt == "plain":
        assert conn.execute("SELECT max(length(anchor)) FROM links").fetchone()[0] < 20


@pytest.mark.parametrize(("opens", "bad_line"), [(9, 11), (997, 999), (999, 1001)])
def test_a_quote_never_closed_is_one_malformed_row(conn, tmp_path: Path, opens: int,
                                                   bad_line: int) -> None:  # type: ignore[no-untyped-def]
    """Near the end of the file too, where the field would hold only a line or two."""
    path = _export(tmp_path / "links.csv", "plain", opens=opens, closes=None)
    result = imports.import_file(conn, path)
    assert (result.rows_ok, result.rows_bad) == (ROWS - 1, 1)
    assert result.bad == [BadRow(bad_line, result.bad[0].reason)] and STRAY in result.bad[0].reason
    assert conn.execute("SELECT count(*) FROM links").fetchone()[0] == ROWS - 1


def test_a_real_multi_line_anchor_is_one_row_and_line_numbers_stay_exact(conn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [f"https://s{i}.example/p,https://t.example/,anchor {i}" for i in range(3000)]  # past the sniff
    rows[4] = 'https://s4.example/p,https://t.example/,"two\nlines, quoted"'
    rows[11] = "https://s11.example/p"  # a row without its target: line 14, after the two-line row
    path = tmp_path / "links.csv"
    path.write_bytes(("source_url,target_url,anchor\n" + "\n".join(rows) + "\n").encode()
                     + b"https://bad.example/p,https://t.example/,caf\xe9\n")
    result = imports.import_file(conn, path)
    assert (result.encoding, result.rows_ok, result.rows_bad) == ("utf-8", 2999, 2)
    assert [b.line for b in result.bad] == [14, 3003]
    assert "missing columns" in result.bad[0].reason and "encoding" in result.bad[1].reason
    anchor = conn.execute("SELECT anchor FROM links WHERE source_url = 'https://s4.example/p'").fetchone()[0]
    assert anchor == "two\nlines, quoted"


def test_a_catalog_keeps_the_rows_after_a_stray_quote(conn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = ["url,name,description", 'https://h.example/,H,"starts a quote but never ends']
    rows += [f"https://r{i}.example/,R{i},row {i}" for i in range(200)]
    rows.insert(100, 'https://m.example/,M,"a description\nof two lines"')
    path = tmp_path / "catalog.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = imports.import_file(conn, path)
    assert (result.rows_ok, result.rows_bad) == (201, 1)
    assert result.bad[0].line == 2 and "a quoted field runs over" in result.bad[0].reason
    assert conn.execute("SELECT count(*) FROM sites WHERE domain LIKE 'r%.example'").fetchone()[0] == 200
    assert conn.execute("SELECT description FROM sites WHERE domain = 'm.example'").fetchone()[0] == \
        "a description\nof two lines"


def test_cli_reports_a_stray_quote_as_a_malformed_row(tmp_path: Path) -> None:
    path = _export(tmp_path / "links.csv", "plain")
    res = CliRunner().invoke(cli, ["sites", "import", str(path)])
    assert res.exit_code == 0, res.output
    assert f"{ROWS - 1:,} rows imported, 1 malformed" in res.stdout
    assert res.stderr.startswith(f"warning: {path}: 1 malformed row(s) skipped: line 11: a quoted field runs over")


# ---------------------------------------------------------------- batches


def _big_export(path: Path, rows: int) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["source_url", "target_url", "anchor"])
    writer.writerows([f"https://s{i % 5000}.example/p{i}", "https://t.example/", f"anchor {i}"] for i in range(rows))
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.mark.slow  # about 5 s
def test_other_writers_get_the_database_between_batches(conn, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    total = 300_000
    path = _big_export(tmp_path / "big.csv", total)
    monkeypatch.setattr(imports, "BATCH", 20_000)
    writing, done = threading.Event(), threading.Event()
    seen: list[int] = []

    def other_writer() -> None:
        writing.wait(30)
        other = sqlite3.connect(config.db_path(), timeout=0.2, isolation_level=None)
        try:
            while not done.is_set():
                try:
                    other.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError:  # database is locked: a batch is being written
                    continue
                count = other.execute("SELECT count(*) FROM links").fetchone()[0]
                other.execute("ROLLBACK")
                if 0 < count < total:
                    seen.append(count)
                    return
                time.sleep(0.01)
        finally:
            other.close()

    thread = threading.Thread(target=other_writer)
    thread.start()
    try:
        result = imports.import_file(conn, path, progress=lambda m: writing.set() if m.startswith("writing") else None)
    finally:
        done.set()
        writing.set()
        thread.join(30)
    assert result.rows_ok == total and conn.execute("SELECT count(*) FROM links").fetchone()[0] == total
    assert seen, "no other writer got the database while the links were written"


def test_an_interrupted_import_is_not_complete_and_a_reimport_gives_each_link_once(
        conn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    path = _big_export(tmp_path / "links.csv", 5000)
    monkeypatch.setattr(imports, "BATCH", 1000)

    def interrupt(message: str) -> None:
        if message.startswith("writing links: 3,000"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        imports.import_file(conn, path, progress=interrupt)
    assert conn.execute("SELECT count(*) FROM links").fetchone()[0] == 3000
    assert [tuple(r) for r in conn.execute("SELECT rows_ok, rows_bad FROM imports")] == [(0, 0)]  # not complete
    result = imports.import_file(conn, path)
    assert (result.rows_ok, result.links_new) == (5000, 2000)
    assert conn.execute("SELECT count(*), count(DISTINCT source_url || ' ' || target_url) FROM links").fetchone()[:] \
        == (5000, 5000)
    assert [tuple(r) for r in conn.execute("SELECT id, rows_ok FROM imports")] == [(result.import_id, 5000)]
    assert {r[0] for r in conn.execute("SELECT DISTINCT import_id FROM links")} == {result.import_id}
    again = imports.import_file(conn, path)
    assert again.links_new == 0 and again.import_id != result.import_id
    assert conn.execute("SELECT count(*) FROM links").fetchone()[0] == 5000
