"""Business-time arithmetic, as a table: one row per situation a support lead will meet.

The office is London, Monday to Friday 09:00-17:00, with England's public holidays and
Christmas Eve as a company holiday. Times in the table are London wall-clock times, so a row
reads the way a person would check it; the DST rows say which offset applies."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from minidesk.channels.hours import BusinessHours
from minidesk.sla.clock import ClockError, Pause, add, elapsed

LONDON = ZoneInfo("Europe/London")
HOUR = 3600
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]

OFFICE = BusinessHours.model_validate(
    {
        "timezone": "Europe/London",
        "week": {day: [{"start": "09:00", "end": "17:00"}] for day in WEEKDAYS},
        "holidays": ["2026-12-24"],
        "country": "GB",
        "region": "ENG",
    }
)
# Open every night 00:00-06:00: the hours in which the clocks change.
NIGHTS = BusinessHours.model_validate(
    {
        "timezone": "Europe/London",
        "week": {day: [{"start": "00:00", "end": "06:00"}] for day in [*WEEKDAYS, "sat", "sun"]},
    }
)


def at(text: str) -> dt.datetime:
    """A London wall-clock time, ``"2026-03-02 10:00"``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


def pause(start: str, end: str | None) -> Pause:
    return at(start), at(end) if end else None


ADD_CASES = [
    # (story, calendar, start, seconds, pauses, due)
    ("within the day", OFFICE, "2026-03-02 10:00", HOUR, [], "2026-03-02 11:00"),
    ("over the night", OFFICE, "2026-03-02 16:30", HOUR, [], "2026-03-03 09:30"),
    ("over the weekend", OFFICE, "2026-03-06 16:00", 2 * HOUR, [], "2026-03-09 10:00"),
    ("sent on Saturday", OFFICE, "2026-03-07 12:00", 1800, [], "2026-03-09 09:30"),
    (
        "Easter: Good Friday and Easter Monday",
        OFFICE,
        "2026-04-02 16:00",
        2 * HOUR,
        [],
        "2026-04-07 10:00",
    ),
    (
        "Christmas: company holiday, bank holidays, observed Boxing Day",
        OFFICE,
        "2026-12-23 16:00",
        2 * HOUR,
        [],
        "2026-12-29 10:00",
    ),
    (
        "spring forward over the weekend: same wall clock",
        OFFICE,
        "2026-03-27 16:00",
        2 * HOUR,
        [],
        "2026-03-30 10:00",
    ),
    (
        "fall back over the weekend: same wall clock",
        OFFICE,
        "2026-10-23 16:00",
        2 * HOUR,
        [],
        "2026-10-26 10:00",
    ),
    ("seven business days", OFFICE, "2026-03-02 09:00", 56 * HOUR, [], "2026-03-10 17:00"),
    ("runs out exactly at closing time", OFFICE, "2026-03-02 16:00", HOUR, [], "2026-03-02 17:00"),
    (
        "one second more is the next morning",
        OFFICE,
        "2026-03-02 16:00",
        HOUR + 1,
        [],
        "2026-03-03 09:00:01",
    ),
    (
        "spring night is five real hours",
        NIGHTS,
        "2026-03-29 00:00",
        5 * HOUR,
        [],
        "2026-03-29 06:00",
    ),
    (
        "spring night, half an hour more",
        NIGHTS,
        "2026-03-29 00:00",
        5.5 * HOUR,
        [],
        "2026-03-30 00:30",
    ),
    (
        "autumn night is seven real hours",
        NIGHTS,
        "2026-10-25 00:00",
        7 * HOUR,
        [],
        "2026-10-25 06:00",
    ),
    ("calendar time across spring forward", None, "2026-03-29 00:30", HOUR, [], "2026-03-29 02:30"),
    (
        "calendar time across fall back: three real hours",
        None,
        "2026-10-25 00:30",
        3 * HOUR,
        [],
        "2026-10-25 02:30",
    ),
    (
        "paused an hour mid-morning",
        OFFICE,
        "2026-03-02 10:00",
        2 * HOUR,
        [pause("2026-03-02 10:30", "2026-03-02 11:30")],
        "2026-03-02 13:00",
    ),
    (
        "paused over closing time",
        OFFICE,
        "2026-03-02 16:00",
        2 * HOUR,
        [pause("2026-03-02 16:30", "2026-03-03 10:00")],
        "2026-03-03 11:30",
    ),
    (
        "paused while closed costs nothing",
        OFFICE,
        "2026-03-02 16:00",
        2 * HOUR,
        [pause("2026-03-02 18:00", "2026-03-03 08:00")],
        "2026-03-03 10:00",
    ),
    (
        "two pauses",
        None,
        "2026-03-02 10:00",
        HOUR,
        [
            pause("2026-03-02 10:10", "2026-03-02 10:20"),
            pause("2026-03-02 10:30", "2026-03-02 11:00"),
        ],
        "2026-03-02 11:40",
    ),
]


@pytest.mark.parametrize(
    ("story", "hours", "start", "seconds", "pauses", "due"),
    ADD_CASES,
    ids=[case[0] for case in ADD_CASES],
)
def test_add(
    story: str,
    hours: BusinessHours | None,
    start: str,
    seconds: float,
    pauses: list[Pause],
    due: str,
) -> None:
    result = add(hours, at(start), seconds, pauses)
    assert result == at(due), f"{story}: {result.astimezone(LONDON)}"
    assert result.tzinfo is not None and result.utcoffset() == dt.timedelta(0)
    # And back: the business time between the two is the target (round trip).
    assert elapsed(hours, at(start), result, pauses) == pytest.approx(seconds)


ELAPSED_CASES = [
    ("a weekend counts for nothing", OFFICE, "2026-03-06 16:00", "2026-03-09 10:00", [], 2 * HOUR),
    (
        "an open pause stops the count",
        OFFICE,
        "2026-03-02 09:00",
        "2026-03-04 09:00",
        [pause("2026-03-02 12:00", None)],
        3 * HOUR,
    ),
    ("end before start", OFFICE, "2026-03-02 12:00", "2026-03-02 11:00", [], 0),
    (
        "the fall-back night is 7 hours",
        NIGHTS,
        "2026-10-25 00:00",
        "2026-10-25 12:00",
        [],
        7 * HOUR,
    ),
]


@pytest.mark.parametrize(
    ("story", "hours", "start", "end", "pauses", "seconds"),
    ELAPSED_CASES,
    ids=[case[0] for case in ELAPSED_CASES],
)
def test_elapsed(
    story: str,
    hours: BusinessHours | None,
    start: str,
    end: str,
    pauses: list[Pause],
    seconds: float,
) -> None:
    assert elapsed(hours, at(start), at(end), pauses) == seconds, story


def test_a_calendar_that_never_opens_is_an_error_not_a_hang() -> None:
    closed = BusinessHours(timezone="Europe/London")
    with pytest.raises(ClockError):
        add(closed, at("2026-03-02 10:00"), HOUR)


def test_an_unknown_holiday_region_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown region 'XX' of GB"):
        BusinessHours.model_validate({"country": "GB", "region": "XX"})
