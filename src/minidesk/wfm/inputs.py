"""What a plan reads from the database: the desk's arrivals, handle times and holidays, over
a window of history that ends today (or at the planned week, if that is in the past)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.desk.workspace import get_workspace
from minidesk.policies.pack import get_pack
from minidesk.wfm.calculator import HALF_HOUR, Mode
from minidesk.wfm.erlang import ErlangError
from minidesk.wfm.handle_time import HandleTime, Source, handle_time, measured_aht_by
from minidesk.wfm.history import Arrivals, GroupBy, Scope, arrivals, arrivals_by, local_start

FOUR_HOURS = 4 * 3600
# A forecast further out is guesswork (and its trend an extrapolation over years).
MAX_DAYS_AWAY = 366


@dataclass(frozen=True)
class Assumptions:
    """What the planner promises and assumes; every field is a query parameter of the API."""

    target: float = 0.8
    answer_within: float = 20.0  # seconds, live channels
    response_within: float = FOUR_HOURS  # seconds, backlog channels (email, API)
    shrinkage: float = 0.3
    max_occupancy: float = 0.85
    concurrency: int = 1
    patience: float | None = None  # seconds: Erlang A
    mode: Mode | None = None  # None: by channel (chat and phone queue, the rest is backlog)
    interval: int = HALF_HOUR
    volume_factor: float = 1.0  # what-if: 1.2 is +20%
    aht_factor: float = 1.0  # what-if: 0.75 is -25%
    aht: float | None = None  # seconds; None: measured, else the configured default
    history_weeks: int = 8

    def check(self) -> None:
        if self.interval not in (900, HALF_HOUR, 3600):
            raise ErlangError("the interval must be 900, 1800 or 3600 seconds")
        if not (self.volume_factor >= 0 and self.aht_factor > 0):
            raise ErlangError("what-if factors must be >= 0 (volume) and > 0 (AHT)")
        if not 1 <= self.history_weeks <= 52:
            raise ErlangError("history_weeks must be between 1 and 52")
        if self.response_within < self.interval:
            raise ErlangError("response_within must be at least one interval")


@dataclass(frozen=True)
class Inputs:
    """Everything the database contributes to a plan."""

    scope: Scope
    week_start: dt.date
    timezone: str
    history: Arrivals
    holidays: tuple[dt.date, ...]
    aht: HandleTime


def next_monday(timezone: str, now: dt.datetime | None = None) -> dt.date:
    today = (now or utcnow()).astimezone(ZoneInfo(timezone)).date()
    return today + dt.timedelta(days=7 - today.weekday())


@dataclass(frozen=True)
class _Window:
    timezone: str
    week_start: dt.date
    first_day: dt.date  # of the history
    days: int
    holidays: tuple[dt.date, ...]

    @property
    def span(self) -> tuple[dt.datetime, dt.datetime]:
        end = self.first_day + dt.timedelta(days=self.days)
        return local_start(self.first_day, self.timezone), local_start(end, self.timezone)


def _window(
    session: Session, assumptions: Assumptions, week_start: dt.date | None, now: dt.datetime | None
) -> _Window:
    """``history_weeks`` weeks up to today (or to the planned week, if it is in the past)."""
    timezone = get_workspace(session).timezone
    today = (now or utcnow()).astimezone(ZoneInfo(timezone)).date()
    week_start = week_start or next_monday(timezone, now)
    if abs((week_start - today).days) > MAX_DAYS_AWAY:
        raise ErlangError(f"plan a week within {MAX_DAYS_AWAY} days of today")
    history_end = min(week_start, today)
    first_day = history_end - dt.timedelta(weeks=assumptions.history_weeks)
    days = (history_end - first_day).days
    return _Window(timezone, week_start, first_day, days, get_pack(session).holidays)


def read_inputs(
    session: Session,
    scope: Scope,
    assumptions: Assumptions,
    default_aht: float,
    week_start: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Inputs:
    """The history behind one plan: arrivals, the pack's holidays and the handle time."""
    w = _window(session, assumptions, week_start, now)
    history = arrivals(session, scope, w.first_day, w.days, assumptions.interval, w.timezone)
    aht = handle_time(session, scope, *w.span, default_aht, assumptions.aht)
    return Inputs(scope, w.week_start, w.timezone, history, w.holidays, aht)


def read_inputs_by(
    session: Session,
    group: GroupBy,
    assumptions: Assumptions,
    default_aht: float,
    week_start: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[Inputs]:
    """``read_inputs`` for every team or channel with tickets in the history, in two reads."""
    w = _window(session, assumptions, week_start, now)
    histories = arrivals_by(session, group, w.first_day, w.days, assumptions.interval, w.timezone)
    measured = {} if assumptions.aht is not None else measured_aht_by(session, group, *w.span)
    inputs = []
    for scope, history in sorted(histories.items(), key=lambda item: str(item[0])):
        if assumptions.aht is not None:
            aht = HandleTime(assumptions.aht, Source.GIVEN, 0)
        elif scope in measured:
            aht = HandleTime(measured[scope][0], Source.MEASURED, measured[scope][1])
        else:
            aht = HandleTime(default_aht, Source.SETTING, 0)
        inputs.append(Inputs(scope, w.week_start, w.timezone, history, w.holidays, aht))
    return inputs
