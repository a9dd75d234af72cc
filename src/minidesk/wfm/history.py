"""The desk's own arrivals: new tickets per local day and interval, net of bot deflection.

A ticket is a contact (a chat of twenty messages is one conversation for an agent, an email
thread's follow-ups too). Tickets the bot resolved on its own (``resolution = auto``) never
reached an agent, so they are counted apart as deflected: staffing plans the rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import ColumnElement, Integer, cast, extract, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from minidesk.desk.models import Ticket
from minidesk.resolutions.models import Resolution

DAY = 86_400
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


def arrivals(
    session: Session, scope: Scope, first_day: dt.date, days: int, interval: int, timezone: str
) -> Arrivals:
    """Tickets created on ``days`` local days from ``first_day``, binned by local interval."""
    if interval % BUCKET:
        raise ValueError(f"the interval must be a multiple of {BUCKET} seconds")
    zone = ZoneInfo(timezone)
    slots = DAY // interval
    start, end = (
        local_start(first_day, timezone),
        local_start(first_day + dt.timedelta(days=days), timezone),
    )
    bucket = _bucket(session, Ticket.created_at)
    deflected_flag = (Ticket.resolution == Resolution.AUTO).label("deflected")
    query = (
        select(bucket, deflected_flag, func.count())
        .where(Ticket.created_at >= start, Ticket.created_at < end)
        .group_by(bucket, deflected_flag)
    )
    if scope.channel is not None:
        query = query.where(Ticket.channel == scope.channel)
    if scope.team_id is not None:
        query = query.where(Ticket.team_id == scope.team_id)
    rows = session.execute(query).all()
    stamps = np.array([float(row[0]) * BUCKET for row in rows])
    auto = np.array([bool(row[1]) for row in rows], dtype=bool)
    count = np.array([row[2] for row in rows], dtype=float)
    # Wall-clock seconds since the first local midnight. On the night the clocks change, an
    # hour folds into its twin, as it does on every clock in the shop.
    local = stamps + _utc_offsets(stamps, zone) - _wall_epoch(first_day)
    day = np.floor_divide(local, DAY).astype(int)
    slot = (np.mod(local, DAY) // interval).astype(int)
    inside = (day >= 0) & (day < days)
    handled = np.zeros((days, slots))
    deflected = np.zeros((days, slots))
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
