"""Survey answers as per-day counters in kpi_daily: customers who change their answer on later
days count once per range, with the answer they last gave in it. The listeners' counters equal
a rebuild's, and the report from them equals ``kpis.kpis`` (every answer folded again) for
ranges that cut between a survey's answers, per period and dimension, with and without a team
restriction."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from tests.conftest import Cast
from tests.insights.test_rollups import assert_fast_equals_full, snapshot

from minidesk.db import Database, utcnow
from minidesk.desk.models import Customer, Ticket
from minidesk.events import Event
from minidesk.insights.cells import Dimension, Period
from minidesk.insights.kpis import kpis
from minidesk.insights.report import fast_kpis
from minidesk.insights.rollup import keep_current, keep_surveys_current, rebuild

DAYS = 12
KINDS = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}


def answered_over_days(cast: Cast, database: Database, seed: int) -> dt.datetime:
    """Tickets on two teams, each with a survey answered one to four times on different days
    (sometimes twice a day), and a reassignment after the answers; every event heard by the
    listeners in order, as the dispatcher would. Returns the first day."""
    rng = random.Random(seed)
    start = dt.datetime.combine(utcnow().date() - dt.timedelta(days=DAYS), dt.time(), dt.UTC)
    teams = [cast.support_team, cast.billing_team]
    with database.transaction() as session:
        customer = Customer(name="Changes their mind")
        session.add(customer)
        session.flush()
        written: list[Event] = []
        for n in range(1, 16):
            created = start + dt.timedelta(hours=rng.randrange(24))
            ticket = Ticket(channel=rng.choice(["api", "chat"]), customer_id=customer.id,
                            status="solved", team_id=teams[n % 2], intent=rng.choice(
                                ["refund", "billing", None]), created_at=created)  # fmt: skip
            session.add(ticket)
            session.flush()
            kind = rng.choice(list(KINDS))
            at = created + dt.timedelta(hours=2)
            stream = [
                Event(kind="ticket.created", ticket_id=ticket.id, actor_type="customer",
                      created_at=created),
                Event(kind="ticket.status_changed", ticket_id=ticket.id, actor_type="user",
                      created_at=at, data={"before": "open", "after": "solved", "why": ""}),
            ]  # fmt: skip
            for _ in range(rng.randrange(1, 5)):
                at += dt.timedelta(hours=rng.choice([3, 30, 50, 75]))
                low, high = KINDS[kind]
                stream.append(Event(kind="survey.answered", ticket_id=ticket.id,
                                    actor_type="customer", created_at=at, data={
                                        "survey_id": 1000 + n, "survey_kind": kind,
                                        "score": rng.randint(low, high)}))  # fmt: skip
            if rng.random() < 0.4:
                ticket.team_id = teams[(n + 1) % 2]
                stream.append(Event(kind="ticket.team_changed", ticket_id=ticket.id,
                                    actor_type="user", created_at=at + dt.timedelta(hours=1),
                                    data={}))  # fmt: skip
            session.add_all(stream)
            session.flush()
            written += stream
        for event in sorted(written, key=lambda e: (e.created_at, e.id)):
            if event.kind == "survey.answered":
                keep_surveys_current(session, event)
            else:
                keep_current(session, event)
    return start


def test_changed_answers_counted_by_the_listeners_equal_a_rebuild(
    cast: Cast, database: Database
) -> None:
    answered_over_days(cast, database, seed=15)
    kept = snapshot(database)
    answers = sum(row["csat_answers"] + row["nps_answers"] + row["ces_answers"]
                  for row in kept["kpi_daily"] if row["dimension"] == "all")  # fmt: skip
    assert answers == len(kept["kpi_survey_days"]) > 15, "some surveys answered on several days"
    with database.transaction() as session:
        rebuild(session)
    assert snapshot(database) == kept


def test_the_report_counts_a_changed_answer_once_per_range_as_the_full_one_does(
    cast: Cast, database: Database
) -> None:
    start = answered_over_days(cast, database, seed=3)
    with database.sessions() as session:
        answered = session.scalars(select(Event.id).where(
            Event.kind == "survey.answered")).all()  # fmt: skip
        assert len(answered) > 15
        for first, days in ((0, DAYS + 1), (0, 3), (2, 3), (3, 5), (5, 8)):
            since = start + dt.timedelta(days=first)
            until = since + dt.timedelta(days=days)
            assert_fast_equals_full(session, cast, since, until, kpis, fast_kpis)
        whole = fast_kpis(session, start, start + dt.timedelta(days=DAYS + 1), Period.MONTH,
                          Dimension.ALL)  # fmt: skip
        assert sum(int(r.values["survey_answers"] or 0) for r in whole) == 15
