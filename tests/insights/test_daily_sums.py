"""``daily_sums.rebuild_daily``'s grouped sums equal kpi_daily as the listeners define it: the
sum of each ticket's ``daily.contribution``, over facts rows written straight in with the
awkward values (no keys, keys that are one string, durations in odd microseconds, open and
answered tickets)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import insert, select

from minidesk.db import Database
from minidesk.desk.models import Customer, Ticket
from minidesk.insights.daily import Deltas, contribution, daily_row
from minidesk.insights.daily_sums import rebuild_daily
from minidesk.insights.rollup_models import KpiDaily, KpiSurveyDay, KpiTicketFacts

START = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def facts(rng: random.Random, ticket_id: int) -> dict[str, Any]:
    created = START + dt.timedelta(microseconds=rng.randrange(10 * 86_400 * 10**6))
    solved = rng.random() < 0.7
    first_solved = created + dt.timedelta(microseconds=rng.randrange(1, 3 * 86_400 * 10**6))
    reply = rng.choice([None, rng.randrange(1, 9 * 3_600 * 10**6)])
    return {
        "ticket_id": ticket_id,
        "created_day": created.date(),
        "solved_day": first_solved.date() if solved else None,
        "created_at": created,
        "first_solved_at": first_solved if solved else None,
        "first_response_seconds": None if reply is None else reply / 10**6,
        "resolution_seconds": (first_solved - created).total_seconds() if solved else None,
        **{
            flag: rng.random() < 0.4
            for flag in (
                "first_contact",
                "reopened",
                "contained",
                "within_turns",
                "escalated",
                "chat",
                "abandoned",
                "tagged",
            )
        },
        "human_replies_total": rng.randrange(4),
        "customer_messages_before_solve": rng.randrange(4),
        "backlog_since": None if solved else created,
        "repeat_gap_micros": None,
        "assignee_id": rng.choice([None, 1, 2]),
        "team_id": rng.choice([None, 1, 2]),
        # None and "" are both kpi_daily's NO_KEY: two groups in the database, one row.
        "channel": rng.choice([None, "", "email", "chat"]),
        "intent": rng.choice([None, "refund", "billing"]),
    }


def test_the_grouped_sums_equal_every_tickets_contribution(database: Database) -> None:
    rng = random.Random(15)
    with database.transaction() as session:
        customer = Customer(name="Sums")
        session.add(customer)
        session.flush()
        tickets = [Ticket(channel="api", customer_id=customer.id) for _ in range(120)]
        session.add_all(tickets)
        session.flush()
        rows = [facts(rng, ticket.id) for ticket in tickets]
        session.execute(insert(KpiTicketFacts), rows)
        answers = [{"survey_id": n, "day": (START + dt.timedelta(days=n % 9)).date(),
                    "week": START.date(), "month": START.date(), "ticket_id": tickets[n].id,
                    "kind": rng.choice(["csat", "nps", "ces"]), "score": rng.randrange(1, 6),
                    "next_day": None} for n in range(0, 120, 7)]  # fmt: skip
        session.execute(insert(KpiSurveyDay), answers)
        written = rebuild_daily(session)
    expected: Deltas = defaultdict(Counter)
    by_ticket = {answer["ticket_id"]: [answer] for answer in answers}
    for row in rows:
        for row_key, counts in contribution(row, by_ticket.get(row["ticket_id"], [])).items():
            expected[row_key].update(counts)
    with database.sessions() as session:
        stored = [dict(found._mapping) for found in session.execute(
            select(*KpiDaily.__table__.columns))]  # fmt: skip
    assert written == len(expected)
    # In Python's order: PostgreSQL's collation may sort the keys otherwise.
    stored.sort(key=lambda r: (r["dimension"], r["day"], r["key"], r["team_key"]))
    assert stored == [daily_row(key, expected[key]) for key in sorted(expected)]
