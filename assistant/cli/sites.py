"""`assist sites`: import catalogs and backlink exports, list, show and exclude prospect sites."""

from __future__ import annotations

from typing import Any

import click

from assistant.cli.common import (
    MAX_LIMIT,
    Group,
    each_file,
    emit_json,
    failed,
    format_option,
    open_db,
    printable,
    settings,
    status,
    warn,
    warn_skipped,
)
from assistant.cli.crawl import crawl
from assistant.errors import EXIT_USAGE

FORMAT_CHOICES = ["auto", "catalog", "ahrefs", "semrush", "majestic", "gsc", "plain"]


@click.group(cls=Group)
def sites() -> None:
    """Sites that might link to you: imported from catalogs and backlink exports, or crawled."""


sites.add_command(crawl)


@sites.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--format", "fmt", type=click.Choice(FORMAT_CHOICES), default="auto", show_default=True,
    help="File format; auto detects it from the header (catalog CSV/JSONL, Ahrefs, Semrush, Majestic, "
    "Search Console, plain source_url,target_url,anchor).",
)
@click.option(
    "--own-domain", metavar="DOMAIN",
    help="Your site, the target of Search Console link reports (default: config site.domain).",
)
@click.option("--json", "json_", is_flag=True, help="Print the import summary as JSON.")
def import_(files: tuple[str, ...], fmt: str, own_domain: str | None, json_: bool) -> None:
    """Import site catalogs and competitors' backlink exports (re-importing never duplicates links).

    Malformed rows are skipped, counted and reported with their line numbers on stderr. A file that
    cannot be imported at all is reported on one line and the other files are still imported; the
    exit code is then 2.
    """
    from assistant.prospects import imports

    own = own_domain or settings().get("site.domain")
    conn = open_db()
    results: list[dict[str, Any]] = []

    def one(file: str) -> Any:
        with status(f"{file}: reading") as progress:
            return imports.import_file(conn, file, fmt=fmt, own_domain=own,
                                       progress=(lambda m: progress(f"{file}: {m}")) if progress else None)

    for file, result in each_file(files, one, results):
        results.append(result.to_dict())
        warn_skipped(file, result.rows_bad, "malformed row(s)", result.bad)
        warn_skipped(file, result.items_skipped, "page(s) or link(s) in catalog entries", result.skipped)
        for message in result.merged[:5]:
            warn(f"{file}: {message}")
        if len(result.merged) > 5:
            warn(f"{file}: and {len(result.merged) - 5} more merged site(s) (--json lists them all)")
        for message in result.capped[:5]:
            warn(f"{file}: {message}")
        if len(result.capped) > 5:
            warn(f"{file}: and {len(result.capped) - 5} more site(s) with text past the cap (--json lists them)")
        if not json_:
            delim = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(result.delimiter or "", "JSON")
            click.echo(
                f"{file}: {result.format} ({result.encoding}, {delim}): {_count(result.rows_ok, 'row')} imported, "
                f"{result.rows_bad:,} malformed; {_count(result.links_new, 'new link')}, "
                f"{_count(result.sites_new, 'new site')}" + (f", {_count(result.pages, 'page')}" if result.pages else "")
            )
    if json_:
        emit_json(results)
    if failed(results):
        raise click.exceptions.Exit(EXIT_USAGE)


def _site_rows(conn: Any, limit: int, source: str | None, excluded: bool) -> list[dict[str, Any]]:
    where, params = [], []
    if source:
        where.append("(',' || s.sources || ',') LIKE ?")
        params.append(f"%,{source},%")
    if excluded:
        where.append("s.excluded = 1")
    sql = (
        "SELECT s.domain, s.name, s.authority, s.excluded, s.sources,"
        " (SELECT count(*) FROM pages p WHERE p.site_id = s.id) AS pages,"
        " (SELECT count(*) FROM links l WHERE l.source_domain = s.domain) AS links_out"
        " FROM sites s" + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY coalesce(s.authority, -1) DESC, s.domain LIMIT ?"
    )
    return [dict(r) for r in conn.execute(sql, (*params, limit))]


@sites.command("list")
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), default=50, show_default=True, help="Show at most this many sites.")
@click.option("--source", help="Only sites from this source (catalog, ahrefs, semrush, majestic, gsc, plain, crawl).")
@click.option("--excluded", is_flag=True, help="Only the sites you excluded.")
@format_option("text", "json", "csv")
@click.option("--json", "json_", is_flag=True, help="Same as --format json.")
def list_(limit: int, source: str | None, excluded: bool, fmt: str, json_: bool) -> None:
    """List known sites, highest authority first."""
    conn = open_db(readonly=True)
    rows = _site_rows(conn, limit, source, excluded)
    fmt = "json" if json_ else fmt
    if fmt == "json":
        emit_json(rows)
        return
    if fmt == "csv":
        _write_csv(rows, ["domain", "name", "authority", "pages", "links_out", "sources", "excluded"])
        return
    if not rows:
        filters = " and ".join(f for f in (f"--source {source}" if source else "", "--excluded" if excluded else "") if f)
        if filters and _site_rows(conn, 1, None, False):
            click.echo(f"No sites match {filters}.", err=True)
        else:
            click.echo("No sites yet: import a catalog or backlink export with `assist sites import FILE`.", err=True)
        return
    from rich import box
    from rich.console import Console
    from rich.table import Table

    # Domains are what `sites show`, `sites exclude` and `outreach --site` take: never cut short.
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("domain", no_wrap=True)
    table.add_column("name", overflow="fold")
    for col in ("auth", "pages", "links"):  # authority; pages known; links out
        table.add_column(col, justify="right", overflow="fold")
    table.add_column("sources", overflow="fold")
    table.add_column("excl.", overflow="fold")
    for r in rows:
        auth = "" if r["authority"] is None else f"{r['authority']:.0f}"
        sources = ", ".join((r["sources"] or "").split(","))  # wraps between sources, not inside one
        table.add_row(r["domain"], printable(r["name"]), auth, str(r["pages"]), str(r["links_out"]), sources,
                      "yes" if r["excluded"] else "")
    console = Console()
    if table.__rich_measure__(console, console.options).maximum <= console.width:
        console.print(table)
        return
    # Too narrow for a row a site (a list of sources folded over five lines is unreadable):
    # one site a line, the domain first and whole.
    for r in rows:
        facts = [printable(r["name"]), "" if r["authority"] is None else f"authority {r['authority']:.0f}",
                 f"{r['pages']} page(s)", f"{r['links_out']} link(s) out", ", ".join((r["sources"] or "").split(",")),
                 "excluded" if r["excluded"] else ""]
        click.echo(r["domain"] + "  " + "; ".join(f for f in facts if f))


def _write_csv(rows: list[dict[str, Any]], columns: list[str]) -> None:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    from assistant.cli.prospects import safe_cell

    writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows)
    click.echo(buf.getvalue(), nl=False)


DESCRIPTION_CHARS = 500  # of a description on screen; --full prints it all


@sites.command("show")
@click.argument("domain")
@click.option("--json", "json_", is_flag=True, help="Print the site as JSON.")
@click.option("--full", is_flag=True, help="Print the whole description (on screen it is cut at 500 characters).")
def show(domain: str, json_: bool, full: bool) -> None:
    """Show one site: its fields, the evidence against it, its pages and where it links.

    DOMAIN is a domain, a URL, or a site on a shared host (github.com/OWNER/REPO, medium.com/@NAME).
    """
    from assistant.errors import UsageError
    from assistant.prospects import store

    conn = open_db(readonly=True)
    row = store.site_by_domain(conn, domain)
    if row is None:
        raise UsageError(f"unknown site {domain!r}: see `assist sites list`")
    site = dict(row)
    site["pages"] = [dict(p) for p in conn.execute(
        "SELECT url, title, kind, status, outbound_links, fetched_at FROM pages WHERE site_id = ? ORDER BY url",
        (row["id"],))]
    site["links_to"] = [dict(r) for r in conn.execute(
        "SELECT target_url, anchor, source_url, origin FROM links WHERE source_domain = ?"
        " ORDER BY target_url LIMIT 200", (row["domain"],))]
    site["linked_from"] = conn.execute(
        "SELECT count(*) FROM links WHERE target_domain = ?", (row["domain"],)).fetchone()[0]
    site["markers"], site["left_out"] = _evidence(conn, row["domain"])
    if json_:
        emit_json(site)
        return
    _say(f"{site['domain']}" + (f"  {site['name']}" if site["name"] else ""))
    for key in ("url", "description", "topics", "authority", "contact", "sources"):
        if site[key] not in (None, ""):
            value = str(site[key])
            if key == "description" and not full and len(value) > DESCRIPTION_CHARS:
                value = (" ".join(value[:DESCRIPTION_CHARS].split()) + f"... ({len(value):,} characters;"
                         " --full shows all)")
            _say(f"  {key}: {value}")
    if site["markers"]:
        left = "; left out of rankings (--include-spam shows it)" if site["left_out"] else ""
        _say(f"  evidence against it: {'; '.join(site['markers'])}{left}")
    if site["excluded"]:
        _say("  excluded: yes (never suggested)")
    _say(f"  pages: {len(site['pages'])}")
    for p in site["pages"][:20]:
        _say(f"    [{p['kind']}] {p['url']}" + (f"  {p['title']}" if p["title"] else ""))
    _say(f"  links out: {len(site['links_to'])}" + ("+" if len(site["links_to"]) == 200 else ""))
    for link in site["links_to"][:20]:
        _say(f"    -> {link['target_url']}" + (f"  \"{link['anchor']}\"" if link["anchor"] else ""))
    _say(f"  linked from: {site['linked_from']} link(s) in the graph")


def _say(line: str) -> None:
    click.echo(printable(line))  # names, descriptions, titles and anchors come from outside


def _evidence(conn: Any, domain: str) -> tuple[list[str], bool]:
    """The markers a ranking finds against the site (its texts and links; loads the model)."""
    from assistant.cli.prospects import _embedder
    from assistant.prospects.rank import Ranker

    return Ranker(conn, _embedder(conn, settings()), include_spam=True).evidence(domain)


@sites.command("exclude")
@click.argument("domains", nargs=-1, required=True)
@click.option("--undo", is_flag=True, help="Allow the sites again.")
@click.option("--json", "json_", is_flag=True, help="Print the result as JSON.")
def exclude(domains: tuple[str, ...], undo: bool, json_: bool) -> None:
    """Never suggest these sites (or, with --undo, allow them again). Unknown domains are remembered too."""
    from assistant import db as dbmod
    from assistant.prospects import store

    conn = open_db()
    done = []
    with dbmod.transaction(conn):
        for domain in domains:
            key = store.normalize_domain(domain)
            known = store.site_by_domain(conn, key) is not None
            store.upsert_site(conn, key, excluded=not undo)
            done.append({"domain": key, "excluded": not undo, "known": known})
    if json_:
        emit_json(done)
        return
    for d in done:
        verb = "allowed again" if undo else "excluded"
        click.echo(f"{d['domain']}: {verb}" + ("" if d["known"] else " (not seen yet)"))


def _count(n: int, noun: str) -> str:
    """1 row, 2 rows, 1,234 new sites."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")
