"""The desk's own arrivals: new tickets per local day and interval, net of bot deflection.

A ticket is a contact (a chat of twenty messages is one conversation for an agent, an email
thread's follow-ups too). Tickets the bot resolved on its own (``resolution = auto``) never
reached an agent, so they are counted apart as deflected: staffing plans the rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import ColumnElement, Integer, Select, cast, extract, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from minidesk.desk.models import Ticket
from minidesk.resolutions.models import Resolution

DAY = 86_400
# (UTC quarter hour since the epoch, closed by the bot, tickets): a row the database counted.
Count = tuple[Any, Any, Any]
BUCKET = 900  # seconds


@dataclass(frozen=True)
class Scope:
    """Whose traffic: one channel kind, one team, or (None) all."""

    channel: str | None = None
    team_id: int | None = None


@dataclass(frozen=True)
class Arrivals:
    first_day: dt.date  # local date of row 0
    interval: int  # seconds
    handled: NDArray[np.float64]  # days x intervals: contacts that needed an agent
    deflected: NDArray[np.float64]  # days x intervals: closed by the bot alone

    @property
    def deflection_rate(self) -> float | None:
        total = float(self.handled.sum() + self.deflected.sum())
        return float(self.deflected.sum()) / total if total else None


def local_start(day: dt.date, timezone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(timezone)).astimezone(dt.UTC)


class GroupBy(StrEnum):
    TEAM = "team"
    CHANNEL = "channel"


def arrivals(
    session: Session, scope: Scope, first_day: dt.date, days: int, interval: int, timezone: str
) -> Arrivals:
    """Tickets created on ``days`` local days from ``first_day``, binned by local interval."""
    query = _counts(session, first_day, days, interval, timezone)
    if scope.channel is not None:
        query = query.where(Ticket.channel == scope.channel)
    if scope.team_id is not None:
        query = query.where(Ticket.team_id == scope.team_id)
    rows = [(row[0], row[1], row[2]) for row in session.execute(query)]
    return _bin(rows, first_day, days, interval, timezone)


def arrivals_by(
    session: Session, group: GroupBy, first_day: dt.date, days: int, interval: int, timezone: str
) -> dict[Scope, Arrivals]:
    """``arrivals`` of every team (tickets of no team are nobody's) or channel, in one read."""
    column: InstrumentedAttribute[Any] = Ticket.team_id if group is GroupBy.TEAM else Ticket.channel
    query = _counts(session, first_day, days, interval, timezone)
    query = query.add_columns(column).group_by(column).where(column.is_not(None))
    split: dict[Scope, list[Count]] = {}
    for row in session.execute(query):
        values: tuple[Any, ...] = tuple(row)  # add_columns(): typed as the first three
        bucket, auto, count, key = values
        scope = Scope(team_id=key) if group is GroupBy.TEAM else Scope(channel=key)
        split.setdefault(scope, []).append((bucket, auto, count))
    return {scope: _bin(rows, first_day, days, interval, timezone) for scope, rows in split.items()}


def _counts(
    session: Session, first_day: dt.date, days: int, interval: int, timezone: str
) -> Select[int, bool | None, int]:
    if interval % BUCKET:
        raise ValueError(f"the interval must be a multiple of {BUCKET} seconds")
    start = local_start(first_day, timezone)
    end = local_start(first_day + dt.timedelta(days=days), timezone)
    bucket = _bucket(session, Ticket.created_at)
    deflected = (Ticket.resolution == Resolution.AUTO).label("deflected")
    return (
        select(bucket, deflected, func.count())
        .where(Ticket.created_at >= start, Ticket.created_at < end)
        .group_by(bucket, deflected)
    )


def _bin(
    rows: list[Count],
    first_day: dt.date,
    days: int,
    interval: int,
    timezone: str,
) -> Arrivals:
    """(UTC quarter hour, deflected, count) rows into local days x intervals."""
    stamps = np.array([float(row[0]) * BUCKET for row in rows])
    auto = np.array([bool(row[1]) for row in rows], dtype=bool)
    count = np.array([row[2] for row in rows], dtype=float)
    # Wall-clock seconds since the first local midnight. On the night the clocks change, an
    # hour folds into its twin, as it does on every clock in the shop.
    local = stamps + _utc_offsets(stamps, ZoneInfo(timezone)) - _wall_epoch(first_day)
    day = np.floor_divide(local, DAY).astype(int)
    slot = (np.mod(local, DAY) // interval).astype(int)
    inside = (day >= 0) & (day < days)
    handled = np.zeros((days, DAY // interval))
    deflected = np.zeros((days, DAY // interval))
    mine = inside & ~auto
    np.add.at(handled, (day[mine], slot[mine]), count[mine])
    mine = inside & auto
    np.add.at(deflected, (day[mine], slot[mine]), count[mine])
    return Arrivals(first_day, interval, handled, deflected)


def _bucket(session: Session, column: InstrumentedAttribute[dt.datetime]) -> ColumnElement[int]:
    """The quarter hour of UTC a time falls in, counted by the database (a quarter's tickets
    come back as a few thousand counts, not one row each). Every time zone is a whole number
    of quarter hours from UTC, so local half hours and hours are unions of these."""
    epoch = extract("epoch", column)
    if session.get_bind().dialect.name == "sqlite":
        return cast(epoch, Integer) // BUCKET  # strftime('%s'): whole seconds already
    return cast(func.floor(epoch / BUCKET), Integer)


def _utc_offsets(stamps: NDArray[np.float64], zone: ZoneInfo) -> NDArray[np.float64]:
    """The zone's UTC offset at each instant, looked up once per hour of UTC (zones change
    offset on the hour): thousands of lookups for a quarter's tickets, not one per ticket."""
    hours = np.floor_divide(stamps, 3600).astype(np.int64)
    unique, inverse = np.unique(hours, return_inverse=True)
    offsets = np.array(
        [_offset(dt.datetime.fromtimestamp(int(h) * 3600, dt.UTC), zone) for h in unique]
    )
    return offsets[inverse] if len(unique) else np.zeros(0)


def _offset(moment: dt.datetime, zone: ZoneInfo) -> float:
    delta = moment.astimezone(zone).utcoffset()
    return delta.total_seconds() if delta is not None else 0.0


def _wall_epoch(day: dt.date) -> float:
    """``day``'s local midnight as wall-clock seconds on the same scale as local stamps."""
    return float((day - dt.date(1970, 1, 1)).days * DAY)
