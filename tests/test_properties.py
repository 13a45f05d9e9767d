"""Property-based checks (Hypothesis) over the parsers that read outside text (issue 10): whatever
they are given, they return or raise the project's own errors, in bounded time. Each property runs
a bounded number of examples so CI stays fast."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import documents
from assistant.errors import AssistError
from assistant.prospects import robots, sniff
from assistant.settings import MAX_DURATION, parse_duration
from assistant.share import schedule
from assistant.share.worker import MAX_RATE_WAIT, MIN_RATE_WAIT, rate_limit_wait

# derandomize: the same examples every run, so CI is never flaky; run with --hypothesis-seed=N to explore
FAST = settings(max_examples=150, deadline=2000, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC).timestamp()


@FAST
@given(st.text(max_size=3000))
def test_any_draft_text_loads_or_is_refused_in_one_line(text: str) -> None:
    started = time.monotonic()
    try:
        doc = documents.load("-", text=text)
    except AssistError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(doc.title, str | type(None))
    assert time.monotonic() - started < 10  # bounded (a busy 2-core machine is slow, not stuck)


@FAST
@given(st.from_regex(r"\A---\n[\s\S]{0,400}\n---\n[\s\S]{0,200}\Z"))
def test_any_front_matter_loads_or_is_refused_in_one_line(text: str) -> None:
    try:
        documents.load("-", text=text)
    except AssistError as exc:
        assert "\n" not in str(exc)


@FAST
@given(st.binary(max_size=4000))
def test_any_export_bytes_are_sniffed_or_refused(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("sniff") / "export.csv"
    path.write_bytes(data)
    try:
        found = sniff.sniff(path)
    except AssistError:
        return
    assert found.encoding and isinstance(found.header, list)
    sniff.detect_format(found.header)


@FAST
@given(st.text(max_size=2000), st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_robots_txt_parses_and_answers_quickly(body: str, path: str) -> None:
    started = time.monotonic()
    rules = robots.parse(body, "assist/0.1")
    assert rules.allowed("http://a.test/" + path) in (True, False)
    assert rules.delay is None or rules.delay >= 0
    assert time.monotonic() - started < 1


_WARM: list[bool] = []


@settings(FAST, deadline=None)  # dateparser's first call loads its language data: seconds on a busy machine
@given(st.text(max_size=60))
def test_any_at_text_is_a_future_time_or_a_one_line_refusal(text: str) -> None:
    if not _WARM:
        schedule.parse_at("tomorrow 9:00", ZoneInfo("Europe/Paris"), NOW)
        _WARM.append(True)
    started = time.monotonic()
    try:
        when = schedule.parse_at(text, ZoneInfo("Europe/Paris"), NOW)
    except AssistError as exc:
        assert "\n" not in str(exc)
    else:
        assert NOW <= when <= NOW + MAX_DURATION  # never past, never more than 366 days ahead
    assert time.monotonic() - started < 10  # bounded (a busy 2-core machine is slow, not stuck)


@FAST
@given(st.one_of(st.text(max_size=30), st.floats(allow_nan=True, allow_infinity=True), st.integers()))
def test_any_duration_is_seconds_or_a_one_line_refusal(value: object) -> None:
    try:
        seconds = parse_duration(value)
    except AssistError as exc:
        assert "\n" not in str(exc)
    else:
        assert seconds == seconds and seconds not in (float("inf"), float("-inf"))


@FAST
@given(st.one_of(st.none(), st.text(max_size=30), st.floats(allow_nan=True, allow_infinity=True),
                 st.integers(min_value=-10**30, max_value=10**30)))
def test_any_rate_limit_header_becomes_a_bounded_wait(asked: object) -> None:
    wait, note = rate_limit_wait(asked, 60.0)
    assert MIN_RATE_WAIT <= wait <= MAX_RATE_WAIT and note


def test_the_properties_read_real_files(tmp_path: Path) -> None:
    """The file path (not only "-") goes through the same checks."""
    draft = tmp_path / "a.md"
    draft.write_text("# Hi\n\nA sentence.\n")
    assert documents.load(str(draft)).title == "Hi"
