"""Bad input to `assist sites`, `assist prospects` and `assist outreach`: exit code 2, an `Error:` line
naming the problem, never a traceback, and nothing stored. None of these load the embedding model."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from assistant import db
from assistant.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DRAFT = ROOT / "sample_content" / "remote-work-survey-2026.md"
CATALOG = ROOT / "sample_content" / "catalog.csv"


def error_line(res: Result) -> str:
    """The one `Error:` line of a failed command (click's usage errors put a usage hint above it)."""
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert res.stdout == ""
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("Error: ")
    assert sum(line.startswith("Error: ") for line in lines) == 1
    return lines[-1]


@pytest.mark.parametrize(("args", "message"), [
    (["prospects", str(DRAFT), "--limit", "0"], "Invalid value for '--limit': 0 is not in the range"),
    (["prospects", str(DRAFT), "--limit", "-5"], "Invalid value for '--limit': -5 is not in the range"),
    (["prospects", str(DRAFT), "--format", "xml"], "Invalid value for '--format': 'xml' is not one of"),
    (["sites", "list", "--limit", "0"], "Invalid value for '--limit': 0 is not in the range"),
    (["sites", "list", "--limit", "-1"], "Invalid value for '--limit': -1 is not in the range"),
    (["sites", "list", "--format", "yaml"], "Invalid value for '--format': 'yaml' is not one of"),
    (["sites", "import", str(CATALOG), "--format", "moz"], "Invalid value for '--format': 'moz' is not one of"),
    (["outreach", "preview", str(DRAFT), "--site", "a.example", "--format", "html"], "Invalid value for '--format'"),
])
def test_bad_options_are_refused(args: list[str], message: str) -> None:
    assert message in error_line(CliRunner().invoke(cli, args))


def test_missing_files_are_one_line_errors(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    res = CliRunner().invoke(cli, ["sites", "import", str(missing)])
    assert error_line(res) == f"Error: {missing}: no such file" and res.stderr.count("\n") == 1
    res = CliRunner().invoke(cli, ["outreach", "preview", str(tmp_path / "nope.md"), "--site", "a.example"])
    assert "no such file" in error_line(res) and res.stderr.count("\n") == 1


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty file"),
    (b"alpha,beta\n1,2\n", "unknown CSV: the header (alpha, beta)"),
    (b"source_url,target_url\n\x81\x8d\x8f\x90,\x9d\n", "cannot decode the file"),
    (b"source_url,target_url\nexample.com/a,https://b.example/\n",
     "no valid rows (1 malformed); first: line 2: source URL without scheme"),
    # NULs on both byte parities: a database or an image renamed .csv, not UTF-16 text
    (b"SQLite format 3\x00\x10\x00\x01\x01\x00@  \x00\x00\x00\x02" + b"\x00" * 200, "binary data, not a text export"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00@\x00\x00\x00@\x08\x02" + b"\x00\x01" * 50 + b"\x00" * 100,
     "binary data, not a text export"),
])
def test_bad_import_files_are_one_line_errors_and_store_nothing(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    res = CliRunner().invoke(cli, ["sites", "import", str(path)])
    line = error_line(res)
    assert res.stderr.count("\n") == 1 and line.startswith(f"Error: {path}: ") and message in line
    conn = db.connect()
    assert [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("sites", "links", "imports")] == [0, 0, 0]


def test_malformed_rows_are_counted_and_reported_by_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "links.csv"
    path.write_text("source_url,target_url,anchor\nhttps://a.example/x,https://b.example/y,ok\n"
                    "/relative,https://b.example/y,bad\nhttps://c.example/x\n"
                    "https://nodot/x,https://b.example/y,bad\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["sites", "import", str(path)])
    assert res.exit_code == 0, res.output
    assert "1 row imported, 3 malformed; 1 new link, 1 new site" in res.stdout  # not "1 rows", "1 new links"
    assert res.stderr.startswith(f"warning: {path}: 3 malformed row(s) skipped: line 3: source URL without scheme")
    assert "line 4: " in res.stderr and "line 5: " in res.stderr
    assert tuple(db.connect().execute("SELECT rows_ok, rows_bad FROM imports").fetchone()) == (1, 3)


def test_a_fractional_max_file_mb_is_not_zero_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """score.max_file_mb = 0.5 is half a megabyte for prospects too (int(0.5) made every draft too large)."""
    monkeypatch.setenv("ASSIST_SCORE__MAX_FILE_MB", "0.5")
    line = error_line(CliRunner().invoke(cli, ["prospects", str(DRAFT)]))
    assert "too large" not in line and "no sites to rank yet" in line
    monkeypatch.setenv("ASSIST_SCORE__MAX_FILE_MB", "lots")
    assert error_line(CliRunner().invoke(cli, ["prospects", str(DRAFT)])) == \
        "Error: [score] max_file_mb: 'lots' is not a number"
