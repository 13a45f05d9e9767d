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


SHARE_TO_REDDIT = ["share", str(DRAFT), "--channel", "reddit:r/test", "--summary", "lead", "--dry-run"]


@pytest.mark.parametrize(("setting", "says"), [
    ('[channels.reddit]\nother_activity = "abc"', "[channels.reddit] other_activity: 'abc' is not a whole number"),
    ("[channels.reddit]\nother_activity = nan", "[channels.reddit] other_activity: nan is not a whole number"),
    ("[channels.reddit]\nother_activity = -1", "[channels.reddit] other_activity: must be at least 0, not -1"),
    ('[channels.reddit]\nself_promotion_ratio = "abc"', "[channels.reddit] self_promotion_ratio: 'abc' is not a number"),
    ("[channels.reddit]\nself_promotion_ratio = inf", "[channels.reddit] self_promotion_ratio: inf is not a number"),
    ("[channels.reddit]\nself_promotion_ratio = 2", "[channels.reddit] self_promotion_ratio: must be at most 1, not 2"),
    ('[channels.reddit]\nself_promotion_window = "400d"',
     "[channels.reddit] self_promotion_window: must be at most 366d, not '400d'"),
    ('[channels.reddit]\nmin_spacing = "53w"', "[channels.reddit] min_spacing: must be at most 366d, not '53w'"),
    ('[schedule]\nmin_spacing = "400d"', "[schedule] min_spacing: must be at most 366d, not '400d'"),
    ('[schedule]\nduplicate_window = "9999d"', "[schedule] duplicate_window: must be at most 366d, not '9999d'"),
])
def test_share_guard_settings_are_ranged_numbers_not_internal_errors(assist_home: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     setting: str, says: str) -> None:
    """`other_activity = abc`, `nan` or `-1` and `self_promotion_ratio = abc` were internal errors
    (ValueError, ZeroDivisionError); the guards' durations had no upper bound."""
    for var in ("CLIENT_ID", "CLIENT_SECRET", "USERNAME", "PASSWORD"):
        monkeypatch.setenv(f"ASSIST_REDDIT_{var}", "x")
    (assist_home / "config.toml").write_text(setting + "\n")
    assert says in one_line(CliRunner().invoke(cli, SHARE_TO_REDDIT))


def test_a_guard_setting_from_the_environment_is_checked_too(assist_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("CLIENT_ID", "CLIENT_SECRET", "USERNAME", "PASSWORD"):
        monkeypatch.setenv(f"ASSIST_REDDIT_{var}", "x")
    monkeypatch.setenv("ASSIST_CHANNELS__REDDIT__OTHER_ACTIVITY", "lots")
    assert "[channels.reddit] other_activity: 'lots' is not a whole number" in one_line(
        CliRunner().invoke(cli, SHARE_TO_REDDIT))
    monkeypatch.setenv("ASSIST_CHANNELS__REDDIT__OTHER_ACTIVITY", "50")
    result = CliRunner().invoke(cli, SHARE_TO_REDDIT)
    assert result.exit_code == 0 and "Dry run: nothing was queued." in result.stderr, result.output


def test_the_worker_interval_has_one_maximum_as_option_and_as_setting(assist_home: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """`--interval` allowed 86,400 s and `[queue] interval` 366 days: one maximum, a day."""
    from assistant.share import worker

    ran: list[float] = []
    monkeypatch.setattr(worker, "install_signal_handlers", lambda w: None)
    monkeypatch.setattr(worker.Worker, "run_forever", lambda self, interval, *a, **k: ran.append(interval))
    runner = CliRunner()
    assert runner.invoke(cli, ["queue", "worker", "--interval", "86400"]).exit_code == 0
    (assist_home / "config.toml").write_text('[queue]\ninterval = "1d"\n')
    assert runner.invoke(cli, ["queue", "worker"]).exit_code == 0
    assert ran == [86400.0, 86400.0]
    assert "86400" in one_line(runner.invoke(cli, ["queue", "worker", "--interval", "86401"]))
    (assist_home / "config.toml").write_text('[queue]\ninterval = "2d"\n')
    assert "[queue] interval: must be at most 1d, not '2d'" in one_line(runner.invoke(cli, ["queue", "worker"]))
    (assist_home / "config.toml").write_text("[queue]\ninterval = 0.001\n")
    assert "[queue] interval: must be at least 0.01 s, not 0.001" in one_line(runner.invoke(cli, ["queue", "worker"]))
    assert ran == [86400.0, 86400.0]


@pytest.mark.parametrize("spread", ["0", "0s", "367d", "53w"])
def test_spread_out_of_range_says_the_real_range(spread: str) -> None:
    line = one_line(CliRunner().invoke(cli, ["share", str(DRAFT), "--channel", "x", "--spread", spread, "--dry-run"]))
    assert f"--spread: {spread!r} must be more than 0 s and at most 366 days (e.g. 3d, 2w)" in line
