"""One --format vocabulary across commands: text (the human output), json, csv, markdown; the old
name "table" stays an alias of text."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.cli.common import FormatChoice

VOCABULARY = {"text", "json", "csv", "markdown"}


def _commands(group: click.Group, ctx: click.Context, path: str = "assist"):  # type: ignore[no-untyped-def]
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None:
            continue
        yield f"{path} {name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, click.Context(command, parent=ctx, info_name=name), f"{path} {name}")


def test_every_output_format_option_speaks_one_vocabulary() -> None:
    seen = {}
    for path, command in _commands(cli, click.Context(cli, info_name="assist")):
        for param in command.params:
            if "--format" not in getattr(param, "opts", ()) or path in ("assist sites import", "assist links import"):
                continue  # sites/links import --format names the file's format (ahrefs, semrush, ...), not the output's
            assert isinstance(param.type, FormatChoice), f"{path} --format is not a FormatChoice"
            assert set(param.type.choices) <= VOCABULARY, f"{path} --format {param.type.choices}"
            assert param.default == "text", f"{path} --format defaults to {param.default}"
            seen[path] = list(param.type.choices)
    assert {"assist score", "assist prospects", "assist sites list", "assist outreach preview", "assist outreach list",
            "assist links list"} <= set(seen)


@pytest.mark.parametrize("args", [["sites", "list"], ["prospects", "README.md"]])
def test_table_is_still_accepted_as_text(args: list[str]) -> None:
    as_table = CliRunner().invoke(cli, [*args, "--format", "table"])
    as_text = CliRunner().invoke(cli, [*args, "--format", "text"])
    assert as_table.exit_code == as_text.exit_code and as_table.output == as_text.output
    assert "Invalid value" not in as_table.output


def test_an_unknown_format_is_a_one_line_usage_error() -> None:
    result = CliRunner().invoke(cli, ["sites", "list", "--format", "yaml"])
    assert result.exit_code == 2 and "'yaml' is not one of 'text', 'json', 'csv'" in result.output
    assert json.loads(CliRunner().invoke(cli, ["sites", "list", "--format", "json"]).output) == []
