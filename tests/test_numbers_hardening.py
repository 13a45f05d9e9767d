"""Finite, ranged numbers everywhere (issue 10, item 6): NaN, infinity and huge numbers given as
options or settings are one-line refusals (exit 2), never a busy loop, a traceback or NaN in JSON."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import cli

DRAFT = Path(__file__).resolve().parents[1] / "sample_content" / "balcony-vegetable-garden.md"


def one_line(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = [line for line in result.output.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


@pytest.mark.parametrize("args", [
    ["queue", "worker", "--interval", "nan"],
    ["queue", "worker", "--interval", "inf"],
    ["queue", "run", "--limit", "99999999999999999999"],
    ["queue", "show", "99999999999999999999"],
    ["queue", "cancel", "99999999999999999999"],
    ["sites", "crawl", "https://never.example/", "--delay", "inf"],
    ["sites", "crawl", "https://never.example/", "--timeout", "nan"],
    ["sites", "crawl", "https://never.example/", "--max-bytes", "99999999999999999999"],
    ["sites", "list", "--limit", "99999999999999999999"],
    ["score", str(DRAFT), "--no-relevance", "--min-score", "nan"],
    ["share", str(DRAFT), "--channel", "x", "--spread", "99999999d", "--dry-run"],
])
def test_nan_infinity_and_huge_options_are_refused_in_one_line(args: list[str]) -> None:
    line = one_line(CliRunner().invoke(cli, args))
    assert line.startswith(("Error:", "Usage:")) or "Invalid value" in line or "--spread" in line


@pytest.mark.parametrize(("variable", "value", "says"), [
    ("ASSIST_SCORE__MAX_FILE_MB", "1e308", "[score] max_file_mb: must be at most 1024"),
    ("ASSIST_SCORE__MAX_FILE_MB", "nan", "[score] max_file_mb: nan is not a number"),
    ("ASSIST_SCORE__WEIGHTS__DEPTH", "inf", "[score.weights] depth: inf is not a number"),
    ("ASSIST_MODEL__BATCH_SIZE", "99999999999", "[model] batch_size: must be at most 4096"),
])
def test_nan_infinity_and_huge_settings_are_refused_in_one_line(monkeypatch: pytest.MonkeyPatch, variable: str,
                                                                value: str, says: str) -> None:
    monkeypatch.setenv(variable, value)
    relevance = [] if "BATCH_SIZE" in variable else ["--no-relevance"]  # read when the model would load
    assert says in one_line(CliRunner().invoke(cli, ["score", str(DRAFT), *relevance, "--json"]))


@pytest.mark.parametrize(("setting", "says"), [
    ('[queue]\nlease = inf', "[queue] lease"),
    ('[queue]\nbackoff = "99999999d"', "[queue] backoff: must be at most 366d"),
    ('[crawl]\ndelay = inf', "[crawl] delay"),
])
def test_infinite_durations_in_config_are_refused(assist_home: Path, setting: str, says: str) -> None:
    (assist_home / "config.toml").write_text(setting + "\n")
    command = ["sites", "crawl", "https://never.example/"] if "crawl" in setting else ["queue", "run"]
    assert says in one_line(CliRunner().invoke(cli, command))
