"""When posts go out: --at parsing, per-channel time slots, --spread, and the scheduling guards."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from assistant.errors import ConfigError, UsageError
from assistant.settings import (
    MAX_DURATION,
    count_setting,
    duration_setting,
    number,
    parse_duration,  # noqa: F401 - re-exported: --spread is read with it from here
)

TIME_ONLY_RE = re.compile(r"^\s*(at\s+)?\d{1,2}([:.h]\d{2})?\s*([ap]\.?m\.?)?\s*$", re.IGNORECASE)
# "at 9", "tomorrow 9": a bare hour that dateparser misreads ("at 9" as September, "friday at 17" as
# the 17th, "tomorrow at 9" as tomorrow at the current time); written as "9:00" it reads it right.
# "friday 9" too (dateparser: 1 September); "friday 19 june" is a day of the month, not an hour.
WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"  # mon, tues, thursday...
BARE_HOUR_RE = re.compile(rf"\b(at|today|tonight|tomorrow|{WEEKDAY})\s+(?:at\s+)?"
                          r"(\d{1,2})(?![\d:.h])(?!\s*(?:[ap]\.?m\b|o'?clock|st\b|nd\b|rd\b|th\b))"
                          r"(?!\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)",
                          re.IGNORECASE)
# "friday 4th", "the 4th at 9": a day of the month with no month, which dateparser reads as April.
ORDINAL_DAY_RE = re.compile(r"\b(?:the\s+)?([12]?\d|3[01])(?:st|nd|rd|th)\b", re.IGNORECASE)
MONTH_RE = re.compile(r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
                      r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b", re.IGNORECASE)
WEEKDAY_RE = re.compile(rf"\b{WEEKDAY}\b", re.IGNORECASE)
# The time of day the user wrote, to check dateparser kept it: 9am, 9:30 pm, 17:00, 9h30.
CLOCK_12_RE = re.compile(r"(?<![\d.:])(\d{1,2})(?:[:.h](\d{2}))?\s*([ap])\.?m\b", re.IGNORECASE)
CLOCK_24_RE = re.compile(r"(?<![\d.:])(\d{1,2})[:h](\d{2})(?!\d)", re.IGNORECASE)
# Words that give a time of day or a distance from now: with none of them and no clock, the phrase
# names only a day ("friday", "tomorrow", "dec 24").
TIME_WORDS_RE = re.compile(r"\b(now|noon|midnight|morning|afternoon|evening|night|tonight|ago|hours?|hrs?|minutes?|"
                           r"mins?|seconds?|secs?|days?|weeks?|months?|years?|fortnight)\b", re.IGNORECASE)
GRACE = 60.0  # an --at this many seconds in the past still means "now"
ACTIVE = ("scheduled", "sending", "sent", "failed", "unknown")


def user_timezone(settings: Any) -> tzinfo:
    """The config ``timezone`` (an IANA name), else the system's local zone."""
    name = str(settings.get("timezone", "") or "").strip()
    if name:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"timezone: unknown time zone {name!r} (use an IANA name such as Europe/Paris)") from None
    return _system_timezone()


def _system_timezone() -> tzinfo:
    """The system's zone with its rules (summer time), not the UTC offset it has today."""
    try:
        import tzlocal

        return tzlocal.get_localzone()
    except Exception:  # noqa: BLE001 - e.g. TZ="CET-1CEST", not an IANA name: today's offset will do
        tz = datetime.now().astimezone().tzinfo
        assert tz is not None
        return tz


def _bare_hour(match: re.Match[str]) -> str:
    """ "at 9" -> "at 9:00"; "tonight at 11" -> "tonight 23:00"."""
    word, hour = match.group(1), int(match.group(2))
    if hour > 23:
        return match.group(0)
    if word.lower() == "tonight" and 1 <= hour < 12:
        hour += 12
    return f"{word} {hour}:00"


def _written_clock(text: str) -> tuple[int, int] | None:
    """(hour, minute) of the time of day written in ``text`` ("9am", "17:30", "9h30"), if any."""
    if m := CLOCK_12_RE.search(text):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if 1 <= hour <= 12:
            return hour % 12 + (12 if m.group(3).lower() == "p" else 0), minute
    if m := CLOCK_24_RE.search(text):
        return int(m.group(1)), int(m.group(2))
    return None


def _ordinal_day(phrase: str, today: date, text: str) -> str:
    """"friday 4th" -> the next 4th (this month or the next that has one) as an ISO date; a weekday
    written with it must be that day's."""
    match = ORDINAL_DAY_RE.search(phrase)
    if match is None or MONTH_RE.search(phrase):
        return phrase
    wanted, month = int(match.group(1)), today.replace(day=1)
    for _ in range(3):  # a 31st may skip a month
        with contextlib.suppress(ValueError):
            day = month.replace(day=wanted)
            if day >= today:
                break
        month = (month + timedelta(days=32)).replace(day=1)
    else:
        raise UsageError(f"--at: {text!r} names no day of a month")
    weekday = WEEKDAY_RE.search(phrase)
    if weekday and day.strftime("%a").lower() != weekday.group(0)[:3].lower():
        raise UsageError(f"--at: the next {match.group(1)}{phrase[match.end(1):match.end()]} is a "
                         f"{day:%A} ({day.isoformat()}), not a {weekday.group(0)}")
    phrase = phrase[: match.start()] + day.isoformat() + phrase[match.end():]
    return " ".join((WEEKDAY_RE.sub(" ", phrase) if weekday else phrase).split())


def parse_at(text: str, tz: tzinfo, now: float, day_start: time = time(9)) -> float:
    """An ISO 8601 time or natural language ("tomorrow 9am", "in 2 hours") -> Unix seconds, not past
    and at most 366 days ahead (MAX_DURATION).

    A day without a time of day ("friday", "tomorrow", "dec 24", "2026-12-24") means ``day_start``
    that day (the first posting slot), or now when that day is today.
    """
    raw = text.strip()[:200]
    if not raw:
        raise UsageError("--at: empty time")
    example = "write it like 'friday 17:00', 'tomorrow 9am', 'in 2 hours' or 2026-05-01T09:30"
    if re.fullmatch(r"[+-]?\d+", raw):  # a bare number: an hour of the day, the next one to come
        hour = int(raw)
        if raw.startswith(("+", "-")) or not 0 <= hour <= 23:
            raise UsageError(f"--at: {raw!r} is not an hour of the day (0-23); {example}")
        when = datetime.fromtimestamp(now, tz).replace(hour=hour, minute=0, second=0, microsecond=0)
        if when.timestamp() < now - GRACE:
            when = (when + timedelta(days=1)).replace(hour=hour)
        return max(when.timestamp(), now)
    if (raw.lower().lstrip("+-") in ("nan", "inf", "infinity") or "**" in raw or "^" in raw
            or re.search(r"\d[eE][+-]?\d", raw) or re.search(r"(?<![\d-])\d{5,}", raw)):
        raise UsageError(f"--at: cannot tell when {raw!r} is; {example}")
    phrase = BARE_HOUR_RE.sub(_bare_hour, raw)
    base = datetime.fromtimestamp(now, tz).replace(tzinfo=None)
    phrase = _ordinal_day(phrase, base.date(), text)
    when: datetime | None
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        when = None
    if when is None:
        import dateparser

        when = dateparser.parse(phrase, settings={
            "RELATIVE_BASE": base, "PREFER_DATES_FROM": "future",
            "STRICT_PARSING": False,  # aware only when the text names a zone ("9am UTC"), which then wins
        })
        if when is None:
            raise UsageError(f"--at: cannot read {text!r} as a time (try 2026-05-01T09:30 or 'tomorrow 9am')")
        clock = _written_clock(phrase)
        if clock is not None and (when.hour, when.minute) != clock:
            raise UsageError(f"--at: cannot tell when {text!r} is (read as {when:%a %Y-%m-%d %H:%M}); "
                             "write it like 'friday 17:00', 'tomorrow 9am' or 2026-05-01T09:30")
    clock = _written_clock(phrase)
    if clock is None and not TIME_WORDS_RE.search(phrase) and when.time() in (time(0), base.time()):
        # only a day: its first posting slot, not midnight or the current time of day
        if when.date() == base.date():
            return now
        when = datetime.combine(when.date(), day_start, when.tzinfo)
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    stamp = when.timestamp()
    if stamp < now - GRACE and TIME_ONLY_RE.match(raw):
        stamp = (when + timedelta(days=1)).timestamp()  # "9am" after 9am means tomorrow's
    if stamp < now - GRACE:
        raise UsageError(f"--at: {when.astimezone(tz):%Y-%m-%d %H:%M %Z} is in the past")
    if stamp > now + MAX_DURATION:  # a typo, or a post that outlives the account: a year is the most
        raise UsageError(f"--at: {when.astimezone(tz):%Y-%m-%d %H:%M %Z} is more than"
                         f" {MAX_DURATION / 86400:g} days ahead; {example}")
    return max(stamp, now)


def parse_clock(value: str, what: str = "slot") -> time:
    try:
        return time.fromisoformat(str(value).strip())
    except ValueError:
        raise ConfigError(f"{what}: {value!r} is not a time of day (use HH:MM)") from None


def channel_setting(settings: Any, channel: str, key: str, default_key: str, default: Any = None) -> Any:
    """``[channels.<channel>] key`` if set, else the general ``default_key``."""
    value = settings.get(f"channels.{channel}.{key}")
    return value if value is not None else settings.get(default_key, default)


def _setting_name(settings: Any, channel: str, key: str, default_key: str) -> str:
    """How an error names the setting channel_setting read: the channel's own, else the general one."""
    if settings.get(f"channels.{channel}.{key}") is not None:
        return f"[channels.{channel}] {key}"
    section, _, name = default_key.rpartition(".")
    return f"[{section}] {name}"


def slots_for(settings: Any, channel: str) -> list[time]:
    raw = channel_setting(settings, channel, "slots", "schedule.slots", ["09:00", "13:00", "17:30"])
    if isinstance(raw, str):
        raw = [raw]
    name = _setting_name(settings, channel, "slots", "schedule.slots")
    slots = sorted({parse_clock(s, name) for s in raw})
    if not slots:
        raise ConfigError(f"no posting slots for {channel} ({name} is empty)")
    return slots


def day_start(settings: Any) -> time:
    """The first of the general posting slots: what ``--at friday`` (a day, no time) means."""
    raw = settings.get("schedule.slots", ["09:00"])
    slots = sorted(parse_clock(s, "[schedule] slots") for s in ([raw] if isinstance(raw, str) else raw))
    return slots[0] if slots else time(9)


def min_spacing(settings: Any, channel: str) -> float:
    """``[channels.<name>] min_spacing``, else the channel's own (Channel.min_spacing), else ``[schedule]``'s."""
    from assistant.channels import channel_class

    declared = getattr(channel_class(channel), "min_spacing", None)
    if settings.get(f"channels.{channel}.min_spacing") is None and declared is not None:
        return duration_setting(declared, f"{channel} channel's min_spacing")
    raw = channel_setting(settings, channel, "min_spacing", "schedule.min_spacing", "1h")
    return duration_setting(raw, _setting_name(settings, channel, "min_spacing", "schedule.min_spacing"))


def next_free_slot(slots: Sequence[time], tz: tzinfo, after: float, taken: Iterable[float],
                   spacing: float, horizon_days: int = 366) -> float:
    """The first slot after ``after`` at least ``spacing`` (and a minute) away from every taken time."""
    busy = sorted(taken)
    gap = max(spacing, 60.0)
    day = datetime.fromtimestamp(after, tz).date()
    for offset in range(horizon_days):
        current = day + timedelta(days=offset)
        for slot in slots:
            stamp = _local(current, slot, tz)
            if stamp > after and all(abs(stamp - t) >= gap for t in busy):
                return stamp
    raise UsageError(f"no free posting slot in the next {horizon_days} days")


def spread_times(count: int, start: float, window: float, tz: tzinfo, hours: Sequence[time]) -> list[float]:
    """``count`` times spaced evenly over the posting hours within [start, start + window]."""
    begin_h, end_h = (hours[0], hours[-1]) if len(hours) >= 2 else (time(9), time(18))
    intervals: list[tuple[float, float]] = []
    day = datetime.fromtimestamp(start, tz).date()
    end = start + window
    while _local(day, time(0), tz) < end:
        lo, hi = max(_local(day, begin_h, tz), start), min(_local(day, end_h, tz), end)
        if hi > lo:
            intervals.append((lo, hi))
        day += timedelta(days=1)
    total = sum(hi - lo for lo, hi in intervals)
    if total <= 0:
        raise UsageError(f"--spread: no posting hours ({begin_h:%H:%M}-{end_h:%H:%M}) in that window")
    out = []
    for i in range(count):
        remaining = total * (i + 0.5) / count
        for lo, hi in intervals:
            if remaining <= hi - lo:
                out.append(_round_up(lo + remaining, 300))
                break
            remaining -= hi - lo
    return out


def _local(day: date, clock: time, tz: tzinfo) -> float:
    return datetime.combine(day, clock, tzinfo=tz).timestamp()


def _round_up(stamp: float, step: int) -> float:
    return float(-(-int(stamp) // step) * step)


# --------------------------------------------------------------------------- guards


def link_key(url: str | None) -> str | None:
    """The URL without tracking parameters, scheme/host case or trailing slash: what "same URL" means."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith("utm_")]
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(sorted(query)), ""))


@dataclass(frozen=True)
class Conflict:
    guard: str
    message: str


def check_duplicate(db: sqlite3.Connection, channel: str, target: str | None, url: str | None, when: float,
                    window: float) -> Conflict | None:
    """The same URL to the same channel (and target) within ``window`` of ``when``."""
    key = link_key(url)
    if key is None:
        return None
    row = db.execute(
        f"""SELECT id, state, coalesce(sent_at, due_at) AS at FROM share_posts
            WHERE channel = ? AND link_key = ? AND coalesce(target, '') = ? AND state IN {ACTIVE!r}
              AND abs(coalesce(sent_at, due_at) - ?) < ? ORDER BY id LIMIT 1""",
        (channel, key, target or "", when, window),
    ).fetchone()
    if row is None:
        return None
    where = f"{channel}:{target}" if target else channel
    return Conflict("duplicate", f"{url} is already queued or sent to {where} (post {row['id']}, "
                                 f"{row['state']}); use --force to queue it again")


def check_spacing(db: sqlite3.Connection, channel: str, when: float, spacing: float,
                  extra: Iterable[float] = ()) -> Conflict | None:
    """Another post to the channel closer than ``spacing`` to ``when``."""
    if spacing <= 0:
        return None
    row = db.execute(
        f"""SELECT id FROM share_posts WHERE channel = ? AND state IN {ACTIVE!r}
            AND abs(coalesce(sent_at, due_at) - ?) < ? LIMIT 1""",
        (channel, when, spacing),
    ).fetchone()
    if row is not None or any(abs(when - t) < spacing for t in extra):
        other = f"post {row['id']}" if row is not None else "another post in this batch"
        return Conflict("spacing", f"{channel}: {other} is less than {_human(spacing)} away "
                                   f"(min_spacing); pick another time or use --force")
    return None


def check_self_promotion(db: sqlite3.Connection, settings: Any, channel: str, now: float,
                         adding: int = 1) -> Conflict | None:
    """At most ``ratio`` of the account's recent activity may be your own links.

    An approximation: our own links are the posts this queue sent or will send to the channel in
    the window; the account's other activity (comments, other posts) is a number the user keeps in
    config (``other_activity``), since assist does not read the account's history.
    """
    from assistant.channels import channel_class

    # the channel's own rule (Channel.self_promotion_rule), then [self_promotion.<name>], then [channels.<name>]
    defaults = {**(getattr(channel_class(channel), "self_promotion_rule", None) or {}),
                **settings.section(f"self_promotion.{channel}")}

    def read(key: str, general: str, default: Any) -> tuple[Any, str]:
        """The value and the name an error gives it ([channels.<name>] key, else [self_promotion.<name>] general)."""
        fallback = f"self_promotion.{channel}.{general}"
        value = channel_setting(settings, channel, key, fallback, default)
        return value, _setting_name(settings, channel, key, fallback)

    raw_ratio, ratio_name = read("self_promotion_ratio", "ratio", defaults.get("ratio"))
    if raw_ratio is None:
        return None
    ratio = number(raw_ratio, ratio_name, minimum=0, maximum=1)
    other = count_setting(*read("other_activity", "other_activity", defaults.get("other_activity", 0)))
    window = duration_setting(*read("self_promotion_window", "window", defaults.get("window", "30d")))
    own = db.execute(
        f"SELECT count(*) FROM share_posts WHERE channel = ? AND state IN {ACTIVE!r} "
        "AND coalesce(sent_at, due_at) >= ?",
        (channel, now - window),
    ).fetchone()[0] + adding
    total = own + other
    if total == 0 or own / total <= ratio:
        return None
    return Conflict("self_promotion", (
        f"{channel}: {own} of the account's last {total} posts would be links to your own work "
        f"(limit {ratio:.0%}); set [channels.{channel}] other_activity to your recent "
        "comments and other posts, wait, or use --force"))


def _human(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"
