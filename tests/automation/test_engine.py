"""Rules fire on their event, once, explained by ``rule.fired``; automation's own events are
ignored unless a rule opts in, and a ticket takes at most so many firings an hour."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound

from minidesk.automation import engine
from minidesk.automation.models import Rule
from minidesk.automation.timers import fire_due_timers
from minidesk.db import Database, utcnow
from minidesk.desk.models import Message, Ticket
from minidesk.events import Event


def create(client: TestClient, cast: Cast, **rule: Any) -> int:
    response = client.post("/api/v1/rules", json=rule, headers=cast.maya.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def kinds(database: Database, number: int, kind: str) -> list[Event]:
    with database.sessions() as session:
        return list(
            session.scalars(
                select(Event)
                .where(Event.ticket_id == number, Event.kind == kind)
                .order_by(Event.id)
            )
        )


def test_rule_fires_and_explains_itself(client: TestClient, cast: Cast, database: Database) -> None:
    rule_id = create(
        client,
        cast,
        name="Wholesale to tier 2",
        event="message.received",
        conditions=[{"type": "text", "words": ["wholesale", "bulk order"]}],
        actions=[{"type": "set_tier", "tier": 2}, {"type": "add_tags", "tags": ["b2b"]}],
    )
    calm = int(inbound(client, cast.alice, "Can I order in bulk?", "e-1")["ticket_number"])
    angry = int(
        inbound(
            client, cast.alice, "Do you do a BULK  order discount?", "e-2", email="sam@example.com"
        )["ticket_number"]
    )
    assert kinds(database, calm, "rule.fired") == []
    [fired] = kinds(database, angry, "rule.fired")
    assert fired.actor_type == "automation" and fired.actor_id == rule_id
    assert fired.data["rule"] == "Wholesale to tier 2"
    assert fired.data["event"] == "message.received"
    assert fired.data["conditions"][0]["result"] is True
    assert [a["type"] for a in fired.data["actions"]] == ["set_tier", "add_tags"]
    assert fired.data["actions"][0]["tier"]["after"] == 2
    with database.sessions() as session:
        ticket = session.get_one(Ticket, angry)
        assert ticket.tier == 2 and "b2b" in ticket.tags


def test_a_rule_never_fires_twice_on_one_event(
    client: TestClient, cast: Cast, database: Database
) -> None:
    create(
        client,
        cast,
        name="Tag all",
        event="message.received",
        actions=[{"type": "add_tags", "tags": ["seen"]}],
    )
    number = int(inbound(client, cast.alice, "Hello", "e-3")["ticket_number"])
    [received] = kinds(database, number, "message.received")
    with database.transaction() as session:
        event = session.get_one(Event, received.id)
        engine.run_rules(session, event)  # a second delivery of the same event
    assert len(kinds(database, number, "rule.fired")) == 1


def test_automation_caused_events_are_ignored_unless_opted_in(
    client: TestClient, cast: Cast, database: Database
) -> None:
    create(
        client,
        cast,
        name="First",
        event="message.received",
        actions=[{"type": "add_tags", "tags": ["one"]}],
    )
    create(
        client,
        cast,
        name="Plain follower",
        event="ticket.tags_changed",
        conditions=[{"type": "ticket_tag", "any_of": ["one"]}],
        actions=[{"type": "add_tags", "tags": ["two"]}],
    )
    number = int(inbound(client, cast.alice, "Hello", "e-4")["ticket_number"])
    with database.sessions() as session:
        assert "two" not in session.get_one(Ticket, number).tags
    create(
        client,
        cast,
        name="Opted-in follower",
        event="ticket.tags_changed",
        allow_automated=True,
        conditions=[{"type": "ticket_tag", "any_of": ["one"]}],
        actions=[{"type": "add_tags", "tags": ["three"]}],
    )
    number = int(inbound(client, cast.alice, "Hi", "e-5", email="kai@example.com")["ticket_number"])
    with database.sessions() as session:
        tags = session.get_one(Ticket, number).tags
        assert "three" in tags and "two" not in tags


def test_a_loop_between_opted_in_rules_is_capped(
    client: TestClient, cast: Cast, database: Database
) -> None:
    create(
        client,
        cast,
        name="Ping",
        event="ticket.tags_changed",
        allow_automated=True,
        conditions=[{"type": "ticket_tag", "any_of": ["ping"]}],
        actions=[{"type": "remove_tags", "tags": ["ping"]}, {"type": "add_tags", "tags": ["pong"]}],
    )
    create(
        client,
        cast,
        name="Pong",
        event="ticket.tags_changed",
        allow_automated=True,
        conditions=[{"type": "ticket_tag", "any_of": ["pong"]}],
        actions=[{"type": "remove_tags", "tags": ["pong"]}, {"type": "add_tags", "tags": ["ping"]}],
    )
    number = int(inbound(client, cast.alice, "Hello", "e-6")["ticket_number"])
    response = client.patch(
        f"/api/v1/tickets/{number}", json={"add_tags": ["ping"]}, headers=cast.alice.headers
    )
    assert response.status_code == 200
    assert len(kinds(database, number, "rule.fired")) == engine.MAX_FIRINGS_PER_HOUR
    assert len(kinds(database, number, "rule.capped")) == 1


def test_a_failing_rule_is_recorded_and_changes_nothing(
    client: TestClient, cast: Cast, database: Database
) -> None:
    create(
        client,
        cast,
        name="Reopen-proof",
        event="ticket.status_changed",
        conditions=[{"type": "status", "any_of": ["closed"]}],
        actions=[{"type": "add_tags", "tags": ["x"]}, {"type": "set_status", "status": "open"}],
    )
    number = int(inbound(client, cast.alice, "Hello", "e-7")["ticket_number"])
    client.patch(f"/api/v1/tickets/{number}", json={"status": "closed"}, headers=cast.alice.headers)
    [failed] = kinds(database, number, "rule.failed")
    assert "closed ticket cannot change" in failed.data["error"]
    with database.sessions() as session:
        assert "x" not in session.get_one(Ticket, number).tags


def test_pending_for_72h_reminds_then_solves(
    client: TestClient, cast: Cast, database: Database
) -> None:
    create(
        client,
        cast,
        name="Remind",
        event="time",
        after="72h",
        status="pending",
        actions=[{"type": "reply", "template": "pending_reminder"}],
    )
    create(
        client,
        cast,
        name="Solve",
        event="time",
        after="144h",
        status="pending",
        actions=[{"type": "set_status", "status": "solved"}],
    )
    waiting = int(inbound(client, cast.alice, "Hello", "e-8")["ticket_number"])
    answered = int(
        inbound(client, cast.alice, "Hi", "e-9", email="ola@example.com")["ticket_number"]
    )
    for number in (waiting, answered):
        client.patch(
            f"/api/v1/tickets/{number}", json={"status": "pending"}, headers=cast.alice.headers
        )
    inbound(client, cast.alice, "Here is the photo you asked for", "e-10", email="ola@example.com")
    now = utcnow()
    assert fire_due_timers(now + dt.timedelta(hours=71)) == 0
    assert fire_due_timers(now + dt.timedelta(hours=73)) == 1
    assert fire_due_timers(now + dt.timedelta(hours=73)) == 0  # each timer fires once
    with database.sessions() as session:
        reminder = session.scalars(
            select(Message).where(Message.ticket_id == waiting).order_by(Message.id.desc())
        ).first()
        assert reminder is not None and reminder.meta["template"] == "pending_reminder"
        assert session.get_one(Ticket, waiting).status == "pending"
    assert fire_due_timers(now + dt.timedelta(hours=145)) == 1
    with database.sessions() as session:
        assert session.get_one(Ticket, waiting).status == "solved"
        assert session.get_one(Ticket, answered).status == "open"
        names = [e.data["rule"] for e in kinds(database, waiting, "rule.fired")]
        assert names == ["Remind", "Solve"]
        assert session.scalars(select(Rule)).all()
