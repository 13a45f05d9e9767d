"""assist plugins: the installed plugins and their versions."""

from __future__ import annotations

import click

from assistant.cli.common import emit_json, json_option


@click.command()
@click.option("all_", "--all", is_flag=True, help="Include built-in plugins.")
@json_option
def plugins(all_: bool, json_: bool) -> None:
    """List installed plugins, their versions and the hooks they implement."""
    from assistant import plugins as pm

    infos = [i for i in pm.plugin_infos() if all_ or not i.builtin]
    rows = [
        {"name": i.name, "distribution": i.distribution, "version": i.version,
         "module": i.module, "hooks": i.hooks}
        for i in infos
    ]
    if json_:
        emit_json(rows)
        return
    if not rows:
        click.echo("No plugins installed.")
        return
    for row in rows:
        dist = f"{row['distribution']} {row['version']}" if row["distribution"] else "(in process)"
        click.echo(f"{row['name']:<16} {dist:<28} {', '.join(row['hooks'])}")
