"""Routing consults the QA certification gates: with an escalations gate defined, an
escalated ticket goes only to a certified agent; when nobody who fits is certified it stays in
the team queue and the decision says so; the bot's hand-off is no escalation."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.routing.world import (
    add_agent,
    assignee,
    certify,
    decisions,
    enable,
    new_ticket,
    presence,
)

from minidesk import db
from minidesk.desk import tickets
from minidesk.desk.models import Ticket
from minidesk.events import SYSTEM

GATE = {"min_qa_percent": 85, "min_csat_average": 4.2, "min_reviews": 1, "min_answers": 1}


def _escalate(ticket_id: int, why: str = "needs a specialist") -> None:
    """Raise the tier and hand the ticket back to routing, as an escalation does."""
    with db.get_db().transaction() as session:
        ticket = session.get_one(Ticket, ticket_id)
        tickets.do_set_tier(session, ticket, 2, SYSTEM, why=why)
        tickets.do_assign(session, ticket, None, SYSTEM)


@pytest.fixture
def gated(client: TestClient, cast: Cast) -> int:
    """Routing on, the escalations gate set by a manager, and carol: a certified agent."""
    enable(client, cast)
    answer = client.put("/api/v1/qa/gates/escalations", json=GATE, headers=cast.maya.headers)
    assert answer.status_code == 200, answer.text
    carol = add_agent(cast, "carol")
    certify(carol, new_ticket(cast))
    return carol


def test_an_escalated_ticket_goes_only_to_a_certified_agent(
    client: TestClient, cast: Cast, gated: int
) -> None:
    presence(client, cast, cast.alice.id)
    ticket = new_ticket(cast)
    assert assignee(ticket) == cast.alice.id  # tier 1: anyone who fits
    presence(client, cast, gated)
    _escalate(ticket)
    assert assignee(ticket) == gated
    last = decisions(ticket)[-1]
    assert last["outcome"] == "assigned" and "certified for escalations" in last["reason"]
    alice = next(c for c in last["considered"] if c["user_id"] == cast.alice.id)
    assert alice["fits"] is False
    assert alice["why"] == (
        "not certified for escalations (0 of 1 QA reviews; 0 of 1 CSAT answers)"
    )


def test_with_nobody_certified_it_waits_in_the_queue_and_says_why(
    client: TestClient, cast: Cast, gated: int
) -> None:
    presence(client, cast, cast.alice.id)
    ticket = new_ticket(cast)
    _escalate(ticket)  # carol, the certified one, is offline
    assert assignee(ticket) is None
    last = decisions(ticket)[-1]
    assert last["outcome"] == "queued"
    assert last["reason"] == (
        "nobody fits (needs email, certified for escalations; 1 would fit but are not "
        "certified for escalations): stays in the team queue"
    )
    presence(client, cast, gated)  # she comes online: the queue is offered to her
    assert assignee(ticket) == gated


def test_the_bots_hand_off_raises_the_tier_but_is_no_escalation(
    client: TestClient, cast: Cast, gated: int
) -> None:
    presence(client, cast, cast.alice.id)
    ticket = new_ticket(cast)
    _escalate(ticket, why="hand-off")
    assert assignee(ticket) == cast.alice.id
