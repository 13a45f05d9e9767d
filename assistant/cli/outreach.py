"""`assist outreach`: pitches as a pipeline: add, contacts, draft, send, run, due, sync, mark,
resolve, forget, list, show, summary; `preview` renders one email without storing anything."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from assistant.cli.common import (
    MAX_ID,
    FormatChoice,
    Group,
    echo_table,
    emit_json,
    open_db,
    printable,
    settings,
    warn,
)
from assistant.cli.prospects import preview
from assistant.errors import EXIT_FAILURE, UsageError
from assistant.sql import now_text


@click.group(cls=Group)
def outreach() -> None:
    """Pitches as a pipeline: real contacts, personal emails, a send queue with safety rules,
    follow-ups that stop, replies read over IMAP, and links won."""


outreach.add_command(preview)


def _sender() -> Any:
    from assistant.outreach.compose import Sender

    return Sender.from_settings(settings())


def _rules() -> Any:
    from assistant.outreach.send import Rules
    from assistant.settings import count_setting, duration_setting

    conf = settings()
    return Rules(daily_cap=count_setting(conf.get("outreach.daily_cap", 30), "outreach.daily_cap", minimum=1),
                 spacing=timedelta(seconds=duration_setting(conf.get("outreach.spacing", "2m"), "outreach.spacing")),
                 repitch_after=_repitch_after())


def _repitch_after() -> timedelta:
    from assistant.outreach.pipeline import repitch_after

    return repitch_after(settings())


def _imap() -> Any:
    conf = settings()
    host = conf.get("outreach.imap.host")
    if not host:
        return None
    from assistant.outreach import mailbox

    security = str(conf.get("outreach.imap.security", "tls")).lower()
    port = int(conf.number("outreach.imap.port", 993 if security == "tls" else 143, integer=True, positive=True,
                           maximum=65535))
    return mailbox.ImapSettings(host=str(host), port=port, user=conf.get("outreach.imap.user") or
                                conf.get("outreach.smtp.user"), password=conf.get("outreach.imap.password") or
                                conf.get("outreach.smtp.password"), security=security,
                                sent=conf.get("outreach.imap.sent"))


def _now() -> datetime:
    return datetime.now(UTC)


def _outbox() -> Path:
    from assistant import config

    folder = settings().get("outreach.outbox")
    return Path(folder).expanduser() if folder else config.data_dir() / "outbox"


# --------------------------------------------------------------------------- adding


@outreach.command("add")
@click.argument("draft")
@click.option("--site", "sites", multiple=True, required=True, metavar="SITE", help="The site to pitch (repeatable).")
@click.option("--contact", metavar="EMAIL", help="The address to write to, if you found it yourself (never guessed).")
@click.option("--template", help="resource-page, guest-post, broken-link or you-linked-to (default: what fits).")
@click.option("--no-crawl", is_flag=True, help="Do not look for contacts on the site's pages now.")
@click.option("--allow-second-pitch", is_flag=True, help="Pitch a site again about the same draft.")
@click.option("--allow-recent-site", is_flag=True, help="Pitch a site pitched within [outreach] repitch_after (90 days).")
@click.option("--json", "json_", is_flag=True, help="Print each site's pitch id (or error) as JSON.")
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True,
              help="As for assist prospects: the pitch is the site's row in the top N.")
@click.option("--competitor", "competitors", multiple=True, metavar="DOMAIN", help="As for assist prospects.")
@click.option("--include-linking", is_flag=True, help="As for assist prospects.")
@click.option("--include-spam", is_flag=True, help="As for assist prospects.")
@click.option("--own-domain", metavar="DOMAIN", help="As for assist prospects.")
def add(draft: str, sites: tuple[str, ...], contact: str | None, template: str | None, no_crawl: bool,
        allow_second_pitch: bool, allow_recent_site: bool, json_: bool, limit: int, competitors: tuple[str, ...],
        include_linking: bool, include_spam: bool, own_domain: str | None) -> None:
    """Create a pitch of DRAFT to each site: the page to pitch, the reasons and the template of its row
    in `assist prospects DRAFT` (with the same ranking options), and a contact found on the site's own
    pages (or given with --contact). A site not in that list is scored on its own, and the note says so."""
    from assistant.cli.prospects import _embedder, _load_draft
    from assistant.outreach.adding import NOT_LISTED, add_pitches
    from assistant.prospects import rank

    if template is not None:
        from assistant import templates

        templates.find("outreach", template)
    doc = _load_draft(draft)
    conn = open_db()
    cfg = settings()
    embedder = _embedder(conn, cfg)
    rows = rank.listed_prospects(conn, doc, embedder, sites, limit=limit, competitors=competitors,
                                 own_domain=cfg.get("site.domain"), own_override=own_domain,
                                 include_linking=include_linking, include_spam=include_spam,
                                 weights=cfg.get("prospects.weights") or None)
    for given, (_, prospect, _) in zip(sites, rows, strict=True):
        if prospect is None:
            raise UsageError(f"unknown site {given!r}: import or crawl it first (assist sites import / crawl)")
    allow = {f for f, on in (("--allow-second-pitch", allow_second_pitch), ("--allow-recent-site", allow_recent_site))
             if on}
    results = add_pitches(conn, doc, [p for _, p, _ in rows if p is not None], contact=contact, template=template,
                          crawl=not no_crawl, allow=allow, repitch_after=_repitch_after())
    unlisted = {site for site, _, listed in rows if not listed}
    results = [(pid, site, f"{note}; {NOT_LISTED.format(limit=limit)}" if pid and site in unlisted else note)
               for pid, site, note in results]
    if json_:
        emit_json([{"pitch": pid, "site": site, "note": note} if pid else {"pitch": None, "site": site, "error": note}
                   for pid, site, note in results])
    if _report_added(results, quiet=json_):
        raise click.exceptions.Exit(2)


def _report_added(results: list[tuple[int | None, str, str]], *, quiet: bool = False) -> int:
    """Each site's pitch on stdout (unless ``quiet``: JSON was printed), each refusal on stderr."""
    failed = 0
    for pid, site, note in results:
        if pid is None:
            failed += 1
            click.echo(f"Error: {printable(site)}: {printable(note)}", err=True)
        elif not quiet:
            click.echo(f"pitch {pid}: {printable(site)}; {printable(note)}")
    return failed


@outreach.command("contact")
@click.argument("pitch_id", type=click.IntRange(1, MAX_ID))
@click.argument("email")
def contact(pitch_id: int, email: str) -> None:
    """Give a pitch the address to write to, one you found yourself."""
    from assistant.outreach import compose, contacts, pipeline

    if not compose.valid_address(email):
        raise UsageError(f"{email!r} is not an email address")
    conn = open_db()
    pipeline.get(conn, pitch_id)
    pipeline.set_contact(conn, pitch_id, email, "given", contacts.is_role(email))
    click.echo(f"pitch {pitch_id}: contact {email}")


@outreach.command("contacts")
@click.argument("site")
@click.option("--refresh", is_flag=True, help="Look on the site's pages again.")
@click.option("--json", "json_", is_flag=True)
def contacts_(site: str, refresh: bool, json_: bool) -> None:
    """The contacts found on a site's own pages, each with the page it was seen on."""
    from assistant.links.options import site_key
    from assistant.outreach import pipeline
    from assistant.outreach.adding import look_for_contacts

    key = site_key(site)
    conn = open_db()
    found = look_for_contacts(conn, key) if refresh or not pipeline.contacts_of(conn, key) else \
        pipeline.contacts_of(conn, key)
    rows = [dict(r) for r in found]
    if json_:
        emit_json(rows)
        return
    if not rows:
        click.echo(f"no contact found on {key}'s pages (home, contact, about, write-for-us, authors); none is guessed")
        return
    for r in rows:
        flags = ", ".join(f for f, on in (("role address", r["role"]), ("off-site", not r["on_site"])) if on)
        click.echo(f"{r['email']}  {r['kind']} on {printable(r['source_url'])}" + (f"  ({flags})" if flags else ""))


# --------------------------------------------------------------------------- drafting and sending


@outreach.command("draft")
@click.argument("pitch_id", type=click.IntRange(1, MAX_ID))
@click.option("--template", help="Another template for this pitch.")
@click.option("--edit", is_flag=True, help="Open the email in $EDITOR; the check runs on what you save.")
def draft_(pitch_id: int, template: str | None, edit: bool) -> None:
    """Write the pitch's email from its template (or edit it), and check it."""
    from assistant.outreach import compose, pipeline
    from assistant.sql import transaction

    conn = open_db()
    row = pipeline.get(conn, pitch_id)
    if row["stage"] not in ("new", "drafted"):
        raise UsageError(f"pitch {pitch_id} is {row['stage']}: its email is already out")
    sender = _sender()
    if edit and row["body"] and not template:
        subject, body, empties = row["subject"], row["body"], row["empties"]
    else:
        composed = compose.compose_pitch(row, sender, template)
        subject, body, empties = composed.subject, composed.body, composed.empties
    if edit:
        edited = click.edit(f"Subject: {subject}\n\n{body}", extension=".txt", require_save=False)
        if edited is None:
            raise UsageError("the editor saved nothing; the draft is unchanged")
        head, _, rest = edited.partition("\n")
        if not head.lower().startswith("subject:"):
            raise UsageError("the first line must stay 'Subject: ...'")
        new_subject, new_body = head.split(":", 1)[1].strip(), rest.strip("\n") + "\n"
        if (new_subject, new_body.strip()) != (subject, body.strip()):
            empties = 0  # you wrote it: what the template left empty is yours to have filled
        subject, body = new_subject, new_body
    with transaction(conn):
        conn.execute("UPDATE pitches SET subject = ?, body = ?, empties = ?, template = coalesce(?, template)"
                     " WHERE id = ?", (subject, body, empties, template, pitch_id))
        pipeline.set_stage(conn, pitch_id, "drafted", "edited" if edit else f"from {template or row['template']}")
    click.echo(f"To: {row['contact'] or '(no contact yet)'}\nSubject: {printable(subject)}\n")
    click.echo("\n".join(printable(line) for line in body.splitlines()))
    found = compose.problems(subject, body, recipient=row["contact"], draft_url=row["draft_url"], sender=sender,
                             empties=empties)
    for problem in found:
        warn(f"not sendable yet: {problem}")


@outreach.command("send")
@click.argument("pitch_ids", nargs=-1, required=True, type=click.IntRange(1, MAX_ID))
@click.option("--at", "at", help="When (as for assist share --at: 'tomorrow 9:00', '2026-12-08 10:00').")
@click.option("--via", type=click.Choice(["smtp", "eml"]), help="smtp (your mail server) or eml (files for your mail "
              "client); default: smtp when [outreach.smtp] host is set, else eml.")
@click.option("--ignore-spacing", is_flag=True, help="Do not space this email after the last one queued.")
@click.option("--allow-second-pitch", is_flag=True, help="Send although another pitch of this draft to the site has.")
@click.option("--allow-recent-site", is_flag=True, help="Send although the site has another pitch within "
              "[outreach] repitch_after (90 days).")
@click.option("--json", "json_", is_flag=True, help="Print each pitch's queued email (or error) as JSON.")
def send_(pitch_ids: tuple[int, ...], at: str | None, via: str | None, ignore_spacing: bool,
          allow_second_pitch: bool, allow_recent_site: bool, json_: bool) -> None:
    """Queue each pitch's email (drafted, or written now from its template) after the check;
    assist outreach run sends what is due."""
    from assistant.outreach import compose, pipeline, send

    conn = open_db()
    sender = _sender()
    via = via or ("smtp" if settings().get("outreach.smtp.host") else "eml")
    when = _when(at)
    failed = 0
    out: list[dict[str, Any]] = []
    for pid in pitch_ids:
        row = pipeline.get(conn, pid)
        try:
            if row["body"]:
                composed = compose.Composed(row["subject"] or "", row["body"], row["template"], row["empties"])
            else:
                composed = compose.compose_pitch(row, sender)
            allow = {f for f, on in (("--allow-second-pitch", allow_second_pitch),
                                     ("--allow-recent-site", allow_recent_site)) if on}
            mid = send.enqueue(conn, row, composed, step=0, sender=sender, via=via, at=when, rules=_rules(),
                               ignore_spacing=ignore_spacing, allow=allow)
        except UsageError as exc:
            failed += 1
            click.echo(f"Error: {exc}", err=True)
            out.append({"pitch": pid, "error": str(exc)})
            continue
        at_text = conn.execute("SELECT scheduled_at FROM outreach_messages WHERE id = ?", (mid,)).fetchone()[0]
        out.append({"pitch": pid, "email": mid, "via": via, "scheduled_at": at_text})
        if not json_:
            click.echo(f"pitch {pid}: email {mid} queued via {via} for {at_text}")
    if json_:
        emit_json(out)
    if failed:
        raise click.exceptions.Exit(2)


def _when(at: str | None) -> datetime:
    if not at:
        return _now()
    from assistant.share import schedule

    return datetime.fromtimestamp(schedule.parse_at(at, schedule.user_timezone(settings()), _now().timestamp()), UTC)


@outreach.command("run")
@click.option("--limit", type=click.IntRange(1, 10_000), help="Send at most this many emails.")
@click.option("--ignore-daily-cap", is_flag=True, help="Send past [outreach] daily_cap (default 30 a day).")
@click.option("--json", "json_", is_flag=True)
def run(limit: int | None, ignore_daily_cap: bool, json_: bool) -> None:
    """Queue the follow-ups that are due, then send every due email once (for cron). Exits 1 when an
    email failed or may have left without being recorded."""
    from assistant.outreach import pipeline, send, sequence

    conn = open_db()
    sender, rules, now = _sender(), _rules(), _now()
    via = "smtp" if settings().get("outreach.smtp.host") else "eml"
    queued, refused = sequence.queue_follow_ups(conn, settings(), sender, now=now, rules=rules, via=via)
    report = send.run(conn, sender=sender, smtp=send.SmtpSettings.from_settings(settings()), imap=_imap(),
                      outbox=_outbox(), rules=rules, now=now, ignore_daily_cap=ignore_daily_cap, limit=limit,
                      save_to_sent=bool(settings().get("outreach.imap.save_to_sent", True)))
    won = pipeline.mark_won(conn)
    if json_:
        emit_json({"follow_ups_queued": queued, "follow_ups_refused": refused, "sent": report.sent,
                   "failed": report.failed, "unknown": report.unknown, "reconciled": report.reconciled,
                   "cancelled": report.cancelled, "capped": report.capped, "files": report.files, "won": won})
    else:
        click.echo(f"sent {len(report.sent)}, failed {len(report.failed)}, unknown {len(report.unknown)}"
                   + (f", {report.capped} waiting for tomorrow (daily cap {rules.daily_cap})" if report.capped else "")
                   + (f"; {len(queued)} follow-up(s) queued" if queued else ""))
        for path in report.files:
            click.echo(f"  wrote {path}: send it from your mail client")
    for pid, why in refused:
        warn(f"pitch {pid}: follow-up not queued: {why}")
    for mid, why in report.failed:
        warn(f"email {mid}: {why}")
    for mid, why in report.refused:
        warn(f"email {mid} not sent: {why}")
    if report.spaced:
        click.echo(f"{report.spaced} email(s) wait for the spacing ([outreach] spacing) after the last one", err=True)
    for mid in report.unknown:
        warn(f"email {mid} may have left: check your Sent folder, then assist outreach resolve {mid} --sent or --resend")
    if report.failed or report.unknown or report.refused:
        raise click.exceptions.Exit(EXIT_FAILURE)


@outreach.command("due")
@click.option("--within", default="7d", show_default=True, help="Show what goes out within this time.")
@click.option("--json", "json_", is_flag=True)
def due(within: str, json_: bool) -> None:
    """What will go out: queued emails and the follow-ups to be written, in full, for review."""
    from assistant.outreach import sequence
    from assistant.settings import parse_duration

    conn = open_db(readonly=True)
    seconds = parse_duration(within, "--within")
    if not 0 < seconds <= 366 * 86400:
        raise UsageError(f"--within {within!r} is out of range (at most 366 days, e.g. 7d)")
    until = _now() + timedelta(seconds=seconds)
    queued = [dict(r) for r in conn.execute(
        "SELECT m.id, m.pitch_id, p.site, m.step, m.scheduled_at, m.recipient, m.subject, m.state FROM outreach_messages m"
        " JOIN pitches p ON p.id = m.pitch_id WHERE m.state IN ('scheduled', 'failed') AND m.scheduled_at <= ?"
        " ORDER BY m.scheduled_at", (now_text(until),))]
    coming = sequence.upcoming(conn, settings(), _sender(), until=until)
    if json_:
        emit_json({"queued": queued, "follow_ups": [c.__dict__ for c in coming]})
        return
    if not queued and not coming:
        click.echo(f"nothing goes out within {within}")
    for q in queued:
        click.echo(f"{q['scheduled_at']}  email {q['id']} (pitch {q['pitch_id']}, {printable(q['site'])}) to "
                   f"{q['recipient']}: {printable(q['subject'])} [{q['state']}]")
    for c in coming:
        click.echo(f"{c.at}  follow-up {c.step} of pitch {c.pitch_id} ({printable(c.site)}) to {c.recipient}: "
                   f"{printable(c.subject)}")
        for line in c.body.splitlines():
            click.echo(f"    {printable(line)}")


@outreach.command("sync")
@click.option("--json", "json_", is_flag=True)
def sync(json_: bool) -> None:
    """Read the mailbox over IMAP (never deleting or marking anything): replies, bounces and
    unsubscribes move their pitches; then links seen by assist links check mark pitches won."""
    from assistant.outreach import mailbox, pipeline, sequence

    imap = _imap()
    if imap is None:
        raise UsageError("no IMAP server is set: [outreach.imap] host, user (password from ASSIST_OUTREACH__IMAP__PASSWORD)")
    conn = open_db()
    ours = sequence.our_message_ids(conn)
    key = f"{imap.user}@{imap.host}:{imap.port}"
    events, state = mailbox.sync(imap, ours.__contains__, sequence.mailbox_state(conn, key))
    moved = sequence.apply_mail(conn, events, _now())
    sequence.save_mailbox_state(conn, key, state)
    won = pipeline.mark_won(conn)
    if json_:
        emit_json({"messages": len(events), "moved": moved, "won": won})
        return
    click.echo(f"{len(events)} message(s) about your pitches; " + (", ".join(f"pitch {p} {s}" for p, s in moved) or
                                                                  "no pitch moved")
               + (f"; won: {', '.join(str(p) for p, _ in won)}" if won else ""))


# --------------------------------------------------------------------------- the pipeline by hand


@outreach.command("mark")
@click.argument("pitch_id", type=click.IntRange(1, MAX_ID))
@click.argument("stage", type=click.Choice(["new", "drafted", "sent", "followed-up", "replied", "won", "declined",
                                            "no-reply", "bounced", "opted-out"]))
@click.option("--note", help="Kept with the event.")
def mark(pitch_id: int, stage: str, note: str | None) -> None:
    """Move a pitch to a stage by hand (an answer by phone, a link you saw yourself...)."""
    from assistant.outreach import pipeline

    conn = open_db()
    row = pipeline.mark(conn, pitch_id, stage, note)
    click.echo(f"pitch {pitch_id}: {row['stage']} -> {stage}")


@outreach.command("resolve")
@click.argument("email_id", type=click.IntRange(1, MAX_ID))
@click.option("--sent", "was_sent", flag_value=True, default=None, help="It is in your Sent folder: record it sent.")
@click.option("--resend", "was_sent", flag_value=False, help="It is not: queue it again (you checked).")
def resolve(email_id: int, was_sent: bool | None) -> None:
    """Settle an email whose outcome is unknown (its run stopped while sending)."""
    from assistant.outreach import send
    from assistant.sql import transaction

    if was_sent is None:
        raise UsageError("say --sent or --resend")
    conn = open_db()
    row = conn.execute("SELECT * FROM outreach_messages WHERE id = ?", (email_id,)).fetchone()
    if row is None or row["state"] != "unknown":
        raise UsageError(f"email {email_id} is not unknown" + (f" (it is {row['state']})" if row else " (no such email)"))
    if was_sent:
        send._mark_sent(conn, row, _now(), "recorded sent by hand")
    else:
        with transaction(conn):
            conn.execute("UPDATE outreach_messages SET state = 'scheduled', scheduled_at = ?, last_error = NULL"
                         " WHERE id = ?", (now_text(_now()), email_id))
    click.echo(f"email {email_id}: {'sent' if was_sent else 'queued again'}")


@outreach.command("forget")
@click.argument("site")
def forget(site: str) -> None:
    """Erase a site's contact data (found addresses, names, replies); opt-outs stay final, as hashes."""
    from assistant.links.options import site_key
    from assistant.outreach import pipeline

    done = pipeline.forget(open_db(), site_key(site))
    click.echo(f"{site}: {done['contacts']} contact(s) erased; {done['pitches']} pitch(es) scrubbed")


@outreach.command("list")
@click.option("--stage", type=click.Choice(["new", "drafted", "sent", "followed-up", "replied", "won", "declined",
                                            "no-reply", "bounced", "opted-out"]))
@click.option("--draft", "draft", help="Only pitches of this draft (its path or URL).")
@click.option("--format", "fmt", type=FormatChoice(["text", "json", "csv"]), default="text", show_default=True,
              help="Output format: text, json or csv (table is an old name of text).")
def list_(stage: str | None, draft: str | None, fmt: str) -> None:
    """The pitches, newest first."""
    conn = open_db(readonly=True)
    where, params = [], []
    if stage:
        where.append("stage = ?")
        params.append(stage)
    if draft:
        where.append("(draft_path = ? OR draft_url = ? OR draft_key = ?)")
        params += [draft, draft, str(Path(draft).resolve())]
    rows = [dict(r) for r in conn.execute(
        "SELECT id, stage, site, contact, template, draft_title, draft_url, page_url, stage_at, first_sent_at, reply_at,"
        " won_link FROM pitches" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC", params)]
    if fmt == "json":
        emit_json(rows)
    elif fmt == "csv":
        from assistant.cli.sites import _write_csv

        _write_csv(rows, list(rows[0]) if rows else ["id", "stage", "site"])
    elif not rows:
        click.echo("no pitches (assist outreach add DRAFT --site SITE, or assist prospects DRAFT --add 3)")
    else:
        echo_table(("id", "stage", "site", "contact", "template", "draft"),
                   [(str(r["id"]), r["stage"], printable(r["site"]), printable(r["contact"] or "-"), r["template"],
                     printable(r["draft_title"])[:50]) for r in rows])


@outreach.command("show")
@click.argument("pitch_id", type=click.IntRange(1, MAX_ID))
@click.option("--json", "json_", is_flag=True)
def show(pitch_id: int, json_: bool) -> None:
    """A pitch in full: its reasons, its emails and every event with its time."""
    from assistant.outreach import pipeline

    conn = open_db(readonly=True)
    row = dict(pipeline.get(conn, pitch_id))
    row["reasons"] = json.loads(row["reasons"])
    row.pop("context")
    emails = [dict(r) for r in conn.execute("SELECT id, step, state, scheduled_at, sent_at, recipient, subject, via,"
                                            " message_id, last_error, eml_path FROM outreach_messages WHERE pitch_id = ?"
                                            " ORDER BY step", (pitch_id,))]
    events = [dict(r) for r in conn.execute("SELECT at, kind, detail FROM pitch_events WHERE pitch_id = ? ORDER BY id",
                                            (pitch_id,))]
    if json_:
        emit_json({**row, "emails": emails, "events": events})
        return
    click.echo(f"pitch {pitch_id}: {row['stage']} - {printable(row['draft_title'])} to {printable(row['site'])}")
    click.echo(f"  contact: {row['contact'] or '-'} ({printable(row['contact_source'] or '')})")
    click.echo(f"  page: {printable(row['page_url'] or '-')}; template: {row['template']}")
    for reason in row["reasons"][:5]:
        click.echo(f"  why: {printable(reason)}")
    for e in emails:
        click.echo(f"  email {e['id']} (step {e['step']}): {e['state']}, {e['sent_at'] or e['scheduled_at']}"
                   + (f" - {printable(e['last_error'])}" if e["last_error"] else ""))
    for ev in events:
        click.echo(f"  {ev['at']}  {ev['kind']}" + (f": {printable(ev['detail'])}" if ev["detail"] else ""))


@outreach.command("summary")
@click.option("--json", "json_", is_flag=True)
def summary(json_: bool) -> None:
    """Pitches, replies and links won, per template and per draft."""
    from assistant.outreach import sequence

    data = sequence.summary(open_db(readonly=True))
    if json_:
        emit_json(data)
        return
    click.echo("stages: " + ", ".join(f"{s} {n}" for s, n in data["stages"].items() if n))
    for title, key in (("template", "by_template"), ("draft", "by_draft")):
        echo_table((title, "pitches", "sent", "replied", "won"),
                   [(printable(r["name"])[:50], str(r["pitches"]), str(r["sent"] or 0), str(r["replied"] or 0),
                     str(r["won"] or 0)) for r in data[key]])
