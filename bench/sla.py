"""SLA timer tick benchmark, on SQLite: one ``sla.sweeper.fire_due`` call with N open tickets
(each with a first response and a resolution timer) of which D are past due.

Builds a fresh migrated database, bulk-inserts the tickets and timers, then runs ``--ticks``
sweeps, after one unmeasured tick and ``gc.freeze()`` (as a running worker has them); before
each one the same D timers are made due again (their claims cleared), so every tick claims D
breaches, emits D ``sla.breached`` events and commits. Prints JSON: tick ms p50 and p99 (wall
clock), the same in this process's CPU time (SQLite runs in-process, so this is the tick's own
work: on a shared machine the wall clock mostly measures the neighbours), an idle tick's
(nothing due) p50, the counts, and the machine's load average (wall-clock figures are only
comparable at similar load).

    python bench/sla.py [--tickets 100000] [--due 1000] [--ticks 15]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ comes first on sys.path and bench/email.py would shadow the standard
# library's ``email`` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402 (the sys.path fix above must run first)
import datetime as dt  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from sqlalchemy import insert, update  # noqa: E402

from minidesk import db, migrate, settings  # noqa: E402
from minidesk.desk.models import Customer, Ticket  # noqa: E402
from minidesk.sla.models import SlaTimer  # noqa: E402
from minidesk.sla.sweeper import fire_due  # noqa: E402

CHUNK = 10_000


def build(database: db.Database, tickets: int, due: int, now: dt.datetime) -> None:
    later = now + dt.timedelta(days=3)
    past = now - dt.timedelta(minutes=5)
    with database.transaction() as session:
        session.execute(insert(Customer), [{"id": 1, "name": "Bench", "tags": []}])
        for start in range(1, tickets + 1, CHUNK):
            ids = range(start, min(start + CHUNK, tickets + 1))
            session.execute(
                insert(Ticket),
                [
                    {"id": i, "channel": "email", "customer_id": 1, "status": "open",
                     "custom_fields": {}, "created_at": now, "updated_at": now}
                    for i in ids
                ],
            )  # fmt: skip
            session.execute(
                insert(SlaTimer),
                [
                    {"ticket_id": i, "metric": metric, "target_seconds": 3600,
                     "business": False, "started_at": now,
                     "due_at": past if (metric == "first_response" and i <= due) else later,
                     "warn_at": None}
                    for i in ids
                    for metric in ("first_response", "resolution")
                ],
            )  # fmt: skip


def rearm(database: db.Database, due: int) -> None:
    with database.transaction() as session:
        session.execute(
            update(SlaTimer)
            .where(SlaTimer.ticket_id <= due, SlaTimer.metric == "first_response")
            .values(breached_at=None)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--ticks", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.db'}"
        migrate.upgrade(url)
        settings.configure(
            settings.load_settings(
                database_url=url, secret_key="bench-secret-key-of-32-bytes-or-more", demo=True
            )
        )
        database = db.configure(url)
        now = db.utcnow()
        build(database, args.tickets, args.due, now)
        # As in ``minidesk worker``: a tick has run before (imports done, statements compiled)
        # and start-up objects are frozen out of the collector's passes (``gc.freeze``).
        rearm(database, args.due)
        fire_due(now)
        gc.freeze()
        timings, cpu, fired = [], [], []
        for _ in range(args.ticks):
            rearm(database, args.due)
            started, started_cpu = time.perf_counter(), time.process_time()
            fired.append(fire_due(now))
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        timings.sort()
        cpu.sort()
        # A tick with nothing due: what every minute costs between bursts.
        idle = []
        for _ in range(args.ticks):
            started = time.perf_counter()
            fire_due(now)
            idle.append((time.perf_counter() - started) * 1000)
        print(
            json.dumps(
                {
                    "open_tickets": args.tickets,
                    "due_per_tick": args.due,
                    "ticks": args.ticks,
                    "breaches_per_tick": sorted(set(fired)),
                    "tick_ms_p50": round(statistics.median(timings), 1),
                    "tick_ms_p99": round(
                        timings[min(len(timings) - 1, int(0.99 * len(timings)))], 1
                    ),
                    "tick_cpu_ms_p50": round(statistics.median(cpu), 1),
                    "tick_cpu_ms_p99": round(cpu[min(len(cpu) - 1, int(0.99 * len(cpu)))], 1),
                    "idle_tick_ms_p50": round(statistics.median(idle), 2),
                    "target_ms": 100,
                    "load_average": [round(x, 2) for x in os.getloadavg()],
                }
            )
        )


if __name__ == "__main__":
    main()
