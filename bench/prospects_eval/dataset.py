"""The labelled prospects set: five drafts' topics, 50 sites, and which sites truly link to which draft.

Written by hand to look like the web: the true linkers of a draft cover its topic in their own words
(often without its keywords) and most, not all, link out to competitors' pages on the topic; decoys
share the draft's keywords but not its subject (JavaScript "async", stand-up comedy, "status
pages"), or cover the topic but never link out (shops); spam pages stuff every keyword.
Each site: domain, name, description, authority, pages [(path, kind, title, text)], outbound links,
and ``links_to``: the drafts (by file stem) it really links to.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
_SET = json.loads((_HERE / "data" / "sets.json").read_text(encoding="utf-8"))["original"]
DRAFTS: list[str] = _SET["drafts"]
# One labelled site a line (the data file is the source; see data/README.md): url, name, description,
# authority, pages, links, links_to (the drafts it would link to), or export rows for an export-only site.
SITES: list[dict[str, Any]] = [json.loads(line) for line in
                               (_HERE / "data" / "original.jsonl").read_text(encoding="utf-8").splitlines() if line]


def labels() -> dict[str, set[str]]:
    """draft stem -> the domains that truly link to it."""
    out: dict[str, set[str]] = {d: set() for d in DRAFTS}
    for s in SITES:
        for draft in s["links_to"]:
            out[draft].add(s["url"].split("/")[2])
    return out
