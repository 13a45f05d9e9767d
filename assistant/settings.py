"""The one reader of single settings: numbers, counts, durations and weight tables.

Every reader takes the value (from the config file, an ``ASSIST_*`` variable or a default) and the
name to show, and returns a checked value or raises a one-line :class:`ConfigError` in one format::

    [queue] max_tries: 'lots' is not a whole number
    [crawl] delay: True is not a number
    [score] max_file_mb: must be more than 0, not -1

One rule for what a number is: an int or a float, or a string that reads as one ("5", "2.5", as a
config file may quote it); never a boolean (``ASSIST_CRAWL__DELAY=true`` is refused, not 1.0).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from assistant.errors import ConfigError, UsageError

DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)?\s*$",
                         re.IGNORECASE)
UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def key_name(dotted: str) -> str:
    """How messages name a setting: ``queue.max_tries`` -> ``[queue] max_tries``."""
    if dotted.startswith("["):
        return dotted
    section, _, name = dotted.rpartition(".")
    return f"[{section}] {name}" if section else dotted


def number(value: Any, key: str, *, integer: bool = False, positive: bool = False,
           minimum: float | None = None, maximum: float | None = None) -> Any:
    """A number (int with ``integer``), or ConfigError naming ``key`` (dotted or ``[section] name``)."""
    what = key_name(key)
    kind = "a whole number" if integer else "a number"
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(f"{what}: {value!r} is not {kind}")
    try:
        parsed = float(value.strip()) if isinstance(value, str) else float(value)
    except ValueError:
        raise ConfigError(f"{what}: {value!r} is not {kind}") from None
    if parsed != parsed or parsed in (float("inf"), float("-inf")):
        raise ConfigError(f"{what}: {value!r} is not {kind}")
    if integer and not parsed.is_integer():
        raise ConfigError(f"{what}: {value!r} is not {kind}")
    if positive and parsed <= 0:
        raise ConfigError(f"{what}: must be more than 0, not {value!r}")
    if minimum is not None and parsed < minimum:
        raise ConfigError(f"{what}: must be at least {minimum:g}, not {value!r}")
    if maximum is not None and parsed > maximum:
        raise ConfigError(f"{what}: must be at most {maximum:g}, not {value!r}")
    return int(parsed) if integer else parsed


def parse_duration(value: Any, what: str = "duration") -> float:
    """Seconds in ``30``, ``90s``, ``15m``, ``1h``, ``3d``, ``2w`` (UsageError: it is also a CLI option's reader)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value != value or value in (float("inf"), float("-inf")):
            raise UsageError(f"{what}: {value!r} is not a duration (use e.g. 90s, 15m, 1h, 3d)")
        return float(value)
    match = DURATION_RE.match(str(value)[:100])
    if not match:
        raise UsageError(f"{what}: {value!r} is not a duration (use e.g. 90s, 15m, 1h, 3d)")
    unit = (match.group(2) or "s").lower()[0]
    return float(match.group(1)) * UNIT[unit]


def count_setting(value: Any, what: str, *, minimum: int = 0) -> int:
    """A whole number of at least ``minimum``."""
    return int(number(value, what, integer=True, minimum=minimum))


MAX_DURATION = 366 * 86400.0  # a year: longer is a typo, and overflows dates


def duration_setting(value: Any, what: str, *, positive: bool = False, minimum: float = 0.0,
                     maximum: float = MAX_DURATION) -> float:
    """Seconds from a config duration (60, "90s", "15m"), or a one-line ConfigError naming the key."""
    what = key_name(what)
    if isinstance(value, bool):
        raise ConfigError(f"{what}: {value!r} is not a duration (use e.g. 90s, 15m, 1h, 3d)")
    try:
        seconds = parse_duration(value, what)
    except UsageError as exc:
        raise ConfigError(str(exc)) from None
    if seconds != seconds or seconds < 0 or (positive and seconds == 0):
        raise ConfigError(f"{what}: must be {'longer than zero' if positive else 'zero or more'}, not {value!r}")
    if seconds < minimum:
        raise ConfigError(f"{what}: must be at least {_shown(minimum)}, not {value!r}")
    if seconds > maximum:
        raise ConfigError(f"{what}: must be at most {_shown(maximum)}, not {value!r}")
    return seconds


def _shown(seconds: float) -> str:
    """A bound as messages give it: whole days as ``366d``, else seconds (``0.01 s``)."""
    return f"{seconds / 86400:g}d" if seconds >= 86400 and seconds % 86400 == 0 else f"{seconds:g} s"


def weights(overrides: Any, defaults: Mapping[str, float], key: str, *, what: str = "weight",
            allow_all_zero: bool = True) -> dict[str, float]:
    """``defaults`` updated with a table of ``name = weight`` (known names, numbers >= 0)."""
    out = dict(defaults)
    if overrides is None:
        return out
    if not isinstance(overrides, Mapping):
        raise ConfigError(f"{key_name(key)}: expected a table of {what} = number, not {overrides!r}")
    for name, value in overrides.items():
        if name not in defaults:
            raise ConfigError(f"{key_name(key)}: unknown {what} {name!r} (known: {', '.join(defaults)})")
        out[name] = number(value, f"{key}.{name}", minimum=0, maximum=1e6)
    if not allow_all_zero and not any(out.values()):
        raise ConfigError(f"{key_name(key)}: every weight is 0")
    return out
