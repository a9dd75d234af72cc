"""A desk with one team's secret: Sam Zebra writes only to Support, Mia writes to Support and
to Billing. Everything Support-only carries the word "zebra", so a test can search any response
for it: bob (agent, Billing) must never meet it while agents are restricted to their teams."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient
from tests.conftest import Cast, ingest

from minidesk import db
from minidesk.channels.base import InboundMessage, Sender
from minidesk.desk import tickets
from minidesk.desk.models import Team, Ticket
from minidesk.events import SYSTEM

CANARY = "zebra"


@dataclass(frozen=True)
class World:
    sam: int  # customer with Support tickets only
    sam_ticket: int
    mia: int  # customer with a Support ticket and a Billing ticket
    mia_support_ticket: int
    mia_billing_ticket: int


def _ticket(email: str, name: str, subject: str, text: str, external_id: str, team: int) -> int:
    message = InboundMessage(
        channel="api",
        external_id=external_id,
        sender=Sender(email=email, name=name),
        subject=subject,
        text=text,
        new_conversation=True,
    )
    number, _ = ingest(message)
    with db.get_db().transaction() as session:
        ticket = session.get_one(Ticket, number)
        tickets.do_set_team(session, ticket, session.get_one(Team, team), SYSTEM)
    return number


def build(cast: Cast) -> World:
    sam_ticket = _ticket(
        "sam.zebra@example.com",
        "Sam Zebra",
        "Zebra print sofa",
        "The zebra print sofa arrived torn.",
        "world-sam",
        cast.support_team,
    )
    mia_support = _ticket(
        "mia@example.com",
        "Mia",
        "Zebra account question",
        "My zebra account password is hunter2.",
        "world-mia-1",
        cast.support_team,
    )
    mia_billing = _ticket(
        "mia@example.com",
        "Mia",
        "Charged twice",
        "I was charged twice for order 1001.",
        "world-mia-2",
        cast.billing_team,
    )
    with db.get_db().sessions() as session:
        sam = session.get_one(Ticket, sam_ticket).customer_id
        mia = session.get_one(Ticket, mia_billing).customer_id
    return World(sam, sam_ticket, mia, mia_support, mia_billing)


def restrict(client: TestClient, cast: Cast, on: bool = True) -> None:
    response = client.patch(
        "/api/v1/workspace", json={"restrict_agents_to_teams": on}, headers=cast.olivia.headers
    )
    assert response.status_code == 200, response.text
