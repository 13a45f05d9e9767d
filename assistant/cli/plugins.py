"""assist plugins: the installed plugins and their versions."""

from __future__ import annotations

import click

from assistant.cli.common import echo_table, emit_json, json_option


@click.command()
@click.option("all_", "--all", is_flag=True, help="Include built-in plugins.")
@json_option
def plugins(all_: bool, json_: bool) -> None:
    """List installed plugins, their versions and the hooks they implement."""
    from assistant import plugins as pm

    infos = sorted((i for i in pm.plugin_infos() if all_ or not i.builtin), key=lambda i: i.name)
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
    echo_table(("PLUGIN", "DISTRIBUTION", "HOOKS"), [
        (row["name"], f"{row['distribution']} {row['version']}" if row["distribution"] else "(in process)",
         ", ".join(row["hooks"]))
        for row in rows
    ])
