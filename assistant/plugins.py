"""The plugin manager: built-in modules plus every entry point in the group ``assist``.

The manager is built on first use, never at import. Each entry point is loaded inside a guard:
a broken plugin is a warning naming it, not a dead CLI, whatever it raises (SystemExit included;
only Ctrl-C goes through). ``ASSIST_LOAD_PLUGINS`` limits loading to a comma-separated list of
entry-point names ("" loads none).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from assistant import hookspecs

GROUP = "assist"
DEFAULT_PLUGINS: tuple[str, ...] = ()


@dataclass
class PluginInfo:
    name: str
    module: str
    version: str | None
    distribution: str | None
    builtin: bool
    hooks: list[str] = field(default_factory=list)


@dataclass
class _State:
    pm: pluggy.PluginManager | None = None
    infos: list[PluginInfo] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


_state = _State()


def _warn(message: str) -> None:
    _state.warnings.append(message)
    print(f"warning: {message}", file=sys.stderr)


def warn_once(message: str) -> None:
    """Warn on stderr, once per process for the same message."""
    if message not in _state.warnings:
        _warn(message)


def _wanted(names: str | None, ep_name: str) -> bool:
    if names is None:
        return True
    return ep_name in {n.strip() for n in names.split(",") if n.strip()}


def _load_entry_points(pm: pluggy.PluginManager) -> None:
    only = os.environ.get("ASSIST_LOAD_PLUGINS")
    for ep in metadata.entry_points(group=GROUP):
        if not _wanted(only, ep.name) or pm.get_plugin(ep.name) is not None:
            continue
        dist = ep.dist
        try:
            module = ep.load()
            pm.register(module, name=ep.name)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - SystemExit too: a broken plugin is a warning
            _warn(f"plugin {ep.name!r} failed to load: {type(exc).__name__}: {exc}")
            continue
        _state.infos.append(
            PluginInfo(
                name=ep.name,
                module=getattr(module, "__name__", str(module)),
                version=dist.version if dist else None,
                distribution=dist.metadata["Name"] if dist else None,
                builtin=False,
            )
        )


def get_manager() -> pluggy.PluginManager:
    """The process-wide manager, built and loaded once."""
    if _state.pm is None:
        pm = pluggy.PluginManager(GROUP)
        pm.add_hookspecs(hookspecs)
        for modname in DEFAULT_PLUGINS:
            module = __import__(modname, fromlist=["_"])
            pm.register(module, name=modname)
            _state.infos.append(PluginInfo(modname, modname, None, None, builtin=True))
        _load_entry_points(pm)
        try:
            pm.check_pending()
        except pluggy.PluginValidationError as exc:
            _warn(str(exc))
        _state.pm = pm
    return _state.pm


def call_hook(name: str, **kwargs: Any) -> None:
    """Call every plugin's implementation of the hook ``name``, in pluggy's order, each in a guard:
    one that raises is a warning naming its plugin, and the others still run."""
    from assistant.errors import first_line

    for impl in reversed(getattr(get_manager().hook, name).get_hookimpls()):
        try:
            impl.function(*(kwargs[arg] for arg in impl.argnames))
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - SystemExit too: a broken plugin is a warning
            warn_once(f"plugin {impl.plugin_name!r} failed in {name}: {type(exc).__name__}: {first_line(exc)}")


def plugin_infos() -> list[PluginInfo]:
    pm = get_manager()
    for info in _state.infos:
        plugin = pm.get_plugin(info.name)
        if plugin is not None:
            info.hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
    return list(_state.infos)


def load_warnings() -> list[str]:
    get_manager()
    return list(_state.warnings)


def reset() -> None:
    """Forget the manager (tests use this to load plugins afresh)."""
    _state.pm = None
    _state.infos.clear()
    _state.warnings.clear()


def register_plugin(plugin: Any, name: str) -> None:
    """Register an in-process plugin object (tests, embedding applications)."""
    get_manager().register(plugin, name=name)
    _state.infos.append(PluginInfo(name, getattr(plugin, "__name__", name), None, None, False))


def unregister_plugin(name: str) -> None:
    pm = get_manager()
    plugin = pm.get_plugin(name)
    if plugin is not None:
        pm.unregister(plugin)
    _state.infos[:] = [i for i in _state.infos if i.name != name]
