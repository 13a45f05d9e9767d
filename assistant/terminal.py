"""Text from outside made safe for a terminal (a leaf: the CLI and the renderers both use it)."""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 controls (escape sequences start with them), and the bidirectional overrides, embeddings
# and isolates, which reorder what follows them: "nomad\u202eesab.example" shows as another name.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Lone surrogates: a file name that is not UTF-8 comes in with them (surrogateescape), and no encoder
# writes them; they are shown as U+FFFD.
_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: Any) -> str:
    """Text from outside (pages, catalogs, exports, drafts) made safe for a terminal or a page:
    control characters, and with them the escape sequences that recolour, retitle or clear a
    terminal, are dropped, and so are the bidirectional controls that would show it reordered; a lone
    surrogate (from a file name that is not UTF-8) becomes U+FFFD."""
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", "" if text is None else str(text)))


def rich_safe(text: Any) -> str:
    """The same, escaped for Rich markup: ``Why [/] matters`` is text, not a closing tag."""
    from rich.markup import escape

    return escape(printable(text))
