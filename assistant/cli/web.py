"""`assist serve` (the local web app) and `assist report` (one self-contained HTML file)."""

from __future__ import annotations

from pathlib import Path

import click

from assistant.cli.common import settings, warn
from assistant.errors import UsageError


@click.command()
@click.argument("content", nargs=-1, type=click.Path(exists=True, file_okay=True, path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="0: any free port.")
@click.option("--host", "bind", default="127.0.0.1", show_default=True,
              help="The address to listen on; anything but loopback needs the access token printed at start.")
@click.option("--open", "open_", is_flag=True, help="Open the app in the browser.")
def serve(content: tuple[Path, ...], port: int, bind: str, open_: bool) -> None:
    """Serve the local web app on 127.0.0.1: drafts with their findings in place (updated as you
    save), prospects, the share queue, the links ledger and the outreach pipeline."""
    import socket

    import uvicorn

    from assistant.web import app as web_app
    from assistant.web import security

    folders = list(content) or [Path(".")]
    if not bind.strip("[] "):  # the socket would take "" as every address: say which one instead
        raise UsageError("--host needs an address (127.0.0.1, ::1, 0.0.0.0 for every address, or one of this machine's)")
    loopback = bind.strip("[]") in ("127.0.0.1", "localhost", "::1")
    token = None if loopback else security.new_token()
    bare = bind.strip("[]")
    sock = socket.socket(socket.AF_INET6 if ":" in bare else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((bare, port))
    except OSError as exc:
        raise UsageError(f"cannot listen on {bind}:{port}: {exc.strerror or exc}") from None
    port = sock.getsockname()[1]
    app = web_app.create_app(folders, hosts=security.host_names(bind, port), token=token, settings=settings())
    wildcard = security.host_names(bind, port) is None
    shown = socket.gethostname() if wildcard else security.url_host(bind)
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    click.echo(f"assist serve: {url}  (Ctrl-C to stop)", err=True)
    if not loopback:
        warn(f"listening on {bind}: anyone who can reach it needs the token above; it is printed only here")
    if open_:
        import webbrowser

        webbrowser.open(url)
    # an open draft page holds a live-update stream: Ctrl-C closes it after a second instead of waiting
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=1)
    uvicorn.Server(config).run(sockets=[sock])


@click.command()
@click.argument("content", nargs=-1, type=click.Path(exists=True, file_okay=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("report.html"),
              show_default=True, help="The HTML file to write.")
@click.option("--since", metavar="AGE", help="Only the links and pitches of this period (e.g. 30d).")
def report(content: tuple[Path, ...], output: Path, since: str | None) -> None:
    """Write one self-contained HTML report (styles, data and charts inline; nothing fetched when
    opened): every draft's scores, the links charts and the outreach funnel."""
    import signal

    from assistant.cli.score import _progress
    from assistant.web import report as report_mod

    def terminated(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)  # unwinds: the temporary file goes, the old report stays

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        with _progress(True) as progress:  # a progress bar on a terminal: scoring new drafts takes a while
            report_mod.write(list(content) or [Path(".")], output, since=since, settings=settings(), progress=progress)
    finally:
        signal.signal(signal.SIGTERM, previous)
    click.echo(f"wrote {output} ({output.stat().st_size:,} bytes)", err=True)
