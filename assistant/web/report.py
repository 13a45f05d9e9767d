"""`assist report`: one self-contained HTML file to send to a client or an editor.

Styles, data and charts are inline (the charts are SVG drawn on the server: no script is needed
to see them) and a Content-Security-Policy in the page forbids fetching or running anything, so
nothing is fetched when the file is opened, on any machine. Every text from outside (titles,
paths, site names, anchors, reasons, template names) goes through Jinja's autoescaping after its
control characters are dropped. The file is written to a temporary file beside the output, then
moved over it: a reader never sees half a report.

Sections: every draft's scores (scored as ``assist score`` does, with one embedding model for the
whole batch), the links ledger over time (``assistant.links.queries.summary``) and the outreach
funnel (``assistant.outreach.sequence.summary``); ``since`` narrows the links and pitches.
"""

from __future__ import annotations

import os
import statistics
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.documents import REPORT_GENERATOR
from assistant.errors import AssistError, UsageError

DEFAULT_WEEKS = 12  # the links charts without --since, as `assist links summary`
MAX_WEEKS = 520
GENERATOR = REPORT_GENERATOR  # in the page's <meta name="generator">: a report is never scored as a draft
FUNNEL = ("pitches", "sent", "replied", "won")
TOP = 20  # rows in the tables of top sites, lost links and won links
SCORE_BANDS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))


@dataclass
class Period:
    """What the links and pitches sections cover: ``since`` None is everything (the links charts:
    the last DEFAULT_WEEKS weeks)."""

    now: datetime
    since: datetime | None = None
    given: str | None = None

    @property
    def weeks(self) -> int:
        """The ISO weeks the charts show: every week the period touches."""
        if self.since is None:
            return DEFAULT_WEEKS
        monday = lambda d: d.date() - timedelta(days=d.weekday())  # noqa: E731
        return min(MAX_WEEKS, (monday(self.now) - monday(self.since)).days // 7 + 1)


@dataclass
class Drafts:
    reports: list[Any] = field(default_factory=list)  # assistant.score.report.Report
    empty: list[str] = field(default_factory=list)  # content folders without a draft in them


def period(since: str | None, now: datetime | None = None) -> Period:
    """The period asked for with --since (UsageError, one line, when it is not a duration)."""
    from assistant.settings import parse_duration

    now = now or datetime.now(UTC)
    if since is None:
        return Period(now)
    seconds = parse_duration(since, "--since")
    if not 0 < seconds <= MAX_WEEKS * 7 * 86400:
        raise UsageError(f"--since {since}: give a period from 1 second to {MAX_WEEKS} weeks (e.g. 30d)")
    return Period(now, now - timedelta(seconds=seconds), since)


def write(content: list[Path], output: Path, *, since: str | None, settings: Any = None,
          embedder: Any = None, now: datetime | None = None, progress: Any = None) -> None:
    """Write the report to ``output`` (atomically). ``embedder``: a loaded one to reuse (tests);
    ``progress``: where scoring reports how far it has got (the CLI's progress bar)."""
    when = period(since, now)
    with _Reserved(Path(output)) as reserved:  # an unwritable output fails now, not after scoring
        reserved.commit(build(content, Path(output), when, settings=settings, embedder=embedder, progress=progress))


def build(content: list[Path], output: Path, when: Period, *, settings: Any = None, embedder: Any = None,
          progress: Any = None) -> str:
    """The report's HTML."""
    from assistant import db

    cfg = settings if settings is not None else _settings()
    paths, empty = find_drafts(content, output)
    conn = db.connect(readonly=True)
    try:
        drafts = Drafts(score_drafts(paths, cfg, embedder or (_embedder(cfg, conn) if paths else None),
                                     progress=progress), empty)
        return render(content, drafts, links_section(conn, when), outreach_section(conn, when), when)
    finally:
        conn.close()


# --------------------------------------------------------------------------- drafts


def find_drafts(content: list[Path], output: Path) -> tuple[list[str], list[str]]:
    """The drafts under the content paths (the report itself, earlier reports and links to files
    outside the folder left out), and the folders with none. A folder with nothing at all in it is an error: likely the wrong one."""
    from assistant.documents import iter_paths, unique_paths

    found: list[str] = []
    empty: list[str] = []
    for folder in map(Path, content):
        if not folder.exists():
            raise UsageError(f"{folder}: no such file or folder")
        try:
            if folder.is_dir() and next(folder.iterdir(), None) is None:
                raise UsageError(f"{folder} is an empty folder; name the folder that holds your drafts")
            drafts = [p for p in iter_paths([str(folder)]) if not _is_report(Path(p), output)
                      and (not folder.is_dir() or _inside(p, folder))]
        except OSError as exc:
            raise AssistError(f"cannot read {folder}: {exc.strerror or exc}") from None
        if not drafts:
            empty.append(str(folder))
        found += drafts
    return unique_paths(found), empty


def _inside(path: str, folder: Path) -> bool:
    """Whether a draft found in a folder really lies inside it: a symbolic link to a file elsewhere
    (/etc/passwd, a private note) is left out of a report meant to be sent, as the app refuses it."""
    base = os.path.realpath(folder)
    return os.path.commonpath([base, os.path.realpath(path)]) == base


def _is_report(path: Path, output: Path) -> bool:
    """The output itself (a draft folder may hold it before it is a report); other reports are
    already left out by iter_paths."""
    from assistant.documents import is_assist_report

    return os.path.realpath(path) == os.path.realpath(output) or is_assist_report(path)


def score_drafts(paths: list[str], cfg: Any, embedder: Any, progress: Any = None) -> list[Any]:
    """Each draft's Report, scored as `assist score` scores them (one model call for the batch)."""
    if not paths:
        return []
    from assistant.score.report import score_paths

    max_bytes = int(float(cfg.number("score.max_file_mb", 5, positive=True, maximum=1024)) * 1024 * 1024)
    batch = score_paths(paths, embedder, max_bytes=max_bytes, weights=cfg.get("score.weights") or None,
                        stale_years=int(cfg.number("score.stale_years", 3, positive=True, maximum=1024)),
                        progress=progress)
    return batch.reports


def _embedder(cfg: Any, conn: Any) -> Any:
    """The configured model over the database's embedding cache (as `assist score` builds it)."""
    from assistant.embeddings import Embedder

    return Embedder(cfg.get("model.name"), db=conn, backend=str(cfg.get("model.backend", "auto")),
                    batch_size=cfg.number("model.batch_size", 64, integer=True, positive=True, maximum=4096))


def _settings() -> Any:
    from assistant import config

    return config.load()


def drafts_section(drafts: Drafts) -> dict[str, Any]:
    from assistant.web import charts

    scored = sorted((r for r in drafts.reports if r.ok), key=lambda r: (-(r.score or 0), r.path))
    rows = [{"title": r.title or Path(r.path).name, "path": r.path, "words": r.word_count,
             "linkability": r.linkability.score if r.linkability else None,
             "relevance": r.relevance.score if r.relevance else None, "overall": r.score,
             "suggestion": r.suggestions[0].message if r.suggestions else ""} for r in scored]

    def mean(key: str) -> float | None:
        values = [row[key] for row in rows if row[key] is not None]
        return statistics.fmean(values) if values else None

    bands = [sum(1 for row in rows if lo <= (row["overall"] or 0) < hi) for lo, hi in SCORE_BANDS]
    labels = [f"{lo}-{min(hi, 100)}" for lo, hi in SCORE_BANDS]
    chart = charts.bars("Drafts by overall score", labels, {"drafts": bands}) if rows else charts.empty(
        "Drafts by overall score")
    return {"rows": rows, "errors": [r for r in drafts.reports if not r.ok], "empty": drafts.empty,
            "means": {k: mean(k) for k in ("linkability", "relevance", "overall")}, "chart": chart}


# --------------------------------------------------------------------------- links and outreach


def links_section(conn: Any, when: Period) -> dict[str, Any]:
    """Totals, the weekly series and lost-by-reason from the ledger (for the period, with --since)."""
    from assistant.links import queries
    from assistant.links.store import now_text
    from assistant.web import charts

    data = queries.summary(conn, weeks=when.weeks, now=when.now)
    weeks = data["weeks"]
    if when.since is not None:
        cut = now_text(when.since)
        lost_by = {r[0] or "unknown": r[1] for r in conn.execute(
            "SELECT reason, count(*) FROM backlinks WHERE state = 'lost' AND lost_at >= ? GROUP BY reason"
            " ORDER BY 2 DESC, 1", (cut,))}
        new = conn.execute("SELECT count(*) FROM backlinks WHERE first_seen >= ?", (cut,)).fetchone()[0]
        lost = sum(lost_by.values())
    else:
        lost_by = data["lost_by_reason"]
        new, lost = sum(w["new"] for w in weeks), sum(w["lost"] for w in weeks)
    labels = [w["week"] for w in weeks]
    has = data["links"] > 0
    top = [dict(r) for r in conn.execute(
        "SELECT source_site AS site, count(*) AS links FROM backlinks WHERE lost_at IS NULL GROUP BY source_site"
        " ORDER BY 2 DESC, 1 LIMIT ?", (TOP,))]
    return {
        "total": data["links"], "referring_sites": data["referring_sites"], "by_state": data["by_state"],
        "new": new, "lost": lost, "lost_by_reason": lost_by, "weeks": weeks, "top_sites": top,
        "recent_lost": queries.list_links(conn, state="lost", since=when.since, limit=TOP),
        "first_week": weeks[0]["start"] if weeks else None,
        "over_time": charts.line("Referring sites and links over time", labels, {
            "links": [w["links"] for w in weeks], "referring sites": [w["referring_sites"] for w in weeks]}
            if has else {}),
        "new_lost": charts.bars("New and lost links per week", labels, {
            "new": [w["new"] for w in weeks], "lost": [w["lost"] for w in weeks]} if has else {}),
        "by_reason": charts.bars("Lost links by reason", list(lost_by), {"lost": list(lost_by.values())},
                                 horizontal=True),
    }


def outreach_section(conn: Any, when: Period) -> dict[str, Any]:
    """The funnel (pitches, sent, replied, won), pitches by stage and per template."""
    from assistant.links.store import now_text
    from assistant.outreach import sequence
    from assistant.web import charts

    data = sequence.summary(conn, since=when.since)
    templates = [dict(row, **{k: row[k] or 0 for k in FUNNEL}) for row in data["by_template"]]
    totals = {k: sum(row[k] for row in templates) for k in FUNNEL}
    won = [dict(r) for r in conn.execute(
        "SELECT site, draft_title, won_link, stage_at FROM pitches WHERE stage = 'won'"
        + (" AND created_at >= ?" if when.since else "") + " ORDER BY stage_at DESC, id DESC LIMIT ?",
        ((now_text(when.since),) if when.since else ()) + (TOP,))]
    return {"totals": totals, "stages": data["stages"], "templates": templates, "emails": data["emails"], "won": won,
            "funnel": charts.funnel("Outreach funnel", [(k, totals[k]) for k in FUNNEL])}


# --------------------------------------------------------------------------- the page


def render(content: list[Path], drafts: Drafts, links: dict[str, Any], outreach: dict[str, Any],
           when: Period) -> str:
    env = _env()
    section = drafts_section(drafts)
    charts = {"drafts": section["chart"], "over_time": links["over_time"], "new_lost": links["new_lost"],
              "by_reason": links["by_reason"], "funnel": outreach["funnel"]}
    return env.get_template("report.html.j2").render(
        generator=GENERATOR, now=when.now, period=when, folders=[str(c) for c in content], drafts=section,
        links=links, outreach=outreach, charts=charts,  # SVG from assistant.web.charts: escaped there, marked |safe
    )


def _env() -> Any:
    import jinja2

    from assistant.terminal import printable

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    env.filters["clean"] = printable  # control characters out, then autoescaped
    env.filters["num"] = lambda n: "" if n is None else f"{n:,}"
    env.filters["score"] = lambda n: "–" if n is None else f"{n:.0f}"
    env.filters["pct"] = lambda part, whole: f"{100 * part / whole:.0f}%" if whole else "–"
    return env


# --------------------------------------------------------------------------- writing


class _Reserved:
    """A temporary file beside the output, moved over it by commit(); removed on any failure.

    A symbolic link as the output is followed (the file it names is replaced, the link kept); a FIFO,
    a device or a socket is refused: replacing one (``-o /dev/null`` as root) would destroy it."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.target = Path(os.path.realpath(output))
        self.tmp: str | None = None

    def __enter__(self) -> _Reserved:
        out, target = self.output, self.target
        if target.is_dir():
            raise UsageError(f"{out} is a folder; name the HTML file to write (e.g. -o report.html)")
        if target.exists() and not target.is_file():
            raise UsageError(f"{out} is not a regular file (a device, FIFO or socket); name the HTML file to write")
        parent = target.parent
        if not parent.is_dir():
            raise AssistError(f"cannot write {out}: the folder {parent} does not exist")
        try:
            fd, self.tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
            os.close(fd)
        except OSError as exc:
            raise AssistError(f"cannot write {out}: {exc.strerror or exc}") from None
        return self

    def commit(self, html: str) -> None:
        assert self.tmp is not None
        mode = self.target.stat().st_mode & 0o777 if self.target.exists() else 0o644
        try:
            with open(self.tmp, "wb") as f:
                f.write(html.encode("utf-8", "replace"))  # a stray surrogate (a file name) is never fatal
                f.flush()
                os.fsync(f.fileno())
            os.chmod(self.tmp, mode)
            os.replace(self.tmp, self.target)
        except OSError as exc:
            raise AssistError(f"cannot write {self.output}: {exc.strerror or exc}") from None
        self.tmp = None

    def __exit__(self, *exc: object) -> None:
        if self.tmp is not None:
            try:
                os.unlink(self.tmp)
            except OSError:
                pass
