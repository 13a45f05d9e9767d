"""Options and helpers shared by several commands."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


# One vocabulary for --format across commands: "text" is the human output (a report or a table),
# "json" for scripts, "csv" for spreadsheets, "markdown" for PR comments. Older names stay as aliases.
FORMAT_ALIASES = {"table": "text"}


class FormatChoice(click.Choice):
    """``--format`` choices from the shared vocabulary; aliases (``table``) map to their names."""

    def __init__(self, choices: list[str]) -> None:
        super().__init__(choices)
        self.aliases = {alias: name for alias, name in FORMAT_ALIASES.items() if name in choices}

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value.lower() in self.aliases:
            return self.aliases[value.lower()]
        return super().convert(value, param, ctx)


def format_option(*choices: str, help: str = "Output format.") -> Callable[[F], F]:  # noqa: A002
    """``--format`` with the shared vocabulary (default: text), and ``--json`` as its shorthand."""
    names = ", ".join(choices)

    def decorate(func: F) -> F:
        func = click.option("--format", "fmt", type=FormatChoice(list(choices)), default="text", show_default=True,
                            help=f"{help} One of {names} (table is an old name of text).")(func)
        return func

    return decorate


class Finite(click.FloatRange):
    """A float option in a range, and finite: ``nan`` and ``inf`` pass click's FloatRange (every
    comparison with NaN is false) and once busy-looped the worker (``--interval nan``)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        import math

        if isinstance(value, str) and value.strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


MAX_ID = 2**63 - 1  # SQLite's largest integer: a bigger id or limit is refused, not an internal error
MAX_LIMIT = 1_000_000


def json_option(func: F) -> F:
    """--json: machine-readable output on stdout."""
    return click.option("json_", "--json", is_flag=True, help="Print JSON for scripts instead of a table.")(func)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


from assistant.terminal import printable  # noqa: E402,F401 - re-exported: the CLI modules use it from here


def warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


@contextmanager
def status(first: str) -> Iterator[Callable[[str], None] | None]:
    """A rich spinner on stderr saying the current step, when stderr is a terminal (loading the
    model, a large export): yields a function that changes the step, else None."""
    import sys

    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console

    with Console(stderr=True).status(first) as spinner:
        yield lambda message: spinner.update(message)


def warn_skipped(file: str, count: int, what: str, samples: list[Any]) -> None:
    """One warning for the rows of a file that were skipped: how many, the first few, how many more."""
    if count:
        more = "" if count <= len(samples) else f"; and {count - len(samples)} more"
        warn(f"{file}: {count} {what} skipped: {'; '.join(str(s) for s in samples)}{more}")


def each_file(files: tuple[str, ...], work: Callable[[str], Any], results: list[dict[str, Any]]) -> Any:
    """(file, work(file)) for each file. A file that cannot be done is one line on stderr and a
    ``{"path", "error"}`` entry in ``results``, and the others are still done; a single file's error
    is raised as it is. ``failed(results)`` says afterwards whether any file failed."""
    from assistant.errors import AssistError

    for file in files:
        try:
            got = work(file)
        except AssistError as exc:
            if len(files) == 1:
                raise
            click.echo(f"Error: {exc}", err=True)
            results.append({"path": file, "error": str(exc)})
            continue
        yield file, got


def failed(results: list[dict[str, Any]]) -> bool:
    return any("error" in r for r in results)


def open_db(*, readonly: bool = False) -> Any:
    """The assist database (created and migrated on first use). ``readonly``: the command only reads
    (its caches aside), so a database it cannot write is opened read-only instead of refused."""
    from assistant import db

    return db.connect(readonly=readonly)


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
