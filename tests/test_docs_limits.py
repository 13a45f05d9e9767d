"""The "## Limits" tables of docs/share.md and docs/prospects.md state the numbers in the code.

Each row is ``| what | limit | in the code | what happens past it |``. For every row whose limit
holds a number, this test knows the constant (or the place) it comes from, imports it and checks
that the row names it and that its limit cell reads exactly as expected. A new row with a number
and no entry here fails, as does a row or a constant that changed on one side only.
"""

from __future__ import annotations

import csv
import inspect
import re
from pathlib import Path
from typing import Any

import jinja2.sandbox
import pytest

ROOT = Path(__file__).resolve().parent.parent


def limits_table(doc: str) -> dict[str, tuple[str, str, str]]:
    """``what`` -> (limit, in the code, what happens past it), from the doc's ``## Limits`` table."""
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    start = text.index("\n## Limits\n")
    end = text.find("\n## ", start + 1)
    section = text[start : end if end != -1 else None]
    rows: dict[str, tuple[str, str, str]] = {}
    lines = [line for line in section.splitlines() if line.startswith("|")]
    assert lines[0] == "| what | limit | in the code | what happens past it |", lines[0]
    for line in lines[2:]:  # after the header and its rule
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        assert len(cells) == 4, line
        assert cells[0] not in rows, f"two rows for {cells[0]!r}"
        rows[cells[0]] = (cells[1], cells[2], cells[3])
    return rows


def source(path: str) -> str:
    """A module's source, its whitespace squashed (a call may be wrapped over lines)."""
    return " ".join((ROOT / "assistant" / path).read_text(encoding="utf-8").split())


def default(func: Any, name: str) -> Any:
    return inspect.signature(func).parameters[name].default


def option_range(command: Any, name: str) -> tuple[Any, Any]:
    """(min, max) of a click command's ranged option."""
    param = next(p for p in command.params if p.name == name)
    return param.type.min, param.type.max


def n(value: float) -> str:
    """A number as the tables write it: 1,000,000 and 0.1."""
    return f"{value:,g}" if value != int(value) else f"{int(value):,}"


def exact_kib(size: int) -> int:
    assert size % 1024 == 0, size
    return size // 1024


def days(seconds: float) -> str:
    assert seconds % 86400 == 0, seconds
    return f"{int(seconds // 86400)} days"


def share_expected() -> dict[str, tuple[str, str]]:
    """``what`` -> (a name the "in the code" cell must hold, the limit cell exactly)."""
    from assistant import config, templates
    from assistant.cli import queue as cli_queue
    from assistant.cli import score as cli_score
    from assistant.cli.common import MAX_ID, MAX_LIMIT
    from assistant.document_parsers import MAX_FRONT_MATTER
    from assistant.settings import MAX_DURATION
    from assistant.share import compose, schedule
    from assistant.share.compose import DEFAULT_HASHTAGS
    from assistant.share.schedule import GRACE
    from assistant.share.worker import MAX_RATE_WAIT, MIN_RATE_WAIT

    q, s = config.DEFAULTS["queue"], config.DEFAULTS["score"]
    assert MAX_ID == 2**63 - 1
    assert MIN_RATE_WAIT == 1 and MAX_RATE_WAIT == 24 * 3600
    assert templates._NAME.fullmatch("a" * 100) and not templates._NAME.fullmatch("a" * 101)
    lo, hi = option_range(cli_queue.worker, "interval")
    assert (lo, hi) == (cli_queue.MIN_INTERVAL, cli_queue.MAX_INTERVAL) and hi == 86400  # "a day"
    score_lo, score_hi = option_range(cli_score.score, "min_score")
    return {
        "a draft's size (`score`, `share`, `prospects`)": (
            "score.max_file_mb", f"`score.max_file_mb`: default {s['max_file_mb']}, more than 0, at most 1024 (MB)"),
        "front matter": ("MAX_FRONT_MATTER", f"{exact_kib(MAX_FRONT_MATTER)} KB"),
        "a template's name": ("templates._NAME", "1 to 100 letters, digits, `-`, `_` or `.`; never `..`"),
        "`range()` in a template": ("MAX_RANGE", f"{n(jinja2.sandbox.MAX_RANGE)} items"),
        "summary": ("compose.material", f"{default(compose.material, 'max_sentences')} sentences"),
        "key points": ("compose.key_points", f"{default(compose.key_points, 'limit')} level-2 headings"),
        "hashtags": ("DEFAULT_HASHTAGS", f"{default(compose.keyphrases, 'limit')} phrases from the draft; a channel"
                     f" gets its `hashtags` setting, else its own default, else {DEFAULT_HASHTAGS}"),
        "campaign slug": ("compose.slugify", f"{default(compose.slugify, 'limit')} characters"),
        "`--at` text": ("schedule.parse_at", "200 characters"),
        "`--at` as a bare number": ("schedule.parse_at", "0 to 23: an hour of the day, the next one to come"),
        "`--at` numbers it cannot be sure of": (
            "schedule.parse_at", "5 digits or more, an exponent (`1e9`), `**`, `^`, `nan`, `inf`"),
        "`--at` in the past": ("GRACE", f"{n(GRACE)} s of grace"),
        "how far ahead `--at` may be": ("MAX_DURATION", days(MAX_DURATION)),
        "`--spread`": ("MAX_DURATION", f"more than 0 s, at most {days(MAX_DURATION)}"),
        "the next free slot": (
            "schedule.next_free_slot", f"searched {default(schedule.next_free_slot, 'horizon_days')} days ahead"),
        "a duration": ("settings.parse_duration", "a number and `s`, `m`, `h`, `d` or `w`, in its first 100 characters"),
        "other `[queue]` durations, a rate limit's `per`": ("MAX_DURATION", f"at most {days(MAX_DURATION)}"),
        "`[schedule] min_spacing`, `duplicate_window`, `self_promotion_window` (also per channel)": (
            "MAX_DURATION", f"0 or more, at most {days(MAX_DURATION)}"),
        "`self_promotion_ratio`, `other_activity`": (
            "schedule.check_self_promotion", "a number from 0 to 1; a whole number, 0 or more"),
        "a post id": ("MAX_ID", "1 to 2^63 - 1"),
        "`--limit` of `queue list` and `queue run`": ("MAX_LIMIT", f"1 to {n(MAX_LIMIT)}"),
        "`queue worker --interval`, `[queue] interval`": (
            "MAX_INTERVAL", f"{n(lo)} to {n(hi)} s (a day; default {q['interval']} s)"),
        "`[queue] lease`": ("Policy", f"more than 0, at most {days(MAX_DURATION)} (default {q['lease']} s);"
                            " renewed every quarter of it while a post is sent"),
        "`[queue] max_tries`": ("Policy", f"at least 1 (default {q['max_tries']}); no upper bound"),
        "`[queue] backoff`, `backoff_max`": (
            "Policy.delay",
            f"0 or more, at most {days(MAX_DURATION)} (default {q['backoff']} s, {q['backoff_max']} s)"),
        "a write lock held by another process": ("busy_timeout", f"{busy_timeout() // 1000} s"),
        "a channel's `timeout`": ("Channel.number_settings", "{} to {} s".format(*map(n, channel_range("timeout")))),
        "a channel's `reconcile_days`": (
            "Channel.number_settings", "{} to {}".format(*map(n, channel_range("reconcile_days")))),
        "Reddit's `max_wait`": ("RedditChannel.number_settings", "{} to {} s".format(*map(n, reddit_max_wait()))),
        "a wait the platform asks for (a rate limit)": ("MAX_RATE_WAIT", "1 s to 24 h"),
        "a rate limit's `posts`": ("worker.rate_limits", "a whole number, 0 or more (0: no limit)"),
        "`[score.weights]`": ("settings.weights", f"0 to {n(weights_maximum())} each"),
        "`score.max_file_mb`, `score.stale_years`": ("cli/score.py", "more than 0, at most 1024"),
        "`model.batch_size`": ("cli/score.py", "1 to 4096"),
        "`score --min-score`": ("cli/score.py", f"{n(score_lo)} to {n(score_hi)}"),
    }


def prospects_expected() -> dict[str, tuple[str, str]]:
    from assistant import config, templates
    from assistant.cli import prospects as cli_prospects
    from assistant.cli.common import MAX_LIMIT
    from assistant.cli.crawl import RANGES
    from assistant.prospects import (
        catalog,
        chunking,
        crawl,
        fetch,
        imports,
        index,
        lexical,
        pages,
        rank,
        robots,
        sniff,
        store,
    )

    c = config.DEFAULTS["crawl"]

    def crawl_range(key: str, unit: str = "") -> str:
        low, high = RANGES[key]
        value = c[key]
        shown = f"{n(value)}" if key != "delay" else f"{value:g}"
        return f"{n(low)} to {n(high)}{unit} (default {shown})"

    assert RANGES["max_bytes"][1] == 1 << 30
    assert catalog.MAX_ROW_CHARS == 128 * 1024 == csv.field_size_limit()
    prospects_lo, prospects_hi = option_range(cli_prospects.prospects, "limit")
    assert templates._NAME.fullmatch("a" * 100) and not templates._NAME.fullmatch("a" * 101)
    return {
        "`--max-pages` (`[crawl] max_pages`)": ("RANGES", crawl_range("max_pages")),
        "`--timeout` (`[crawl] timeout`)": ("RANGES", crawl_range("timeout", " s")),
        "`--delay` (`[crawl] delay`)": ("RANGES", crawl_range("delay", " s")),
        "`--max-bytes` (`[crawl] max_bytes`)": ("RANGES", crawl_range("max_bytes")),
        "`--workers` (`[crawl] workers`)": ("RANGES", crawl_range("workers")),
        "one whole response: connecting, headers and body": ("Fetcher._request_limit", request_limit_text()),
        "redirects": ("MAX_REDIRECTS", f"{fetch.MAX_REDIRECTS}"),
        "stacked `Content-Encoding`s (gzip, deflate, zstd)": ("fetch._Decoders", f"{most_encodings()}"),
        "links considered per site, disallowed ones included": (
            "CONSIDER_PER_PAGE", f"{crawl.CONSIDER_PER_PAGE} × `--max-pages` (at least {crawl.CONSIDER_PER_PAGE})"),
        "`Crawl-delay`": ("MAX_CRAWL_DELAY", f"{n(fetch.MAX_CRAWL_DELAY)} s"),
        "entries of a feed": ("MAX_FEED_ITEMS", f"{pages.MAX_FEED_ITEMS}"),
        "a page's main text": ("MAX_TEXT_CHARS", f"{n(pages.MAX_TEXT_CHARS)} characters"),
        "a link's context": ("MAX_CONTEXT", f"{store.MAX_CONTEXT} characters"),
        "robots.txt": ("ROBOTS_MAX_BYTES", f"{exact_kib(fetch.ROBOTS_MAX_BYTES)} KiB"),
        "a robots.txt line": ("MAX_RULE_LENGTH", f"{n(robots.MAX_RULE_LENGTH)} characters"),
        "robots.txt rules for our agent": ("MAX_RULES", f"{n(robots.MAX_RULES)}"),
        "the part of a URL matched against the rules": ("MAX_PATH", f"{n(robots.MAX_PATH)} characters"),
        "`Sitemap:` lines followed": ("MAX_SITEMAPS", f"{robots.MAX_SITEMAPS}"),
        "child sitemaps of sitemap indexes": (
            "MAX_CHILD_SITEMAPS", f"{crawl.MAX_CHILD_SITEMAPS} in all, newest `lastmod` first"),
        "a page's charset": ("fetch._decode", "the header's, else a `<meta charset>` in the first 4,096 bytes, else UTF-8"),
        "what decides an import file's encoding and header": ("SAMPLE_BYTES", f"its first {exact_kib(sniff.SAMPLE_BYTES)} KiB"),
        "an export record over several lines": (
            "MAX_RECORD_LINES", f"{sniff.MAX_RECORD_LINES} lines, or {n(sniff.MAX_RECORD_CHARS)} characters over more than one"),
        "an export line": ("max_line_size", "10,000,000 bytes"),
        "a CSV field read record by record (catalogs; exports with a field over several lines)": (
            "csv.field_size_limit()", f"{n(csv.field_size_limit())} characters"),
        "malformed rows reported": ("MAX_BAD_SAMPLES", f"the first {sniff.MAX_BAD_SAMPLES}, with their line numbers"),
        "export rows a transaction": ("BATCH", f"{n(imports.BATCH)}"),
        "DuckDB's memory during an import": ("memory_limit", "768 MB"),
        "a catalog row over several lines": (
            "MAX_ROW_CHARS", f"{catalog.MAX_ROW_LINES} lines, or {n(catalog.MAX_ROW_CHARS)} characters"),
        "a site's text matched": (
            "MAX_SITE_CHUNKS", f"{chunking.MAX_SITE_CHUNKS} chunks of {chunking.CHUNK_WORDS} words"),
        "a draft's chunks": ("MAX_DRAFT_CHUNKS", f"{rank.MAX_DRAFT_CHUNKS}"),
        "words of the lexical query": ("MAX_QUERY_TERMS", f"{lexical.MAX_QUERY_TERMS}"),
        f"sites scored in full, above {n(index.ANN_THRESHOLD)} sites": (
            "ANN_THRESHOLD", "max(500, 20 × `--limit`) nearest the draft, as many by lexical match, and every"
                             " `--competitor` linker"),
        "`prospects --limit`": ("cli/prospects.py", f"{n(prospects_lo)} to {n(prospects_hi)}"),
        "`sites list --limit`": ("MAX_LIMIT", f"1 to {n(MAX_LIMIT)}"),
        "`[prospects.weights]`": ("settings.weights", f"0 to {n(weights_maximum())} each"),
        "the draft's size": (
            "cli/prospects.py", f"`score.max_file_mb` (default {config.DEFAULTS['score']['max_file_mb']} MB, at most 1024)"),
        "an outreach template's name": (
            "templates._NAME", "as a share template's: 1 to 100 letters, digits, `-`, `_` or `.`; never `..`"),
    }


# -- numbers without a constant of their own, read from where they live


def busy_timeout() -> int:
    import tempfile

    from assistant import db

    with tempfile.TemporaryDirectory() as tmp:
        conn = db.connect(Path(tmp) / "assist.db")
        try:
            return int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
        finally:
            conn.close()


def channel_range(key: str) -> tuple[float, float]:
    from assistant.channels import Channel

    return Channel.number_settings[key]


def reddit_max_wait() -> tuple[float, float]:
    assist_reddit = pytest.importorskip("assist_reddit")
    return assist_reddit.RedditChannel.number_settings["max_wait"]


def weights_maximum() -> float:
    """The largest weight ``settings.weights`` takes (it refuses anything above)."""
    from assistant.errors import ConfigError
    from assistant.settings import weights

    top = 1_000_000
    assert weights({"w": top}, {"w": 1.0}, "k")["w"] == top
    with pytest.raises(ConfigError, match="at most"):
        weights({"w": top + 1}, {"w": 1.0}, "k")
    return top


def request_limit_text() -> str:
    from assistant.prospects.fetch import Fetcher

    def limit(timeout: float) -> float:
        return Fetcher(None, user_agent="t", delay=0, timeout=timeout, max_bytes=1)._request_limit()  # type: ignore[arg-type]

    assert limit(10) == 30 and limit(0.1) == 1.0
    return "3 × `--timeout`, at least 1 s"


def most_encodings() -> int:
    import httpx

    from assistant.prospects.fetch import _Decoders

    _Decoders("gzip, gzip, gzip", 10)
    with pytest.raises(httpx.DecodingError, match="4 content encodings stacked"):
        _Decoders("gzip, gzip, gzip, gzip", 10)
    return 3


def test_literals_the_tables_cite_are_the_codes() -> None:
    """Numbers written as literals where they are used (no constant to import)."""
    from assistant.settings import MAX_DURATION
    from assistant.share import schedule

    assert MAX_DURATION == 366 * 86400
    assert "0 < timing.spread <= MAX_DURATION" in source("cli/share.py")
    assert "if stamp > now + MAX_DURATION:" in source("share/schedule.py")  # how far ahead --at may be
    assert ('"[queue] interval", minimum=MIN_INTERVAL, maximum=MAX_INTERVAL)' in source("cli/queue.py")
            and "Finite(MIN_INTERVAL, MAX_INTERVAL)" in source("cli/queue.py"))
    assert '"score.max_file_mb", 5, positive=True, maximum=1024)' in source("cli/share.py")
    assert "number(raw_ratio, ratio_name, minimum=0, maximum=1)" in source("share/schedule.py")
    assert 'count_setting(*read("other_activity"' in source("share/schedule.py")
    for reader in ('duration_setting(*read("self_promotion_window"', 'duration_setting(raw, _setting_name(',
                   'duration_setting(settings.get("schedule.duplicate_window"'):
        assert reader in source("share/schedule.py") + source("share/plan.py"), reader
    assert "positive=True, maximum=1024)" in source("cli/score.py")  # score.max_file_mb, stale_years
    assert '"score.max_file_mb", 5, positive=True, maximum=1024)' in source("cli/prospects.py")
    for path in ("cli/score.py", "cli/prospects.py"):
        assert '"model.batch_size", 64, integer=True, positive=True, maximum=4096)' in source(path), path
    assert "raw = text.strip()[:200]" in source("share/schedule.py")
    assert "DURATION_RE.match(str(value)[:100])" in source("settings.py")
    assert "max_line_size = 10000000" in source("prospects/imports.py")
    assert "SET memory_limit = '768MB'" in source("prospects/imports.py")
    assert "body[:4096]" in source("prospects/fetch.py")
    assert source("prospects/rank.py").count("max(500, limit * 20)") == 2
    assert "self.lease / 4" in source("share/worker.py")  # renewed every quarter of the lease
    assert 'count_setting(q.get("max_tries", 5), "[queue] max_tries", minimum=1)' in source("share/worker.py")
    from zoneinfo import ZoneInfo

    from assistant.errors import UsageError

    utc, now = ZoneInfo("UTC"), 1_800_000_000.0
    schedule.parse_at("23", utc, now)  # a bare number: 0 to 23
    schedule.parse_at("in 9999 minutes", utc, now)  # 4 digits are read...
    for text in ("24", "-1", "in 99999 minutes", "1e9", "10**3", "2^3", "nan", "inf"):  # ...5 are not
        with pytest.raises(UsageError, match="write it like"):
            schedule.parse_at(text, utc, now)


@pytest.mark.parametrize(("doc", "expected"), [("share.md", share_expected), ("prospects.md", prospects_expected)])
def test_every_number_in_the_limits_tables_is_the_codes(doc: str, expected: Any) -> None:
    rows = limits_table(doc)
    wanted = expected()
    missing = set(wanted) - set(rows)
    assert not missing, f"{doc}: rows the test expects are gone: {sorted(missing)}"
    for what, (name, limit) in wanted.items():
        stated, where, _ = rows[what]
        assert name in where, f"{doc}: {what!r} should name {name!r} in its third column, not {where!r}"
        assert stated == limit, f"{doc}: {what!r} says {stated!r}; the code says {limit!r}"
    unchecked = [what for what, (limit, _, _) in rows.items() if re.search(r"\d", limit) and what not in wanted]
    assert not unchecked, f"{doc}: rows with numbers this test does not check: {unchecked}"
