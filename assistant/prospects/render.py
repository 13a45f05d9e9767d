"""Show a ranking of prospects: a table or one block per prospect on a terminal, JSON for scripts and
CSV for outreach tools (as assistant.score.render shows score reports).

Texts that came from outside (names, reasons, pitch URLs: crawled pages and imports) must be made
safe for a terminal before they reach :func:`render_text` (assistant.cli.common.printable); CSV cells
are guarded here against spreadsheet formulas. A prospect is an assistant.prospects.rank.Prospect
(not imported: rank may import this module, not the other way round).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

CSV_COLUMNS = [
    "rank", "domain", "name", "score", "topical_best", "topical_typical", "intersect", "propensity",
    "authority", "authority_source", "penalty", "pitch_url", "template", "contact", "reasons",
]
TABLE_MIN_WIDTH = 110  # narrower terminals get one block per prospect: a table would squeeze the URLs


def to_json(found: Sequence[Any]) -> str:
    """The prospects with their rank, for scripts."""
    return json.dumps([{"rank": i, **p.to_dict()} for i, p in enumerate(found, 1)], indent=2,
                      ensure_ascii=False, default=str)


def to_csv(found: Sequence[Any]) -> str:
    """The prospects as CSV (:data:`CSV_COLUMNS`, reasons joined with "; "), for outreach tools."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for i, p in enumerate(found, 1):
        row = p.to_dict()
        row["rank"] = i
        row["reasons"] = "; ".join(p.reasons)
        writer.writerow({k: safe_cell(v) for k, v in row.items()})
    return buf.getvalue()


def safe_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading ' (names and titles come from
    crawled pages and imports, which anyone can write)."""
    if not isinstance(value, str):
        return value
    # a trigger character first, or after leading blanks, newlines or ';' (";=cmd", "\n=cmd", " =cmd"
    # run as formulas in some spreadsheets)
    if value[:1] in FORMULA_START or value.lstrip(" \t\r\n;")[:1] in FORMULA_START:
        return "'" + value
    return value


FORMULA_START = frozenset("=+-@\t\r\n;")


# --------------------------------------------------------------------------- terminal


def render_text(title: str, found: Sequence[Any], console: Console) -> None:
    """The prospects for people: a table on a wide terminal, one block per prospect below
    TABLE_MIN_WIDTH columns. URLs and domains are never cut short: the writer copies them to pitch."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"Prospects for {title}", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("site", overflow="fold")
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("why", overflow="fold", ratio=3)
    table.add_column("pitch", overflow="fold", ratio=2)
    for i, p in enumerate(found, 1):
        pitch = Text(p.pitch_url or "")
        pitch.append(f"\n{p.pitch_reason}; template {p.template}", style="dim")
        site = Text(p.domain)
        if p.name:
            site.append(f"\n{p.name}", style="dim")
        table.add_row(str(i), site, f"{p.score:.2f}", Text("\n".join(p.reasons)), pitch)
    # The table only when every word (URL, domain) fits its cell whole; else one block per prospect.
    needed = table.__rich_measure__(console, console.options).minimum
    if console.width < max(TABLE_MIN_WIDTH, needed):
        render_blocks(title, found, console)
        return
    console.print(table)


def render_blocks(title: str, found: Sequence[Any], console: Console) -> None:
    """One block per prospect: rank, site, score and name, then its reasons indented and the pitch.

    Reasons wrap between words under their indent; the pitch URL is printed whole on its own line
    (soft-wrapped by the terminal, never broken or cut by assist), so it can be copied as it is."""
    from rich.text import Text

    _print_indented(console, Text(f"Prospects for {title}", style="bold"), 0)
    width = len(str(len(found)))
    for i, p in enumerate(found, 1):
        console.print()
        head = Text(f"{i:>{width}}  ")
        head.append(p.domain, style="bold")
        head.append(f"  {p.score:.2f}")
        indent = width + 2
        name_apart = bool(p.name) and head.cell_len + 2 + len(p.name) > console.width
        if p.name and not name_apart:
            head.append(f"  {p.name}", style="dim")
        console.print(head, soft_wrap=True)  # the domain whole, however long
        if name_apart:
            _print_indented(console, Text(p.name, style="dim"), indent)
        for reason in p.reasons:
            _print_indented(console, Text(reason), indent)
        _print_indented(console, Text(f"pitch ({p.pitch_reason}; template {p.template}):", style="dim"), indent)
        if p.pitch_url:
            console.print(" " * indent + p.pitch_url, soft_wrap=True, markup=False, highlight=False)


def _print_indented(console: Console, text: Text, indent: int) -> None:
    """Text wrapped between words under a hanging indent. A word wider than the line (a long URL) gets
    a line of its own and is never broken: the terminal wraps it, and it copies whole."""
    from rich.cells import cell_len

    width = max(20, console.width - indent)
    words = [m.span() for m in re.finditer(r"\S+", text.plain)]
    line_start = line_end = None
    for begin, end in words:
        if line_start is not None and cell_len(text.plain[line_start:end]) > width:
            console.print(" " * indent, text[line_start:line_end], sep="", soft_wrap=True)
            line_start = None
        if line_start is None:
            line_start = begin
        line_end = end
    if line_start is not None:
        console.print(" " * indent, text[line_start:line_end], sep="", soft_wrap=True)
