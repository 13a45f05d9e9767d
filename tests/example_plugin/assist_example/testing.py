"""The example channel's fake "platform": a JSON-lines file with scripted faults (shipped with the
plugin, as the built-in plugins ship their fakes, so its own tests and assist's can use it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import read_lines

TOKEN = "example-token-s3cr3t-7f2a"  # a recognisable secret: it must never reach the database


class FileFake:
    """The example channel's "platform": a JSON-lines file, with scripted faults."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.path = root / "published.jsonl"
        self.faults = root / "faults.txt"

    def settings(self, **extra: Any) -> dict[str, Any]:
        return {"path": str(self.path), "faults": str(self.faults), "token": TOKEN, **extra}

    @property
    def published(self) -> list[dict[str, Any]]:
        return read_lines(self.path)

    def fail_next(self, status: int, body: Any = None, headers: dict[str, str] | None = None,
                  times: int = 1) -> None:
        existing = self.faults.read_text().split() if self.faults.exists() else []
        self.faults.write_text("\n".join(existing + [str(status)] * times))
