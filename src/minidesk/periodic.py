"""Periodic work that features declare and the job backend runs once a minute.

Two kinds, so that the minute sweep stays short whatever a feature needs:

- a **sweeper** claims its due ``*_due_at`` rows and handles them inline (time-based rules,
  SLA clocks): each call is quick, and it must not wait behind anything slow;
- a **long job** (an intent-model retrain: seconds to a minute) is only *asked* by the sweep
  whether it is due (one cheap query), and if so runs as a job of its own on whichever
  worker takes it. Its ``run`` must claim the work itself (a conditional UPDATE): several
  workers' sweeps may queue it at once, and only one may do it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

Sweeper = Callable[[dt.datetime], int]


@dataclass(frozen=True)
class LongJob:
    name: str
    is_due: Callable[[dt.datetime], bool]
    run: Callable[[dt.datetime], int]


_sweepers: list[Sweeper] = []
_long_jobs: dict[str, LongJob] = {}


def sweeper(fn: Sweeper) -> Sweeper:
    """Register a sweeper: called every minute with the current time, returns the number of
    rows it handled."""
    _sweepers.append(fn)
    return fn


def long_job(name: str, *, is_due: Callable[[dt.datetime], bool]) -> Callable[[Sweeper], Sweeper]:
    """Register ``run`` as long work queued as job ``name`` whenever ``is_due(now)`` says so;
    ``run(now)`` returns the number of things it did (0 if another worker claimed it)."""

    def register(run: Sweeper) -> Sweeper:
        _long_jobs[name] = LongJob(name, is_due, run)
        return run

    return register


def sweepers() -> tuple[Sweeper, ...]:
    return tuple(_sweepers)


def long_jobs() -> dict[str, LongJob]:
    return dict(_long_jobs)
