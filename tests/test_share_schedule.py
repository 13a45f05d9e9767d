"""Times: --at parsing, slots, --spread, durations, time zones, and the link key used by guards."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from assistant.config import Settings
from assistant.errors import ConfigError, UsageError
from assistant.share import schedule

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 6, 10, 11, 0, tzinfo=PARIS).timestamp()  # a Wednesday, 11:00 in Paris


def local(stamp: float) -> datetime:
    return datetime.fromtimestamp(stamp, PARIS)


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("90s", 90), ("15m", 900), ("1h", 3600), ("3d", 259200),
                                               ("2 weeks", 1209600), ("1.5h", 5400), (30, 30)])
def test_parse_duration(text: str, seconds: float) -> None:
    assert schedule.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "3 fortnights", "-1h"])
def test_parse_duration_rejects_nonsense(text: str) -> None:
    with pytest.raises(UsageError, match="not a duration"):
        schedule.parse_duration(text, "--spread")


def test_parse_at_iso_in_the_users_zone() -> None:
    assert local(schedule.parse_at("2026-06-11T09:30", PARIS, NOW)) == datetime(2026, 6, 11, 9, 30, tzinfo=PARIS)
    utc = schedule.parse_at("2026-06-11T09:30:00+00:00", PARIS, NOW)
    assert local(utc).hour == 11  # an explicit offset wins over the user's zone


@pytest.mark.parametrize(("text", "utc_hour"), [("tomorrow 9am UTC", 9), ("tomorrow 9am PST", 17),
                                                ("tomorrow 9:00 +0200", 7), ("tomorrow 9am", 7)])
def test_parse_at_natural_language_with_a_zone_named_uses_that_zone(text: str, utc_hour: int) -> None:
    when = datetime.fromtimestamp(schedule.parse_at(text, PARIS, NOW), UTC)
    assert (when.date().isoformat(), when.hour) == ("2026-06-11", utc_hour)  # Paris is UTC+2 in June


def test_parse_at_natural_language() -> None:
    tomorrow = local(schedule.parse_at("tomorrow 9am", PARIS, NOW))
    assert (tomorrow.date().isoformat(), tomorrow.hour, tomorrow.minute) == ("2026-06-11", 9, 0)
    assert schedule.parse_at("in 2 hours", PARIS, NOW) == pytest.approx(NOW + 7200, abs=1)
    assert schedule.parse_at("now", PARIS, NOW) == pytest.approx(NOW, abs=1)
    # a bare time of day already gone today means tomorrow's
    assert local(schedule.parse_at("9am", PARIS, NOW)) == datetime(2026, 6, 11, 9, 0, tzinfo=PARIS)
    assert local(schedule.parse_at("15:30", PARIS, NOW)) == datetime(2026, 6, 10, 15, 30, tzinfo=PARIS)


# NOW is Wednesday 2026-06-10 11:00 in Paris. dateparser alone reads "at 9" as September,
# "friday at 17" as the 17th and "tomorrow at 9" as tomorrow at 11:00.
@pytest.mark.parametrize(("text", "expected"), [
    ("at 9", datetime(2026, 6, 11, 9, 0)),
    ("tomorrow at 9", datetime(2026, 6, 11, 9, 0)),
    ("tomorrow 9", datetime(2026, 6, 11, 9, 0)),
    ("tomorrow at 21", datetime(2026, 6, 11, 21, 0)),
    ("tonight at 11", datetime(2026, 6, 10, 23, 0)),
    ("friday at 17:00", datetime(2026, 6, 12, 17, 0)),
    ("next friday 5pm", datetime(2026, 6, 12, 17, 0)),
    # a day without a time of day: its first posting slot, not midnight or the current time
    ("friday", datetime(2026, 6, 12, 9, 0)),
    ("tomorrow", datetime(2026, 6, 11, 9, 0)),
    ("jun 24", datetime(2026, 6, 24, 9, 0)),
    ("2026-06-24", datetime(2026, 6, 24, 9, 0)),
    # a distance from now keeps the time of day; an explicit midnight stays midnight
    ("in 3 days", datetime(2026, 6, 13, 11, 0)),
    ("2026-06-24T00:00", datetime(2026, 6, 24, 0, 0)),
])
def test_parse_at_reads_hours_and_days_as_written(text: str, expected: datetime) -> None:
    assert local(schedule.parse_at(text, PARIS, NOW)).replace(tzinfo=None) == expected


# A weekday then a bare hour is that day at that hour, as "tomorrow 9" is: dateparser alone reads
# "friday 9" as 1 September next year and "friday 17" as the 17th. A day of the month stays one.
@pytest.mark.parametrize(("text", "expected"), [
    ("friday 9", datetime(2026, 6, 12, 9, 0)),
    ("friday 17", datetime(2026, 6, 12, 17, 0)),
    ("fri 17", datetime(2026, 6, 12, 17, 0)),
    ("monday 9", datetime(2026, 6, 15, 9, 0)),
    ("friday 19 june", datetime(2026, 6, 19, 9, 0)),
    ("friday 19 jun 5pm", datetime(2026, 6, 19, 17, 0)),
])
def test_parse_at_reads_a_weekday_and_a_bare_hour(text: str, expected: datetime) -> None:
    assert local(schedule.parse_at(text, PARIS, NOW)).replace(tzinfo=None) == expected


def test_parse_at_a_day_alone_takes_the_given_day_start_and_today_means_now() -> None:
    assert local(schedule.parse_at("friday", PARIS, NOW, time(13, 30))).time() == time(13, 30)
    assert schedule.parse_at("today", PARIS, NOW) == pytest.approx(NOW, abs=1)
    settings = Settings({"schedule": {"slots": ["17:30", "08:15"]}})
    assert schedule.day_start(settings) == time(8, 15)


@pytest.mark.parametrize(("text", "message"), [
    ("2020-01-01T10:00", "is in the past"),
    ("yesterday 10am", "is in the past"),
    ("when pigs fly", "cannot read"),
    ("   ", "empty time"),
])
def test_parse_at_refuses_past_and_unreadable_times(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        schedule.parse_at(text, PARIS, NOW)


@pytest.mark.parametrize("text", ["2999-01-01T09:00", "in 5000 weeks", "2027-06-12T09:00", "in 367 days"])
def test_parse_at_refuses_a_time_more_than_366_days_ahead(text: str) -> None:
    """`--at 2999-01-01T09:00` and `in 5000 weeks` were queued as asked: a year ahead is the most."""
    with pytest.raises(UsageError, match=r"^--at: .* is more than 366 days ahead; write it like .*2026-05-01T09:30"):
        schedule.parse_at(text, PARIS, NOW)


def test_parse_at_takes_a_time_up_to_366_days_ahead() -> None:
    assert local(schedule.parse_at("2027-06-10T09:00", PARIS, NOW)) == datetime(2027, 6, 10, 9, 0, tzinfo=PARIS)
    assert schedule.parse_at("in 52 weeks", PARIS, NOW) == pytest.approx(NOW + 52 * 7 * 86400, abs=1)


def test_next_free_slot_skips_taken_and_close_slots() -> None:
    slots = [time(9), time(13), time(17, 30)]
    first = schedule.next_free_slot(slots, PARIS, NOW, [], 3600)
    assert local(first) == datetime(2026, 6, 10, 13, 0, tzinfo=PARIS)
    second = schedule.next_free_slot(slots, PARIS, NOW, [first], 3600)
    assert local(second) == datetime(2026, 6, 10, 17, 30, tzinfo=PARIS)
    # a post at 16:45 blocks 17:30 with 1h spacing, so the next is tomorrow 09:00
    busy = datetime(2026, 6, 10, 16, 45, tzinfo=PARIS).timestamp()
    third = schedule.next_free_slot(slots, PARIS, NOW, [first, busy], 3600)
    assert local(third) == datetime(2026, 6, 11, 9, 0, tzinfo=PARIS)


def test_spread_places_posts_within_posting_hours() -> None:
    times = schedule.spread_times(6, NOW, 3 * 86400, PARIS, [time(9), time(18)])
    assert times == sorted(times) and len(set(times)) == 6
    for stamp in times:
        when = local(stamp)
        assert time(9) <= when.time() <= time(18) and NOW <= stamp <= NOW + 3 * 86400
        assert when.minute % 5 == 0
    assert len({local(t).date() for t in times}) >= 3  # spread over the days, not bunched


def test_spread_with_no_posting_hours_in_the_window() -> None:
    late = datetime(2026, 6, 10, 22, 0, tzinfo=PARIS).timestamp()
    with pytest.raises(UsageError, match="no posting hours"):
        schedule.spread_times(2, late, 3600, PARIS, [time(9), time(18)])


def test_user_timezone_from_config_and_errors() -> None:
    assert schedule.user_timezone(Settings({"timezone": "Europe/Paris"})) == PARIS
    assert schedule.user_timezone(Settings({})) is not None
    with pytest.raises(ConfigError, match="unknown time zone"):
        schedule.user_timezone(Settings({"timezone": "Mars/Olympus"}))


def test_slots_per_channel_override_the_default() -> None:
    settings = Settings({"schedule": {"slots": ["09:00", "17:00"]}, "channels": {"x": {"slots": ["08:15"]}}})
    assert schedule.slots_for(settings, "x") == [time(8, 15)]
    assert schedule.slots_for(settings, "mastodon") == [time(9), time(17)]
    with pytest.raises(ConfigError, match="not a time of day"):
        schedule.slots_for(Settings({"schedule": {"slots": ["nine"]}}), "x")


def test_a_bad_schedule_setting_names_the_key_that_holds_it() -> None:
    """ASSIST_SCHEDULE__SLOTS=abc is [schedule] slots, not a [channels.x] table the user never wrote."""
    with pytest.raises(ConfigError, match=r"^\[schedule\] slots: 'nine' is not a time of day"):
        schedule.slots_for(Settings({"schedule": {"slots": ["nine"]}}), "x")
    with pytest.raises(ConfigError, match=r"^\[channels.x\] slots: 'ten'"):
        schedule.slots_for(Settings({"schedule": {"slots": ["09:00"]}, "channels": {"x": {"slots": "ten"}}}), "x")
    with pytest.raises(ConfigError, match=r"^\[schedule\] min_spacing: 'soon' is not a duration"):
        schedule.min_spacing(Settings({"schedule": {"min_spacing": "soon"}}), "x")


def test_link_key_ignores_tracking_and_case() -> None:
    a = schedule.link_key("HTTPS://Example.org/post/?utm_source=x&b=2&a=1")
    b = schedule.link_key("https://example.org/post?a=1&b=2&utm_campaign=y")
    assert a == b == "https://example.org/post?a=1&b=2"
    assert schedule.link_key("https://example.org/other") != a
    assert schedule.link_key(None) is None


def test_the_system_zone_keeps_its_summer_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a configured timezone the system's zone is used with its rules, not today's UTC offset:
    a 09:00 slot in July is 09:00 summer time even when it is booked in winter."""
    import time as clock

    import tzlocal

    monkeypatch.setenv("TZ", "Europe/Paris")
    clock.tzset()
    tzlocal.reload_localzone()
    try:
        tz = schedule.user_timezone(Settings({}))
        winter = datetime(2026, 1, 15, 12, 0, tzinfo=PARIS).timestamp()
        july = schedule.parse_at("2026-07-01T09:00", tz, winter)
        assert local(july).strftime("%H:%M") == "09:00"
        slot = schedule.next_free_slot([time(9)], tz, datetime(2026, 3, 28, 12, 0, tzinfo=PARIS).timestamp(), [], 0)
        assert local(slot).strftime("%Y-%m-%d %H:%M") == "2026-03-29 09:00"  # the day summer time starts
    finally:
        monkeypatch.undo()
        clock.tzset()
        tzlocal.reload_localzone()


def test_parse_at_refuses_a_reading_that_lost_the_written_hour(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever dateparser misreads next, a time of day it dropped is an error, not a silent 00:00."""
    import dateparser

    monkeypatch.setattr(dateparser, "parse", lambda text, settings=None: datetime(2026, 6, 12, 0, 0))
    with pytest.raises(UsageError, match="cannot tell when 'friday 5pm' is"):
        schedule.parse_at("friday 5pm", PARIS, NOW)


# NOW is Wednesday 2026-06-10 11:00 in Paris. dateparser alone reads "friday 4th" and "the 4th at 9"
# as the 1st of April (4 as the month): a day of the month without a month is the next such day.
@pytest.mark.parametrize(("text", "expected"), [
    ("friday 12th", datetime(2026, 6, 12, 9, 0)),       # a day alone: the first posting slot
    ("the 12th at 9", datetime(2026, 6, 12, 9, 0)),
    ("the 12th 5pm", datetime(2026, 6, 12, 17, 0)),
    ("4th", datetime(2026, 7, 4, 9, 0)),                # the 4th of June is past: July's
    ("the 31st at 10:00", datetime(2026, 7, 31, 10, 0)),  # June has no 31st
    ("12th june 9am", datetime(2026, 6, 12, 9, 0)),     # with a month, dateparser's reading stands
])
def test_parse_at_a_day_of_the_month_without_a_month(text: str, expected: datetime) -> None:
    assert local(schedule.parse_at(text, PARIS, NOW)) == expected.replace(tzinfo=PARIS)


def test_parse_at_a_weekday_that_is_not_that_day_of_the_month_is_refused() -> None:
    with pytest.raises(UsageError, match=r"the next 12th is a Friday \(2026-06-12\), not a monday"):
        schedule.parse_at("monday 12th", PARIS, NOW)


@pytest.mark.parametrize(("text", "expected"), [
    ("9", "2026-12-07 09:00"),  # a bare hour is the next such hour (it is 10:00 now)
    ("17", "2026-12-06 17:00"),
    ("0", "2026-12-07 00:00"),
])
def test_a_bare_number_is_the_next_such_hour(text: str, expected: str) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    now = datetime(2026, 12, 6, 10, 0, tzinfo=UTC).timestamp()
    got = schedule.parse_at(text, ZoneInfo("UTC"), now)
    assert datetime.fromtimestamp(got, UTC).strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize("text", ["nan", "inf", "-1", "1", "24", "10**3", "in 10**100 days", "1e9", "in 99999 days"])
def test_what_the_parser_is_not_sure_of_is_refused_with_an_example(text: str) -> None:
    """`--at 9` was 2027-09-06, `nan` 2027-08-06, `-1` 2027-01-06, `10**3` 2027-10-03 and `in 10**100
    days` +100 days (issue 10, item 20)."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    now = datetime(2026, 12, 6, 10, 0, tzinfo=UTC).timestamp()
    if text == "1":  # an hour too: 01:00 tomorrow, never January
        assert datetime.fromtimestamp(schedule.parse_at(text, ZoneInfo("UTC"), now), UTC).hour == 1
        return
    with pytest.raises(UsageError, match="--at: .*write it like 'friday 17:00'"):
        schedule.parse_at(text, ZoneInfo("UTC"), now)
