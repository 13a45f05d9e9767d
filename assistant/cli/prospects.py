"""`assist prospects DRAFT` (sites likely to link, with reasons) and `assist outreach DRAFT --site`."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from assistant.cli.common import emit_json, open_db, settings

CSV_COLUMNS = [
    "rank", "domain", "name", "score", "topical_best", "topical_typical", "intersect", "propensity",
    "authority", "authority_source", "penalty", "pitch_url", "template", "contact", "reasons",
]


def _embedder(conn: Any, cfg: Any) -> Any:
    from assistant.embeddings import Embedder

    return Embedder(cfg.get("model.name"), db=conn, backend=cfg.get("model.backend", "auto"),
                    batch_size=int(cfg.get("model.batch_size", 64)))


@contextmanager
def _progress(label: str) -> Iterator[Any]:
    """A rich progress counter on a TTY stderr (embedding site texts can take a while); else nothing."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description} {task.completed:,} texts"),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda n: bar.advance(task, n)


def _load_draft(path: str) -> Any:
    from assistant import documents

    return documents.load(path, max_bytes=int(settings().get("score.max_file_mb", 5)) * 1024 * 1024)


@click.command()
@click.argument("draft", type=str)
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True,
              help="How many prospects to show.")
@click.option("--competitor", "competitors", multiple=True, metavar="DOMAIN",
              help="A competitor: only links to its pages count as links to pages like your draft, and it"
                   " is never listed itself (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
              help="table for people, json for scripts, csv for outreach tools.")
@click.option("--json", "json_", is_flag=True, help="Same as --format json.")
@click.option("--include-linking", is_flag=True,
              help="Keep sites that already link to you (penalised) instead of dropping them.")
@click.option("--own-domain", metavar="DOMAIN",
              help="Your site: sites linking to it are left out (default: the draft's canonical_url, else"
                   " config site.domain).")
def prospects(draft: str, limit: int, competitors: tuple[str, ...], fmt: str, json_: bool,
              include_linking: bool, own_domain: str | None) -> None:
    """Rank known sites by how likely they are to link to DRAFT, with reasons and the page to pitch.

    Sites come from `assist sites import` and `assist sites crawl`. Excluded sites are never listed;
    sites already linking to you are dropped unless --include-linking.
    """
    from assistant.errors import UsageError
    from assistant.prospects import rank

    cfg = settings()
    doc = _load_draft(draft)
    conn = open_db()
    if not conn.execute("SELECT 1 FROM sites WHERE excluded = 0 LIMIT 1").fetchone():
        raise UsageError("no sites to rank yet: import a catalog or backlink export (assist sites import FILE)"
                         " or crawl sites (assist sites crawl)")
    embedder = _embedder(conn, cfg)
    notes: list[str] = []
    with _progress("embedding") as progress:
        found = rank.rank(conn, doc, embedder, limit=limit, competitors=competitors,
                          own_domain=cfg.get("site.domain"), own_override=own_domain, include_linking=include_linking,
                          weights=cfg.get("prospects.weights") or None, progress=progress, notes=notes)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    fmt = "json" if json_ else fmt
    if fmt == "json":
        emit_json([{"rank": i, **p.to_dict()} for i, p in enumerate(found, 1)])
    elif fmt == "csv":
        _emit_csv(found)
    else:
        _emit_table(doc, found)


def _emit_csv(found: list[Any]) -> None:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for i, p in enumerate(found, 1):
        row = p.to_dict()
        row["rank"] = i
        row["reasons"] = "; ".join(p.reasons)
        writer.writerow({k: safe_cell(v) for k, v in row.items()})
    click.echo(buf.getvalue(), nl=False)


def safe_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading ' (names and titles come from
    crawled pages and imports, which anyone can write)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _emit_table(doc: Any, found: list[Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    if not found:
        click.echo("No prospects: every known site is excluded or already links to you.", err=True)
        return
    table = Table(title=f"Prospects for {doc.title}", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("site")
    table.add_column("score", justify="right")
    table.add_column("why")
    table.add_column("pitch")
    for i, p in enumerate(found, 1):
        pitch = f"{p.pitch_url or ''}\n[dim]{p.pitch_reason}; template {p.template}[/dim]"
        table.add_row(str(i), p.domain + (f"\n[dim]{p.name}[/dim]" if p.name else ""), f"{p.score:.2f}",
                      "\n".join(p.reasons), pitch)
    Console().print(table)


@click.command()
@click.argument("draft", type=str)
@click.option("--site", "site", required=True, metavar="DOMAIN", help="The site to write to.")
@click.option("--template", type=str, default=None,
              help="resource-page, guest-post or broken-link (or your own from the config dir's "
              "prompts/outreach/); default: the one that fits the site.")
@click.option("--competitor", "competitors", multiple=True, metavar="DOMAIN",
              help="As for `assist prospects`: only links to these domains count as similar pages.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text prints the email; json adds the reasons and the template used.")
@click.option("--json", "json_", is_flag=True, help="Same as --format json.")
def outreach(draft: str, site: str, template: str | None, competitors: tuple[str, ...], fmt: str,
             json_: bool) -> None:
    """Draft an outreach email to one site about DRAFT, with the reasons and the page to pitch filled in."""
    from assistant.errors import UsageError
    from assistant.prospects import outreach as mail
    from assistant.prospects import rank, store

    cfg = settings()
    if template is not None:
        mail.find_template(template)  # fail fast, before loading the model
    doc = _load_draft(draft)
    conn = open_db()
    if store.site_by_domain(conn, site) is None:
        raise UsageError(f"unknown site {site!r}: import or crawl it first (assist sites import / assist sites crawl)")
    embedder = _embedder(conn, cfg)
    prospect = rank.prospect_for(conn, doc, embedder, site, competitors=competitors,
                                 own_domain=cfg.get("site.domain"))
    if prospect is None:
        raise UsageError(f"unknown site {site!r}")
    sender = {"name": cfg.get("outreach.sender_name"), "email": cfg.get("outreach.sender_email")}
    email = mail.render(doc, prospect, template, sender=sender)
    if json_ or fmt == "json":
        emit_json(email.to_dict())
    else:
        click.echo(email.as_text(), nl=False)
