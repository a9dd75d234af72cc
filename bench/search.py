"""Full-text search speed at scale: tickets and customers, SQLite or PostgreSQL.

Builds ``--tickets`` tickets (two messages each, ten tickets per customer; a tenth of them in
Spanish and a twentieth in German) with bulk Core inserts, then builds the search indexes the
way migration 0026 does on an existing desk (backfill), and times ``GET /api/v1/tickets?q=``,
``GET /api/v1/search`` and ``GET /api/v1/customers?q=`` in-process (FastAPI's test client, so
no network) for:
- a common term (in about 30% of tickets), a rare one (about 1 in 10,000), a term in none;
- a phrase, a prefix, an exclusion, and a search combined with status, channel, customer and
  date filters;
- customers by a common first name and by an exact address.

    python bench/search.py [--tickets 100000] [--requests 200] [--rounds 3]
                           [--database-url URL [--reuse]] [--only CASE ...]

``--database-url`` must name an empty database (PostgreSQL: ``postgresql://...``; SQLite:
``sqlite:////path``, kept after the run); without it a SQLite file in a temporary directory
is used. ``--reuse`` times the desk an earlier run built there, without building. Each case is
timed in ``--rounds`` turns; prints one JSON object: the build times, the index sizes, the load
average, and per case the medians over the turns of p50/p99 (ms), of this process's CPU and,
for a PostgreSQL server on this machine, of the server's CPU (``server_cpu_*``).
"""

from __future__ import annotations

import sys
from pathlib import Path

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

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import Connection, Engine, func, insert, make_url, select, text  # noqa: E402

from minidesk import db, migrate, settings  # noqa: E402
from minidesk.desk.models import (  # noqa: E402
    Customer,
    CustomerIdentity,
    Message,
    Role,
    Ticket,
    User,
)
from minidesk.desk.users import do_create_token, do_create_user  # noqa: E402
from minidesk.events import SYSTEM  # noqa: E402
from minidesk.search import ddl  # noqa: E402

BATCH = 10_000
FIRST = ["Ana", "Ben", "Chloé", "Dmitri", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas"]
LAST = ["Garcia", "Müller", "Smith", "Dubois", "Rossi", "Novak", "Kim", "Silva", "Berg", "Lee"]
FILLER = [
    *[
        "please",
        "help",
        "me",
        "with",
        "this",
        "as",
        "soon",
        "as",
        "possible",
        "thanks",
        "again",
        "for",
        "your",
        "quick",
        "answer",
    ],
    *[
        "the",
        "package",
        "box",
        "item",
        "colour",
        "size",
        "shop",
        "website",
        "account",
        "email",
        "phone",
    ],
]
TEXTS = {
    "en": [
        "my order is late",
        "where is my parcel",
        "I want a refund for the jacket",
        "the refunded amount is wrong",
        "late delivery again",
        "change my address",
    ],
    "es": ["quiero una devolución del pedido", "mi pedido llega tarde", "cambiar la dirección"],
    "de": ["bitte um Rückerstattung", "meine Bestellung ist verspätet", "Adresse ändern"],
}
STATUSES = ["solved"] * 6 + ["open", "open", "pending", "new"]
CHANNELS = ["email"] * 6 + ["chat", "chat", "sms", "whatsapp"]


def _language(n: int) -> str:
    return "es" if n % 10 == 3 else "de" if n % 20 == 7 else "en"


def _text(rng: random.Random, n: int, k: int) -> str:
    language = _language(n)
    words = rng.choices(FILLER, k=12)
    words.insert(rng.randrange(len(words)), rng.choice(TEXTS[language]))
    if language == "en" and k == 0 and rng.random() < 0.3:
        words.append("order")  # the common term: about 30% of tickets with the sentences above
    if k == 0:
        # An order number: every real thread vocabulary has a long tail of words in one
        # ticket (numbers, names, products), which is what the planner's statistics see.
        words.append(f"#{rng.randrange(10**8)}")
    if n % 10_000 == 4_321 and k == 0:
        words.append("warranty")  # the rare term
    return " ".join(words)


def seed(connection: Connection, tickets: int, agent_id: int) -> None:
    rng = random.Random(7)
    start_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    customers = max(1, tickets // 10)
    for lo in range(0, customers, BATCH):
        rows = [
            {
                "name": f"{FIRST[i % 10]} {LAST[(i // 10) % 10]}",
                "email": f"c{i}@example.com",
                "created_at": start_at,
            }
            for i in range(lo, min(lo + BATCH, customers))
        ]
        connection.execute(insert(Customer), rows)
    ids = connection.execute(select(Customer.id).order_by(Customer.id)).scalars().all()
    for lo in range(0, len(ids), BATCH):
        connection.execute(
            insert(CustomerIdentity),
            [
                {
                    "customer_id": cid,
                    "kind": "email",
                    "value": f"c{i}@example.com",
                    "verified": True,
                }
                for i, cid in enumerate(ids[lo : lo + BATCH], start=lo)
            ],
        )
    for lo in range(0, tickets, BATCH):
        rows = []
        for n in range(lo, min(lo + BATCH, tickets)):
            created = start_at + dt.timedelta(minutes=n)
            rows.append(
                {
                    "subject": rng.choice(TEXTS[_language(n)]).capitalize(),
                    "status": rng.choice(STATUSES),
                    "priority": rng.choice(["P2", "P3", "P3", "P4"]),
                    "channel": rng.choice(CHANNELS),
                    "customer_id": ids[n % len(ids)],
                    "assignee_id": agent_id if n % 5 == 0 else None,
                    "language": _language(n),
                    "created_at": created,
                    "updated_at": created,
                }
            )
        inserted = connection.execute(
            insert(Ticket).returning(Ticket.id, Ticket.customer_id), rows
        ).all()
        messages = [
            {
                "ticket_id": tid,
                "customer_id": cid if k == 0 else None,
                "direction": "inbound" if k == 0 else "outbound",
                "channel": "email",
                "text": _text(rng, lo + j, k),
                "created_at": start_at,
            }
            for j, (tid, cid) in enumerate(inserted)
            for k in range(2)
        ]
        connection.execute(insert(Message), messages)


def index_bytes(connection: Connection, path: Path | None) -> dict[str, int]:
    if connection.dialect.name == "postgresql":
        sizes = {}
        for name in ("search_tickets", "search_customers"):
            query = text("SELECT pg_total_relation_size(CAST(:n AS regclass))")
            sizes[name] = int(connection.execute(query, {"n": name}).scalar_one())
        return sizes
    assert path is not None
    # dbstat: the pages of each FTS5 table and its shadow tables.
    pages = (
        connection.execute(
            text(
                "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_tickets%'"
                " UNION ALL SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_customers%'"
            )
        )
        .scalars()
        .all()
    )
    return {
        "search_tickets": int(pages[0] or 0),
        "search_customers": int(pages[1] or 0),
        "database_file": path.stat().st_size,
    }


class ServerClock:
    """The CPU time (ms) the PostgreSQL backends serving this database have used, from the
    kernel's scheduler statistics (``/proc/<pid>/schedstat``, in nanoseconds) of a server on
    this machine: what a search costs the server, less the waits a loaded machine adds.
    Its own connection (which asks for the backends) is not counted."""

    def __init__(self, engine: Engine) -> None:
        self.connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        self.own = self.connection.execute(text("SELECT pg_backend_pid()")).scalar_one()

    def __call__(self) -> float:
        pids = self.connection.execute(
            text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> :own"
            ),
            {"own": self.own},
        ).scalars()
        total = 0
        for pid in pids:
            try:
                total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                continue  # a backend that ended in between
        return total / 1e6

    @classmethod
    def of(cls, engine: Engine) -> ServerClock | None:
        if engine.dialect.name != "postgresql":
            return None
        clock = cls(engine)
        if not Path(f"/proc/{clock.own}/schedstat").exists():  # a server on another machine
            clock.connection.close()
            return None
        return clock


def timed(
    client: TestClient,
    headers: dict[str, str],
    path: str,
    params: dict[str, Any],
    requests: int,
    server: ServerClock | None = None,
) -> dict[str, Any]:
    took = []
    cpu = []
    served = []
    hits = 0
    for _ in range(requests):
        start_server = server() if server else 0.0
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(path, params=params, headers=headers)
        took.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        if server:
            served.append(server() - start_server)
        assert response.status_code == 200, response.text
        hits = len(response.json()["items"])
    return {
        "p50_ms": _percentile(took, 0.5),
        "p99_ms": _percentile(took, 0.99),
        # This process's CPU (the request, and SQLite's work; not PostgreSQL's): what the
        # search costs, less the waiting a loaded machine adds.
        "cpu_p50_ms": _percentile(cpu, 0.5),
        # PostgreSQL's CPU for the request (a server on this machine only).
        **(
            {
                "server_cpu_p50_ms": _percentile(served, 0.5),
                "server_cpu_p99_ms": _percentile(served, 0.99),
            }
            if served
            else {}
        ),
        "page_hits": hits,
    }


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * fraction))], 2)


def cases(customer_id: int, tickets_made: int) -> dict[str, tuple[str, dict[str, Any]]]:
    tickets = "/api/v1/tickets"
    # The newer half of the tickets (one is opened a minute from 2026-01-01).
    after = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=tickets_made // 2)
    return {
        "list_without_q": (tickets, {}),  # the route's own cost, for comparison
        "common_term": (tickets, {"q": "order"}),
        "rare_term": (tickets, {"q": "warranty"}),
        "zero_hits": (tickets, {"q": "xylophone"}),
        "phrase": (tickets, {"q": '"late delivery"'}),
        "prefix": (tickets, {"q": "refun*"}),
        "exclusion": (tickets, {"q": "refund -jacket"}),
        "stemmed_spanish": (tickets, {"q": "devoluciones"}),
        "combined_filters": (
            tickets,
            {
                "q": "refund",
                "status": "open",
                "channel": "email",
                "created_after": after.isoformat(),
            },
        ),
        "customer_filter": (tickets, {"q": "late", "customer": customer_id}),
        "search_api_snippets": ("/api/v1/search", {"q": "parcel"}),
        "customers_common_name": ("/api/v1/customers", {"q": "emma"}),
        "customers_exact_email": ("/api/v1/customers", {"q": f"c{tickets_made // 20}@example.com"}),
    }


def rounds_of(
    client: TestClient,
    headers: dict[str, str],
    chosen: dict[str, Any],
    requests: int,
    rounds: int,
    server: ServerClock | None = None,
) -> dict[str, Any]:
    """Each case timed in ``rounds`` turns (every case once per turn, so a burst of load on the
    machine hits all cases alike); a case's figures are the medians of its rounds."""
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in chosen}
    for route, params in chosen.values():
        timed(client, headers, route, params, 5)  # warm the caches
    for _ in range(rounds):
        for name, (route, params) in chosen.items():
            runs[name].append(timed(client, headers, route, params, requests, server))
    return {
        name: {
            "p50_ms": statistics.median(r["p50_ms"] for r in taken),
            "p99_ms": statistics.median(r["p99_ms"] for r in taken),
            "cpu_p50_ms": statistics.median(r["cpu_p50_ms"] for r in taken),
            **{
                key: statistics.median(r[key] for r in taken)
                for key in ("server_cpu_p50_ms", "server_cpu_p99_ms")
                if key in taken[0]
            },
            "page_hits": taken[-1]["page_hits"],
            "rounds_p99_ms": [r["p99_ms"] for r in taken],
        }
        for name, taken in runs.items()
    }


def build(database: db.Database, tickets: int) -> dict[str, Any]:
    """The desk's rows, then its search indexes, as an import into an existing desk would."""
    with database.transaction() as session:
        agent = do_create_user(session, "agent@bench.example", Role.MANAGER, SYSTEM)
        agent_id = agent.id
    started = time.perf_counter()
    with database.engine.begin() as connection:
        ddl.drop(connection)  # built after the rows, as 0026 does on an existing desk
        seed(connection, tickets, agent_id)
    seeded = time.perf_counter() - started
    started = time.perf_counter()
    with database.engine.begin() as connection:
        ddl.create(connection)
    if database.engine.dialect.name == "postgresql":
        # Statistics for the planner and a visibility map for index-only scans, as after any
        # bulk load (VACUUM runs outside a transaction).
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE"))
    return {"seed_s": round(seeded, 1), "index_build_s": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the desk a previous run built at --database-url (no build)",
    )
    parser.add_argument("--only", nargs="*", default=None, help="case names to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        path = None if url.startswith("postgresql") else Path(make_url(url).database or "")
        current = settings.configure(
            settings.load_settings(
                database_url=url, secret_key="b" * 32, queue_url="memory://", workers=0
            )
        )
        if not args.reuse:
            migrate.upgrade(url)
        database = db.configure(current.database_url)
        built = {} if args.reuse else build(database, args.tickets)
        with database.transaction() as session:
            agent = session.scalars(select(User).where(User.email == "agent@bench.example")).one()
            _, token = do_create_token(session, agent, SYSTEM, "bench")
        with database.engine.connect() as connection:
            sizes = index_bytes(connection, path)
            customer_id = connection.execute(select(Ticket.customer_id).limit(1)).scalar_one()
            made = connection.execute(select(func.count()).select_from(Ticket)).scalar_one()
        from minidesk.web.app import create_app

        chosen = {
            name: case
            for name, case in cases(customer_id, made).items()
            if args.only is None or name in args.only
        }
        headers = {"Authorization": f"Bearer {token}"}
        load_before = os.getloadavg()
        with TestClient(create_app(current, embedded_workers=0)) as client:
            server = ServerClock.of(database.engine)
            results = rounds_of(client, headers, chosen, args.requests, args.rounds, server)
            if server:
                server.connection.close()
        print(
            json.dumps(
                {
                    "database": database.engine.dialect.name,
                    "tickets": made,
                    **built,
                    "index_bytes": sizes,
                    "cpu_count": os.cpu_count(),
                    "load_average": [round(x, 1) for x in (*load_before, *os.getloadavg())],
                    "requests": args.requests,
                    "rounds": args.rounds,
                    "cases": results,
                },
                indent=2,
            )
        )
        database.dispose()


if __name__ == "__main__":
    main()
