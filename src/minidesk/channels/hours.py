"""A channel's business hours, stored inline on its row: weekly opening times in a timezone,
and holidays. SLA clocks and auto-replies ask ``is_open``; no hours means always open."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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

    def is_open(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.timezone))
        if local.date() in self.holidays:
            return False
        now = local.time().replace(tzinfo=None)
        return any(i.start <= now < i.end for i in self.week.get(Weekday.of(local.date()), []))
