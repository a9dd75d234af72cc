"""The routing tests' world: Support with alice, leo and a new agent carol; tickets made
straight in the database (with the event the pipeline would record), and presence, skills
and settings set through the API like a lead would."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast

from minidesk import db
from minidesk.desk import tickets, users
from minidesk.desk.models import Customer, Role, Team, Ticket, TicketTag
from minidesk.event_kinds import EventKind
from minidesk.events import SYSTEM, Event, emit
from minidesk.insights.models import Survey
from minidesk.insights.qa_models import QaReview
from minidesk.insights.scorecard import default_scorecard

V1 = "/api/v1"


def add_agent(cast: Cast, name: str) -> int:
    with db.get_db().transaction() as session:
        user = users.do_create_user(session, f"{name}@shop.example", Role.AGENT, SYSTEM, name=name)
        users.do_add_to_team(session, user, session.get_one(Team, cast.support_team), SYSTEM)
        return user.id


def enable(client: TestClient, cast: Cast, **settings: Any) -> None:
    body = {"enabled": True, **settings}
    answer = client.put(f"{V1}/routing/settings", json=body, headers=cast.olivia.headers)
    assert answer.status_code == 200, answer.text


def skills(client: TestClient, cast: Cast, user_id: int, **values: Any) -> None:
    answer = client.put(f"{V1}/users/{user_id}/routing", json=values, headers=cast.leo.headers)
    assert answer.status_code == 200, answer.text


def presence(client: TestClient, cast: Cast, user_id: int, value: str = "online") -> None:
    answer = client.put(
        f"{V1}/users/{user_id}/presence", json={"presence": value}, headers=cast.olivia.headers
    )
    assert answer.status_code == 200, answer.text


def new_ticket(
    cast: Cast,
    *,
    channel: str = "email",
    language: str | None = None,
    priority: str = "P3",
    tags: tuple[str, ...] = (),
    intent: str | None = None,
    team: bool = True,
    age_minutes: int = 0,
) -> int:
    with db.get_db().transaction() as session:
        customer = Customer(name="Emma", email=None, tags=[])
        session.add(customer)
        session.flush()
        created = db.utcnow() - dt.timedelta(minutes=age_minutes)
        ticket = Ticket(
            subject="help",
            channel=channel,
            customer_id=customer.id,
            status="new",
            priority=priority,
            language=language,
            intent=intent,
            team_id=cast.support_team if team else None,
            tier=1,
            turns=0,
            custom_fields={},
            created_at=created,
            updated_at=created,
        )
        session.add(ticket)
        session.flush()
        ticket.tag_rows = [TicketTag(ticket_id=ticket.id, tag=t) for t in tags]
        emit(
            session,
            EventKind.TICKET_CREATED,
            SYSTEM,
            ticket_id=ticket.id,
            customer_id=customer.id,
            channel=channel,
            subject="help",
            follow_up_of=None,
        )
        return ticket.id


def certify(user_id: int, ticket_id: int, percent: float = 90.0) -> None:
    """One QA review at ``percent`` and one CSAT answer of 5, both now, for ``user_id``."""
    now = db.utcnow()
    with db.get_db().transaction() as session:
        ticket = session.get_one(Ticket, ticket_id)
        card = default_scorecard(session)
        session.add(QaReview(ticket_id=ticket_id, agent_id=user_id, scorecard_id=card.id,
                             month=now.strftime("%Y-%m"), reason="manual", status="scored",
                             scores={}, score_percent=percent, reviewed_at=now))  # fmt: skip
        session.add(Survey(kind="csat", trigger="transactional", status="answered",
                           ticket_id=ticket_id, customer_id=ticket.customer_id,
                           assignee_id=user_id, score=5, answered_at=now))  # fmt: skip


def assignee(ticket_id: int) -> int | None:
    with db.get_db().sessions() as session:
        return session.get_one(Ticket, ticket_id).assignee_id


def decisions(ticket_id: int) -> list[dict[str, Any]]:
    with db.get_db().sessions() as session:
        rows = session.scalars(
            select(Event)
            .where(Event.ticket_id == ticket_id, Event.kind == EventKind.ROUTING_DECIDED)
            .order_by(Event.id)
        )
        return [dict(row.data) for row in rows]


def solve(ticket_id: int) -> None:
    from minidesk.desk.models import Status

    with db.get_db().transaction() as session:
        tickets.do_set_status(session, session.get_one(Ticket, ticket_id), Status.SOLVED, SYSTEM)
