"""Operations dashboard benchmark: the reports of ``/insights/operations`` (backlog age, top
intents, tag completion, repeat contacts, handle time; docs/metrics.md) over N tickets created over
90 days, on SQLite (default) or PostgreSQL.

Builds a fresh migrated database and bulk-inserts the rows those reports read: tickets (85%
solved), their ``ticket.created`` and status-change events (a tenth reopened and solved
again), their KPI rollup rows (first solves), tags on about 60% of them, one to three
visits' handle time by the assignee on the day each ticket was created, and customers
with a skewed number of tickets (a few contact often, like a business account). Then times
each report ``--runs`` times and prints JSON: per report p50 and max wall ms and p50 CPU ms of
the process, the counts, the build time and the machine's load average (figures compare only at
similar load). Given ``--database-url`` of a database a previous run built, it measures that one
again without building; ``--only`` names the reports to time.

    python bench/ops_reports.py [--tickets 100000] [--runs 5] [--database-url postgresql://...]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ comes first on sys.path and bench/email.py would shadow the standard
# library's ``email`` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402 (the sys.path fix above must run first)
import datetime as dt  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from minidesk import db, migrate, settings  # noqa: E402
from minidesk.desk.models import Customer, Ticket, TicketTag  # noqa: E402
from minidesk.events import Event  # noqa: E402
from minidesk.insights.backlog import backlog  # noqa: E402
from minidesk.insights.backlog_counts import backlog_counts  # noqa: E402
from minidesk.insights.handle_time import fast_handle_time, handle_time  # noqa: E402
from minidesk.insights.intent_mix import intent_mix  # noqa: E402
from minidesk.insights.kpis import Dimension, Period  # noqa: E402
from minidesk.insights.occupancy import occupancy  # noqa: E402
from minidesk.insights.repeats import fast_repeat_contacts, repeat_contacts  # noqa: E402
from minidesk.insights.rollup import rebuild  # noqa: E402
from minidesk.insights.tagging import fast_tag_completion, tag_completion  # noqa: E402
from minidesk.insights.work_models import WorkTime  # noqa: E402

# The dashboards benchmark's people, bulk inserts and sequences (bench/insights.py), loaded
# from its file: bench/ is not on sys.path (see above).
_spec = importlib.util.spec_from_file_location("insights_bench",
                                               Path(__file__).with_name("insights.py"))  # fmt: skip
assert _spec is not None and _spec.loader is not None
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

CHUNK, AGENTS, TEAMS, CHANNELS, END = base.CHUNK, base.AGENTS, base.TEAMS, base.CHANNELS, base.END
INTENTS = tuple(f"intent_{n}" for n in range(30))
DAYS = 90
START = END - dt.timedelta(days=DAYS)


def _people(database: db.Database, customers: int) -> None:
    """The dashboards benchmark's agents and teams, and customer 1; then the other customers."""
    base._people(database)
    with database.transaction() as session:
        for first in range(2, customers + 1, CHUNK):
            base._insert(session, Customer.__table__, [
                # created_at given: PostgreSQL's COPY applies no Python-side default.
                {"id": c, "name": f"Customer {c}", "tags": [], "created_at": START}
                for c in range(first, min(first + CHUNK, customers + 1))])  # fmt: skip
        base._fix_sequences(session)


def _ticket(i: int, customers: int, rng: random.Random) -> tuple[dict[str, Any], list[Any], bool]:
    created = START + dt.timedelta(seconds=rng.randrange(DAYS * 86400))
    agent = rng.randrange(1, AGENTS + 1)
    solved_at = created + dt.timedelta(seconds=rng.randrange(600, 3 * 86400))
    solved = rng.random() < 0.85 and solved_at < END
    # Zipf-like intents and customers: the head of each distribution does most of the volume.
    intent = INTENTS[min(int(rng.paretovariate(1.2)) - 1, len(INTENTS) - 1)]
    customer = min(int(rng.paretovariate(0.8)), customers)
    ticket = {"id": i, "channel": rng.choice(CHANNELS), "customer_id": customer,
              "status": "solved" if solved else "open", "assignee_id": agent,
              "team_id": 1 + agent % TEAMS, "intent": intent, "custom_fields": {},
              "created_at": created, "updated_at": created,
              "solved_at": solved_at if solved else None}  # fmt: skip

    def event(kind: str, at: dt.datetime, data: dict[str, Any]) -> dict[str, Any]:
        return {"kind": kind, "ticket_id": i, "customer_id": customer, "actor_type": "user",
                "actor_name": "bench", "automated": False, "data": data, "created_at": at,
                "dispatched_at": at}  # fmt: skip

    events = [event("ticket.created", created, {"channel": ticket["channel"]})]
    if solved:
        first = created + (solved_at - created) / 2 if rng.random() < 0.1 else solved_at
        if first != solved_at:
            events.append(event("ticket.status_changed", first,
                                {"why": "", "before": "open", "after": "solved"}))  # fmt: skip
            events.append(event("ticket.status_changed", first + dt.timedelta(minutes=5),
                                {"why": "", "before": "solved", "after": "open"}))  # fmt: skip
        events.append(event("ticket.status_changed", solved_at,
                            {"why": "", "before": "open", "after": "solved"}))  # fmt: skip
    return ticket, events, rng.random() < 0.6


def _work(ticket: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    """The assignee's visits of the ticket page on its first day, 30 s to 15 min each."""
    return [{"user_id": ticket["assignee_id"], "ticket_id": ticket["id"],
             "visit": f"bench-{ticket['id']}-{n}", "day": ticket["created_at"].date(),
             "seconds": rng.randrange(30, 900), "last_beat_at": ticket["created_at"]}
            for n in range(rng.randrange(1, 4))]  # fmt: skip


def build(database: db.Database, tickets: int, seed: int) -> int:
    rng = random.Random(seed)
    customers = max(1, tickets // 3)
    _people(database, customers)
    written = 0
    for start in range(1, tickets + 1, CHUNK):
        rows, events, tags, work = [], [], [], []
        for i in range(start, min(start + CHUNK, tickets + 1)):
            ticket, its_events, tagged = _ticket(i, customers, rng)
            rows.append(ticket)
            events += its_events
            work += _work(ticket, rng)
            if tagged:
                tags.append({"ticket_id": i, "tag": "bench"})
        with database.transaction() as session:
            for table, table_rows in ((Ticket, rows), (Event, events), (WorkTime, work),
                                      (TicketTag, tags)):  # fmt: skip
                if table_rows:
                    base._insert(session, table.__table__, table_rows)
        written += len(events)
    # The KPI rollup's rows (first solves), as ``minidesk insights rebuild`` folds them, on
    # the planner's statistics for the bulk rows.
    base.analyze(database)
    with database.transaction() as session:
        rebuild(session)
        base._fix_sequences(session)
    base.analyze(database)
    return written


REPORTS: dict[str, Callable[[Session], Any]] = {
    # The dashboard's (counted in the database) and the drill-down's (ticket by ticket).
    "backlog_now_by_team": lambda s: backlog_counts(s, END, Dimension.TEAM),
    "backlog_a_month_ago_by_agent": lambda s: backlog_counts(s, END - dt.timedelta(days=30),
                                                             Dimension.AGENT),
    "backlog_full_now_by_team": lambda s: backlog(s, END, Dimension.TEAM),
    "intents_90_days": lambda s: intent_mix(s, START, END),
    # The dashboard's (from the rollups) and the drill-down's (every solved ticket's tags).
    "tag_completion_90_days_per_week_by_agent": lambda s: fast_tag_completion(
        s, START, END, Period.WEEK, Dimension.AGENT),
    "tag_completion_full_90_days_per_week_by_agent": lambda s: tag_completion(
        s, START, END, Period.WEEK, Dimension.AGENT),
    # The dashboard's (from each solve's kept gap) and the drill-down's (customers' tickets).
    "repeat_contacts_90_days_per_week_7_days": lambda s: fast_repeat_contacts(
        s, START, END, Period.WEEK, Dimension.ALL, dt.timedelta(days=7), now=END),
    "repeat_contacts_full_90_days_per_week_7_days": lambda s: repeat_contacts(
        s, START, END, Period.WEEK, Dimension.ALL, dt.timedelta(days=7), now=END),
    # The dashboard's (kpi_work_days summed) and the drill-down's (every work row).
    "handle_time_90_days_by_agent": lambda s: fast_handle_time(
        s, START.date(), (END - dt.timedelta(days=1)).date(), Dimension.AGENT),
    "handle_time_90_days_by_intent": lambda s: fast_handle_time(
        s, START.date(), (END - dt.timedelta(days=1)).date(), Dimension.INTENT),
    # Handle time per agent from the work rows over presence time (no presence events here).
    "occupancy_90_days": lambda s: occupancy(s, START.date(), (END - dt.timedelta(days=1)).date()),
    "handle_time_full_90_days_by_agent": lambda s: handle_time(
        s, START.date(), (END - dt.timedelta(days=1)).date(), Dimension.AGENT),
    "handle_time_full_90_days_by_intent": lambda s: handle_time(
        s, START.date(), (END - dt.timedelta(days=1)).date(), Dimension.INTENT),
}  # fmt: skip


def arguments(description: str) -> argparse.Namespace:
    """The options every operations-report bench takes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--database-url",
        default=None,
        help="a database to build into (when empty) or to measure again",
    )
    parser.add_argument("--only", default="", help="comma-separated report names")
    return parser.parse_args()


def open_database(directory: str, database_url: str | None) -> tuple[str, db.Database]:
    """A migrated database and its URL: ``database_url``, or a scratch SQLite file in
    ``directory``."""
    url = database_url or f"sqlite:///{Path(directory) / 'bench.db'}"
    migrate.upgrade(url)
    secret = "bench-secret-key-of-32-bytes-or-more"
    settings.configure(settings.load_settings(database_url=url, secret_key=secret, demo=True))
    return url, db.configure(url)


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    with tempfile.TemporaryDirectory() as directory:
        url, database = open_database(directory, args.database_url)
        with database.sessions() as session:
            built = session.scalar(select(func.count()).select_from(Ticket))
        started = time.perf_counter()
        # A database a previous run built (``--database-url``) is measured as it is.
        events = None if built else build(database, args.tickets, args.seed)
        build_s = None if built else round(time.perf_counter() - started, 1)
        wanted = set(filter(None, args.only.split(",")))
        results: dict[str, Any] = {}
        for name, report in REPORTS.items():
            if wanted and name not in wanted:
                continue
            timings, cpu = [], []
            with database.sessions() as session:
                for _ in range(args.runs):
                    # In process (and SQLite in this thread): the process's CPU time is the
                    # report's cost, which a loaded machine stretches far less than the wall.
                    began, began_cpu = time.perf_counter(), time.process_time()
                    answer = report(session)
                    timings.append((time.perf_counter() - began) * 1000)
                    cpu.append((time.process_time() - began_cpu) * 1000)
            size = len(answer["items"]) if isinstance(answer, dict) else len(answer)
            results[name] = {"ms_p50": round(statistics.median(timings), 1),
                             "ms_max": round(max(timings), 1),
                             "cpu_ms_p50": round(statistics.median(cpu), 1),
                             "rows": size}  # fmt: skip
        print(json.dumps({
            "database": url.split(":", 1)[0], "tickets": built or args.tickets, "events": events,
            "build_seconds": build_s, "runs": args.runs, "reports": results,
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }))  # fmt: skip


if __name__ == "__main__":
    main()
