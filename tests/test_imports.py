"""Catalog and backlink-export imports: formats, encodings, malformed rows, bad input, the CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import db
from assistant.cli import cli
from assistant.errors import ImportDataError
from assistant.prospects import imports, sniff

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = ROOT / "sample_content" / "exports"


@pytest.fixture()
def conn():  # type: ignore[no-untyped-def]
    c = db.connect()
    yield c
    c.close()


def _csv_rows(path: Path, encoding: str = "utf-8", delimiter: str = ",") -> list[dict[str, str]]:
    text = path.read_bytes().decode(encoding).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_ahrefs_utf16_tab_export(conn) -> None:  # type: ignore[no-untyped-def]
    path = EXPORTS / "ahrefs-backlinks-remotely.blog.csv"
    assert path.read_bytes()[:2] == b"\xff\xfe"
    expected = _csv_rows(path, "utf-16", "\t")
    result = imports.import_file(conn, path)
    assert (result.format, result.encoding, result.delimiter) == ("ahrefs", "utf-16-le", "\t")
    assert result.rows_ok == len(expected) and result.rows_bad == 0
    assert result.links_new == len({(r["Referring page URL"], r["Target URL"]) for r in expected})
    first = expected[0]
    link = conn.execute("SELECT * FROM links WHERE source_url = ? AND target_url = ?",
                        (first["Referring page URL"], first["Target URL"])).fetchone()
    assert link["anchor"] == first["Anchor"]
    assert link["source_title"] == first["Referring page title"]
    assert link["nofollow"] == (first["Nofollow"] == "true")
    assert link["first_seen"] == first["First seen"][:10]
    assert link["origin"] == "ahrefs" and link["target_domain"] == "remotely.blog"
    assert link["source_domain"] == first["Referring page URL"].split("/")[2].removeprefix("www.")
    # The referring site exists with the export's Domain rating as its authority.
    site = conn.execute("SELECT * FROM sites WHERE domain = ?", (link["source_domain"],)).fetchone()
    best = max(float(r["Domain rating"]) for r in expected
               if r["Referring page URL"].split("/")[2].removeprefix("www.") == link["source_domain"])
    assert site["authority"] == best and "ahrefs" in site["sources"]


def test_semrush_export_counts_malformed_rows_with_line_numbers(conn) -> None:  # type: ignore[no-untyped-def]
    path = EXPORTS / "semrush-backlinks-asyncfirst.io.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    relative = next(i for i, line in enumerate(lines, 1) if ",/relative/page," in line)
    short = next(i for i, line in enumerate(lines, 1) if line.count(",") < 5)
    result = imports.import_file(conn, path)
    assert result.format == "semrush" and result.rows_bad == 2
    assert result.rows_ok == len(lines) - 1 - 2
    assert [b.line for b in result.bad] == sorted([relative, short])
    assert any("without scheme" in b.reason for b in result.bad)
    assert tuple(conn.execute("SELECT rows_ok, rows_bad FROM imports").fetchone()) == (result.rows_ok, 2)


def test_majestic_export(conn) -> None:  # type: ignore[no-untyped-def]
    path = EXPORTS / "majestic-backlinks-deepworkweekly.com.csv"
    expected = _csv_rows(path)
    result = imports.import_file(conn, path)
    assert result.format == "majestic" and result.rows_ok == len(expected)
    row = next(r for r in expected if r["FlagNoFollow"] == "+")
    link = conn.execute("SELECT nofollow, anchor FROM links WHERE source_url = ? AND target_url = ?",
                        (row["SourceURL"], row["TargetURL"])).fetchone()
    assert tuple(link) == (1, row["AnchorText"])


def test_plain_export_and_reimport_adds_nothing(conn) -> None:  # type: ignore[no-untyped-def]
    path = EXPORTS / "plain-links.csv"
    first = imports.import_file(conn, path)
    count = conn.execute("SELECT count(*) FROM links").fetchone()[0]
    again = imports.import_file(conn, path)
    assert first.format == "plain" and first.links_new == count > 0
    assert again.links_new == 0 and again.rows_ok == first.rows_ok
    assert conn.execute("SELECT count(*) FROM links").fetchone()[0] == count


def test_gsc_reports_need_own_domain_and_parse_thousands(conn) -> None:  # type: ignore[no-untyped-def]
    top = EXPORTS / "gsc-top-linking-sites.csv"
    with pytest.raises(ImportDataError, match="own"):
        imports.import_file(conn, top)
    result = imports.import_file(conn, top, own_domain="mysite.example")
    assert result.format == "gsc" and result.rows_ok == len(_csv_rows(top))
    assert any("," in r["Linking pages"] for r in _csv_rows(top))  # the sample has "1,234"
    targets = {r[0] for r in conn.execute("SELECT DISTINCT target_domain FROM links")}
    assert targets == {"mysite.example"}
    pages = EXPORTS / "gsc-linking-pages.csv"
    result = imports.import_file(conn, pages, own_domain="mysite.example")
    assert result.rows_ok == len(_csv_rows(pages))
    assert conn.execute("SELECT count(*) FROM links WHERE last_seen LIKE '2026-%'").fetchone()[0] == result.rows_ok


def test_gsc_own_domain_may_be_a_url_and_must_be_a_domain(conn) -> None:  # type: ignore[no-untyped-def]
    pages = EXPORTS / "gsc-linking-pages.csv"
    result = imports.import_file(conn, pages, own_domain="https://www.MySite.example/")
    assert result.rows_bad == 0
    assert {tuple(r) for r in conn.execute("SELECT DISTINCT target_url, target_domain FROM links")} == {
        ("https://mysite.example/", "mysite.example")}
    with pytest.raises(ImportDataError, match=r"^your domain \(--own-domain or site.domain\) is not a domain: 'x y'$"):
        imports.import_file(conn, pages, own_domain="x y")


def test_gsc_top_linking_sites_counts_must_be_numbers(conn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "top.csv"
    path.write_text('Site,Linking pages,Target pages\na.example,"1,234",3\nb.example,lots,1\nc.example, 12 ,1\n',
                    encoding="utf-8")
    result = imports.import_file(conn, path, own_domain="mysite.example")
    assert (result.rows_ok, result.rows_bad) == (2, 1)
    assert [str(b) for b in result.bad] == ["line 3: Linking pages is not a number: lots"]


@pytest.mark.parametrize("name", ["catalog.csv", "catalog.jsonl"])
def test_catalog_samples(conn, name: str) -> None:  # type: ignore[no-untyped-def]
    path = ROOT / "sample_content" / name
    result = imports.import_file(conn, path)
    count = len(path.read_text(encoding="utf-8").strip().splitlines()) - (1 if name.endswith(".csv") else 0)
    assert result.format == "catalog" and result.rows_ok == count and result.rows_bad == 0
    site = conn.execute("SELECT * FROM sites WHERE domain = 'focusfriday.net'").fetchone()
    assert site["name"] == "Focus Friday" and site["authority"] is not None and "deep work" in site["topics"]
    if name.endswith(".jsonl"):
        kinds = {r[0] for r in conn.execute("SELECT kind FROM pages")}
        assert {"resource", "guest_post", "article"} <= kinds


def test_cp1252_file_is_decoded(conn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "links.csv"
    path.write_bytes("source_url,target_url,anchor\nhttps://a.com/x,https://b.com/y,\u201cCaf\u00e9 guide\u201d\n"
                     .encode("cp1252"))
    result = imports.import_file(conn, path)
    assert result.encoding == "cp1252"
    assert conn.execute("SELECT anchor FROM links").fetchone()[0] == "\u201cCaf\u00e9 guide\u201d"


def test_utf16_without_bom_and_semicolons(conn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "links.csv"
    path.write_bytes("source_url;target_url;anchor\nhttps://a.com/x;https://b.com/y;hi\n".encode("utf-16-le"))
    result = imports.import_file(conn, path)
    assert (result.encoding, result.delimiter, result.rows_ok) == ("utf-16-le", ";", 1)


def test_semicolon_catalog_from_a_spreadsheet_keeps_decimal_commas(conn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Excel set to French or German saves "url;...;authority" with 45,5: that is 45.5, not 455."""
    path = tmp_path / "catalog.csv"
    path.write_bytes("\ufeffurl;name;authority\nhttps://a.example/;A;45,5\nhttps://b.example/;B;1.234,5\n"
                     "https://c.example/;C;62\n".encode())
    result = imports.import_file(conn, path)
    assert (result.delimiter, result.rows_ok, result.rows_bad) == (";", 2, 1)
    assert "line 3: authority must be 0-100, got 1234.5" in str(result.bad[0])
    got = dict(conn.execute("SELECT domain, authority FROM sites").fetchall())
    assert got == {"a.example": 45.5, "c.example": 62.0}


@pytest.mark.parametrize(("text", "decimal_comma", "expected"), [
    ("1,234", False, 1234.0), ("45,5", False, 45.5), ("45.5", False, 45.5), ("12 345", False, 12345.0),
    ("45,5", True, 45.5), ("1.234,5", True, 1234.5), ("45.5", True, 45.5), ("62", True, 62.0),
])
def test_parse_number(text: str, decimal_comma: bool, expected: float) -> None:
    assert sniff.parse_number(text, decimal_comma=decimal_comma) == expected


def test_semicolon_backlink_export_keeps_decimal_commas(conn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "ahrefs.csv"
    path.write_text("Referring page URL;Target URL;Anchor;Domain rating\n"
                    "https://a.example/p;https://me.example/;hi;45,5\n", encoding="utf-8")
    result = imports.import_file(conn, path)
    assert (result.format, result.rows_ok) == ("ahrefs", 1)
    assert conn.execute("SELECT authority FROM sites WHERE domain = 'a.example'").fetchone()[0] == 45.5


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"  \n\n", "empty file"),
        (b"foo,bar,baz\n1,2,3\n", "unknown CSV"),
        (b"source_url,target_url\n", "no rows after the header"),
        (b"source_url,target_url\nexample.com/a,https://b.com/\n", "without scheme"),
        (b"source_url,target_url\n\x81\x8d\x8f\x90,\x9d\n", "cannot decode"),
        (b"PK\x03\x04xlsx-ish", "spreadsheet"),
        (b"url,name\nexample.com,Example\n", "without scheme"),
    ],
)
def test_bad_input_is_one_line_error(conn, tmp_path: Path, content: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    with pytest.raises(ImportDataError, match=message) as info:
        imports.import_file(conn, path)
    assert "\n" not in str(info.value)
    assert conn.execute("SELECT count(*) FROM links").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM imports").fetchone()[0] == 0


def test_catalog_malformed_rows_are_counted(conn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "cat.jsonl"
    path.write_text(
        '{"url": "https://good.example/", "name": "Good"}\n'
        "{not json}\n"
        '{"name": "no url"}\n'
        '{"domain": "also-good.example", "authority": "abc"}\n'
        '{"domain": "fine.example", "authority": 40}\n',
        encoding="utf-8",
    )
    result = imports.import_file(conn, path)
    assert (result.rows_ok, result.rows_bad) == (2, 3)
    assert [b.line for b in result.bad] == [2, 3, 4]


@pytest.mark.slow  # sites show reads the evidence with the model: loads it
def test_cli_import_list_show_exclude(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["sites", "import", str(ROOT / "sample_content" / "catalog.jsonl"),
                              str(EXPORTS / "semrush-backlinks-asyncfirst.io.csv"), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [d["format"] for d in data] == ["catalog", "semrush"]
    assert "2 malformed row(s) skipped: line" in res.stderr
    res = runner.invoke(cli, ["sites", "list", "--format", "csv", "--limit", "500"])
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert res.exit_code == 0 and "focusfriday.net" in {r["domain"] for r in rows}
    res = runner.invoke(cli, ["sites", "show", "focusfriday.net", "--json"])
    assert json.loads(res.stdout)["name"] == "Focus Friday"
    res = runner.invoke(cli, ["sites", "exclude", "https://www.focusfriday.net/", "brand-new.example"])
    assert res.exit_code == 0 and "brand-new.example: excluded (not seen yet)" in res.stdout
    res = runner.invoke(cli, ["sites", "list", "--excluded", "--json"])
    assert {r["domain"] for r in json.loads(res.stdout)} == {"focusfriday.net", "brand-new.example"}
    res = runner.invoke(cli, ["sites", "exclude", "--undo", "focusfriday.net", "--json"])
    assert json.loads(res.stdout) == [{"domain": "focusfriday.net", "excluded": False, "known": True}]
    res = runner.invoke(cli, ["sites", "list", "--excluded", "--format", "json"])
    assert {r["domain"] for r in json.loads(res.stdout)} == {"brand-new.example"}


def test_cli_bad_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "x.csv"
    bad.write_text("alpha,beta\n1,2\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["sites", "import", str(bad)])
    assert res.exit_code == 2
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("Error: ") and "unknown CSV" in res.stderr
    res = CliRunner().invoke(cli, ["sites", "show", "nowhere.example"])
    assert res.exit_code == 2 and "unknown site" in res.stderr


def test_forced_format_must_fit_the_columns(conn) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportDataError, match="not a ahrefs export: no column for source_url"):
        imports.import_file(conn, EXPORTS / "semrush-backlinks-asyncfirst.io.csv", fmt="ahrefs")
    result = imports.import_file(conn, EXPORTS / "plain-links.csv", fmt="plain")
    assert result.format == "plain" and result.rows_ok > 0


def test_cli_gsc_uses_config_site_domain(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    res = runner.invoke(cli, ["sites", "import", str(EXPORTS / "gsc-top-linking-sites.csv")])
    assert res.exit_code == 2 and "--own-domain or set site.domain" in res.stderr
    monkeypatch.setenv("ASSIST_SITE__DOMAIN", "mysite.example")
    res = runner.invoke(cli, ["sites", "import", str(EXPORTS / "gsc-top-linking-sites.csv"), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)[0]["format"] == "gsc"
    conn = db.connect()
    assert {r[0] for r in conn.execute("SELECT DISTINCT target_domain FROM links")} == {"mysite.example"}


def test_invalid_utf8_deep_in_a_file_is_a_counted_row(conn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [f"https://a{i}.com/x,https://b.com/y,hello {i}" for i in range(3000)]  # past the 64 KB sniff
    data = ("source_url,target_url,anchor\n" + "\n".join(rows) + "\n").encode()
    data += b"https://bad.com/x,https://b.com/y,caf\xe9\nhttps://ok.com/x,https://b.com/y,fine\n"
    path = tmp_path / "links.csv"
    path.write_bytes(data)
    result = imports.import_file(conn, path)
    assert (result.encoding, result.rows_ok, result.rows_bad) == ("utf-8", 3001, 1)
    assert [b.line for b in result.bad] == [3002] and "encoding" in result.bad[0].reason


def test_cli_a_bad_file_among_several_does_not_stop_the_others(tmp_path: Path) -> None:
    bad = tmp_path / "unknown.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    res = CliRunner().invoke(cli, ["sites", "import", str(bad), str(EXPORTS / "plain-links.csv"), str(empty)])
    assert res.exit_code == 2
    assert res.stderr.splitlines() == [f"Error: {bad}: unknown CSV: the header (foo, bar) is not a catalog, Ahrefs,"
                                       " Semrush, Majestic, Search Console or source_url,target_url export",
                                       f"Error: {empty}: empty file"]
    assert "plain-links.csv: plain (utf-8, comma): 55 rows imported" in res.stdout
    res = CliRunner().invoke(cli, ["sites", "import", str(bad), str(EXPORTS / "plain-links.csv"), "--json"])
    data = json.loads(res.stdout)
    assert res.exit_code == 2 and data[0]["error"].endswith("source_url,target_url export")
    assert data[1]["rows_ok"] == 55 and data[1]["links_new"] == 0  # imported before: nothing duplicated


def test_catalog_pages_and_links_that_cannot_be_stored_are_counted(conn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "sites.jsonl"
    entries = [
        {"url": "https://b.example/", "name": "B", "pages": [{"url": "https://b.example/x", "title": "B's page"}]},
        {"url": "https://a.example/", "name": "A", "pages": [
            {"url": "https://blog.a.example/post", "title": "A's blog post"},  # a subdomain is the site
            {"url": "https://b.example/x", "title": "Not A's page"},  # another site's page
            {"url": "/relative", "title": "no scheme"},
        ], "links": ["https://c.example/guide", "c.example/no-scheme", 42]},
    ]
    path.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    result = imports.import_file(conn, path)
    assert (result.rows_ok, result.rows_bad, result.pages, result.links_new) == (2, 0, 2, 1)
    assert result.items_skipped == 4
    assert [str(b) for b in result.skipped] == [
        "line 2: page https://b.example/x is not on a.example",
        "line 2: page URL is not http(s): /relative",
        "line 2: link is not http(s): https://a.example/ -> c.example/no-scheme",
        "line 2: link is not a URL or an object",
    ]
    page = conn.execute("SELECT p.title, s.domain FROM pages p JOIN sites s ON s.id = p.site_id"
                        " WHERE p.url = 'https://b.example/x'").fetchone()
    assert tuple(page) == ("B's page", "b.example")  # neither moved to a.example nor retitled
    res = CliRunner().invoke(cli, ["sites", "import", str(path)])
    assert res.exit_code == 0
    assert res.stderr.startswith(f"warning: {path}: 4 page(s) or link(s) in catalog entries skipped: line 2: page")


def test_unicode_domains_get_the_same_key_as_catalogs_and_crawls(conn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    catalog = tmp_path / "catalog.csv"
    catalog.write_text("url,name\nhttps://bücher.example/,Bücher\n", encoding="utf-8")
    imports.import_file(conn, catalog)
    export = tmp_path / "links.csv"
    export.write_text("source_url,target_url,anchor\nhttps://www.Bücher.example/x,https://b.example/y,hi\n"
                      "https://a.example/x,https://MÜNCHEN.example/y,hi\n", encoding="utf-8")
    result = imports.import_file(conn, export)
    assert result.sites_new == 1  # a.example; bücher.example is the catalog's site
    links = {tuple(r) for r in conn.execute("SELECT source_domain, target_domain FROM links")}
    assert links == {("xn--bcher-kva.example", "b.example"), ("a.example", "xn--mnchen-3ya.example")}
    assert sorted(r[0] for r in conn.execute("SELECT domain FROM sites")) == ["a.example", "xn--bcher-kva.example"]


def test_hostile_catalog_rows_are_malformed_rows_and_the_rest_imports(tmp_path: Path) -> None:
    """A field over csv's 128 KiB limit, a list where text is expected, JSON nested 100,000 deep, a
    runaway quoted field: each is a malformed row with its line; other rows and files are imported
    (issue 10, items 16-17)."""
    big = tmp_path / "big.csv"
    big.write_text('url,name,description\nhttps://a.example/,A,"' + "x" * 200_000 + '"\nhttps://b.example/,B,fine\n')
    lists = tmp_path / "lists.jsonl"
    lists.write_text("\n".join(json.dumps(e) for e in [
        {"url": "https://c.example/", "name": ["not", "text"]},
        {"url": "https://d.example/", "name": "D", "pages": [{"url": "https://d.example/p", "title": ["x"]}],
         "links": [{"target": "https://t.example/", "anchor": {"a": 1}}]},
        {"url": "https://e.example/", "name": "E"}]) + "\n")
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"url": "https://f.example/", "name": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
                    + json.dumps({"url": "https://g.example/", "name": "G"}) + "\n")
    runaway = tmp_path / "runaway.csv"
    rows = ["url,name,description", 'https://h.example/,H,"starts a quote but never ends']
    rows += [f"https://r{i}.example/,R{i},row {i}" for i in range(200)]
    runaway.write_text("\n".join(rows) + "\n")
    ok = tmp_path / "ok.csv"
    ok.write_text("url,name\nhttps://z.example/,Z\n")
    result = CliRunner().invoke(cli, ["sites", "import", str(big), str(lists), str(deep), str(runaway), str(ok)])
    assert "internal error" not in result.output and "Traceback" not in result.output, result.output
    text = result.output
    assert "line 2: unreadable CSV row: field larger than field limit" in text
    assert "line 1: name must be text, not list" in text
    assert "page title must be text" in text and "link anchor must be text" in text
    assert "JSON nested too deep" in text
    assert "a quoted field runs over" in text and "(a stray quote?)" in text
    conn = db.connect()
    domains = {r[0] for r in conn.execute("SELECT domain FROM sites")}
    assert {"b.example", "d.example", "e.example", "g.example", "z.example"} <= domains
    assert not {"a.example", "c.example", "f.example"} & domains


def test_a_json_array_catalog_item_nested_too_deep_is_one_malformed_row(tmp_path: Path) -> None:
    """A JSON-array catalog with one item nested 100,000 deep was refused whole ("JSON nested too
    deep"); as in JSONL, that item is a malformed row (numbered from 1) and the others are imported
    (issue 10, item 16)."""
    deep = tmp_path / "deep.json"
    deep.write_text("[\n" + json.dumps({"url": "https://a.example/", "name": "A"}) + ",\n"
                    + '{"url": "https://b.example/", "name": ' + "[" * 100_000 + "]" * 100_000 + "},\n"
                    + '{"url": "https://c.example/", "name": "a \\"[{quoted}]\\" name", "topics": [["x"]]},\n'
                    + '"not an object",\n'
                    + json.dumps({"url": "https://d.example/", "name": "D"}) + "\n]\n")
    result = CliRunner().invoke(cli, ["sites", "import", str(deep), "--json"])
    assert result.exit_code == 0, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    [report] = json.loads(result.stdout)
    assert (report["rows_ok"], report["rows_bad"]) == (3, 2), report
    assert "line 2: JSON nested too deep" in result.stderr and "line 4: not an object" in result.stderr
    domains = {r[0] for r in db.connect().execute("SELECT domain FROM sites")}
    assert domains == {"a.example", "c.example", "d.example"}


@pytest.mark.parametrize(("text", "says"), [
    ('[{"url": "https://a.example/"} {"url": "https://b.example/"}]', "invalid JSON at line 1"),
    ('[{"url": "https://a.example/"}, ' + "[" * 100_000, "invalid JSON at line 1"),
    ('[{"url": "https://a.example/"}] trailing', "invalid JSON at line 1"),
])
def test_a_json_array_catalog_that_is_not_json_is_refused_in_one_line(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ImportDataError, match=says):
        imports.import_file(db.connect(), path)
