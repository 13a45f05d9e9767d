"""Hostile drafts (issue 10, items 13-15): an impossible date, YAML aliases ("billion laughs"), devices,
pipes and symlink loops are one-line refusals of that draft; a directory run scores the rest."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import documents
from assistant.cli import cli
from assistant.errors import DocumentError

SAMPLE = Path(__file__).resolve().parents[1] / "sample_content" / "balcony-vegetable-garden.md"
LAUGHS = "---\n" + "\n".join(
    [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9) if i else 'lol'}]" for i in range(9)]) + "\nkeywords: *l8\n---\n# Hi\n\nText.\n"


def test_an_impossible_date_is_that_drafts_error_and_the_rest_are_scored(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: A\ndate: 2024-02-30\n---\n# A\n\nSome text about bread.\n")
    (tmp_path / "b.md").write_text(SAMPLE.read_text())
    result = CliRunner().invoke(cli, ["score", str(tmp_path), "--no-relevance", "--json"])
    assert result.exit_code == 2
    assert "a.md: invalid value in front matter: day is out of range for month" in result.stderr
    scored = {Path(r["path"]).name: r for r in json.loads(result.stdout)}
    assert "linkability" in scored["b.md"] and "Traceback" not in result.output


def test_an_impossible_date_is_one_line_naming_the_draft_in_prospects(tmp_path: Path) -> None:
    """`prospects` takes one draft: the impossible date is that draft's one-line error, exit 2, before
    any site is looked at (`share`: tests/test_share_cli.py)."""
    draft = tmp_path / "a.md"
    draft.write_text("---\ntitle: A\ndate: 2024-02-30\n---\n# A\n\nSome text about bread.\n")
    result = CliRunner().invoke(cli, ["prospects", str(draft)])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [
        f"Error: {draft}: invalid value in front matter: day is out of range for month"]
    assert result.stdout == ""


def test_yaml_aliases_in_front_matter_are_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "laughs.md"
    path.write_text(LAUGHS)
    assert len(LAUGHS) < 600
    started = time.monotonic()
    with pytest.raises(DocumentError, match="YAML aliases .* are not allowed"):
        documents.load(str(path))
    assert time.monotonic() - started < 2


def test_huge_front_matter_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_text("---\nnotes: |\n" + "  words words words\n" * 5000 + "---\n# Hi\n\nText.\n")
    with pytest.raises(DocumentError, match="front matter over 64 KB"):
        documents.load(str(path))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_symlink_to_an_endless_device_is_refused_not_read(tmp_path: Path, device: str) -> None:
    link = tmp_path / "draft.md"
    link.symlink_to(device)
    started = time.monotonic()
    with pytest.raises(DocumentError, match="not a regular file"):
        documents.load(str(link))
    assert time.monotonic() - started < 2


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "draft.md"
    os.mkfifo(fifo)
    done: list[BaseException] = []

    def load() -> None:
        try:
            documents.load(str(fifo))
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            done.append(exc)

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(3)
    assert not thread.is_alive(), "reading a FIFO blocked"
    assert isinstance(done[0], DocumentError) and "not a regular file" in str(done[0])


def test_a_symlink_loop_is_named_as_one(tmp_path: Path) -> None:
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(DocumentError, match="a symbolic link loop"):
        documents.load(str(a))


def test_utf16_without_a_bom_is_read_and_gzip_gets_a_hint(tmp_path: Path) -> None:
    """UTF-16 without BOM was called "binary"; a gzip file got no "decompress it first" (item 26)."""
    import gzip

    draft = tmp_path / "utf16.md"
    draft.write_bytes("# Caf\u00e9 notes\n\nEspresso is brewed under pressure.\n".encode("utf-16-le"))
    doc = documents.load(str(draft))
    assert doc.title == "Caf\u00e9 notes"
    zipped = tmp_path / "zipped.md"  # gzip bytes under a draft's name
    zipped.write_bytes(gzip.compress(b"# Hi\n\nText.\n"))
    with pytest.raises(DocumentError, match="gzip-compressed file; decompress it first"):
        documents.load(str(zipped))
    export = tmp_path / "backlinks.csv.gz"
    export.write_bytes(gzip.compress(b"source_url,target_url\nhttps://a.example/,https://b.example/\n"))
    result = CliRunner().invoke(cli, ["sites", "import", str(export)])
    assert result.exit_code == 2 and "decompress it first (gunzip backlinks.csv.gz)" in result.output


def test_a_draft_just_over_the_size_limit_says_so_in_bytes(tmp_path: Path) -> None:
    from assistant import documents
    from assistant.errors import DocumentError

    just_over = tmp_path / "big.md"
    just_over.write_bytes(b"a" * (5 * 1024 * 1024 + 1))
    with pytest.raises(DocumentError, match=r"too large \(5,242,881 bytes; the limit is 5,242,880 bytes"):
        documents.load(str(just_over), max_bytes=5 * 1024 * 1024)
    far_over = tmp_path / "bigger.md"
    far_over.write_bytes(b"a" * (6 * 1024 * 1024))
    with pytest.raises(DocumentError, match=r"too large \(6.0 MB; the limit is 5.0 MB"):
        documents.load(str(far_over), max_bytes=5 * 1024 * 1024)
