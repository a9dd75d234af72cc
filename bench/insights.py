"""Insights dashboards benchmark: every report endpoint over N tickets and about 5 events each,
spread over a year, on SQLite (default) or PostgreSQL, through the HTTP app.

Builds a fresh migrated database and bulk-inserts users and teams, the tickets, their events
(created, received, a person's reply, the solve, and one of a second message, an escalation or
a survey answer), then the rollups with ``rollup.rebuild``, the code of ``minidesk insights
rebuild`` (which a test holds equal to what the listeners keep). Then asks each dashboard
``--runs`` times as a manager and as a lead restricted to one team. Prints JSON: per dashboard
p50 and p99 ms and the p50 of the process's CPU ms (on PostgreSQL the server's is not in it),
the counts, the build and rebuild times and the machine's load average
(figures compare only at similar load).

    python bench/insights.py [--tickets 1000000] [--runs 20] [--database-url postgresql://...]

Given ``--database-url`` of a database a previous run built, it measures that one again
without building (a 1M build takes long: measure before and after a change on the same rows).
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
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from enum import StrEnum  # noqa: E402
from typing import Any  # noqa: E402

from fastapi.testclient import TestClient  # noqa: E402
from psycopg.types.json import Json  # noqa: E402
from sqlalchemy import JSON, func, insert, select, text  # noqa: E402
from sqlalchemy import event as sa_event  # noqa: E402

from minidesk import db, migrate, settings  # noqa: E402
from minidesk.desk.access import Role  # noqa: E402
from minidesk.desk.models import Customer, Team, TeamMember, Ticket, User  # noqa: E402
from minidesk.desk.users import do_add_to_team, do_create_token, do_create_user  # noqa: E402
from minidesk.desk.workspace import get_workspace  # noqa: E402
from minidesk.events import SYSTEM, Event  # noqa: E402
from minidesk.insights.pilot_models import RemediationPilot  # noqa: E402
from minidesk.insights.rollup import rebuild  # noqa: E402

CHUNK = 20_000  # tickets per transaction (about 100,000 events)
SEARCH_TRIGGER = "search_tickets_insert"
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
        _fix_sequences(session)


def _fix_sequences(session: Any) -> None:
    """Rows inserted with explicit ids leave PostgreSQL's sequences behind: move them on."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("customers", "teams", "users", "tickets"):
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))  # fmt: skip


def _readers(database: db.Database) -> dict[str, dict[str, str]]:
    """A manager's and a team lead's API headers; the workspace restricts leads to their teams."""
    with database.transaction() as session:
        workspace = get_workspace(session)
        workspace.restrict_agents_to_teams = True
        session.add(workspace)  # the defaults are not a row until saved
        manager = session.scalar(select(User).where(User.email == "manager@bench.example"))
        lead = session.scalar(select(User).where(User.email == "lead@bench.example"))
        if manager is None or lead is None:  # not a database a previous run built
            manager = do_create_user(session, "manager@bench.example", Role.MANAGER, SYSTEM)
            lead = do_create_user(session, "lead@bench.example", Role.LEAD, SYSTEM)
            do_add_to_team(session, lead, session.get_one(Team, 1), SYSTEM)
        if session.scalar(select(func.count()).select_from(RemediationPilot)) == 0:
            # The root-cause page's pilots: each one two cost-per-contact reads of its windows.
            session.add(RemediationPilot(
                name="bench", intent=INTENTS[0], started_on=(END - dt.timedelta(days=60)).date(),
                ended_on=(END - dt.timedelta(days=31)).date(), baseline_days=90,
                investment=100_000, running_month=0, currency="USD", notes=""))  # fmt: skip
        tokens = {name: do_create_token(session, user, SYSTEM, "bench")[1]
                  for name, user in (("manager", manager), ("lead", lead))}  # fmt: skip
    return {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}


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
    # In time order, as a desk writes them: ids then follow time, as the facts' fold expects.
    return ticket, sorted(events, key=lambda e: e["created_at"])


def _insert(session: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """Bulk rows into ``table``, every column but the scalar defaults added here given: COPY on
    PostgreSQL, several times faster than INSERT; on SQLite the driver's executemany of values
    already in their stored form, converted once per column rather than by SQLAlchemy's bind
    processing of each value."""
    connection = session.connection()
    defaults = {c.name: c.default.arg for c in table.columns if c.name not in rows[0]
                and c.default is not None and c.default.is_scalar}  # fmt: skip
    columns = [*rows[0], *defaults]
    cursor = connection.connection.driver_connection.cursor()
    if connection.dialect.name != "postgresql":
        marks = ", ".join("?" * len(columns))
        stored = [_stored(table.c[c].type) for c in columns]
        cursor.executemany(
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})",
            ([convert(values[c]) if c in values else convert(defaults[c])
              for c, convert in zip(columns, stored, strict=True)] for values in rows),
        )  # fmt: skip
        return
    # Nor triggers: the search index's (``search.ddl``) cost a bulk load of tickets more than
    # everything else and no dashboard reads that index. The transaction's own setting only.
    connection.execute(text("SET LOCAL session_replication_role = replica"))
    with cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            values = {**defaults, **row}
            copy.write_row([Json(values[c]) if isinstance(values[c], dict) else values[c]
                            for c in columns])  # fmt: skip


def _stored(kind: Any) -> Callable[[Any], Any]:
    """A column's values as SQLAlchemy stores them on SQLite: UTC times as text, JSON as text,
    enums as their values."""
    if isinstance(kind, db.UTCDateTime):
        return _text_time
    if isinstance(kind, JSON):
        return json.dumps
    return lambda value: value.value if isinstance(value, StrEnum) else value


def _text_time(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    stamp = str(value.astimezone(dt.UTC).replace(tzinfo=None))
    return stamp if value.microsecond else f"{stamp}.000000"  # ``str`` leaves out zero micros


@contextmanager
def _bulk_load(database: db.Database) -> Iterator[None]:
    """On SQLite, the bench's own build only: no fsync (a crash loses a bench database, not a
    desk's), a larger page cache, the tickets' and events' indexes built after, and the tickets'
    search trigger dropped meanwhile as PostgreSQL's COPY skips it (it stems every subject in
    Python)."""
    if database.engine.dialect.name != "sqlite":
        yield
        return
    with database.engine.begin() as connection:
        trigger = connection.execute(text(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
            {"name": SEARCH_TRIGGER}).scalar_one()  # fmt: skip
        connection.execute(text(f"DROP TRIGGER {SEARCH_TRIGGER}"))
        # The loaded tables' indexes are built once after the load, from sorted rows, rather
        # than kept through a million random inserts each.
        indexes = connection.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('tickets', 'events')")).all()  # fmt: skip
        for name, _ in indexes:
            connection.execute(text(f"DROP INDEX {name}"))
    # Every connection the pool hands out meanwhile (the pragmas are per connection), and
    # none of them after: the pool is emptied, new connections take the desk's own pragmas.
    sa_event.listen(database.engine, "checkout", _fast)
    try:
        yield
    finally:
        sa_event.remove(database.engine, "checkout", _fast)
        database.engine.dispose()
        with database.engine.begin() as connection:
            for _, sql in indexes:
                connection.execute(text(sql))
            connection.execute(text(trigger))


def _fast(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous = OFF")
    cursor.execute("PRAGMA cache_size = -400000")  # KiB: 400 MB
    cursor.close()


def build(database: db.Database, tickets: int, seed: int) -> tuple[int, float]:
    """The tickets and their events in bulk, then the rollups by ``rollup.rebuild`` (what
    ``minidesk insights rebuild`` runs): returns the events written and the rebuild's seconds."""
    rng = random.Random(seed)
    _people(database)
    written = 0
    with _bulk_load(database):
        for start in range(1, tickets + 1, CHUNK):
            rows, events = [], []
            for i in range(start, min(start + CHUNK, tickets + 1)):
                ticket, its_events = _ticket(i, rng)
                rows.append(ticket)
                events += its_events
            with database.transaction() as session:
                _insert(session, Ticket.__table__, rows)
                _insert(session, Event.__table__, events)
            written += len(events)
    # The planner's statistics for the bulk rows, before the rebuild reads them: without,
    # PostgreSQL read the 5M events in a parallel scan for each chunk of tickets folded.
    analyze(database)
    started = time.perf_counter()
    with database.transaction() as session:
        rebuild(session)
        _fix_sequences(session)
    rebuild_s = time.perf_counter() - started
    analyze(database)  # and for the rollups' rows
    return written, rebuild_s


def analyze(database: db.Database) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def _cases() -> dict[str, tuple[str, dict[str, str]]]:
    end = (END - dt.timedelta(days=1)).date()

    def since(days: int) -> str:
        return (end - dt.timedelta(days=days - 1)).isoformat()

    kpis = "/api/v1/reports/kpis"
    return {
        "kpis_30_days_per_day": (kpis, {"from": since(30), "to": str(end)}),
        "kpis_90_days_per_week_by_agent": (
            kpis, {"from": since(90), "to": str(end), "group_by": "week", "by": "agent"}),
        "kpis_year_per_month_by_channel": (
            kpis, {"from": since(365), "to": str(end), "group_by": "month", "by": "channel"}),
        "kpis_year_per_day_by_intent": (
            kpis, {"from": since(365), "to": str(end), "group_by": "day", "by": "intent"}),
        "kpis_year_per_week_by_team_csv": (
            kpis, {"from": since(365), "to": str(end), "group_by": "week", "by": "team",
                   "format": "csv"}),
        "root_causes_30_days": ("/api/v1/reports/root-causes", {"from": since(30), "to": str(end)}),
        "root_causes_year": ("/api/v1/reports/root-causes", {"from": since(365), "to": str(end)}),
        "experiments_year": ("/api/v1/reports/experiments",
                             {"template": "shipping", "from": since(365), "to": str(end)}),
        # The operations dashboard's that these rows feed (bench/ops_reports.py has the rest).
        "backlog_now_by_team": ("/api/v1/reports/backlog",
                                {"at": END.isoformat(), "by": "team"}),
        "backlog_30_days_ago_by_agent": (
            "/api/v1/reports/backlog",
            {"at": (END - dt.timedelta(days=30)).isoformat(), "by": "agent"}),
        "intents_90_days": ("/api/v1/reports/intents", {"from": since(90), "to": str(end)}),
        "cost_per_contact_90_days_by_team": ("/api/v1/reports/cost-per-contact",
                                             {"from": since(90), "to": str(end), "by": "team"}),
        "cost_per_contact_year_by_intent": ("/api/v1/reports/cost-per-contact",
                                            {"from": since(365), "to": str(end), "by": "intent"}),
        "pilots_payback": ("/api/v1/reports/pilots", {}),
        "repeat_contacts_90_days_per_week": (
            "/api/v1/reports/repeat-contacts",
            {"from": since(90), "to": str(end), "group_by": "week"}),
    }  # fmt: skip


def _timed(client: TestClient, headers: dict[str, str], path: str, params: dict[str, str],
           runs: int) -> dict[str, Any]:  # fmt: skip
    took, cpu = [], []
    for _ in range(runs + 1):  # the first warms the caches and is not counted
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(path, params=params, headers=headers)
        took.append((time.perf_counter() - began) * 1000)
        # The app runs in this process (and SQLite in its thread): the process's CPU time is
        # the request's whole cost, which a loaded machine stretches far less than the wall.
        cpu.append((time.process_time() - began_cpu) * 1000)
        assert response.status_code == 200, response.text
    took, cpu = sorted(took[1:]), sorted(cpu[1:])
    return {"ms_p50": round(took[len(took) // 2], 1),
            "ms_p99": round(took[min(len(took) - 1, int(len(took) * 0.99))], 1),
            "cpu_ms_p50": round(cpu[len(cpu) // 2], 1), "bytes": len(response.content)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--database-url", default=None,
                        help="a database to build into (when empty) or to measure again")
    parser.add_argument("--only", default="", help="comma-separated dashboard names")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite:///{Path(directory) / 'bench.db'}"
        migrate.upgrade(url)
        current = settings.configure(settings.load_settings(
            database_url=url, secret_key="bench-secret-key-of-32-bytes-or-more",
            queue_url="memory://", workers=0))  # fmt: skip
        database = db.configure(url)
        with database.sessions() as session:
            built = session.scalar(select(func.count()).select_from(Ticket))
        started = time.perf_counter()
        if built:
            # A database a previous run built (``--database-url``): measured as it is.
            events, rebuild_s, build_s = None, None, None
        else:
            events, rebuild_s = build(database, args.tickets, args.seed)
            build_s = round(time.perf_counter() - started, 1)
            rebuild_s = round(rebuild_s, 1)
        readers = _readers(database)
        from minidesk.web.app import create_app

        wanted = set(filter(None, args.only.split(",")))
        results: dict[str, Any] = {}
        with TestClient(create_app(current, embedded_workers=0)) as client:
            for name, (path, params) in _cases().items():
                if wanted and name not in wanted:
                    continue
                results[name] = {reader: _timed(client, headers, path, params, args.runs)
                                 for reader, headers in readers.items()}  # fmt: skip
        print(json.dumps({
            "database": url.split(":", 1)[0], "tickets": built or args.tickets, "events": events,
            "build_seconds": build_s, "rebuild_seconds": rebuild_s, "runs": args.runs,
            "dashboards": results,
            "target_ms": 500, "load_average": [round(x, 2) for x in os.getloadavg()],
        }))  # fmt: skip


if __name__ == "__main__":
    main()
