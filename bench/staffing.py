"""Staffing benchmark: a week's plan, per half hour, for ten teams.

Builds a fresh SQLite database with ``--weeks`` weeks of tickets for ten teams (five chat
teams answered live, five email teams worked as backlog; each with its own volume, weekday and
intraday shape, growth and a share the bot closes alone), then times, ``--runs`` times:

- ``compute``: the forecast and staffing of all ten plans from histories already read
  (3,360 intervals: what a what-if costs);
- ``end_to_end``: the same with the database reads, all teams at once (``/staffing/plans``:
  one grouped count of arrivals, one pass over the agents' events);
- ``end_to_end_per_team``: ten ``/staffing/plan`` reads, one team each;
- ``erlang_a``: compute again with the chat teams' callers abandoning (patience 120 s).

    python bench/staffing.py [--weeks 8] [--daily 300] [--runs 5]

Prints JSON with the median and every run, in seconds.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ comes first on sys.path and bench/email.py would shadow the standard
# library's ``email`` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402 (the sys.path fix above must run first)
import datetime as dt  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from minidesk import db, migrate  # noqa: E402
from minidesk.db import utcnow  # noqa: E402
from minidesk.desk.models import Customer, Team, Ticket  # noqa: E402
from minidesk.wfm.history import GroupBy, Scope  # noqa: E402
from minidesk.wfm.inputs import Assumptions, Inputs, read_inputs, read_inputs_by  # noqa: E402
from minidesk.wfm.plan import build_plan  # noqa: E402

TEAMS = 10
SLOTS = 48


def seed(database: db.Database, weeks: int, daily: int) -> list[Scope]:
    rng = np.random.default_rng(16)
    today = utcnow().date()
    scopes = []
    with database.transaction() as session:
        customer = Customer(name="bench")
        session.add(customer)
        teams = [Team(name=f"team {n}") for n in range(TEAMS)]
        session.add_all(teams)
        session.flush()
        rows = []
        for n, team in enumerate(teams):
            channel = "chat" if n < TEAMS // 2 else "email"
            scopes.append(Scope(channel=channel, team_id=team.id))
            peak = rng.uniform(18, 30)  # half hour of the daily peak
            shape = np.exp(-(((np.arange(SLOTS) - peak) / rng.uniform(4, 8)) ** 2))
            shape /= shape.sum()
            weekday = rng.uniform(0.4, 1.3, 7)
            volume = daily * rng.uniform(0.3, 1.7)
            for back in range(weeks * 7, 0, -1):
                day = today - dt.timedelta(days=back)
                level = volume * (1 + 0.01 * (weeks * 7 - back) / 7) * weekday[day.weekday()]
                counts = rng.poisson(level * shape)
                midnight = dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)
                for slot in np.nonzero(counts)[0]:
                    for k in range(counts[slot]):
                        at = midnight + dt.timedelta(seconds=1800 * int(slot) + 7 * k)
                        rows.append(
                            {
                                "channel": channel,
                                "customer_id": customer.id,
                                "team_id": team.id,
                                "created_at": at,
                                "resolution": "auto" if k % 9 == 8 else None,
                                "subject": "",
                                "status": "new",
                                "priority": "P3",
                                "tier": 1,
                                "custom_fields": {},
                                "turns": 0,
                                "updated_at": at,
                            }
                        )
        session.execute(insert(Ticket), rows)
    return scopes


def timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--daily", type=int, default=300, help="mean tickets a team a day")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        database = db.configure(url)
        started = time.perf_counter()
        scopes = seed(database, args.weeks, args.daily)
        seeded = time.perf_counter() - started
        assumptions = Assumptions(history_weeks=args.weeks)
        impatient = Assumptions(history_weeks=args.weeks, patience=120)

        def read() -> list[Inputs]:
            with database.sessions() as session:
                return [read_inputs(session, s, assumptions, 360.0) for s in scopes]

        inputs = read()

        def compute(which: Assumptions = assumptions) -> None:
            for one in inputs:
                build_plan(one, which)

        def end_to_end() -> None:
            with database.sessions() as session:
                everyone = read_inputs_by(session, GroupBy.TEAM, assumptions, 360.0)
            assert len(everyone) == TEAMS
            for one in everyone:
                build_plan(one, assumptions)

        def end_to_end_per_team() -> None:
            for one in read():
                build_plan(one, assumptions)

        results = {
            "compute": [timed(compute) for _ in range(args.runs)],
            "end_to_end": [timed(end_to_end) for _ in range(args.runs)],
            "end_to_end_per_team": [timed(end_to_end_per_team) for _ in range(args.runs)],
            "erlang_a": [timed(lambda: compute(impatient)) for _ in range(args.runs)],
        }
        plans = [build_plan(one, assumptions).to_json() for one in inputs]
        print(
            json.dumps(
                {
                    "teams": TEAMS,
                    "intervals": sum(len(p["intervals"]) for p in plans),
                    "history_tickets": int(
                        sum(
                            one.history.handled.sum() + one.history.deflected.sum()
                            for one in inputs
                        )
                    ),
                    "seed_seconds": round(seeded, 1),
                    "peak_agents": [p["totals"]["peak_agents"] for p in plans],
                    "mape": [p["accuracy"]["mape"] for p in plans],
                    **{
                        name: {
                            "median_s": round(statistics.median(runs), 4),
                            "runs_s": [round(r, 4) for r in runs],
                        }
                        for name, runs in results.items()
                    },
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
