"""`assist links`: the ledger of links to your own sites: import, add, check, list, show, summary,
reclaim, the risk review and the disavow file."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import click

from assistant.cli.common import (
    MAX_LIMIT,
    Finite,
    FormatChoice,
    Group,
    each_file,
    echo_table,
    emit_json,
    failed,
    open_db,
    printable,
    settings,
    status,
    warn,
    warn_skipped,
)
from assistant.errors import EXIT_FAILURE, EXIT_USAGE, AssistError, UsageError
from assistant.links import options

IMPORT_FORMATS = ["auto", "ahrefs", "semrush", "majestic", "gsc", "plain"]


@click.group(cls=Group)
def links() -> None:
    """Links to your own sites: imported from your exports, checked on the linking pages, kept with
    their history (live, changed, lost and why, unverified)."""


class _Text(click.ParamType):
    """A string argument that is text: bytes that are not UTF-8 (surrogate-escaped in argv) are refused."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                what = (param.opts[0] if isinstance(param, click.Option) else param.human_readable_name) \
                    if param is not None else "argument"
                raise UsageError(f"{what} {value!r} is not valid text (bytes that are not UTF-8)") from None
        return value


TEXT = _Text()


def own_option(func: Any) -> Any:
    return click.option("--own-domain", "own_domains", multiple=True, metavar="DOMAIN",
                        help="Your site (repeat for several; default: [links] own, else [site] domain).")(func)


def _own(own_domains: tuple[str, ...]) -> Any:
    from assistant.links.options import own_sites

    return own_sites(own_domains, settings())


def _need_own(own: Any) -> None:
    if not own:
        raise UsageError('which sites are yours? Set [links] own = ["example.com"] in the config, or pass --own-domain')


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--as-of {value!r} is not a date (use YYYY-MM-DD, e.g. 2026-11-30)") from None
    if day > datetime.now(UTC).date() + timedelta(days=1):
        raise UsageError(f"--as-of {value} is in the future")
    return day


# --------------------------------------------------------------------------- import, add


@links.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@click.option("--format", "fmt", type=click.Choice(IMPORT_FORMATS), default="auto", show_default=True,
              help="Export format; auto detects it from the header.")
@click.option("--as-of", "as_of", metavar="DATE", help="The export's date (default: a date in the file name, "
              "else the file's modification date).")
@own_option
@click.option("--json", "json_", is_flag=True, help="Print what each import did as JSON.")
def import_(files: tuple[str, ...], fmt: str, as_of: str | None, own_domains: tuple[str, ...], json_: bool) -> None:
    """Import your backlink exports (Ahrefs, Semrush, Majestic, Search Console, plain
    source_url,target_url,anchor) as dated snapshots. Rows pointing to other sites are counted and
    skipped; re-importing never duplicates a link."""
    from assistant.links import imports

    own = _own(own_domains)
    _need_own(own)
    day = _as_of(as_of)
    conn = open_db()
    results: list[dict[str, Any]] = []

    def one(file: str) -> Any:
        with status(f"{file}: reading") as progress:
            return imports.import_export(conn, file, own, fmt=fmt, as_of=day,
                                         progress=(lambda m: progress(f"{file}: {m}")) if progress else None)

    for file, got in each_file(files, one, results):
        results.append(got.to_dict())
        warn_skipped(file, got.malformed, "malformed row(s)", got.bad or [])
        if not json_:
            click.echo(f"{file}: {got.format}, as of {got.as_of} ({got.as_of_source}): {got.links:,} link(s) to your "
                       f"sites, {got.new_links:,} new; {got.elsewhere:,} row(s) to other sites skipped; "
                       f"{got.malformed:,} malformed")
    if json_:
        emit_json(results)
    if failed(results):
        raise click.exceptions.Exit(EXIT_USAGE)


@links.command("add")
@click.argument("source_url", type=TEXT)
@click.option("--to", "target", type=TEXT, required=True, metavar="URL", help="The page of yours it links to.")
@own_option
def add(source_url: str, target: str, own_domains: tuple[str, ...]) -> None:
    """Add one link by hand: SOURCE_URL links to --to URL (a page of yours)."""
    from assistant.links import imports

    own = _own(own_domains)
    _need_own(own)
    if imports.add_one(open_db(), source_url, target, own, now=datetime.now(UTC)):
        click.echo(f"added: {printable(source_url)} -> {printable(target)} (assist links check verifies it)")
    else:
        click.echo(f"already in the ledger: {printable(source_url)} -> {printable(target)}")


# --------------------------------------------------------------------------- check


@links.command("check")
@click.option("--stale", metavar="AGE", help="Re-check only links last checked longer ago than this (e.g. 7d).")
@click.option("--domain", type=TEXT, metavar="SITE", help="Only links from this site (and its subdomains).")
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), help="Check at most this many links.")
@click.option("--delay", type=Finite(0, 60), default=None, help="Seconds between two requests to one host "
              "(default 1; a longer robots.txt Crawl-delay wins).")
@click.option("--workers", type=click.IntRange(1, 256), default=None, help="Requests in flight at once, across "
              "hosts (default 32).")
@click.option("--timeout", type=Finite(0.1, 300), default=None, help="Seconds to connect or wait for bytes "
              "(default 10; a whole response must come within three times that).")
@click.option("--restart", is_flag=True, help="Do not resume an interrupted run: check every selected link.")
@own_option
@click.option("--json", "json_", is_flag=True, help="Print the run's outcome as JSON.")
def check(stale: str | None, domain: str | None, limit: int | None, delay: float | None, workers: int | None,
          timeout: float | None, restart: bool, own_domains: tuple[str, ...], json_: bool) -> None:
    """Re-fetch each linking page, politely, and record whether the link is still there, how, and
    where. Exits 1 when links were newly lost (listed on stderr), for cron."""
    from assistant.links.check import CheckOptions
    from assistant.links.check import check as run_check
    from assistant.settings import count_setting, duration_setting, number

    own = _own(own_domains)
    _need_own(own)
    conf = settings()
    opts = CheckOptions(
        stale=options.stale(stale),
        domain=domain, limit=limit,
        delay=delay if delay is not None else number(conf.get("links.delay", 1.0), "links.delay", minimum=0,
                                                      maximum=60),
        workers=workers or count_setting(conf.get("links.workers", 32), "links.workers", minimum=1),
        timeout=timeout if timeout is not None else duration_setting(conf.get("links.timeout", 10), "links.timeout",
                                                                     positive=True),
        resume=not restart)
    if opts.workers > 256 or opts.timeout > 300:
        raise UsageError("[links] workers is at most 256 and timeout at most 300 s")
    conn = open_db()
    with _bar() as progress:
        report = run_check(conn, own, opts, progress=progress)
    if report.resumed_from:
        warn(f"resumed the run interrupted at {report.resumed_from}: links it checked were not fetched again")
    if json_:
        emit_json({"run": report.run_id, "links": report.links, "pages": report.pages, "targets": report.targets,
                   "found": report.found, "states": report.counts(), "seconds": round(report.seconds, 2),
                   "newly_lost": [{"source_url": c.source_url, "target_url": c.target_url, "reason": c.reason}
                                  for c in report.newly_lost]})
    else:
        counts = ", ".join(f"{n} {s}" for s, n in sorted(report.counts().items())) or "nothing to check"
        click.echo(f"checked {report.links:,} link(s) on {report.pages:,} page(s) in {report.seconds:.1f} s: {counts}"
                   + (f"; {report.found} new link(s) found on those pages" if report.found else ""))
    from assistant.outreach.pipeline import mark_won

    for pitch_id, source in mark_won(conn):
        click.echo(f"pitch {pitch_id} won: {printable(source)} links to the draft", err=json_)
    for change in report.newly_lost:
        click.echo(f"lost: {printable(change.source_url)} -> {printable(change.target_url)}: {change.reason}",
                   err=True)
    if report.newly_lost:
        raise click.exceptions.Exit(EXIT_FAILURE)


@contextmanager
def _bar() -> Iterator[Any]:
    """The score command's progress bar (assistant.score.render.RichProgress) on a terminal, fed
    (done, total) by the check; else None."""
    if not sys.stderr.isatty():
        yield None
        return
    from assistant.score.render import RichProgress

    with RichProgress() as bar:
        seen = [-1]

        def report(done: int, total: int) -> None:
            if seen[0] < 0:
                bar.start("checking", total)
                seen[0] = 0
            bar.advance(done - seen[0])
            seen[0] = done

        yield report


# --------------------------------------------------------------------------- list, show, summary


@links.command("list")
@click.option("--state", type=click.Choice(["live", "new", "lost", "changed", "unverified", "unchecked"]),
              help="Only links in this state (new: first seen within --since, default 30 days, and not lost).")
@click.option("--since", metavar="AGE", help="Only links that came into their state within this (e.g. 30d).")
@click.option("--site", type=TEXT, metavar="SITE", help="Only links from this site (or to this site of yours).")
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), default=200, show_default=True)
@click.option("--format", "fmt", type=FormatChoice(["text", "json", "csv"]), default="text", show_default=True,
              help="Output format: text, json or csv (table is an old name of text).")
def list_(state: str | None, since: str | None, site: str | None, limit: int, fmt: str) -> None:
    """List the links in the ledger, the most recently changed first."""
    from assistant.links import queries

    rows = queries.list_links(open_db(readonly=True), state=state, since=options.since(since), site=site, limit=limit)
    if fmt == "json":
        emit_json(rows)
        return
    if fmt == "csv":
        from assistant.cli.sites import _write_csv

        _write_csv(rows, list(queries.LIST_COLUMNS))
        return
    if not rows:
        click.echo("no links" + (f" in state {state}" if state else "") + " (assist links import / add, then check)")
        return
    table = [(r["state"], r["reason"] or "", printable(r["source_url"]), printable(r["target_url"]),
              printable((r["anchor"] or "")[:60]), r["rel"], (r["last_checked"] or "never")[:10]) for r in rows]
    echo_table(("state", "why", "linking page", "to", "anchor", "rel", "checked"), table)


@links.command("show")
@click.argument("what", metavar="URL|SITE", type=TEXT)
@click.option("--json", "json_", is_flag=True, help="Print the links and their checks as JSON.")
def show(what: str, json_: bool) -> None:
    """Show the history of each link from a linking page URL or a site, check by check."""
    from assistant.links import queries

    found = queries.show(open_db(readonly=True), what)
    if json_:
        emit_json(found)
        return
    for link in found:
        click.echo(f"{printable(link['source_url'])} -> {printable(link['target_url'])}")
        click.echo(f"  {link['state']}" + (f" ({link['reason']})" if link["reason"] else "")
                   + f" since {link['state_since']}; first seen {link['first_seen'][:10]} ({link['origin']})")
        for c in link["checks"]:
            seen = ""
            if c["present"]:
                seen = f" anchor {printable(c['anchor'] or '')!r} {c['placement'] or ''} line {c['line']}"
            status = c["status"] if c["status"] is not None else "-"
            if c["redirects"]:
                hops = len(json.loads(c["redirects"]))
                status = f"{status} after {hops} redirect(s), at {printable(c['final_url'])}"
            click.echo(f"  {c['checked_at']}  {c['state']:<10} HTTP {status}{seen}"
                       + (f"  {printable(c['reason'])}" if c["reason"] else ""))


@links.command("summary")
@click.option("--weeks", type=click.IntRange(1, 520), default=12, show_default=True)
@click.option("--json", "json_", is_flag=True, help="Print the summary as JSON.")
def summary(weeks: int, json_: bool) -> None:
    """Referring sites and links over time, new and lost per week, lost by reason."""
    from assistant.links import queries

    data = queries.summary(open_db(readonly=True), weeks=weeks, now=datetime.now(UTC))
    if json_:
        emit_json(data)
        return
    states = ", ".join(f"{n:,} {s}" for s, n in data["by_state"].items() if n)
    click.echo(f"{data['links']:,} link(s) from {data['referring_sites']:,} referring site(s)" + (f": {states}" if states else ""))
    if data["lost_by_reason"]:
        click.echo("lost by reason: " + ", ".join(f"{r} {n:,}" for r, n in data["lost_by_reason"].items()))
    for snap in data["snapshots"][:5]:
        click.echo(f"snapshot {snap['as_of']}: {printable(snap['path'])} ({snap['format']}), {snap['links']:,} link(s), "
                   f"{snap['new_links']:,} new")
    echo_table(("week", "new", "lost", "links", "referring sites"),
               [(w["week"], f"{w['new']:,}", f"{w['lost']:,}", f"{w['links']:,}", f"{w['referring_sites']:,}")
                for w in data["weeks"]])


# --------------------------------------------------------------------------- reclaim, risk, disavow


def _embedder(conn: Any) -> Any:
    from assistant.cli.prospects import _embedder as make

    return make(conn, settings())


@links.command("reclaim")
@click.option("--content", "content", multiple=True, type=click.Path(exists=True, path_type=str),
              help="Your content directory or files: drafts whose front matter gives their URL (url, canonical_url).")
@click.option("--sitemap", "sitemaps", multiple=True, metavar="URL",
              help="Your sitemap: its pages (up to 300) are fetched for their titles and text.")
@own_option
@click.option("--json", "json_", is_flag=True, help="Print the suggestions as JSON.")
def reclaim(content: tuple[str, ...], sitemaps: tuple[str, ...], own_domains: tuple[str, ...], json_: bool) -> None:
    """Links worth getting back: links to your broken pages, each with the live page of yours that
    should receive a 301 (the closest by meaning), and links removed from pages still live."""
    from assistant.links import review

    own = _own(own_domains)
    _need_own(own)
    conn = open_db(readonly=True)
    broken = review.broken_targets(conn)
    pages = review.pages_from_db(conn, own)
    if content:
        found, without_url = review.pages_from_content(list(content), own)
        pages += found
        if without_url:
            warn(f"{without_url} draft(s) without a URL on your site in their front matter were left out "
                 "(set url or canonical_url)")
    if broken:
        for sitemap in sitemaps:
            pages += review.pages_from_sitemap(sitemap, own)
    if broken and pages:
        review.suggest(conn, broken, pages, _embedder(conn))
    removed = review.removed_links(conn)
    if json_:
        emit_json({"broken": [b.to_dict() for b in broken], "removed": removed})
        return
    if not broken and not removed:
        click.echo("nothing to reclaim: no link points to a broken page of yours, and none was removed from a live page")
        return
    for b in broken:
        click.echo(f"{printable(b.broken)} is broken; {b.links} link(s) from {b.sites} site(s) point to it"
                   + (f" (anchors: {printable('; '.join(b.anchors[:3]))})" if b.anchors else ""))
        if b.suggestion:
            click.echo(f"  301 it to {printable(b.suggestion)}  ({printable(b.title)}; similarity {b.similarity:.2f})")
        else:
            click.echo("  no live page of yours known to suggest: pass --content DIR or --sitemap URL")
    for r in removed:
        click.echo(f"removed from a live page: {printable(r['source_url'])} -> {printable(r['target_url'])}; last seen "
                   f"{(r['last_seen'] or '?')[:10]} with anchor {printable(r['last_anchor'] or '')!r}: ask them to restore it")


@links.command("risk")
@click.option("--all", "all_", is_flag=True, help="Also the sites you marked as reviewed and fine (links keep).")
@click.option("--no-topic", is_flag=True, help="Skip the topic comparison (it loads the embedding model).")
@own_option
@click.option("--json", "json_", is_flag=True, help="Print the review as JSON.")
def risk(all_: bool, no_topic: bool, own_domains: tuple[str, ...], json_: bool) -> None:
    """A risk review, not a "toxic" score: linking sites with named, evidenced markers (sitewide
    footer links, commercial anchors, undisclosed paid links, link dumps, directories, unrelated
    topic, another language), each with the page and line seen. Most sites never need to disavow."""
    from assistant.links import review

    own = _own(own_domains)
    _need_own(own)
    conn = open_db(readonly=True)
    embedder = None if no_topic else _embedder(conn)
    found = review.risk_review(conn, own, embedder=embedder, include_kept=all_)
    if json_:
        emit_json([s.to_dict() for s in found])
        return
    if not found:
        click.echo("no linking site shows a risk marker. Google's advice: most sites never need the disavow tool.")
        return
    for s in found:
        kinds = sorted({m.kind for m in s.markers})
        click.echo(f"{printable(s.site)}: {len(kinds)} marker(s) on {s.links} link(s)"
                   + (f" [{s.decision}]" if s.decision else ""))
        for m in s.markers[:8]:
            where = printable(m.page) + (f" line {m.line}" if m.line else "")
            click.echo(f"  {m.kind}: {printable(m.evidence)} ({where})")
    click.echo("\nKeep a site you reviewed: assist links keep SITE. Disavow only links you bought or that brought a "
               "manual action: assist links disavow --add SITE.")


@links.command("keep")
@click.argument("sites", nargs=-1, required=True, type=TEXT)
@click.option("--note", type=TEXT, help="Why (kept with the review).")
def keep(sites: tuple[str, ...], note: str | None) -> None:
    """Mark linking sites as reviewed and fine: the risk review leaves them out."""
    from assistant.links import store

    conn = open_db()
    for site in sites:
        key = options.site_key(site)
        store.review(conn, key, "keep", note)
        click.echo(f"kept: {key}")


@links.command("disavow")
@click.option("--add", "add", multiple=True, type=TEXT, metavar="SITE|URL", help="Choose a site (domain) or one URL to disavow.")
@click.option("--reason", type=TEXT, help="Why, written as a comment above the entry (default: the risk markers).")
@click.option("--remove", "remove", multiple=True, type=TEXT, metavar="SITE|URL", help="Take a site or URL off your choices.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), help="Write the file here "
              "(default: standard output).")
@click.option("--merge", "merge", type=click.Path(dir_okay=False, path_type=str), metavar="EXISTING.txt",
              help="Keep every line and comment of your current disavow file and add only new entries.")
@click.option("--check", "check_file", type=click.Path(dir_okay=False, path_type=str), metavar="FILE",
              help="Validate a disavow file and report each problem with its line number.")
@own_option
def disavow(add: tuple[str, ...], reason: str | None, remove: tuple[str, ...], output: str | None,
            merge: str | None, check_file: str | None, own_domains: tuple[str, ...]) -> None:
    """Write a disavow file in Google's format from the sites and URLs you chose (never anything
    else). Disavowing is for links you bought or that brought a manual action; most sites never need it."""
    from assistant.links import disavow as dv
    from assistant.links import store

    if check_file:
        problems = dv.check_file(check_file)
        for p in problems:
            click.echo(f"{check_file}: {p}", err=p.severity == "error")
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise AssistError(f"{check_file}: {len(errors)} error(s); Google would reject or ignore those lines")
        click.echo(f"{check_file}: valid" + (f" ({len(problems)} warning(s))" if problems else ""))
        return
    own = _own(own_domains)
    conn = open_db()
    today = datetime.now(UTC).date()
    for item in remove:
        store.forget_review(conn, options.disavow_key(item))
    for item in add:
        key = options.disavow_key(item)
        if own and own.site_of(key if "//" in key else f"https://{key}/"):
            raise UsageError(f"{item} is your own site; a disavow file lists other sites")
        dv.render([dv.Entry("url" if "//" in key else "domain", key)], today=today)  # Google's rules, before storing
        store.review(conn, key, "disavow", reason or options.markers_reason(conn, own, key))
    chosen = store.disavowed(conn)
    entries = [dv.Entry("url" if "//" in key else "domain", key, why, when[:10]) for key, why, when in chosen]
    if merge:
        text = dv.merge(dv.read_text(merge), entries, today=today)
    else:
        text = dv.render(entries, today=today)
    if output:
        from pathlib import Path

        Path(output).write_bytes(text.encode("utf-8"))
        click.echo(f"wrote {output}: {len(entries)} chosen entr{'y' if len(entries) == 1 else 'ies'}", err=True)
    else:
        click.echo(text, nl=False)
