"""Every action, table-driven: each case runs one action as a rule would, on a fresh ticket,
and checks what changed."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.conftest import Cast, inbound

from minidesk import outbox
from minidesk.automation import actions
from minidesk.automation.facts import gather
from minidesk.db import Database, utcnow
from minidesk.desk.models import Direction, Message, Ticket
from minidesk.events import Actor, ActorType, Event

RULE = Actor(ActorType.AUTOMATION, 1, "rule 1: test")


def messages(session: Session, ticket: Ticket, direction: str) -> list[Message]:
    return list(
        session.scalars(
            select(Message).where(Message.ticket_id == ticket.id, Message.direction == direction)
        )
    )


def events_of(session: Session, ticket: Ticket, kind: str) -> list[Event]:
    return list(
        session.scalars(
            select(Event).where(Event.ticket_id == ticket.id, Event.kind == kind).order_by(Event.id)
        )
    )


Check = Callable[[Session, Ticket, Cast], None]

CASES: list[tuple[dict[str, Any], Check]] = [
    ({"type": "set_status", "status": "pending"}, lambda s, t, c: _eq(t.status, "pending")),
    ({"type": "set_priority", "priority": "P1"}, lambda s, t, c: _eq(t.priority, "P1")),
    ({"type": "set_team", "team": "Billing"}, lambda s, t, c: _eq(t.team_id, c.billing_team)),
    ({"type": "assign", "user": "bob@shop.example"}, lambda s, t, c: _eq(t.assignee_id, c.bob.id)),
    ({"type": "set_tier", "tier": 3}, lambda s, t, c: _eq(t.tier, 3)),
    (
        {"type": "add_tags", "tags": ["VIP", "urgent"]},
        lambda s, t, c: _has(t.tags, "urgent", "vip"),
    ),
    (
        {"type": "remove_tags", "tags": ["Hello"]},
        lambda s, t, c: _eq(
            [e.data for e in events_of(s, t, "ticket.tags_changed") if e.actor_name == RULE.name],
            [],  # nothing to remove: no change, no event
        ),
    ),
    (
        {"type": "reply", "template": "handoff"},
        lambda s, t, c: _has(
            [m.meta for m in messages(s, t, Direction.OUTBOUND)],
            {"template": "handoff", "variant": "A", "language": "en"},
        ),
    ),
    (
        {"type": "run_resolution", "resolution": "test_echo", "params": {"x": 1}},
        lambda s, t, c: _eq(t.custom_fields, {"echo": {"x": 1}}),
    ),
    (
        {"type": "escalate", "note": "customer is upset"},
        lambda s, t, c: (
            _eq(
                [
                    e.data["after"] - e.data["before"]
                    for e in events_of(s, t, "ticket.tier_changed")
                    if e.actor_name == RULE.name
                ],
                [1],
            ),
            _has(t.tags, "escalated"),
            _has(
                [m.text for m in messages(s, t, Direction.NOTE)],
                "Escalated by rule 1: test: customer is upset",
            ),
        ),
    ),
    (
        {"type": "notify", "note": "VIP waiting", "users": ["leo@shop.example"]},
        lambda s, t, c: _eq(
            [e.data["user_ids"] for e in events_of(s, t, "notification.requested")], [[c.leo.id]]
        ),
    ),
    (
        # A public address literal: the save-time check resolves names, and tests stay offline.
        {"type": "webhook", "url": "https://93.184.215.14/minidesk"},
        lambda s, t, c: _eq(
            [
                i.payload["recipient"]
                for i in s.scalars(
                    select(outbox.OutboxItem).where(outbox.OutboxItem.channel == "webhook")
                )
            ],
            [{"url": "https://93.184.215.14/minidesk"}],
        ),
    ),
]


def _eq(actual: object, expected: object) -> None:
    assert actual == expected


def _has(actual: list[Any], *expected: object) -> None:
    # Other listeners (resolution flows) may act on the same ticket; check ours only.
    for item in expected:
        assert item in actual


def _echo(
    session: Session, ticket: Ticket, actor: Actor, params: Mapping[str, Any]
) -> dict[str, Any]:
    ticket.custom_fields = {"echo": dict(params)}
    return {"echoed": True}


@pytest.fixture
def echo_resolution() -> Iterator[None]:
    actions.resolution_runners["test_echo"] = _echo
    yield
    del actions.resolution_runners["test_echo"]


@pytest.mark.parametrize(("action", "check"), CASES)
@pytest.mark.usefixtures("echo_resolution")
def test_action(
    action: dict[str, Any], check: Check, client: TestClient, cast: Cast, database: Database
) -> None:
    number = int(inbound(client, cast.alice, "Hello there", "a-1")["ticket_number"])
    entry = actions.ACTIONS[action["type"]]
    with database.transaction() as session:
        params = entry.params.model_validate(action)
        assert entry.check is None or entry.check(session, params) == []
        ticket = session.get_one(Ticket, number)
        entry.run(gather(session, ticket, None, utcnow()), RULE, params)
    with database.sessions() as session:
        check(session, session.get_one(Ticket, number), cast)


@pytest.mark.parametrize(
    ("action", "field", "message"),
    [
        ({"type": "set_team", "team": "Nope"}, "team", "no team named 'Nope'"),
        ({"type": "assign", "user": "zed@x.example"}, "user", "no active user 'zed@x.example'"),
        ({"type": "reply", "template": "nope"}, "template", "no enabled template 'nope'"),
        (
            {"type": "reply", "template": "refund_offer", "variables": {"amount": "$5.00"}},
            "variables",
            "template 'refund_offer' needs card_brand, confirm_token, last4, order_number, "
            "which a rule cannot fill from the ticket; give them in variables",
        ),
        (
            {"type": "run_resolution", "resolution": "teleport"},
            "resolution",
            "no resolution 'teleport'; known: address_change, cancel_order, invoice, "
            "order_status, password_reset, refund, return",
        ),
        (
            {"type": "notify", "note": "x", "users": ["zed@x.example"]},
            "users",
            "no active user 'zed@x.example'",
        ),
    ],
)
def test_save_time_checks(
    action: dict[str, Any], field: str, message: str, cast: Cast, database: Database
) -> None:
    entry = actions.ACTIONS[action["type"]]
    assert entry.check is not None
    with database.sessions() as session:
        assert entry.check(session, entry.params.model_validate(action)) == [(field, message)]
