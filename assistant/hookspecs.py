"""The hooks a plugin may implement. A plugin module marks its functions with @assistant.hookimpl."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("assist")


@hookspec
def register_channels(register: Callable[[type[Any]], None]) -> None:
    """Register Channel classes by calling register(ChannelClass)."""


@hookspec
def register_commands(cli: Any) -> None:
    """Add click commands or groups to the assist CLI (cli is the root click.Group)."""
