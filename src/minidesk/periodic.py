"""Periodic work that features declare in their manifests (``minidesk.features``) and the
job backend runs once a minute.

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

# Called every minute with the current time; returns the number of rows it handled.
Sweeper = Callable[[dt.datetime], int]


@dataclass(frozen=True)
class LongJob:
    """Long work queued as job ``name`` whenever ``is_due(now)`` says so; ``run(now)`` returns
    the number of things it did (0 if another worker claimed it)."""

    name: str
    is_due: Callable[[dt.datetime], bool]
    run: Callable[[dt.datetime], int]
