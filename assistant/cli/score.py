"""assist score: linkability and topical relevance of drafts, as a report, JSON or Markdown."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from assistant.cli.common import Finite, FormatChoice, json_option
from assistant.errors import shown_path

PROGRESS_MIN_FILES = 5  # a progress bar only for runs over this many drafts (and only on a TTY)

EXIT_HELP = """
Exit status: 0 when every draft was scored (and passed --min-score), 1 when a draft's linkability
is below --min-score, 2 when a path could not be read (the other drafts are still scored and
reported; bad files are named on stderr, one line each).
"""


def default_embedder(model: str | None) -> Any:
    """The configured model over the assist database's embedding cache."""
    from assistant.cli.common import open_db, settings
    from assistant.embeddings import Embedder

    cfg = settings()
    return Embedder(
        model or cfg.get("model.name"), db=open_db(readonly=True),
        backend=str(cfg.get("model.backend", "auto")),
        batch_size=cfg.number("model.batch_size", 64, integer=True, positive=True, maximum=4096),
    )


def _embedder_factory(ctx: click.Context) -> Callable[[str | None], Any]:
    """Tests and embedding programs may pass obj={"embedder_factory": f} to reuse a loaded model."""
    obj = ctx.find_object(dict)
    factory = obj.get("embedder_factory") if obj else None
    return factory or default_embedder


def _positive(cfg: Any, key: str, default: float) -> float:
    return float(cfg.number(key, default, positive=True, maximum=1024))


@click.command(epilog=EXIT_HELP)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--topic", metavar="TEXT",
              help="The topic the drafts should stay on (default: front matter 'topic', then keywords, then the title).")
@click.option("--compare", "compare", multiple=True, metavar="PATH",
              help="A reference page saved as .md/.html/.txt (e.g. a competitor's article), or a directory of "
                   "them, to compare subtopic and term coverage against; repeat for several.")
@click.option("--format", "format_", type=FormatChoice(["text", "json", "markdown"]), default="text",
              show_default=True, help="Report format: a terminal report, JSON for scripts, or Markdown for PR comments.")
@json_option
@click.option("--min-score", type=Finite(0, 100), default=None, metavar="N",
              help="Exit 1 when any draft's linkability score is below N (for CI and pre-commit). "
                   "Default: score.min_score in config (0 never fails).")
@click.option("--model", metavar="NAME",
              help="Sentence-transformers model name or directory for relevance (default: model.name in config).")
@click.option("--no-relevance", is_flag=True,
              help="Score linkability only: no embedding model is loaded (fast, for CI gates).")
@click.pass_context
def score(
    ctx: click.Context, paths: tuple[str, ...], topic: str | None, compare: tuple[str, ...], format_: str,
    json_: bool, min_score: float | None, model: str | None, no_relevance: bool,
) -> None:
    """Score drafts for linkability and topical relevance, with suggestions ranked by expected gain.

    PATH is a Markdown, HTML or text file, a directory (every .md/.markdown/.html/.txt inside,
    recursively), or - for standard input.
    """
    from assistant.cli.common import settings
    from assistant.score.report import load_documents, score_paths

    cfg = settings()
    fmt = "json" if json_ else format_
    max_bytes = int(_positive(cfg, "score.max_file_mb", 5) * 1024 * 1024)
    threshold = float(cfg.number("score.min_score", 0) if min_score is None else min_score)
    refs, ref_errors = load_documents(_reference_paths(compare), max_bytes=max_bytes)
    if ref_errors:
        from assistant.errors import UsageError

        raise UsageError(f"--compare {ref_errors[0].error}")
    embedder = None if no_relevance else _embedder_factory(ctx)(model)
    many = len(paths) >= PROGRESS_MIN_FILES or any(_is_dir(p) for p in paths)
    with _progress(many) as progress:
        batch = score_paths(
            paths, embedder, max_bytes=max_bytes, on_error=_report_error, topic=topic, compare=refs,
            weights=cfg.get("score.weights") or None, progress=progress,
            stale_years=int(_positive(cfg, "score.stale_years", 3)),
        )
    _emit(batch.reports, fmt)
    _exit(batch, threshold)


def _reference_paths(compare: tuple[str, ...]) -> list[str]:
    """--compare paths with directories expanded into the pages inside them (like PATH)."""
    from assistant.documents import iter_paths, unique_paths
    from assistant.errors import UsageError

    out: list[str] = []
    for path in compare:
        found = list(iter_paths([path]))
        if not found:
            raise UsageError(f"--compare {path}: no pages (.md, .markdown, .html, .txt) in this directory")
        out += found
    return unique_paths(out)


def _is_dir(path: str) -> bool:
    from pathlib import Path

    return path != "-" and Path(path).is_dir()


def _report_error(report: Any) -> None:
    click.echo(f"Error: {report.error}", err=True)


class _NoProgress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _progress(many: bool) -> Any:
    if many and sys.stderr.isatty():
        from assistant.score.render import RichProgress

        return RichProgress()
    return _NoProgress()


def _emit(reports: list[Any], fmt: str) -> None:
    from assistant.score import render

    if fmt == "json":
        click.echo(render.to_json(reports))
    elif fmt == "markdown":
        click.echo(render.render_markdown(reports), nl=False)  # errors too: a PR comment should name them
    else:
        from rich.console import Console

        render.render_text([r for r in reports if r.ok], Console(soft_wrap=False, highlight=False))


def _exit(batch: Any, threshold: float) -> None:
    """2 when a path was bad (it wins: the run is incomplete), else 1 when a draft is under --min-score."""
    low = batch.below(threshold) if threshold > 0 else []
    for report in low:
        click.echo(f"{shown_path(report.path)}: linkability {report.linkability.score:.0f} is below "
                   f"--min-score {threshold:g}", err=True)
    if batch.errors:
        click.get_current_context().exit(2)
    if low:
        click.get_current_context().exit(1)
