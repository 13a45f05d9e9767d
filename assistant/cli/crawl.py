"""`assist sites crawl URL|FILE`: fetch prospect sites politely and store their pages and links."""

from __future__ import annotations

import sys
from typing import Any

import click

from assistant.cli.common import Finite, emit_json, json_option, settings

# The one range of each setting, for its option and for the config value alike.
RANGES: dict[str, tuple[float, float]] = {"max_pages": (0, 10_000), "timeout": (0.1, 600), "delay": (0, 3600),
                                          "max_bytes": (1024, 1 << 30), "workers": (1, 32)}
INTEGER = {"max_pages", "max_bytes", "workers"}


def _type(key: str) -> click.ParamType:
    low, high = RANGES[key]
    return click.IntRange(int(low), int(high)) if key in INTEGER else Finite(low, high)


def _setting(value: Any, key: str) -> Any:
    """An option's value, else the config's ``crawl.<key>``, checked like the option would be."""
    if value is not None:
        return value
    from assistant.settings import number

    low, high = RANGES[key]
    return number(settings().get(f"crawl.{key}"), f"crawl.{key}", integer=key in INTEGER, minimum=low, maximum=high)


@click.command("crawl")
@click.argument("target", metavar="URL|FILE")
@click.option("--max-pages", type=_type("max_pages"), default=None,
              help="Pages to fetch per site besides the home page [default: 20, config crawl.max_pages].")
@click.option("--timeout", type=_type("timeout"), default=None,
              help="Seconds to wait for a connection or the next bytes of a response "
                   "[default: 10, config crawl.timeout].")
@click.option("--delay", type=_type("delay"), default=None,
              help="Minimum seconds between two requests to one host; a longer robots.txt "
                   "Crawl-delay wins [default: 1.0, config crawl.delay].")
@click.option("--max-bytes", type=_type("max_bytes"), default=None,
              help="Read at most this many bytes of a response; longer pages are truncated "
                   "[default: 2000000, config crawl.max_bytes].")
@click.option("--workers", type=_type("workers"), default=None,
              help="Sites crawled at the same time (one worker per site) [default: 4, config crawl.workers].")
@json_option
def crawl(target: str, max_pages: int | None, timeout: float | None, delay: float | None,
          max_bytes: int | None, workers: int | None, json_: bool) -> None:
    """Crawl sites: robots.txt, home page, sitemap or feed, then up to --max-pages pages each.

    URL|FILE is one http(s) URL, a text file of URLs (one a line, # comments) or a CSV with a url
    (or domain) column. Pages, their text and outbound links are stored for ranking; re-crawls
    only re-read pages that changed. Exits 1 if a site could not be crawled at all.
    """
    from assistant import config
    from assistant.errors import AssistError
    from assistant.prospects import crawl as crawler

    urls = crawler.read_targets(target)
    options = {
        "max_pages": _setting(max_pages, "max_pages"), "timeout": _setting(timeout, "timeout"),
        "delay": _setting(delay, "delay"), "max_bytes": _setting(max_bytes, "max_bytes"),
        "user_agent": str(settings().get("crawl.user_agent") or crawler.USER_AGENT),
    }
    workers = _setting(workers, "workers")
    with _Progress(len(urls), options["max_pages"] + 1) as report:
        results = crawler.crawl_sites(urls, workers=workers, db_path=config.db_path(),
                                      progress=report, **options)
    if json_:
        emit_json([r.to_dict() for r in results])
    else:
        for result in results:
            _print_site(result)
    failed = [r for r in results if r.error]
    if failed:
        raise AssistError(f"{len(failed)} of {len(results)} site(s) could not be crawled: "
                          + ", ".join(f"{r.domain} ({r.error})" for r in failed[:3])
                          + (" ..." if len(failed) > 3 else ""))


def _print_site(result: Any) -> None:
    s = result.summary()
    if result.error:
        click.echo(f"{s['domain']}: not crawled: {result.error}")
        return
    click.echo(
        f"{s['domain']}: {s['fetched']} page(s) fetched, {s['unchanged']} unchanged, "
        f"{s['skipped_robots']} skipped by robots.txt, {s['errors']} error(s), "
        f"{s['feed_items']} feed item(s)"
    )
    for url in s["resource_pages"]:
        click.echo(f"  resource page: {url}")
    for url in s["guest_post_pages"]:
        click.echo(f"  write-for-us page: {url}")
    for page in result.pages:
        if page.error or (page.status or 0) >= 400:
            click.echo(f"  {page.error or f'HTTP {page.status}'}: {page.requested_url}", err=True)
    for note in result.notes:
        click.echo(f"  note: {note}", err=True)


class _Progress:
    """A rich progress bar per site on stderr when it is a terminal; otherwise nothing."""

    def __init__(self, sites: int, pages_per_site: int) -> None:
        self.pages = pages_per_site
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}
        self.enabled = sys.stderr.isatty()

    def __enter__(self) -> Any:
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            console=Console(stderr=True), transient=True)
        self.bar.start()
        return self.report

    def report(self, site: str, event: str, url: str) -> None:
        if event == "start":
            self.tasks[site] = self.bar.add_task(site, total=self.pages)
        elif event == "done":
            task = self.tasks.get(site)
            if task is not None:
                self.bar.update(task, completed=self.pages)
        elif event in ("page", "error") and site in self.tasks:
            self.bar.advance(self.tasks[site])

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
