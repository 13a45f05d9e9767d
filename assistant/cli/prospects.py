"""`assist prospects DRAFT` (sites likely to link, with reasons; --add N makes pitches of the top N) and
`assist outreach preview DRAFT --site`."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from assistant.cli.common import FormatChoice, emit_json, open_db, printable, settings
from assistant.prospects import render
from assistant.prospects.render import safe_cell as safe_cell

# Rendering is in assistant.prospects.render; safe_cell is re-exported for `assist sites list --format csv`.


def _embedder(conn: Any, cfg: Any) -> Any:
    from assistant.embeddings import Embedder

    return Embedder(cfg.get("model.name"), db=conn, backend=cfg.get("model.backend", "auto"),
                    batch_size=cfg.number("model.batch_size", 64, integer=True, positive=True, maximum=4096))


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

    # the same limit as `assist score`: 0.5 is half a megabyte, not 0 bytes
    return documents.load(path, max_bytes=int(settings().number("score.max_file_mb", 5, positive=True, maximum=1024) * 1024 * 1024))


@click.command()
@click.argument("draft", type=str)
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True,
              help="How many prospects to show.")
@click.option("--competitor", "competitors", multiple=True, metavar="DOMAIN",
              help="A competitor: only links to its pages count as links to pages like your draft, and it"
                   " is never listed itself (repeatable).")
@click.option("--format", "fmt", type=FormatChoice(["text", "json", "csv"]), default="text", show_default=True,
              help="text (a table) for people, json for scripts, csv for outreach tools ('table' is an old name of text).")
@click.option("--json", "json_", is_flag=True, help="Same as --format json.")
@click.option("--include-linking", is_flag=True,
              help="Keep sites that already link to you (penalised) instead of dropping them.")
@click.option("--include-spam", is_flag=True,
              help="Keep sites with spam signals (penalised, usually with a negative score) instead of leaving"
                   " them out.")
@click.option("--own-domain", metavar="DOMAIN",
              help="Your site: sites linking to it are left out (default: the draft's canonical_url, else"
                   " config site.domain).")
@click.option("--add", "add", type=click.IntRange(1, 100), metavar="N",
              help="Add the top N as pitches to the outreach pipeline (contacts looked for on their pages).")
def prospects(draft: str, limit: int, competitors: tuple[str, ...], fmt: str, json_: bool,
              include_linking: bool, include_spam: bool, own_domain: str | None, add: int | None) -> None:
    """Rank known sites by how likely they are to link to DRAFT, with reasons and the page to pitch.

    Sites come from `assist sites import` and `assist sites crawl`. Excluded sites are never listed;
    sites already linking to you are dropped unless --include-linking, and sites with spam signals
    unless --include-spam.
    """
    from assistant.errors import UsageError
    from assistant.prospects import rank

    cfg = settings()
    doc = _load_draft(draft)
    conn = open_db(readonly=add is None)
    if not conn.execute("SELECT 1 FROM sites WHERE excluded = 0 LIMIT 1").fetchone():
        raise UsageError("no sites to rank yet: import a catalog or backlink export (assist sites import FILE)"
                         " or crawl sites (assist sites crawl)")
    embedder = _embedder(conn, cfg)
    notes: list[str] = []
    with _progress("embedding") as progress:
        found = rank.rank(conn, doc, embedder, limit=limit, competitors=competitors,
                          own_domain=cfg.get("site.domain"), own_override=own_domain, include_linking=include_linking,
                          include_spam=include_spam,
                          weights=cfg.get("prospects.weights") or None, progress=progress, notes=notes)
    for note in notes:
        click.echo(f"note: {printable(note)}", err=True)
    fmt = "json" if json_ else fmt
    if fmt in ("json", "csv"):
        from dataclasses import replace

        from assistant.outreach.adding import pitch_template

        listed = [replace(p, template=pitch_template(p)) for p in found]  # the template a pitch gets, as the table
        click.echo(render.to_json(listed) if fmt == "json" else render.to_csv(listed), nl=fmt == "json")
    else:
        _emit_table(doc, [_printable(p) for p in found])
    if add:
        from assistant.outreach.adding import add_pitches
        from assistant.outreach.pipeline import repitch_after

        # the rows listed above, as they are: a pitch carries the page, reasons and template shown
        results = add_pitches(conn, doc, found[:add], contact=None, template=None, crawl=True, allow=set(),
                              repitch_after=repitch_after(cfg))
        for pid, site, note in results:  # on stderr when stdout is for a program
            click.echo(f"pitch {pid}: {printable(site)}; {printable(note)}" if pid else
                       f"not added: {printable(site)}: {printable(note)}", err=fmt in ("json", "csv"))


def _printable(p: Any) -> Any:
    """The prospect with every text that came from outside made safe for a terminal, and the template
    a pitch of it gets (`outreach add`, `--add`), so that the pitch has the template the row says."""
    from dataclasses import replace

    from assistant.outreach.adding import pitch_template

    return replace(p, domain=printable(p.domain), name=printable(p.name) if p.name else p.name,
                   reasons=[printable(r) for r in p.reasons], pitch_url=printable(p.pitch_url) or None,
                   pitch_reason=printable(p.pitch_reason), template=pitch_template(p))


def _emit_table(doc: Any, found: list[Any], console: Any = None) -> None:
    """The prospects for people (assistant.prospects.render), or a line on stderr when there are none."""
    from rich.console import Console

    if not found:
        click.echo("No prospects: every known site is excluded, already links to you or has spam signals.",
                   err=True)
        return
    render.render_text(printable(doc.title), found, console or Console())


@click.command("preview")
@click.argument("draft", type=str)
@click.option("--site", "site", required=True, metavar="DOMAIN", help="The site to write to.")
@click.option("--template", type=str, default=None,
              help="resource-page, guest-post or broken-link (or your own from the config dir's "
              "prompts/outreach/); default: the one that fits the site.")
@click.option("--competitor", "competitors", multiple=True, metavar="DOMAIN",
              help="As for `assist prospects`: only links to these domains count as similar pages.")
@click.option("--format", "fmt", type=FormatChoice(["text", "json"]), default="text", show_default=True,
              help="text prints the email; json adds the reasons and the template used.")
@click.option("--json", "json_", is_flag=True, help="Same as --format json.")
def preview(draft: str, site: str, template: str | None, competitors: tuple[str, ...], fmt: str,
            json_: bool) -> None:
    """Show the outreach email to one site about DRAFT, with the reasons and the page to pitch filled
    in, without storing anything (assist outreach add keeps it as a pitch)."""
    from assistant.cli.common import warn
    from assistant.errors import UsageError
    from assistant.prospects import outreach as mail
    from assistant.prospects import rank, store

    cfg = settings()
    if template is not None:
        mail.find_template(template)  # fail fast, before loading the model
    doc = _load_draft(draft)
    conn = open_db(readonly=True)
    row = store.site_by_domain(conn, site)
    if row is None:
        raise UsageError(f"unknown site {site!r}: import or crawl it first (assist sites import / assist sites crawl)")
    # What would make the email useless or unwelcome, said before it is sent, not found out after.
    if not doc.canonical_url:
        warn("the draft has no canonical_url (front matter): the email carries no link to it")
    if not row["contact"]:
        warn(f"no contact known for {row['domain']}: find one on the site (the To: line is left out)")
    if row["excluded"]:
        warn(f"{row['domain']} is excluded (assist sites exclude --undo {row['domain']} allows it again)")
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
        # the site's name, titles and reasons come from crawled pages: no terminal escapes
        click.echo("\n".join(printable(line) for line in email.as_text().split("\n")), nl=False)
