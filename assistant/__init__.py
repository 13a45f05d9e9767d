"""assist: a local-first link-earning assistant for writers."""

from importlib.metadata import PackageNotFoundError, version

import pluggy

try:
    __version__ = version("assist")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+local"

hookimpl = pluggy.HookimplMarker("assist")

__all__ = ["__version__", "hookimpl"]
