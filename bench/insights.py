"""KPI dashboard benchmark: ``GET /api/v1/reports/kpis``'s work (``insights.rollup.fast_kpis``)
over N tickets and about 5 events each, spread over a year, on SQLite (default) or PostgreSQL.

Builds a fresh migrated database, bulk-inserts users and teams, the tickets, their events
(created, received, a person's reply, the solve, and one of a second message, an escalation or
a survey answer) and the rollup rows (folded from those same events with ``insights.facts``,
as the listener does; a sample is re-checked against ``rollup.refresh``). Then times four
dashboards, each ``--runs`` times. Prints JSON: per dashboard p50 and max ms, the counts, the
build time and the machine's load average (figures compare only at similar load).

    python bench/insights.py [--tickets 1000000] [--runs 5] [--database-url postgresql://...]
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
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

from sqlalchemy import insert, select  # noqa: E402

from minidesk import db, migrate, settings  # noqa: E402
from minidesk.desk.models import Customer, Team, TeamMember, Ticket, User  # noqa: E402
from minidesk.events import Event  # noqa: E402
from minidesk.insights.facts import EventRow, fold  # noqa: E402
from minidesk.insights.kpis import Dimension, Period  # noqa: E402
from minidesk.insights.rollup import facts_row, fast_kpis, refresh  # noqa: E402
from minidesk.insights.rollup_models import KpiTicketFacts  # noqa: E402

CHUNK = 5_000
AGENTS, TEAMS = 40, 4
CHANNELS = ("email", "chat", "sms", "whatsapp", "api")
INTENTS = tuple(f"intent_{n}" for n in range(12))
END = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
START = END - dt.timedelta(days=365)


def _people(database: db.Database) -> None:
    with database.transaction() as session:
        session.execute(insert(Customer), [{"id": 1, "name": "Bench", "tags": []}])
        session.execute(insert(Team), [{"id": t, "name": f"Team {t}"} for t in range(1, TEAMS + 1)])
        session.execute(insert(User), [
            {"id": a, "email": f"agent{a}@bench.example", "name": f"Agent {a}", "role": "agent",
             "active": True, "created_at": START} for a in range(1, AGENTS + 1)])  # fmt: skip
        session.execute(insert(TeamMember), [
            {"team_id": 1 + a % TEAMS, "user_id": a} for a in range(1, AGENTS + 1)])  # fmt: skip


def _ticket(i: int, rng: random.Random) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    created = START + dt.timedelta(seconds=rng.randrange(365 * 86400))
    agent = rng.randrange(1, AGENTS + 1)
    solved = rng.random() < 0.85
    reply_at = created + dt.timedelta(seconds=rng.randrange(60, 8 * 3600))
    solved_at = reply_at + dt.timedelta(seconds=rng.randrange(60, 2 * 86400))
    ticket = {"id": i, "channel": rng.choice(CHANNELS), "customer_id": 1,
              "status": "solved" if solved else "open", "assignee_id": agent,
              "team_id": 1 + agent % TEAMS, "intent": rng.choice(INTENTS), "custom_fields": {},
              "created_at": created, "updated_at": created,
              "solved_at": solved_at if solved else None}  # fmt: skip

    def event(kind: str, at: dt.datetime, actor: str, data: dict[str, Any]) -> dict[str, Any]:
        return {"kind": kind, "ticket_id": i, "customer_id": 1, "actor_type": actor,
                "actor_name": actor, "automated": False, "data": data, "created_at": at,
                "dispatched_at": at}  # fmt: skip

    events = [
        event("ticket.created", created, "customer", {"channel": ticket["channel"]}),
        event("message.received", created, "customer", {}),
        event("message.sent", reply_at, "user", {"automated": False}),
    ]
    if solved:
        events.append(event("ticket.status_changed", solved_at, "user",
                            {"why": "", "before": "open", "after": "solved"}))  # fmt: skip
    extra = rng.random()
    after = (solved_at if solved else reply_at) + dt.timedelta(minutes=5)
    if extra < 0.06 and solved:
        events.append(event("survey.answered", after, "customer", {
            "survey_id": i, "survey_kind": rng.choice(("csat", "csat", "nps", "ces")),
            "score": rng.randrange(1, 6), "comment": None, "via": "link",
            "previous_score": None}))  # fmt: skip
    elif extra < 0.12:
        events.append(event("ticket.tier_changed", reply_at, "user",
                            {"why": "", "before": 1, "after": 2}))  # fmt: skip
    else:
        events.append(event("message.received", reply_at + dt.timedelta(minutes=1),
                            "customer", {}))  # fmt: skip
    return ticket, events


def build(database: db.Database, tickets: int, seed: int) -> int:
    rng = random.Random(seed)
    _people(database)
    written = 0
    for start in range(1, tickets + 1, CHUNK):
        rows, events, facts = [], [], []
        for i in range(start, min(start + CHUNK, tickets + 1)):
            ticket, its_events = _ticket(i, rng)
            rows.append(ticket)
            events += its_events
            folded = fold(
                EventRow(e["kind"], e["created_at"], e["actor_type"], False, e["data"])
                for e in sorted(its_events, key=lambda e: e["created_at"])
            )
            facts.append(facts_row(i, folded))
        with database.transaction() as session:
            session.execute(insert(Ticket), rows)
            session.execute(insert(Event), events)
            session.execute(insert(KpiTicketFacts), facts)
        written += len(events)
    return written


def _check_sample(database: db.Database, tickets: int) -> None:
    """The generator's rows equal what the listener's refresh writes from the events."""
    sample = random.Random(1).sample(range(1, tickets + 1), min(200, tickets))
    with database.sessions() as session:
        stored = {r.ticket_id: facts_of(r) for r in session.scalars(
            select(KpiTicketFacts).where(KpiTicketFacts.ticket_id.in_(sample)))}  # fmt: skip
    with database.transaction() as session:
        refresh(session, sample)
        session.flush()
        fresh = {r.ticket_id: facts_of(r) for r in session.scalars(
            select(KpiTicketFacts).where(KpiTicketFacts.ticket_id.in_(sample)))}  # fmt: skip
    assert stored == fresh, "bench rows differ from the listener's"


def facts_of(row: KpiTicketFacts) -> dict[str, Any]:
    return {c.name: getattr(row, c.name) for c in KpiTicketFacts.__table__.columns}


DASHBOARDS = {
    "last_30_days_per_day": (30, Period.DAY, Dimension.ALL),
    "last_90_days_per_week_by_agent": (90, Period.WEEK, Dimension.AGENT),
    "year_per_month_by_channel": (365, Period.MONTH, Dimension.CHANNEL),
    "year_per_month_by_intent": (365, Period.MONTH, Dimension.INTENT),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite:///{Path(directory) / 'bench.db'}"
        migrate.upgrade(url)
        secret = "bench-secret-key-of-32-bytes-or-more"
        settings.configure(settings.load_settings(database_url=url, secret_key=secret, demo=True))
        database = db.configure(url)
        started = time.perf_counter()
        events = build(database, args.tickets, args.seed)
        build_s = time.perf_counter() - started
        _check_sample(database, args.tickets)
        results: dict[str, Any] = {}
        for name, (days, period, by) in DASHBOARDS.items():
            since = END - dt.timedelta(days=days)
            timings = []
            with database.sessions() as session:
                for _ in range(args.runs):
                    began = time.perf_counter()
                    rows = fast_kpis(session, since, END, period, by)
                    timings.append((time.perf_counter() - began) * 1000)
            results[name] = {"ms_p50": round(statistics.median(timings), 1),
                             "ms_max": round(max(timings), 1), "rows": len(rows)}  # fmt: skip
        print(json.dumps({
            "database": url.split(":", 1)[0], "tickets": args.tickets, "events": events,
            "build_seconds": round(build_s, 1), "runs": args.runs, "dashboards": results,
            "target_ms": 500, "load_average": [round(x, 2) for x in os.getloadavg()],
        }))  # fmt: skip


if __name__ == "__main__":
    main()
