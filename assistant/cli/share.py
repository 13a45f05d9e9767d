"""assist share DRAFT: compose one post per channel, preview it, and queue it."""

from __future__ import annotations

import time
from typing import Any

import click

from assistant.cli.common import emit_json, json_option, status, warn


@click.command()
@click.argument("draft")
@click.option("channels", "--channel", "-c", multiple=True, metavar="NAME[:TARGET]",
              help="A channel to post to, e.g. x, mastodon, bluesky, reddit:r/SEO (repeatable; see `assist channels`).")
@click.option("--at", "at", metavar="WHEN",
              help="When to post: ISO 8601 (2026-05-01T09:30) or natural language ('tomorrow 9am'), in your time zone.")
@click.option("--spread", metavar="DURATION",
              help="Space the posts over this window (e.g. 3d) at the posting hours of [schedule] hours.")
@click.option("options", "--option", "-o", multiple=True, metavar="[CHANNEL.]KEY=VALUE",
              help="A channel option, e.g. reddit.flair_id=abc123 (repeatable).")
@click.option("--url", metavar="URL", help="The link to share (default: the draft's canonical_url).")
@click.option("--title", metavar="TEXT", help="Use this title instead of the draft's.")
@click.option("--summary", type=click.Choice(["central", "lead"]), default="central", show_default=True,
              help="central: the sentences closest to the draft's centroid (embeddings); lead: its first sentences.")
@click.option("--edit", is_flag=True, help="Open each post in $EDITOR before it is queued.")
@click.option("--dry-run", is_flag=True, help="Preview the posts; queue nothing.")
@click.option("--force", is_flag=True,
              help="Queue even when a guard objects (same URL recently, minimum spacing, self-promotion ratio).")
@json_option
def share(draft: str, channels: tuple[str, ...], at: str | None, spread: str | None, options: tuple[str, ...],
          url: str | None, title: str | None, summary: str, edit: bool, dry_run: bool, force: bool,
          json_: bool) -> None:
    """Compose posts about DRAFT for each --channel, preview them, and queue them for `assist queue run`.

    Each post is built from the draft (title, central sentences, key points, hashtags, the canonical
    URL with UTM tags) with the templates in prompts/share/, fitted to the channel's own length rule.
    Without --at or --spread each post takes its channel's next free time slot ([schedule] slots).
    """
    from assistant import config, db, documents
    from assistant.errors import UsageError
    from assistant.settings import MAX_DURATION
    from assistant.share import plan, schedule
    from assistant.share.queue import Queue

    settings = config.load()
    now = time.time()
    if at and spread:
        raise UsageError("use --at or --spread, not both")
    timing = plan.Timing(force=force)
    if at:
        timing.at = schedule.parse_at(at, schedule.user_timezone(settings), now, schedule.day_start(settings))
    if spread:
        timing.spread = schedule.parse_duration(spread, "--spread")
        if not 0 < timing.spread <= MAX_DURATION:
            raise UsageError(f"--spread: {spread!r} must be more than 0 s and at most {MAX_DURATION / 86400:g} days"
                             " (e.g. 3d, 2w)")
    dests = plan.resolve(channels, options)
    if dry_run:
        for dest in dests:
            if dest.missing:
                warn(f"{dest.channel.name}: credentials not configured ({', '.join(dest.missing)}); "
                     "it could not be queued")
    else:
        plan.require_credentials(dests)
    # the size cap of score and prospects (score.max_file_mb), not the 5 MB default
    max_mb = settings.number("score.max_file_mb", 5, positive=True, maximum=1024)
    doc = documents.load(draft, max_bytes=int(max_mb * 1024 * 1024))
    conn = _open_db(readonly=dry_run)
    composed = _compose(doc, dests, conn, settings, url=url, title=title, summary=summary)
    if edit:
        composed = [_edit(c, dest) for c, dest in zip(composed, dests, strict=True)]
    # One write transaction from the guards to the queue: another share of the same URL waits for it.
    with db.transaction(conn):
        times, conflicts = plan.plan_times(conn, settings, composed, timing, now)
        invalid = [c for c in composed if not c.valid]
        ids: list[int | None] = [None] * len(composed)
        for conflict in conflicts if dry_run else ():
            warn(f"{conflict.message} (it would not be queued)")
        if not dry_run:
            if conflicts:
                raise UsageError(f"{conflicts[0].message}; nothing was queued")
            if invalid:
                raise UsageError("; ".join(invalid[0].problems) + " (nothing was queued; try --edit or another template)")
            ids = list(Queue(conn).enqueue_many(((c.post, t) for c, t in zip(composed, times, strict=True)),
                                                source=str(draft)))
    _report(composed, times, ids, dry_run, json_, schedule.user_timezone(settings))


def _open_db(*, readonly: bool = False) -> Any:
    from assistant.cli.common import open_db

    return open_db(readonly=readonly)


def _compose(doc: Any, dests: list[Any], conn: Any, settings: Any, *, url: str | None, title: str | None,
             summary: str) -> list[Any]:
    from assistant.share import compose

    material = None
    if summary == "central":
        try:
            with status("Picking the summary (embedding model)..."):
                material = compose.material(doc, compose.default_embedder(conn), url=url, title=title)
        except Exception as exc:  # noqa: BLE001 - the lead sentences are a fine fallback
            warn(f"embeddings unavailable ({exc}); using the draft's first sentences")
    if material is None:
        material = compose.material(doc, None, url=url, title=title)
    if not material.url:
        warn("the draft has no canonical_url (front matter canonical_url or --url): the posts carry no link")
    return [compose.compose_post(material, d.channel, target=d.target, options=d.options, settings=settings)
            for d in dests]


def _is_comment(line: str) -> bool:
    """An editor comment: '#' alone or followed by a space. '#Sourdough #Baking' is the post's hashtags."""
    return line == "#" or line.startswith("# ")


def _edit(composed: Any, dest: Any) -> Any:
    """Open the post in $EDITOR; an unchanged or empty result keeps the composed text."""
    from assistant.share.compose import measure

    header = (f"# {dest.spec}: {composed.length}/{composed.limit} by {dest.channel.name}'s count."
              " Lines starting with '# ' (a hash and a space) are dropped; #hashtags stay.\n")
    edited = _run_editor(header + composed.post.text + "\n")
    if edited is None:
        return composed
    text = "\n".join(line for line in edited.splitlines() if not _is_comment(line)).strip()
    if not text:
        return composed
    composed.post.text = text
    return measure(dest.channel, composed.post, template=composed.template)


def _run_editor(text: str) -> str | None:
    """click.edit, its failures as one line: an editor that deletes the file or saves other bytes."""
    from assistant.errors import UsageError

    try:
        return click.edit(text, extension=".txt")
    except FileNotFoundError:  # click reads the file back (and removes it) after the editor exits
        raise UsageError("the editor removed the file; nothing was queued") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"the edited text is not UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset "
                         f"{exc.start}); save it as UTF-8; nothing was queued") from None


def _report(composed: list[Any], times: list[float], ids: list[int | None], dry_run: bool, json_: bool,
            tz: Any) -> None:
    from datetime import datetime

    if json_:  # one object per post, like every listing; `id` is null and `queued` false on a dry run
        emit_json([{**c.to_dict(), "id": i, "queued": i is not None,
                    "due_at": datetime.fromtimestamp(t, tz).isoformat(timespec="minutes")}
                   for c, t, i in zip(composed, times, ids, strict=True)])
        return
    for c, when, pid in zip(composed, times, ids, strict=True):
        where = f"{c.post.channel}:{c.post.target}" if c.post.target else c.post.channel
        status = "ok" if c.valid else "INVALID: " + "; ".join(c.problems)
        due = datetime.fromtimestamp(when, tz).strftime("%a %Y-%m-%d %H:%M %Z")
        title = f"  title {c.title_length}/{c.title_limit}" if c.title_length is not None else ""
        queued = f"  queued as #{pid}" if pid is not None else ""
        click.echo(f"== {where}  {c.length}/{c.limit}{title}  {status}  at {due}{queued}")
        if c.needs_title and c.post.title:
            click.echo(f"Title: {c.post.title}")
        if c.rendered.strip() or not c.post.url:
            click.echo(c.rendered if c.rendered.strip() else c.post.text)
        else:
            click.echo(f"Link: {c.post.url}  (a link post: the body is not sent; option body=true sends it)")
        click.echo("")
    if dry_run:
        click.echo("Dry run: nothing was queued.", err=True)
    else:
        click.echo(f"Queued {len(composed)} post(s); `assist queue run` publishes the due ones.", err=True)
