"""Options and helpers shared by several commands."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def json_option(func: F) -> F:
    """--json: machine-readable output on stdout."""
    return click.option("json_", "--json", is_flag=True, help="Print JSON for scripts instead of a table.")(func)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def open_db() -> Any:
    """The assist database (created and migrated on first use)."""
    from assistant import db

    return db.connect()


def settings() -> Any:
    from assistant import config

    return config.load()
