"""Show score reports: a rich terminal report, Markdown (for PR comments), JSON, and a progress bar."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from assistant.errors import shown_path
from assistant.terminal import printable, rich_safe

if TYPE_CHECKING:
    from rich.console import Console

    from assistant.score.report import Report

TOP_SUGGESTIONS = 8


def _n(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _first_evidence(signal: Any) -> str:
    return signal.evidence[0].text if signal.evidence else "(none found)"


def _where(line: int | None) -> str:
    return f"L{line}" if line else ""


def to_json(reports: Sequence[Report]) -> str:
    return json.dumps([r.to_dict() for r in reports], indent=2, ensure_ascii=False, default=str)


# --------------------------------------------------------------------------- terminal


def _style(score: float | None) -> str:
    if score is None:
        return "dim"
    return "green" if score >= 70 else ("yellow" if score >= 50 else "red")


def _esc(text: Any) -> str:
    """Text from a draft (titles, headings, topics, messages quoting them), escaped for Rich markup and
    without control characters: ``Why [/] matters`` crashed the report, ``[updated 2026]`` vanished."""
    return rich_safe(text)


def render_text(reports: Sequence[Report], console: Console) -> None:
    """The terminal report: scores, the signal table, top suggestions and drifting sections."""
    for n, report in enumerate(reports):
        if n:
            console.print()
        if not report.ok:
            console.print(f"[bold red]✗[/] {_esc(report.error)}", highlight=False)
            continue
        _render_one(report, console)


def _render_one(report: Report, console: Console) -> None:
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    link, rel = report.linkability, report.relevance
    assert link is not None
    path = shown_path(report.path)
    if cell_len(path) + 6 <= console.width:
        console.rule(Text(path, style="bold"), align="left")
    else:  # a rule would cut the path short: print it whole (the terminal wraps it), then the rule
        console.print(Text(path, style="bold"), soft_wrap=True)
        console.rule()
    console.print(f"[bold]{_esc(report.title)}[/]  ({report.word_count:,} words)", highlight=False)
    line = f"Linkability [{_style(link.score)}]{_n(link.score)}/100[/]"
    if rel is not None:
        line += f"   Relevance [{_style(rel.score)}]{_n(rel.score)}/100[/]   Overall [bold]{_n(report.score)}[/]"
    console.print(line)
    if rel is not None:
        console.print(f"[dim]Topic ({_esc(rel.topic_source)}): {_esc(rel.topic)}[/]", highlight=False)
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    for col, kw in (("Signal", {}), ("Score", {"justify": "right"}), ("Weight", {"justify": "right"}),
                    ("Found", {"overflow": "fold"})):
        table.add_column(col, **kw)
    for sig in link.signals:
        table.add_row(sig.name, f"[{_style(sig.score)}]{sig.score:.0f}[/]", f"{sig.weight:g}",
                      _esc(_first_evidence(sig)))
    console.print(table)
    _render_suggestions(report, console)
    _render_drift(report, console)
    for line in coverage_lines(report):
        console.print(printable(line), highlight=False, markup=False)


def coverage_lines(report: Report) -> list[str]:
    """What the --compare references cover that the draft misses, in a few plain lines."""
    cov = report.relevance.coverage if report.relevance else None
    if cov is None:
        return []
    out = [f"Coverage against {len(cov.references)} reference(s): {cov.score:.0f}/100"]
    if cov.missing_subtopics:
        out.append("  missing subtopics: " + "; ".join(s.label for s in cov.missing_subtopics[:5]))
    if cov.missing_terms:
        out.append("  missing terms: " + ", ".join(t.term for t in cov.missing_terms[:10]))
    return out


def top_suggestions(report: Report) -> list[Any]:
    return [s for s in report.suggestions if report.overall_gain(s) >= 0.05][:TOP_SUGGESTIONS]


def gain_heading(report: Report) -> str:
    if report.relevance is None:
        return "expected gain in linkability points"
    return "expected gain in overall points; in parentheses, in linkability or relevance points"


def _own_gain(report: Report, s: Any) -> str:
    """The gain in the points of the score it belongs to, when that differs from the overall gain."""
    return f" (+{s.gain:.1f} {s.target})" if report.relevance is not None else ""


def _render_suggestions(report: Report, console: Console) -> None:
    suggestions = top_suggestions(report)
    if not suggestions:
        return
    console.print(f"[bold]Top suggestions[/] ({gain_heading(report)})")
    for s in suggestions:
        where = f" {_where(s.line)}" if s.line else ""
        console.print(f"  [green]+{report.overall_gain(s):.1f}[/] [dim]{s.signal}{where}[/]  {_esc(s.message)}"
                      f"[dim]{_own_gain(report, s)}[/]", highlight=False)


def _render_drift(report: Report, console: Console) -> None:
    rel = report.relevance
    drifting = [s for s in rel.sections if s.drifting] if rel else []
    if not drifting:
        return
    console.print("[bold]Drifting sections[/]")
    for s in drifting:
        console.print(f"  [red]L{s.line}-{s.end_line}[/] {_esc(s.heading)} (relevance {s.score:.0f}/100)",
                      highlight=False)


# --------------------------------------------------------------------------- markdown


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(reports: Sequence[Report]) -> str:
    """A Markdown report (headings, a signal table, suggestions), e.g. for a pull-request comment."""
    out: list[str] = ["# assist score", ""]
    for report in reports:
        if not report.ok:
            out += [f"## {shown_path(report.path)}", "", f"**Error:** {_cell(report.error or '')}", ""]
            continue
        out += _markdown_one(report)
    return "\n".join(out).rstrip() + "\n"


def _markdown_one(report: Report) -> list[str]:
    link, rel = report.linkability, report.relevance
    assert link is not None
    out = [f"## {shown_path(report.path)}", "", f"**{_cell(report.title)}** ({report.word_count:,} words)", ""]
    scores = f"- Linkability: **{_n(link.score)}/100**"
    if rel is not None:
        scores += f"\n- Relevance: **{_n(rel.score)}/100** (topic from {rel.topic_source}: {_cell(rel.topic)})"
        scores += f"\n- Overall: **{_n(report.score)}/100**"
    out += [scores, "", "| Signal | Score | Weight | Found |", "|---|---:|---:|---|"]
    out += [f"| {s.name} | {s.score:.0f} | {s.weight:g} | {_cell(_first_evidence(s))} |" for s in link.signals]
    suggestions = top_suggestions(report)
    if suggestions:
        out += ["", "### Top suggestions", "", f"_{gain_heading(report).capitalize()}._", ""]
        out += [f"1. **+{report.overall_gain(s):.1f}** ({s.signal}{', line ' + str(s.line) if s.line else ''}) "
                f"{_cell(s.message)}{_own_gain(report, s)}" for s in suggestions]
    drifting = [s for s in rel.sections if s.drifting] if rel else []
    if drifting:
        out += ["", "### Drifting sections", ""]
        out += [f"- lines {s.line}-{s.end_line}: {_cell(s.heading)} (relevance {s.score:.0f}/100)" for s in drifting]
    coverage = coverage_lines(report)
    if coverage:
        out += ["", "### Coverage", "", coverage[0], ""] + [f"- {_cell(line.strip())}" for line in coverage[1:]]
    return out + [""]


# --------------------------------------------------------------------------- progress


class RichProgress:
    """A rich progress bar on stderr, one task per phase (embedding, scoring)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=Console(stderr=True), transient=True,
        )
        self._task: Any = None

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def start(self, label: str, total: int) -> None:
        if self._task is not None:
            self._progress.update(self._task, completed=self._progress.tasks[-1].total)
        self._task = self._progress.add_task(label, total=total)

    def advance(self, n: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, n)
