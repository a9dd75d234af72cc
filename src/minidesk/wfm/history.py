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
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket
from minidesk.resolutions.models import Resolution

DAY = 86_400


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
    zone = ZoneInfo(timezone)
    slots = DAY // interval
    start, end = (
        local_start(first_day, timezone),
        local_start(first_day + dt.timedelta(days=days), timezone),
    )
    query = select(Ticket.created_at, Ticket.resolution).where(
        Ticket.created_at >= start, Ticket.created_at < end
    )
    if scope.channel is not None:
        query = query.where(Ticket.channel == scope.channel)
    if scope.team_id is not None:
        query = query.where(Ticket.team_id == scope.team_id)
    handled = np.zeros((days, slots))
    deflected = np.zeros((days, slots))
    for created_at, resolution in session.execute(query):
        local = created_at.astimezone(zone)
        day = (local.date() - first_day).days
        # Wall-clock seconds: on the night the clocks change, an hour folds into its twin.
        slot = (local.hour * 3600 + local.minute * 60 + local.second) // interval
        if 0 <= day < days:
            target = deflected if resolution == Resolution.AUTO else handled
            target[day, slot] += 1
    return Arrivals(first_day, interval, handled, deflected)
