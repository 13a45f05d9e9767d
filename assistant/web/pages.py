"""The pipeline pages: prospects of a draft, the share queue, the links ledger, the outreach board."""

from __future__ import annotations

from typing import Any


def routes(site: Any) -> None:
    return None
