"""A channel's business hours, stored inline on its row: weekly opening times in a timezone,
and holidays (explicit dates, and a country's public holidays from the ``holidays`` library).
Auto-replies ask ``is_open``; SLA clocks count business time with ``minidesk.sla.clock``. No
hours means always open."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

if TYPE_CHECKING:
    import holidays as holiday_calendars

MAX_INTERVALS_PER_DAY = 4
MAX_HOLIDAYS = 100


class Weekday(StrEnum):
    # Python's own order (Monday is 0), so ``Weekday.of(date)`` is an index.
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @classmethod
    def of(cls, day: dt.date) -> Weekday:
        return list(cls)[day.weekday()]


class Interval(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: dt.time
    end: dt.time

    @model_validator(mode="after")
    def _ordered(self) -> Interval:
        if self.end <= self.start:
            raise ValueError(f"an opening interval must end after it starts ({self.start})")
        return self


class BusinessHours(BaseModel):
    model_config = ConfigDict(extra="forbid")
    timezone: str = "UTC"
    week: dict[Weekday, list[Interval]] = Field(default_factory=dict)
    holidays: list[dt.date] = Field(default_factory=list, max_length=MAX_HOLIDAYS)
    # Public holidays of a country (ISO 3166 alpha-2, e.g. "GB") and optionally one of its
    # regions ("ENG"), on top of the explicit dates above.
    country: str | None = Field(None, min_length=2, max_length=3)
    region: str | None = Field(None, min_length=1, max_length=10)

    @model_validator(mode="after")
    def _known_country(self) -> BusinessHours:
        if self.country is None and self.region is None:
            return self
        # Imported only for a calendar that names a country: every country's rules are
        # some 10 MB of a process's memory, which most desks never use.
        import holidays as holiday_calendars

        supported = holiday_calendars.list_supported_countries()
        if self.country is not None and self.country not in supported:
            raise ValueError(f"unknown holiday country {self.country!r} (ISO code like GB)")
        if self.region is not None:
            if self.country is None:
                raise ValueError("a holiday region needs its country")
            if self.region not in supported[self.country]:
                regions = ", ".join(supported[self.country]) or "none"
                raise ValueError(
                    f"unknown region {self.region!r} of {self.country} (known: {regions})"
                )
        return self

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown timezone {value!r} (an IANA name like Europe/Paris)"
            ) from None
        return value

    @field_validator("week")
    @classmethod
    def _few_intervals(cls, value: dict[Weekday, list[Interval]]) -> dict[Weekday, list[Interval]]:
        if any(len(intervals) > MAX_INTERVALS_PER_DAY for intervals in value.values()):
            raise ValueError(f"at most {MAX_INTERVALS_PER_DAY} opening intervals a day")
        return value

    def is_holiday(self, day: dt.date) -> bool:
        if day in self.holidays:
            return True
        return self.country is not None and day in _public_holidays(self.country, self.region)

    def is_open(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.timezone))
        if self.is_holiday(local.date()):
            return False
        now = local.time().replace(tzinfo=None)
        return any(i.start <= now < i.end for i in self.week.get(Weekday.of(local.date()), []))


@cache
def _public_holidays(country: str, region: str | None) -> holiday_calendars.HolidayBase:
    # One object per calendar: it computes each year's holidays once, when first asked.
    import holidays as holiday_calendars

    return holiday_calendars.country_holidays(country, subdiv=region)
