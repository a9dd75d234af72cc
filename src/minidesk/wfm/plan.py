"""A week's staffing plan for one channel or team: forecast each interval, then staff it.

Pure arithmetic on what ``minidesk.wfm.inputs`` read from the database, so a what-if (volume
+20%, AHT -25%) is the same call with a factor and costs no query.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from minidesk.wfm import forecast as fc
from minidesk.wfm.calculator import Demand, Mode, Staffing, backlog_staffing, mode_for
from minidesk.wfm.calculator import staff as staff_interval
from minidesk.wfm.history import DAY
from minidesk.wfm.inputs import Assumptions, Inputs


@dataclass
class WeekPlan:
    inputs: Inputs
    assumptions: Assumptions
    mode: Mode
    forecast: fc.Forecast
    accuracy: fc.Accuracy | None
    intervals: list[dt.datetime]
    staffing: list[Staffing] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        a, i = self.assumptions, self.inputs
        volume = self.forecast.volume.ravel()
        agents = [s.agents for s in self.staffing]
        hours = a.interval / 3600
        return {
            "scope": {"channel": i.scope.channel, "team_id": i.scope.team_id},
            "week_start": i.week_start.isoformat(),
            "timezone": i.timezone,
            "interval_seconds": a.interval,
            "mode": self.mode,
            "model": self.staffing[0].model if self.staffing else None,
            "assumptions": {k: v for k, v in asdict(a).items() if k not in ("aht",)},
            "aht": {
                "seconds": round(i.aht.seconds * a.aht_factor, 1),
                "base_seconds": round(i.aht.seconds, 1),
                "source": i.aht.source,
                "tickets": i.aht.tickets,
            },
            "history": {
                "from": i.history.first_day.isoformat(),
                "days": int(i.history.handled.shape[0]),
                "handled": int(i.history.handled.sum()),
                "deflected": int(i.history.deflected.sum()),
                "deflection_rate": _round(i.history.deflection_rate),
            },
            "forecast": {
                "trend_per_week": round(self.forecast.trend_per_week, 2),
                "weekday_index": [round(x, 3) for x in self.forecast.weekday_index],
                "holidays": [d.isoformat() for d in self.forecast.holidays],
                "holiday_factor": _round(self.forecast.holiday_factor),
            },
            "accuracy": None
            if self.accuracy is None
            else {
                "held_out_from": self.accuracy.held_out_from.isoformat(),
                "mape": _round(self.accuracy.mape),
                "wape": _round(self.accuracy.wape),
                "actual": round(self.accuracy.actual, 1),
                "forecast": round(self.accuracy.forecast, 1),
            },
            "intervals": [t.isoformat() for t in self.intervals],
            "series": {
                "volume": [round(float(v), 2) for v in volume],
                "agents": agents,
                "fte": [round(s.fte, 2) for s in self.staffing],
                "service_level": [_round(s.service_level) for s in self.staffing],
                "asa": [_round(s.asa, 1) for s in self.staffing],
                "occupancy": [round(s.occupancy, 4) for s in self.staffing],
                "abandon_rate": [_round(s.abandon_rate) for s in self.staffing],
            },
            "totals": {
                "volume": round(float(volume.sum()), 1),
                "agent_hours": round(sum(agents) * hours, 1),
                "fte_hours": round(sum(s.fte for s in self.staffing) * hours, 1),
                "peak_agents": max(agents, default=0),
                "workload_hours": round(sum(s.workload_hours for s in self.staffing), 1),
            },
        }


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, digits)


def build_plan(inputs: Inputs, assumptions: Assumptions) -> WeekPlan:
    """Forecast the week, apply the what-ifs, staff every interval."""
    assumptions.check()
    history = inputs.history
    gap = (inputs.week_start - history.first_day).days - history.handled.shape[0]
    ahead = fc.forecast(history.handled, history.first_day, inputs.holidays, days=gap + fc.WEEK)
    week = replace(
        ahead, first_day=inputs.week_start, volume=ahead.volume[gap:] * assumptions.volume_factor
    )
    accuracy = fc.backtest(history.handled, history.first_day, inputs.holidays)
    mode = assumptions.mode or mode_for(inputs.scope.channel)
    aht = inputs.aht.seconds * assumptions.aht_factor
    plan = WeekPlan(
        inputs,
        assumptions,
        mode,
        week,
        accuracy,
        _interval_starts(inputs.week_start, inputs.timezone, assumptions.interval),
    )
    volume = week.volume.ravel()
    base = Demand(
        volume=0.0,
        aht=aht,
        target=assumptions.target,
        answer_within=assumptions.answer_within,
        interval=assumptions.interval,
        shrinkage=assumptions.shrinkage,
        max_occupancy=assumptions.max_occupancy,
        concurrency=assumptions.concurrency,
        patience=assumptions.patience,
        mode=mode,
    )
    if mode is Mode.BACKLOG:
        loads = _backlog_loads(volume, aht, assumptions)
        plan.staffing = [
            backlog_staffing(replace(base, volume=float(v)), float(load))
            for v, load in zip(volume, loads, strict=True)
        ]
    else:
        plan.staffing = [staff_interval(replace(base, volume=float(v))) for v in volume]
    return plan


def _backlog_loads(
    volume: NDArray[np.float64], aht: float, assumptions: Assumptions
) -> NDArray[np.float64]:
    """Erlangs of deferred work per interval: what arrived within the last response window,
    spread evenly over it, so each contact is answered within ``response_within``. The week
    wraps round (Sunday night's mail is worked on Monday morning)."""
    window = max(1, int(assumptions.response_within // assumptions.interval))
    work = volume * aht / assumptions.interval
    padded = np.concatenate((work[-(window - 1) :] if window > 1 else work[:0], work))
    return np.convolve(padded, np.ones(window) / window, mode="valid")


def _interval_starts(week_start: dt.date, timezone: str, interval: int) -> list[dt.datetime]:
    """Local wall-clock starts of every interval of the week (what a planner reads)."""
    zone = ZoneInfo(timezone)
    slots = DAY // interval
    return [
        dt.datetime.combine(week_start + dt.timedelta(days=d), dt.time(0), tzinfo=zone)
        + dt.timedelta(seconds=s * interval)
        for d in range(fc.WEEK)
        for s in range(slots)
    ]
