"""The assist command line: a thin front door that parses, calls a library function, renders.

Subcommands are imported only when used, so ``assist --help`` stays instant; plugins may add
commands through the ``register_commands`` hook.
"""

from __future__ import annotations

import importlib
import sqlite3
import sys
from typing import Any

import click

from assistant import __version__
from assistant.cli.common import Group
from assistant.errors import EXIT_INTERRUPTED, EXIT_USAGE, AssistError, first_line, raise_errors

# name -> "module:attribute"; modules must stay cheap to import (heavy imports go in functions).
COMMANDS: dict[str, str] = {
    "score": "assistant.cli.score:score",
    "prospects": "assistant.cli.prospects:prospects",
    "outreach": "assistant.cli.outreach:outreach",
    "sites": "assistant.cli.sites:sites",
    "links": "assistant.cli.links:links",
    "share": "assistant.cli.share:share",
    "queue": "assistant.cli.queue:queue",
    "channels": "assistant.cli.channels:channels",
    "plugins": "assistant.cli.plugins:plugins",
    "serve": "assistant.cli.web:serve",
    "report": "assistant.cli.web:report",
    "config": "assistant.cli.config:config",
}


class AssistCommandError(click.ClickException):
    """A domain error shown as one line, with the error's own exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class OneLineUsageError(click.ClickException):
    """Click's usage error on one line: the problem, then where to read the usage."""

    exit_code = EXIT_USAGE

    def __init__(self, exc: click.UsageError) -> None:
        where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        super().__init__(exc.format_message().rstrip(".") + where)


def _usage_error(exc: click.UsageError) -> click.ClickException:
    # Bare `assist` / `assist queue` print their help through NoArgsIsHelpError: keep that.
    return exc if isinstance(exc, click.exceptions.NoArgsIsHelpError) else OneLineUsageError(exc)


class AssistGroup(Group):
    """Loads built-in subcommands lazily and plugin commands on demand; turns errors into one line."""

    _plugins_loaded = False

    def _load_plugin_commands(self) -> None:
        if AssistGroup._plugins_loaded:
            return
        AssistGroup._plugins_loaded = True
        from assistant import plugins

        before = dict(self.commands)
        plugins.call_hook("register_commands", cli=self)
        for name in [n for n, command in self.commands.items() if n in COMMANDS and before.get(n) is not command]:
            # a plugin may add commands, never replace one of assist's
            plugins.warn_once(f"a plugin's command {name!r} has the name of an assist command; not added")
            if name in before:
                self.commands[name] = before[name]
            else:
                del self.commands[name]

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands:
            return self.commands[name]
        target = COMMANDS.get(name)
        if target is None:
            self._load_plugin_commands()
            return self.commands.get(name)
        module_name, attr = target.split(":")
        command = getattr(importlib.import_module(module_name), attr)
        self.commands[name] = command
        return command

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise _usage_error(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _usage_error(exc) from None
        except AssistError as exc:
            if raise_errors():
                raise
            raise AssistCommandError(str(exc), exc.exit_code) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:
            # `assist sites list | head`: the reader has gone. click's main stops quietly (exit 1),
            # as rich does for the score report; this is not an internal error.
            raise
        except Exception as exc:  # noqa: BLE001 - never a traceback for the user
            if raise_errors():
                raise
            from assistant.db import storage_problem

            said = storage_problem(exc) if isinstance(exc, sqlite3.OperationalError | OSError) else None
            raise AssistCommandError(said or f"internal error: {type(exc).__name__}: {first_line(exc)}"
                                            " (set ASSIST_RAISE_ERRORS=1 for details)", 1) from None


@click.group(cls=AssistGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="assist", message="%(prog)s %(version)s")
def cli() -> None:
    """assist: score drafts for linkability, find sites likely to link, and share posts.

    Everything runs locally. State lives in one directory (ASSIST_HOME, else the user data dir);
    settings come from config.toml and ASSIST_* variables (see `assist config --help`).
    """


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="assist")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
