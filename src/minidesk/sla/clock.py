"""Business-time arithmetic: add N business seconds to an instant, or count the business
seconds between two instants, within a calendar (``channels.hours.BusinessHours``: weekly
hours in a time zone, explicit holidays, a country's public holidays), minus paused spans.

Every opening interval is built in local time and converted to UTC on its own day, so a
day that springs forward is an hour shorter and one that falls back an hour longer, and a
target that spans weekends and holidays simply skips them. ``None`` hours mean calendar time:
every second counts (an hour is always 3,600 real seconds, whatever the clocks on the wall).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from zoneinfo import ZoneInfo

from minidesk.channels.hours import BusinessHours, Weekday

UTC = dt.UTC
# A calendar that is never open would make ``add`` search forever: give up after this long.
HORIZON_DAYS = 3 * 366
_FOREVER = dt.datetime.max.replace(tzinfo=UTC) - dt.timedelta(days=2)

# A paused span (ticket pending or on hold): from, and until (None: still paused).
Pause = tuple[dt.datetime, dt.datetime | None]


class ClockError(ValueError):
    """The calendar opens nowhere within the horizon (no weekly hours, or all holidays)."""


def _open_spans(
    hours: BusinessHours | None, start: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The calendar's open spans in UTC, in order, from ``start`` on (the first one clipped)."""
    if hours is None:
        yield start, _FOREVER
        return
    zone = ZoneInfo(hours.timezone)
    # Intervals never cross midnight, so the local day of ``start`` is the first that counts.
    day = start.astimezone(zone).date()
    for _ in range(HORIZON_DAYS):
        if not hours.is_holiday(day):
            for interval in hours.week.get(Weekday.of(day), []):
                begin = dt.datetime.combine(day, interval.start, zone).astimezone(UTC)
                end = dt.datetime.combine(day, interval.end, zone).astimezone(UTC)
                if end > start:
                    yield max(begin, start), end
        day += dt.timedelta(days=1)
    raise ClockError(f"the calendar has no opening hours within {HORIZON_DAYS} days")


def _minus_pauses(
    spans: Iterable[tuple[dt.datetime, dt.datetime]], pauses: Sequence[Pause]
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    ordered = sorted((a, b or _FOREVER) for a, b in pauses)
    for begin, end in spans:
        cursor = begin
        for pause_from, pause_until in ordered:
            if pause_until <= cursor or pause_from >= end:
                continue
            if pause_from > cursor:
                yield cursor, pause_from
            cursor = max(cursor, pause_until)
            if cursor >= end:
                break
        if cursor >= _FOREVER:
            return  # paused until further notice: nothing after this counts
        if cursor < end:
            yield cursor, end


def spans(
    hours: BusinessHours | None, start: dt.datetime, pauses: Sequence[Pause] = ()
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The spans that count from ``start`` on: open, and not paused."""
    return _minus_pauses(_open_spans(hours, start.astimezone(UTC)), pauses)


def add(
    hours: BusinessHours | None, start: dt.datetime, seconds: float, pauses: Sequence[Pause] = ()
) -> dt.datetime:
    """The instant at which ``seconds`` of counted time have passed since ``start``.

    A target that runs out exactly at closing time is due at closing time, not at the next
    opening: "breached" means the clock read past the target, and at 17:00 it had not."""
    remaining = dt.timedelta(seconds=seconds)
    for begin, end in spans(hours, start, pauses):
        if remaining <= end - begin:
            return begin + remaining
        remaining -= end - begin
    raise ClockError("the calendar closes for good before the target is reached")


def elapsed(
    hours: BusinessHours | None,
    start: dt.datetime,
    end: dt.datetime,
    pauses: Sequence[Pause] = (),
) -> float:
    """Seconds of counted time between ``start`` and ``end`` (0 if ``end`` is not later)."""
    end = end.astimezone(UTC)
    total = dt.timedelta()
    if end <= start:
        return 0.0
    for begin, finish in spans(hours, start, pauses):
        if begin >= end:
            break
        total += min(finish, end) - begin
    return total.total_seconds()
