"""assist queue: list, inspect, cancel, retry, reschedule and publish queued posts."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import click

from assistant.cli.common import MAX_ID, MAX_LIMIT, Finite, Group, emit_json, json_option
from assistant.errors import EXIT_FAILURE, EXIT_USAGE

NEEDS_YOU = frozenset({"dead", "unknown"})  # worker outcomes the user must act on


def _queue(*, readonly: bool = False) -> Any:
    from assistant.cli.common import open_db
    from assistant.share.queue import Queue

    return Queue(open_db(readonly=readonly))


def _zone() -> Any:
    """The user's time zone, for showing times (read once a command, not once a post)."""
    from assistant import config
    from assistant.share.schedule import user_timezone

    return user_timezone(config.load())


def _local(stamp: float | None, tz: Any) -> str:
    if stamp is None:
        return "-"
    from datetime import datetime

    return datetime.fromtimestamp(stamp, tz).strftime("%Y-%m-%d %H:%M %Z")


def _one_line(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "\u2026"


@click.group(cls=Group)
def queue() -> None:
    """The post queue: what is scheduled, sent, failed or waiting for you."""


@queue.command("list")
@click.option("states", "--state", "-s", multiple=True, metavar="STATE",
              help="Only posts in this state: scheduled, sending, sent, failed, dead, cancelled, unknown (repeatable).")
@click.option("--channel", metavar="NAME", help="Only posts to this channel.")
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), help="At most this many posts.")
@json_option
def list_(states: tuple[str, ...], channel: str | None, limit: int | None, json_: bool) -> None:
    """List queued posts, soonest first."""
    from assistant.share.queue import ensure_state

    items = _queue(readonly=True).list([ensure_state(s) for s in states] or None, channel, limit)
    if json_:
        emit_json([i.to_dict() for i in items])
        return
    if not items:
        click.echo("The queue is empty." if not states and not channel else "No posts match.")
        return
    tz = _zone()
    click.echo(f"{'ID':>5}  {'STATE':<9}  {'DUE':<22}  {'CHANNEL':<18}  POST")
    for item in items:
        where = f"{item.post.channel}:{item.post.target}" if item.post.target else item.post.channel
        click.echo(f"{item.id:>5}  {item.state:<9}  {_local(item.due_at, tz):<22}  {where:<18}  "
                   f"{_one_line(item.post.title or item.post.text)}")


@queue.command()
@click.argument("post_id", type=click.IntRange(1, MAX_ID))
@json_option
def show(post_id: int, json_: bool) -> None:
    """Show one post in full, with every attempt to publish it."""
    q = _queue(readonly=True)
    item = q.get(post_id)
    attempts = q.attempts(post_id)
    if json_:
        emit_json({**item.to_dict(), "history": attempts})
        return
    where = f"{item.post.channel}:{item.post.target}" if item.post.target else item.post.channel
    click.echo(f"Post {item.id} to {where}: {item.state} (tries: {item.attempts})")
    tz = _zone()
    click.echo(f"Due:     {_local(item.due_at, tz)}")
    if item.sent_at:
        click.echo(f"Sent:    {_local(item.sent_at, tz)}  {item.remote_url or item.remote_id or ''}")
    if item.post.title:
        click.echo(f"Title:   {item.post.title}")
    if item.post.url:
        click.echo(f"Link:    {item.post.url}")
    if item.post.options:
        click.echo("Options: " + ", ".join(f"{k}={v}" for k, v in item.post.options.items()))
    if item.last_error:
        click.echo(f"Error:   {item.last_error}")
    if item.note:
        click.echo(f"Note:    {item.note}")
    click.echo("")
    click.echo(item.post.text)
    if attempts:
        click.echo("\nAttempts:")
        for a in attempts:
            status = f" [{a['status']}]" if a["status"] else ""
            click.echo(f"  {a['started_at']}  {a['outcome']}{status}  {a['error'] or ''}")


@queue.command()
@click.argument("post_ids", type=click.IntRange(1, MAX_ID), nargs=-1, required=True)
@json_option
def cancel(post_ids: tuple[int, ...], json_: bool) -> None:
    """Cancel posts so they are never sent."""
    q = _queue()
    done = _all_or_none(q, lambda pid: q.cancel(pid), post_ids)
    _emit_changed(done, "cancelled", json_)


@queue.command()
@click.argument("post_ids", type=click.IntRange(1, MAX_ID), nargs=-1, required=True)
@click.option("--force", is_flag=True,
              help="Also send posts in state unknown (ones that may already be published: check first).")
@json_option
def retry(post_ids: tuple[int, ...], force: bool, json_: bool) -> None:
    """Send failed, dead, cancelled or (with --force) unknown posts again, now."""
    q = _queue()
    done = _all_or_none(q, lambda pid: q.retry(pid, force=force), post_ids)
    _emit_changed(done, "scheduled now", json_)


@queue.command()
@click.argument("post_id", type=click.IntRange(1, MAX_ID))
@click.option("--at", "at", required=True, metavar="WHEN",
              help="The new time: ISO 8601 or natural language, in your time zone.")
@json_option
def reschedule(post_id: int, at: str, json_: bool) -> None:
    """Move a scheduled or failed post to another time."""
    from assistant import config
    from assistant.share.schedule import day_start, parse_at

    tz = _zone()
    when = parse_at(at, tz, time.time(), day_start(config.load()))
    item = _queue().reschedule(post_id, when)
    _emit_changed([item], f"due {_local(item.due_at, tz)}", json_)


def _all_or_none(q: Any, action: Any, post_ids: tuple[int, ...]) -> list[Any]:
    """Apply ``action`` to every id in one transaction: one bad id (unknown, wrong state) changes none."""
    from assistant import db
    from assistant.share.queue import QueueError

    try:
        with db.transaction(q.db):
            return [action(pid) for pid in post_ids]
    except QueueError as exc:
        if len(post_ids) > 1:
            raise QueueError(f"{exc}; none of the {len(post_ids)} posts was changed") from None
        raise


def _emit_changed(items: list[Any], what: str, json_: bool) -> None:
    if json_:
        emit_json([i.to_dict() for i in items])
        return
    for item in items:
        may = what == "cancelled" and item.needs_check
        click.echo(f"Post {item.id}: {what}" + (f" (warning: it may already be published on {item.post.channel};"
                                                 " check there)" if may else ""))


def _worker(name: str | None = None) -> Any:
    from assistant import config
    from assistant.share.worker import Worker

    return Worker(_queue(), settings=config.load(), name=name)


def _progress(json_: bool) -> Any:
    if json_:
        return None

    def show(item: Any, outcome: str) -> None:
        click.echo(f"post {item.id} -> {item.post.channel}: {outcome}", err=True)

    return show


def _run_with_bar(worker: Any, limit: int | None) -> Any:
    """run_once with a progress bar on stderr (only when stderr is a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    now = worker.clock()
    due = worker.queue.db.execute(
        "SELECT count(*) FROM share_posts WHERE (state IN ('scheduled', 'failed') AND due_at <= ?)"
        " OR (state = 'sending' AND lease_until < ?)", (now, now)).fetchone()[0]
    total = min(due, limit) if limit else due
    with Progress(TextColumn("publishing"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=total)

        def advance(item: Any, outcome: str) -> None:
            bar.update(task, advance=1, description=f"post {item.id} -> {item.post.channel}: {outcome}")

        return worker.run_once(limit, progress=advance)


def _next_due() -> str:
    """ " (next: post 4 to x at 2026-12-01 17:30 UTC)", or "" when nothing is waiting."""
    upcoming = _queue().list(["scheduled", "failed"], None, 1)
    if not upcoming:
        return ""
    item = upcoming[0]
    return f" (next: post {item.id} to {item.post.channel} at {_local(item.due_at, _zone())})"


@queue.command()
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), help="Publish at most this many posts.")
@json_option
def run(limit: int | None, json_: bool) -> None:
    """Publish every post that is due now, once, then exit (for cron or a systemd timer).

    Exit status: 0 when every due post was sent or will be retried, 1 when a post ended dead or
    unknown (it needs you: see `assist queue show ID`).
    """
    from assistant.share.worker import install_signal_handlers

    worker = _worker()
    install_signal_handlers(worker)
    if not json_ and sys.stderr.isatty():
        report = _run_with_bar(worker, limit)
    else:
        report = worker.run_once(limit, progress=_progress(json_))
    if json_:
        emit_json(report.to_dict())
    else:
        counts = ", ".join(f"{n} {k}" for k, n in sorted(report.outcomes.items())) or "nothing due" + _next_due()
        click.echo(f"Done: {counts}.")
    for problem in report.problems:
        click.echo(f"warning: {problem}", err=True)
    stuck = [p["id"] for p in report.posts if p["outcome"] in NEEDS_YOU]
    if report.problems:  # a setting to fix: cron and systemd see it
        sys.exit(EXIT_USAGE)
    if stuck:  # cron and systemd see a failure; a post that will be retried is not one
        click.echo(f"{len(stuck)} post(s) need you: {', '.join(map(str, stuck))} (see `assist queue show ID`)",
                   err=True)
        sys.exit(EXIT_FAILURE)


# How often `queue worker` checks, as --interval and as [queue] interval: one range for both.
MIN_INTERVAL, MAX_INTERVAL = 0.01, 86400.0


@queue.command()
@click.option("--interval", type=Finite(MIN_INTERVAL, MAX_INTERVAL), default=None,
              help="Seconds between checks for due posts, at most a day (default: [queue] interval, 60).")
@json_option
def worker(interval: float | None, json_: bool) -> None:
    """Publish due posts continuously until SIGINT or SIGTERM (the post in hand is finished first)."""
    from assistant import config
    from assistant.settings import duration_setting
    from assistant.share.worker import install_signal_handlers

    every = interval if interval is not None else duration_setting(
        config.load().get("queue.interval", 60), "[queue] interval", minimum=MIN_INTERVAL, maximum=MAX_INTERVAL)
    w = _worker()
    install_signal_handlers(w)
    click.echo(f"worker {w.name}: checking every {every:g} s; Ctrl-C to stop", err=True)
    totals: dict[str, int] = {}

    def on_report(report: Any) -> None:
        for key, n in report.outcomes.items():
            totals[key] = totals.get(key, 0) + n
        if json_:  # one JSON object per line: a stream for scripts
            click.echo(json.dumps(report.to_dict()))
        else:
            for post in report.posts:
                click.echo(f"post {post['id']} -> {post['channel']}: {post['outcome']}", err=True)

    w.run_forever(every, on_report, on_busy=lambda message: click.echo(f"warning: {message}", err=True))
    click.echo(f"worker {w.name}: stopped ({', '.join(f'{n} {k}' for k, n in sorted(totals.items())) or 'nothing sent'})",
               err=True)
