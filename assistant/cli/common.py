"""Options and helpers shared by several commands."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def json_option(func: F) -> F:
    """--json: machine-readable output on stdout."""
    return click.option("json_", "--json", is_flag=True, help="Print JSON for scripts instead of a table.")(func)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: Any) -> str:
    """Text from outside (pages, catalogs, exports) made safe for a terminal: control characters,
    and with them the escape sequences that recolour, retitle or clear a terminal, are dropped."""
    return _CONTROL.sub("", "" if text is None else str(text))


def warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def open_db() -> Any:
    """The assist database (created and migrated on first use)."""
    from assistant import db

    return db.connect()


def settings() -> Any:
    from assistant import config

    return config.load()


def echo_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Aligned columns under a header, two spaces apart; the last column is never padded, so a long
    value (a list of missing variables) runs on instead of pushing into its neighbour."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)] + [row[-1]]
        click.echo("  ".join(cells).rstrip())


class Group(click.Group):
    """A click group whose command list shows each command's whole first sentence, wrapped, where
    click cuts it at the terminal width with "..." ("Send failed, dead, cancelled or (with --force)...")."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError:
            import difflib

            name = args[0] if args else ""
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1, cutoff=0.6)
            if not close or name.startswith("-"):
                raise
            raise click.UsageError(f"No such command {name!r}. Did you mean {close[0]!r}?", ctx) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
