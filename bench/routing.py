"""Routing benchmark: one assignment decision with 50 agents online, on SQLite.

Builds a fresh database with one team of ``--agents`` agents, each online with a few
languages, product lines and per-channel capacities, and ``--held`` tickets already assigned
among them (their load). Then routes ``--tickets`` new tickets one by one as the listener
does (``assign.do_route``: load the team's candidates, their profiles and loads, decide,
assign, record the decision event, flush), timing each decision up to and including the
flush; the commit after it is not timed. Prints one JSON object with the percentiles and
the machine's load average (on a shared machine the figures say as much about the
neighbours as about the desk).

    python bench/routing.py [--agents 50] [--tickets 1000] [--held 200]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ comes first on sys.path and bench/email.py would shadow the standard
# library's ``email`` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402 (the sys.path fix above must run first)
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

from minidesk import db, jobs, migrate, settings  # noqa: E402
from minidesk.desk import users  # noqa: E402
from minidesk.desk.models import Customer, Role, Ticket  # noqa: E402
from minidesk.events import SYSTEM  # noqa: E402
from minidesk.routing import assign, profiles  # noqa: E402
from minidesk.routing.models import Presence  # noqa: E402

LANGUAGES = ["en", "de", "fr", "es", "nl"]
LINES = ["payments", "shipping", "accounts", "returns"]
CHANNELS = ["email", "chat", "sms", "whatsapp"]
INTENTS = {"refund_request": "payments", "where_is_my_order": "shipping", "login": "accounts"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def seed(database: db.Database, agents: int, held: int, rng: random.Random) -> tuple[int, int]:
    with database.transaction() as session:
        team = users.get_or_create_team(session, "Bench", SYSTEM)
        ids = []
        for i in range(agents):
            user = users.do_create_user(session, f"agent{i}@bench.example", Role.AGENT, SYSTEM)
            users.do_add_to_team(session, user, team, SYSTEM)
            ids.append(user.id)
            session.flush()
            profiles.do_set_skills(
                session,
                user.id,
                {
                    "languages": rng.sample(LANGUAGES, 2),
                    "product_lines": rng.sample(LINES, 2),
                    "capacity": {"chat": 3, "email": 40},
                },
                SYSTEM,
            )
            profiles.do_set_presence(session, user.id, Presence.ONLINE, SYSTEM)
        profiles.do_set_config(session, None, {"enabled": True, "product_lines": INTENTS}, SYSTEM)
        customer = Customer(name="Bench", tags=[])
        session.add(customer)
        session.flush()
        for _ in range(held):
            session.add(_ticket(customer.id, team.id, rng, assignee=rng.choice(ids)))
        return team.id, customer.id


def _ticket(customer_id: int, team_id: int, rng: random.Random, assignee: int | None) -> Ticket:
    return Ticket(
        subject="bench",
        channel=rng.choice(CHANNELS[:2]),
        customer_id=customer_id,
        status="open",
        priority=rng.choice(["P1", "P2", "P3", "P4"]),
        language=rng.choice(LANGUAGES),
        intent=rng.choice([*INTENTS, None]),
        team_id=team_id,
        assignee_id=assignee,
        tier=1,
        turns=0,
        custom_fields={},
    )


def measure(workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    url = f"sqlite:///{workdir / 'routing.db'}"
    migrate.upgrade(url)
    config = settings.configure(
        settings.load_settings(
            database_url=url, secret_key="bench" * 8, queue_url="memory://", workers=0
        )
    )
    database = db.configure(url)
    jobs.configure(config)  # a queue nobody consumes: the decisions' events are not dispatched
    rng = random.Random(13)
    team_id, customer_id = seed(database, args.agents, args.held, rng)
    timings: list[float] = []
    outcomes = {assign.ASSIGNED: 0, assign.QUEUED: 0}
    for _ in range(args.tickets):
        with database.transaction() as session:
            ticket = _ticket(customer_id, team_id, rng, assignee=None)
            session.add(ticket)
            session.flush()
            start = time.perf_counter()
            decision = assign.do_route(session, ticket, "new")
            session.flush()
            timings.append((time.perf_counter() - start) * 1000)
            assert decision is not None
            outcomes[assign.ASSIGNED if decision.chosen else assign.QUEUED] += 1
    return {
        "bench": "routing",
        "database": "sqlite",
        "agents_online": args.agents,
        "tickets_held": args.held,
        "decisions": len(timings),
        "outcomes": outcomes,
        "decision_ms_p50": round(percentile(timings, 0.50), 3),
        "decision_ms_p99": round(percentile(timings, 0.99), 3),
        "decision_ms_max": round(max(timings), 3),
        "target_ms_p99": 10,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--held", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        print(json.dumps(measure(Path(workdir), args), indent=2))


if __name__ == "__main__":
    main()
