"""One interval's staffing: the queue model, then the occupancy cap, concurrency and shrinkage.

- Live contacts (phone, chat) queue: Erlang C, or Erlang A when an average patience is given.
- Chat agents hold ``concurrency`` conversations at once: the queue model sizes conversation
  slots (AHT is a conversation's length), and agents are the slots divided by concurrency.
- Deferred contacts (email, API) have a response target in hours, not seconds: what matters
  is workload (contacts x AHT), covered at the occupancy cap; nobody queues in real time.
- Shrinkage (breaks, training, meetings, absence) is the share of paid time not available for
  contacts: FTE to schedule = agents on the floor / (1 - shrinkage).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from minidesk.wfm import erlang, erlang_a

HALF_HOUR = 1800


class Mode(StrEnum):
    QUEUE = "queue"  # answered live: service level within seconds
    BACKLOG = "backlog"  # answered later: workload within a response target


# How each channel kind is answered unless the planner says otherwise.
LIVE_CHANNELS = frozenset({"chat", "phone", "voice"})


def mode_for(channel: str | None) -> Mode:
    return Mode.QUEUE if channel in LIVE_CHANNELS else Mode.BACKLOG


@dataclass(frozen=True)
class Demand:
    """What one interval asks of the team, and what the shop promises."""

    volume: float  # contacts arriving in the interval
    aht: float  # average handle time, seconds
    target: float = 0.8  # service-level target (share answered within answer_within)
    answer_within: float = 20.0  # seconds
    interval: int = HALF_HOUR  # seconds
    shrinkage: float = 0.0
    max_occupancy: float = 1.0
    concurrency: int = 1  # conversations an agent holds at once
    patience: float | None = None  # mean seconds before abandoning: Erlang A
    mode: Mode = Mode.QUEUE

    def check(self) -> None:
        if not (math.isfinite(self.volume) and self.volume >= 0):
            raise erlang.ErlangError("the volume must be a number >= 0")
        if self.interval <= 0:
            raise erlang.ErlangError("the interval must be > 0 seconds")
        if not 0 <= self.shrinkage < 1:
            raise erlang.ErlangError("shrinkage must be in [0, 1) (e.g. 0.3)")
        if self.concurrency < 1:
            raise erlang.ErlangError("concurrency must be at least 1")
        if self.patience is not None and not self.patience > 0:
            raise erlang.ErlangError("the average patience must be > 0 seconds")
        erlang.check(self.load, self.aht, self.target, self.answer_within, self.max_occupancy)

    @property
    def load(self) -> float:
        """Offered traffic in erlangs: conversations in progress on average."""
        return self.volume * self.aht / self.interval

    @property
    def workload_hours(self) -> float:
        return self.volume * self.aht / 3600


@dataclass(frozen=True)
class Staffing:
    model: str  # erlang_c, erlang_a or workload
    agents: int  # on the floor (answering) during the interval
    fte: float  # agents / (1 - shrinkage): paid people to schedule for the interval
    load: float  # erlangs
    workload_hours: float
    occupancy: float
    service_level: float | None  # None for backlog work: it has no seconds-level promise
    asa: float | None  # seconds
    wait_probability: float | None
    abandon_rate: float | None  # Erlang A only

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, float):
                data[key] = round(value, 4) if math.isfinite(value) else None
        return data


def staff(demand: Demand) -> Staffing:
    demand.check()
    if demand.mode is Mode.BACKLOG:
        return _backlog(demand, demand.load)
    if demand.patience is None:
        q = erlang.agents_needed(
            demand.load, demand.aht, demand.target, demand.answer_within, demand.max_occupancy
        )
        slots, sl, asa, wait, abandon = q.agents, q.service_level, q.asa, q.wait_probability, None
        model = "erlang_c"
    else:
        a = erlang_a.agents_needed(
            demand.load,
            demand.aht,
            demand.target,
            demand.answer_within,
            demand.patience,
            demand.max_occupancy,
        )
        slots, sl, asa, wait, abandon = (
            a.agents,
            a.service_level,
            a.asa,
            a.wait_probability,
            a.abandon_rate,
        )
        model = "erlang_a"
    agents = math.ceil(slots / demand.concurrency)
    busy = demand.load * (1 - (abandon or 0.0))
    occupancy = busy / (agents * demand.concurrency) if agents else 0.0
    return Staffing(
        model,
        agents,
        _fte(agents, demand.shrinkage),
        demand.load,
        demand.workload_hours,
        occupancy,
        sl,
        asa,
        wait,
        abandon,
    )


def backlog_staffing(demand: Demand, load: float) -> Staffing:
    """Deferred work spread over its response window: ``load`` is the workload (erlangs)
    that must be worked off in this interval to keep every contact within its target."""
    demand.check()
    return _backlog(demand, load)


def _backlog(demand: Demand, load: float) -> Staffing:
    agents = math.ceil(load / demand.max_occupancy / demand.concurrency - 1e-9)
    occupancy = load / (agents * demand.concurrency) if agents else 0.0
    return Staffing(
        "workload",
        agents,
        _fte(agents, demand.shrinkage),
        demand.load,
        demand.workload_hours,
        occupancy,
        None,
        None,
        None,
        None,
    )


def _fte(agents: int, shrinkage: float) -> float:
    return agents / (1 - shrinkage)
