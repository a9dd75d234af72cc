"""The KPI rollups kept by listeners equal a full recomputation: table by table after a
random-ish run of real conversations through the API (replies, reassignments, team moves,
intent corrections, escalations, solves, reopens, survey answers changed), and report by
report (every period and dimension, with and without a team restriction) against ``kpis.kpis``,
which folds every event again."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, inspect, select, text
from sqlalchemy.orm import Session
from tests.conftest import Cast, inbound
from tests.insights.conftest import later, set_status, survey_message, token_in
from typer.testing import CliRunner

from minidesk import events
from minidesk.db import Base, Database, utcnow
from minidesk.desk.models import Customer, Ticket
from minidesk.events import Event, registry
from minidesk.insights.backlog import backlog
from minidesk.insights.backlog_counts import backlog_counts
from minidesk.insights.cells import Dimension, KpiRow, Period
from minidesk.insights.cost_models import KpiContactDay, KpiTicketContactDay
from minidesk.insights.daily import REPLIES
from minidesk.insights.kpis import FACT_KINDS, kpis
from minidesk.insights.report import fast_kpis
from minidesk.insights.rollup import KEY_KINDS, keep_current, rebuild
from minidesk.insights.rollup_models import (
    KpiBacklogSpan,
    KpiDaily,
    KpiRepeatDay,
    KpiSurveyDay,
    KpiTicketFacts,
)
from minidesk.insights.rootcause import root_causes
from minidesk.insights.rootcause_full import root_causes_recomputed
from minidesk.insights.surveys import send_due
from minidesk.insights.work_models import KpiWorkDay

ROLLUPS: tuple[type[Base], ...] = (KpiTicketFacts, KpiDaily, KpiSurveyDay, KpiRepeatDay,
                                   KpiWorkDay, KpiContactDay, KpiTicketContactDay,
                                   KpiBacklogSpan)  # fmt: skip


def snapshot(database: Database) -> dict[str, list[dict[str, Any]]]:
    tables = {}
    with database.sessions() as session:
        for model in ROLLUPS:
            columns = list(model.__table__.columns)
            rows = session.execute(select(*columns).order_by(*model.__table__.primary_key))
            tables[model.__tablename__] = [dict(row._mapping) for row in rows]
    return tables


def patch(client: TestClient, cast: Cast, number: int, **change: object) -> None:
    response = client.patch(f"/api/v1/tickets/{number}", json=change, headers=cast.olivia.headers)
    assert response.status_code == 200, response.text


def reply(client: TestClient, cast: Cast, number: int) -> None:
    response = client.post(f"/api/v1/tickets/{number}/messages",
                           json={"text": "On its way", "type": "reply"},
                           headers=cast.alice.headers)  # fmt: skip
    assert response.status_code == 201, response.text


Report = Callable[..., list[KpiRow]]


def assert_fast_equals_full(
    session: Session,
    cast: Cast,
    since: dt.datetime,
    until: dt.datetime,
    full_report: Report,
    fast_report: Report,
) -> None:
    """The rollup-based report equals the full one (without its drill-down members) for
    every team restriction, period and dimension."""
    for teams in (None, [cast.support_team], []):
        for period in Period:
            for by in Dimension:
                full = [dataclasses.replace(r, tickets={}) for r in
                        full_report(session, since, until, period, by, teams)]  # fmt: skip
                fast = fast_report(session, since, until, period, by, teams)
                assert fast == full, (since, until, teams, period, by)


def converse(client: TestClient, cast: Cast, seed: int, tickets: int = 6) -> None:
    """A seeded run of conversations: each step picks a ticket and something that changes its
    facts or its keys, the way agents and customers do, in a mixed order."""
    rng = random.Random(seed)
    numbers: list[int] = []
    emails = [f"customer{n}@example.com" for n in range(tickets)]
    for n, email in enumerate(emails):
        body = inbound(client, cast.shop, "Hello, a question about your order", f"m{seed}-{n}",
                       email=email, thread=f"t{n}")  # fmt: skip
        numbers.append(int(str(body["ticket_number"])))
    agents = [cast.alice.id, cast.bob.id]
    teams = [cast.support_team, cast.billing_team]
    intents = ["order_status", "refund", "billing"]
    solved: set[int] = set()
    for step in range(tickets * 5):
        n = rng.randrange(tickets)
        number, action = (
            numbers[n],
            rng.choice(
                ["reply", "assign", "team", "intent", "tier", "solve", "write", "reply", "tags"]
            ),
        )
        if action == "reply":
            reply(client, cast, number)
        elif action == "assign":
            patch(client, cast, number, assignee_id=rng.choice(agents))
        elif action == "team":
            patch(client, cast, number, team_id=rng.choice(teams))
        elif action == "intent":
            patch(client, cast, number, intent=rng.choice(intents))
        elif action == "tags":
            change = rng.choice(["add_tags", "add_tags", "remove_tags"])
            patch(client, cast, number, **{change: [rng.choice(["vip", "late"])]})
        elif action == "tier":
            patch(client, cast, number, tier=rng.choice([2, 3]))
        elif action == "solve" and number not in solved:
            set_status(client, cast, number, "solved")
            solved.add(number)
        elif action == "write":
            # On a solved ticket this reopens it.
            inbound(client, cast.shop, "Any news?", f"m{seed}-{n}-{step}", email=emails[n],
                    thread=f"t{n}")  # fmt: skip
            solved.discard(number)
    send_due(later(61))
    for number in sorted(solved)[:2]:
        token = token_in(str(survey_message(client, cast, number)["text"]))
        for score in (rng.randrange(1, 6), rng.randrange(1, 6)):  # the customer changes it
            assert client.get(f"/s/{token}", params={"score": score}).status_code == 200


def test_listeners_keep_every_rollup_equal_to_a_full_recomputation(
    client: TestClient, cast: Cast, database: Database
) -> None:
    converse(client, cast, seed=15)
    kept = snapshot(database)
    assert len(kept["kpi_ticket_facts"]) == 6
    assert kept["kpi_daily"], "the per-day rows were written"
    assert len({row["survey_id"] for row in kept["kpi_survey_days"]}) == 2
    with database.transaction() as session:
        counts = rebuild(session)
    assert counts["tickets"] == 6
    assert snapshot(database) == kept


def test_the_rebuild_command_fills_emptied_rollups_from_the_event_log(
    client: TestClient, cast: Cast, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As after the upgrade that added the per-day tables: empty, then rebuilt by the CLI."""
    from minidesk import settings
    from minidesk.cli import app

    converse(client, cast, seed=5, tickets=3)
    kept = snapshot(database)
    with database.transaction() as session:
        for model in ROLLUPS:
            session.execute(delete(model))
    monkeypatch.setenv("MINIDESK_DATABASE_URL", settings.get_settings().database_url)
    monkeypatch.setenv("MINIDESK_SECRET_KEY", "test-secret-key-of-32-bytes-or-more")
    monkeypatch.setenv("MINIDESK_QUEUE_URL", "memory://")
    result = CliRunner().invoke(app, ["insights", "rebuild"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    assert counts == {"tickets": 3, "daily_rows": len(kept["kpi_daily"]),
                      "survey_days": len(kept["kpi_survey_days"]),
                      "repeat_days": len(kept["kpi_repeat_days"]),
                      "work_days": len(kept["kpi_work_days"]),
                      "contact_days": len(kept["kpi_contact_days"])}  # fmt: skip
    assert snapshot(database) == kept


def test_a_second_run_of_the_listeners_changes_nothing(
    client: TestClient, cast: Cast, database: Database
) -> None:
    converse(client, cast, seed=7, tickets=3)
    kept = snapshot(database)
    with database.transaction() as session:
        for event in session.scalars(select(events.Event).order_by(events.Event.id)):
            if event.ticket_id is not None and str(event.kind) in {str(k) for k in FACT_KINDS}:
                keep_current(session, event)
    assert snapshot(database) == kept


def test_the_fast_report_equals_the_full_one_for_every_period_and_dimension(
    client: TestClient, cast: Cast, database: Database
) -> None:
    converse(client, cast, seed=3)
    today = utcnow().date()
    since = dt.datetime.combine(today - dt.timedelta(days=40), dt.time(), dt.UTC)
    until = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), dt.UTC)
    with database.sessions() as session:
        assert_fast_equals_full(session, cast, since, until, kpis, fast_kpis)
        for teams in (None, [cast.support_team], []):
            rows = fast_kpis(session, since, until, Period.DAY, Dimension.ALL, teams)
            created = sum(int(r.values["tickets_created"] or 0) for r in rows)
            if teams is None:
                assert created == 6
            elif not teams:
                assert created == 0


def test_the_backlog_from_the_open_counters_equals_the_one_read_ticket_by_ticket(
    client: TestClient, cast: Cast, database: Database
) -> None:
    """The open-now counters the listeners kept, read now, when today's tickets are two days
    old (summed per creation day) and when they are over 30 days old."""
    converse(client, cast, seed=11, tickets=4)
    now = utcnow()
    with database.sessions() as session:
        assert session.scalar(select(func.sum(KpiDaily.open_now))), "some tickets are open"
        for at in (now, now + dt.timedelta(days=2), now + dt.timedelta(days=45)):
            for teams in (None, [cast.support_team], []):
                for by in Dimension:
                    full = [dataclasses.replace(r, tickets={})
                            for r in backlog(session, at, by, teams)]  # fmt: skip
                    assert backlog_counts(session, at, by, teams) == full, (at, teams, by)


def test_the_root_causes_from_the_rollups_equal_a_recomputation(
    client: TestClient, cast: Cast, database: Database
) -> None:
    converse(client, cast, seed=11)
    today = utcnow().date()
    with database.sessions() as session:
        for days in (1, 30):
            since = dt.datetime.combine(today - dt.timedelta(days=days - 1), dt.time(), dt.UTC)
            until = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), dt.UTC)
            for teams in (None, [cast.support_team], []):
                fast = root_causes(session, since, until, teams)
                assert fast == root_causes_recomputed(session, since, until, teams), teams
                tickets = sum(row["tickets"] for row in fast["intents"])
                if teams is None:
                    assert tickets == 6
                elif not teams:
                    assert tickets == 0
        assert root_causes(session, since, until, None)["costliest"], "some contacts cost replies"


def test_the_listener_hears_every_kind_the_facts_and_keys_read() -> None:
    heard = {kind for kind in events.listened_kinds() if keep_current in
             [entry.fn for entry in registry._listeners[kind]]}  # fmt: skip
    assert heard == {str(kind) for kind in (*FACT_KINDS, *KEY_KINDS)}


def test_the_costliest_contacts_from_the_replies_histogram_equal_a_recomputation(
    cast: Cast, database: Database
) -> None:
    """Enough tickets that the tenth costliest ties with many others over several days, numbered
    out of day order: the histogram's threshold and newest days pick the same ten as sorting
    every ticket folded again."""
    rng = random.Random(15)
    start = dt.datetime.combine(utcnow().date() - dt.timedelta(days=5), dt.time(), dt.UTC)
    teams = [cast.support_team, cast.billing_team]
    with database.transaction() as session:
        customer = Customer(name="Histogram")
        session.add(customer)
        session.flush()
        for number in range(1, 61):
            created = start + dt.timedelta(hours=rng.randrange(5 * 24))
            ticket = Ticket(channel="api", customer_id=customer.id, status="open",
                            team_id=teams[number % 2], intent=rng.choice(["refund", None]),
                            created_at=created)  # fmt: skip
            session.add(ticket)
            session.flush()
            stream = [Event(kind="ticket.created", ticket_id=ticket.id, actor_type="customer",
                            created_at=created)]  # fmt: skip
            for minute in range(1, rng.choice([1, 2, 2, 3, 3, 3, 4, 5])):
                at = created + dt.timedelta(minutes=minute)
                stream.append(Event(kind="message.sent", ticket_id=ticket.id, actor_type="user",
                                    created_at=at))  # fmt: skip
            session.add_all(stream)
        rebuild(session)
    with database.sessions() as session:
        for days in (1, 3, 6):
            since = start + dt.timedelta(days=6 - days)
            until = start + dt.timedelta(days=6)
            for team in (None, [cast.support_team], []):
                fast = root_causes(session, since, until, team)
                assert fast == root_causes_recomputed(session, since, until, team), (days, team)
        costliest = root_causes(session, start, start + dt.timedelta(days=6), None)["costliest"]
        touches = [contact["touches"] for contact in costliest]
        assert len(costliest) == 10 and touches == sorted(touches, reverse=True)
        at_threshold = session.scalar(select(func.count()).where(
            KpiTicketFacts.human_replies_total == touches[-1]))  # fmt: skip
        assert at_threshold > touches.count(touches[-1]), "the ten cut through a tie"


def test_the_upgrades_fill_the_histogram_and_answer_counters_as_the_listeners_keep_them(
    client: TestClient, cast: Cast, database: Database
) -> None:
    """A desk upgraded with rollups but no replies histogram (0038) nor survey and tagged
    counters (0040): the migrations fill them from the facts, survey days and tags."""
    from alembic import command

    from minidesk import migrate, settings

    converse(client, cast, seed=9)
    kept = snapshot(database)
    assert any(row["dimension"] == REPLIES for row in kept["kpi_daily"])
    assert sum(row["csat_answers"] + row["nps_answers"] + row["ces_answers"]
               for row in kept["kpi_daily"] if row["dimension"] == "all") == 2  # fmt: skip
    assert any(row["tagged"] for row in kept["kpi_daily"]), "some solved tickets are tagged"
    config = migrate.alembic_config(settings.get_settings().database_url)
    command.downgrade(config, "0037_chat_abandonment")
    with database.sessions() as session:
        columns = {c["name"] for c in inspect(session.get_bind()).get_columns("kpi_daily")}
        assert "csat_answers" not in columns
        histogram = "SELECT count(*) FROM kpi_daily WHERE dimension = 'replies'"
        assert session.scalar(text(histogram)) == 0
    command.upgrade(config, "head")
    assert snapshot(database) == kept
