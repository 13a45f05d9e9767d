"""The root CLI: version, help listing every command, and errors as one line with an exit code."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from assistant import __version__
from assistant.cli import COMMANDS, cli
from assistant.errors import DocumentError


@pytest.fixture
def boom_command() -> Iterator[str]:
    @cli.command(name="boom-test", hidden=True)
    @click.argument("kind")
    def boom(kind: str) -> None:
        if kind == "doc":
            raise DocumentError("draft.md", "empty file")
        if kind == "bug":
            raise KeyError("surprise")
        raise KeyboardInterrupt

    yield "boom-test"
    cli.commands.pop("boom-test", None)


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"assist {__version__}"


# The commands issue 2 requires, spelled out: COMMANDS alone would let one vanish unnoticed.
REQUIRED_COMMANDS = ("score", "share", "queue", "channels", "plugins", "prospects", "sites", "outreach", "config")


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    listed = [line.split()[0] for line in result.output.split("Commands:", 1)[1].splitlines() if line.strip()]
    assert set(REQUIRED_COMMANDS) <= set(listed), listed
    assert set(COMMANDS) <= set(listed)
    for name in REQUIRED_COMMANDS:  # each one loads and has its own help
        sub = CliRunner().invoke(cli, [name, "--help"])
        assert sub.exit_code == 0 and "Usage: " in sub.output, (name, sub.output)


def test_console_script_assist() -> None:
    from importlib.metadata import entry_points

    [script] = [ep for ep in entry_points(group="console_scripts") if ep.name == "assist"]
    assert script.value == "assistant.cli:main"
    exe = Path(sys.executable).with_name("assist")
    assert exe.exists(), f"no {exe}: is the package installed (pip install -e .)?"
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == f"assist {__version__}"
    listed = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60).stdout
    assert all(f"  {name} " in listed for name in REQUIRED_COMMANDS), listed


def test_domain_error_is_one_line_with_its_exit_code(boom_command: str) -> None:
    result = CliRunner().invoke(cli, [boom_command, "doc"])
    assert result.exit_code == 2
    assert result.output.strip() == "Error: draft.md: empty file"


def test_unexpected_error_is_one_line_not_a_traceback(boom_command: str) -> None:
    result = CliRunner().invoke(cli, [boom_command, "bug"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "internal error: KeyError" in lines[0]


def test_raise_errors_variable_keeps_the_original(boom_command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSIST_RAISE_ERRORS", "1")
    result = CliRunner().invoke(cli, [boom_command, "bug"])
    assert isinstance(result.exception, KeyError)


def test_interrupt_exits_130(boom_command: str) -> None:
    result = CliRunner().invoke(cli, [boom_command, "int"])
    assert result.exit_code == 130


def test_python_dash_m_entry_point() -> None:
    out = subprocess.run([sys.executable, "-m", "assistant", "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == f"assist {__version__}"


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys\nfrom assistant.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'sklearn', 'textstat', 'praw', 'tweepy',"
        " 'mastodon', 'atproto', 'duckdb', 'trafilatura', 'httpx', 'onnxruntime') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr


@pytest.mark.parametrize(
    ("argv", "message", "help_of"),
    [
        (["nope"], "No such command 'nope'", "assist --help"),
        (["scor", "x.md"], "No such command 'scor'. Did you mean 'score'?", "assist --help"),
        (["queue", "lst"], "No such command 'lst'. Did you mean 'list'?", "assist queue --help"),
        (["--bogus"], "No such option '--bogus'", "assist --help"),
        (["score"], "Missing argument 'PATH...'", "assist score --help"),
        (["score", "--format", "xml", "x.md"], "Invalid value for '--format'", "assist score --help"),
        (["queue", "cancel", "abc"], "'abc' is not a valid integer", "assist queue cancel --help"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(argv: list[str], message: str, help_of: str) -> None:
    result = CliRunner().invoke(cli, argv, prog_name="assist")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ") and message in lines[0] and f"(see '{help_of}')" in lines[0]


def test_a_group_without_a_command_still_prints_its_help() -> None:
    result = CliRunner().invoke(cli, ["queue"])
    assert "Usage: " in result.output and "Commands:" in result.output


@pytest.mark.parametrize("argv", [["config", "show"], ["plugins", "--all"]])
def test_a_closed_pipe_is_not_an_internal_error(argv: list[str]) -> None:
    """`assist sites list | head -1`: when the reader leaves, assist stops quietly, no error line."""
    proc = subprocess.Popen([sys.executable, "-m", "assistant", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the command writes anything: its first write fails with EPIPE
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1
    assert "internal error" not in err and "Traceback" not in err and "Exception ignored" not in err, err


@pytest.mark.parametrize("group", [[], ["queue"], ["sites"], ["config"], ["channels"]])
def test_help_lists_each_command_with_its_whole_first_sentence(group: list[str]) -> None:
    """click cuts a command's summary at the terminal width with "..."; assist wraps it instead."""
    result = CliRunner().invoke(cli, [*group, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    listing = result.output.split("Commands:", 1)[1]
    assert "..." not in listing, listing
    if group == ["queue"]:
        assert "unknown posts again, now." in " ".join(listing.split())
