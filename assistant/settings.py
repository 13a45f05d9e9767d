"""Readers of single settings from config: each returns the value or raises a one-line ConfigError
naming the key (``[queue] max_tries: 'x' is not a whole number``)."""

from __future__ import annotations

from typing import Any

from assistant.errors import ConfigError


def count_setting(value: Any, what: str, *, minimum: int = 0) -> int:
    """A whole number from config, or a one-line ConfigError naming the key."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ConfigError(f"{what}: {value!r} is not a whole number")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ConfigError(f"{what}: {value!r} is not a whole number") from None
    if number < minimum:
        raise ConfigError(f"{what}: must be at least {minimum}, not {number}")
    return number


def duration_setting(value: Any, what: str, *, positive: bool = False) -> float:
    """Seconds from a config duration (60, "90s", "15m"), or a one-line ConfigError naming the key."""
    from assistant.errors import UsageError
    from assistant.share.schedule import parse_duration

    if isinstance(value, bool):
        raise ConfigError(f"{what}: {value!r} is not a duration (use e.g. 90s, 15m, 1h, 3d)")
    try:
        seconds = parse_duration(value, what)
    except UsageError as exc:
        raise ConfigError(str(exc)) from None
    if seconds < 0 or (positive and seconds == 0):
        raise ConfigError(f"{what}: must be {'longer than zero' if positive else 'zero or more'}, not {value!r}")
    return seconds
