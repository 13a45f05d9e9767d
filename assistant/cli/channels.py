"""assist channels: the installed channels, whether their credentials are set, and their limits."""

from __future__ import annotations

from typing import Any

import click

from assistant.cli.common import Group, echo_table, emit_json, json_option


def _describe(name: str, cls: type[Any], infos: list[Any], settings: Any) -> dict[str, Any]:
    """Everything about one channel except credential values (only whether each one is set)."""
    channel = cls(settings.section(f"channels.{name}"))
    module = cls.__module__
    info = next((i for i in infos if i.module == module or module.startswith(i.module + ".")), None)
    limits = channel.limits()
    creds = [{"key": c.key, "env": c.env, "required": c.required, "secret": c.secret, "help": c.help,
              "configured": bool(channel.credential(c.key))} for c in channel.credentials]
    return {
        "name": name,
        "description": channel.description,
        "plugin": info.name if info else None,
        "distribution": info.distribution if info else None,
        "version": info.version if info else None,
        "module": module,
        "configured": not channel.missing_credentials(),
        "missing": [c.env for c in channel.missing_credentials()],
        "credentials": creds,
        "idempotent": channel.idempotent,
        "limits": {"max_length": limits.max_length, "max_title_length": limits.max_title_length,
                   "url_length": limits.url_length, "needs_title": limits.needs_title,
                   "needs_target": limits.needs_target, "notes": limits.notes},
    }


def _all(channels: dict[str, type[Any]] | None = None) -> list[dict[str, Any]]:
    """``channels`` (default: every installed one) described; one that cannot be is a warning."""
    from assistant import config, plugins
    from assistant.channels import available_channels

    settings = config.load()
    infos = plugins.plugin_infos()
    rows = []
    for name, cls in (available_channels() if channels is None else channels).items():
        try:
            rows.append(_describe(name, cls, infos, settings))
        except Exception as exc:  # noqa: BLE001 - one broken plugin must not hide the others
            plugins.warn_once(f"channel {name!r} ({cls.__module__}) cannot be described: {type(exc).__name__}: {exc}")
    return rows


def _limits_line(limits: dict[str, Any]) -> str:
    parts = [f"{limits['max_length']} chars"]
    if limits["url_length"]:
        parts.append(f"URL={limits['url_length']}")
    if limits["max_title_length"]:
        parts.append(f"title {limits['max_title_length']}")
    if limits["needs_target"]:
        parts.append("needs target")
    return ", ".join(parts)


@click.group(cls=Group, invoke_without_command=True)
@json_option
@click.pass_context
def channels(ctx: click.Context, json_: bool) -> None:
    """List the channels installed plugins provide: credentials set or missing, and limits.

    Credential values are never shown, only whether each is configured (environment or config).
    """
    if ctx.invoked_subcommand is not None:
        return
    rows = _all()
    if json_:
        emit_json(rows)
        return
    if not rows:
        click.echo("No channels installed. Install a channel plugin, e.g. pip install -e plugins/x")
        return
    table = []
    for row in rows:
        source = f"{row['distribution']} {row['version']}" if row["distribution"] else (row["plugin"] or row["module"])
        creds = "ready" if row["configured"] else "missing " + ", ".join(row["missing"])
        table.append((row["name"], source, _limits_line(row["limits"]), creds))
    echo_table(("CHANNEL", "PLUGIN", "LIMITS", "CREDENTIALS"), table)


@channels.command()
@click.argument("name")
@json_option
def show(name: str, json_: bool) -> None:
    """Show one channel: its plugin, each credential (set or not), its limits and notes."""
    from assistant.channels import UnknownChannel, available_channels

    installed = available_channels()
    if name not in installed:
        raise UnknownChannel.named(name, installed)
    described = _all({name: installed[name]})  # only this one: describing a channel may ask its server
    if not described:
        raise UnknownChannel(f"channel {name!r} cannot be described (see the warning above)")
    row = described[0]
    if json_:
        emit_json(row)
        return
    click.echo(f"{row['name']}: {row['description']}")
    click.echo(f"Plugin:      {row['plugin'] or '-'} ({row['distribution'] or 'in process'} {row['version'] or ''})".rstrip())
    click.echo(f"Limits:      {_limits_line(row['limits'])}")
    if row["limits"]["notes"]:
        click.echo(f"Notes:       {row['limits']['notes']}")
    click.echo(f"Idempotent:  {'yes' if row['idempotent'] else 'no (crash recovery asks the platform)'}")
    click.echo("Credentials:")
    for c in row["credentials"]:
        state = "set" if c["configured"] else ("MISSING" if c["required"] else "not set (optional)")
        click.echo(f"  {c['env']:<32} [channels.{name}] {c['key']:<16} {state}  {c['help']}")
