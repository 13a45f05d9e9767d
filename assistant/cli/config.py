"""assist config: where settings and state live, and what is in force."""

from __future__ import annotations

import click

from assistant.cli.common import Group, emit_json, json_option
from assistant.config import is_secret


def _redact(value: object, key: str = "") -> object:
    if isinstance(value, dict):
        return {k: _redact(v, k) for k, v in value.items()}
    if isinstance(value, list):  # an array of tables ([[channels.x.accounts]]) or of secrets
        return [_redact(v, key) for v in value]
    if value not in (None, "") and is_secret(key):
        return "********"  # whatever its type: password = 1234 in the file is a TOML number
    if isinstance(value, str):  # a password inside a URL value (api_base_url = "https://me:pw@host")
        from assistant.channels import redact

        return redact(value)
    return value


@click.group(cls=Group)
def config() -> None:
    """Show where assist keeps its settings and state."""


@config.command("path")
@json_option
def path(json_: bool) -> None:
    """Print the config file, data directory and database paths."""
    from assistant import config as cfg

    info = {"config": str(cfg.config_path()), "data": str(cfg.data_dir()), "database": str(cfg.db_path())}
    if json_:
        emit_json(info)
    else:
        for key, value in info.items():
            click.echo(f"{key:<9} {value}")


@config.command("show")
@click.option("json_", "--json", is_flag=True, help="Accepted like every listing's --json (the output is JSON anyway).")
def show(json_: bool) -> None:
    """Print the settings in force (defaults + config file + ASSIST_* variables), secrets hidden, as JSON."""
    from assistant.cli.common import settings

    emit_json(_redact(settings().data))
