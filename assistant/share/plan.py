"""From command-line choices to queued posts: channels and targets, options, times, guards."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.channels import Channel, MissingCredentials, get_channel, split_channel_spec
from assistant.errors import UsageError
from assistant.settings import duration_setting
from assistant.share import schedule
from assistant.share.compose import Composed


@dataclass
class Destination:
    """One ``--channel`` value resolved: the channel, its target, the options that apply to it."""

    spec: str
    channel: Channel
    target: str | None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        return [c.env for c in self.channel.missing_credentials()]


def parse_options(values: Sequence[str]) -> dict[str | None, dict[str, str]]:
    """``--option flair_id=abc`` (every channel) or ``--option reddit.flair_id=abc`` (one channel)."""
    out: dict[str | None, dict[str, str]] = {}
    for raw in values:
        key, sep, value = raw.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--option {raw!r}: expected KEY=VALUE or CHANNEL.KEY=VALUE")
        scope, dot, name = key.strip().rpartition(".")
        out.setdefault(scope if dot else None, {})[name] = value.strip()
    return out


def resolve(specs: Sequence[str], option_values: Sequence[str] = ()) -> list[Destination]:
    """Each ``--channel NAME[:TARGET]``: unknown channels and bad targets are usage errors."""
    if not specs:
        raise UsageError("no channel given: use --channel NAME (see `assist channels`)")
    options = parse_options(option_values)
    out: list[Destination] = []
    seen: set[tuple[str, str | None]] = set()
    for spec in specs:
        name, raw_target = split_channel_spec(spec)
        channel = get_channel(name)
        try:
            target = channel.parse_target(raw_target)
        except ValueError as exc:
            raise UsageError(f"--channel {spec}: {exc}") from None
        limits = channel.limits()
        if limits.needs_target and not target:
            raise UsageError(f"--channel {spec}: {name} needs a destination, e.g. --channel {name}:{limits.target_example}")
        if (name, target) in seen:
            raise UsageError(f"--channel {spec} is given twice")
        seen.add((name, target))
        merged = {**options.get(None, {}), **options.get(name, {})}
        out.append(Destination(spec, channel, target, merged))
    unknown = set(options) - {None} - {d.channel.name for d in out}
    if unknown:
        raise UsageError(f"--option for {', '.join(sorted(str(u) for u in unknown))}, which is not among the channels")
    return out


def require_credentials(dests: Sequence[Destination]) -> None:
    """A one-line usage error naming the first missing environment variable."""
    for dest in dests:
        try:
            dest.channel.require_credentials()
        except MissingCredentials as exc:
            raise UsageError(f"{exc}; nothing was queued") from None


@dataclass
class Timing:
    at: float | None = None
    spread: float | None = None
    force: bool = False


def plan_times(db: sqlite3.Connection, settings: Any, posts: Sequence[Composed], timing: Timing,
               now: float) -> tuple[list[float], list[schedule.Conflict]]:
    """When each post goes out (--at, --spread, or each channel's next free slot), and guard conflicts."""
    tz = schedule.user_timezone(settings)
    times: list[float] = []
    batch: dict[str, list[float]] = {}
    if timing.spread is not None:
        hours = [schedule.parse_clock(h, "[schedule] hours") for h in settings.get("schedule.hours", ["09:00", "18:00"])]
        spread = schedule.spread_times(len(posts), now, timing.spread, tz, hours)
    for i, composed in enumerate(posts):
        name = composed.post.channel
        spacing = schedule.min_spacing(settings, name)
        mine = batch.setdefault(name, [])
        if timing.at is not None:
            when = timing.at
        elif timing.spread is not None:
            when = spread[i]
        else:
            taken = [r[0] for r in db.execute(
                f"SELECT coalesce(sent_at, due_at) FROM share_posts WHERE channel = ? AND state IN {schedule.ACTIVE!r}",
                (name,))]
            when = schedule.next_free_slot(schedule.slots_for(settings, name), tz, now, taken + mine,
                                           0 if timing.force else spacing)
        mine.append(when)
        times.append(when)
    conflicts = [] if timing.force else check_guards(db, settings, posts, times, now)
    return times, conflicts


def check_guards(db: sqlite3.Connection, settings: Any, posts: Sequence[Composed], times: Sequence[float],
                 now: float) -> list[schedule.Conflict]:
    """Duplicate URL, minimum spacing and self-promotion conflicts (``--force`` skips the check)."""
    found: list[schedule.Conflict] = []
    window = duration_setting(settings.get("schedule.duplicate_window", "30d"), "[schedule] duplicate_window")
    per_channel: dict[str, int] = {}
    earlier: dict[str, list[float]] = {}
    for composed, when in zip(posts, times, strict=True):
        post = composed.post
        conflict = (
            schedule.check_duplicate(db, post.channel, post.target, post.url, when, window)
            or schedule.check_spacing(db, post.channel, when, schedule.min_spacing(settings, post.channel),
                                      earlier.get(post.channel, ()))
        )
        if conflict is not None:
            found.append(conflict)
        earlier.setdefault(post.channel, []).append(when)
        per_channel[post.channel] = per_channel.get(post.channel, 0) + 1
    for name, count in per_channel.items():
        conflict = schedule.check_self_promotion(db, settings, name, now, adding=count)
        if conflict is not None:
            found.append(conflict)
    return found
