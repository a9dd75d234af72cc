"""Days as the shop counts them: local dates in the workspace's timezone, business days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo


def local_date(moment: dt.datetime, timezone: str) -> dt.date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def local_midnight(moment: dt.datetime, timezone: str) -> dt.datetime:
    """The start (aware UTC) of ``moment``'s local day: when daily budgets reset."""
    zone = ZoneInfo(timezone)
    day = moment.astimezone(zone).date()
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)


def business_days_late(promised: dt.date, today: dt.date, holidays: Iterable[dt.date] = ()) -> int:
    """Weekdays strictly after ``promised`` up to and including ``today``, holidays excluded."""
    skip = set(holidays)
    count = 0
    day = promised + dt.timedelta(days=1)
    while day <= today:
        if day.weekday() < 5 and day not in skip:
            count += 1
        day += dt.timedelta(days=1)
    return count


def first_day_late_by(
    promised: dt.date, business_days: int, holidays: Iterable[dt.date] = ()
) -> dt.date:
    """The first day on which ``promised`` is ``business_days`` business days late: the
    inverse of ``business_days_late`` (``business_days`` ≥ 1)."""
    skip = set(holidays)
    day, count = promised, 0
    while count < business_days:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in skip:
            count += 1
    return day


def show_date(day: dt.date) -> str:
    """'Thu 12 June': how a customer reads a date (no ISO, no ambiguous 06/12)."""
    return f"{day:%a} {day.day} {day:%B}"
