"""Migrations of the sites, pages and link-graph tables (see assistant.db)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = []
