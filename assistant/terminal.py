"""Text from outside made safe for a terminal (a leaf: the CLI and the renderers both use it)."""

from __future__ import annotations

import re
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: Any) -> str:
    """Text from outside (pages, catalogs, exports, drafts) made safe for a terminal: control
    characters, and with them the escape sequences that recolour, retitle or clear a terminal, are
    dropped."""
    return _CONTROL.sub("", "" if text is None else str(text))


def rich_safe(text: Any) -> str:
    """The same, escaped for Rich markup: ``Why [/] matters`` is text, not a closing tag."""
    from rich.markup import escape

    return escape(printable(text))
