"""A new ticket lands in the team that serves its channel (``channels.team_id``): bob (Billing)
sees and is routed what arrives on Billing's channel, alice (Support) does not. A follow-up
keeps its original's team, a rule's ``set_team`` still has the last word, and moving a channel
to another team moves only the tickets opened after."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound
from tests.desk.visibility_world import restrict
from tests.routing.world import assignee, enable, presence

from minidesk import db
from minidesk.channels.models import Channel
from minidesk.desk import tickets
from minidesk.desk.models import Status, Team, Ticket
from minidesk.events import SYSTEM

TICKETS = "/api/v1/tickets"


def _shop_channel(client: TestClient, cast: Cast, team_id: int | None) -> int:
    """The shop app's API channel (where ``inbound`` posts), served by ``team_id``."""
    with db.get_db().sessions() as session:
        shop = select(Channel.id).where(Channel.name == "API: shop-app")
        channel_id = session.scalars(shop).one()
    answer = client.patch(f"/api/v1/channels/{channel_id}", json={"team_id": team_id},
                          headers=cast.olivia.headers)  # fmt: skip
    assert answer.status_code == 200, answer.text
    return channel_id


def _ticket(number: object) -> Ticket:
    with db.get_db().sessions() as session:
        return session.get_one(Ticket, number)


def _numbers(client: TestClient, who: Any) -> set[object]:
    answer = client.get(TICKETS, headers=who.headers)
    assert answer.status_code == 200, answer.text
    return {item["number"] for item in answer.json()["items"]}


def test_a_message_on_billings_channel_opens_a_ticket_only_billing_sees(
    client: TestClient, cast: Cast
) -> None:
    _shop_channel(client, cast, cast.billing_team)
    number = inbound(client, cast.shop, "Why was I charged twice?", "team-1")["ticket_number"]
    assert _ticket(number).team_id == cast.billing_team
    restrict(client, cast)
    assert number in _numbers(client, cast.bob)
    assert number not in _numbers(client, cast.alice)
    assert client.get(f"{TICKETS}/{number}", headers=cast.alice.headers).status_code == 404
    assert client.get(f"{TICKETS}/{number}", headers=cast.bob.headers).json()["team_id"] == (
        cast.billing_team
    )


def test_a_channel_of_no_team_opens_a_ticket_of_no_team(client: TestClient, cast: Cast) -> None:
    number = inbound(client, cast.shop, "Hello", "team-none")["ticket_number"]
    assert _ticket(number).team_id is None


def test_routing_offers_a_billing_channels_ticket_to_a_billing_agent(
    client: TestClient, cast: Cast
) -> None:
    enable(client, cast)
    presence(client, cast, cast.alice.id)
    presence(client, cast, cast.bob.id)
    _shop_channel(client, cast, cast.billing_team)
    number = inbound(client, cast.shop, "Why was I charged twice?", "team-route")["ticket_number"]
    assert assignee(int(str(number))) == cast.bob.id


def test_a_rules_set_team_has_the_last_word(client: TestClient, cast: Cast) -> None:
    rule = {"name": "All to Support", "event": "ticket.created", "conditions": [],
            "actions": [{"type": "set_team", "team": "Support"}]}  # fmt: skip
    made = client.post("/api/v1/rules", json=rule, headers=cast.olivia.headers)
    assert made.status_code == 201, made.text
    _shop_channel(client, cast, cast.billing_team)
    number = inbound(client, cast.shop, "Why was I charged twice?", "team-rule")["ticket_number"]
    assert _ticket(number).team_id == cast.support_team


def test_moving_a_channel_to_another_team_moves_new_tickets_only(
    client: TestClient, cast: Cast
) -> None:
    channel = _shop_channel(client, cast, cast.billing_team)
    before = inbound(client, cast.shop, "Charged twice", "move-1")["ticket_number"]
    _shop_channel(client, cast, cast.support_team)
    after = inbound(client, cast.shop, "Where is my parcel?", "move-2", email="noah@example.com")
    assert _ticket(before).team_id == cast.billing_team
    assert _ticket(after["ticket_number"]).team_id == cast.support_team
    assert channel == _ticket(after["ticket_number"]).channel_id


def test_a_follow_up_keeps_its_originals_team(client: TestClient, cast: Cast) -> None:
    _shop_channel(client, cast, cast.billing_team)
    first = inbound(client, cast.shop, "Charged twice", "follow-1", thread="c1")["ticket_number"]
    with db.get_db().transaction() as session:
        ticket = session.get_one(Ticket, first)
        tickets.do_set_team(session, ticket, session.get_one(Team, cast.support_team), SYSTEM)
        tickets.do_set_status(session, ticket, Status.CLOSED, SYSTEM)
    again = inbound(client, cast.shop, "Again", "follow-2", thread="c1")["ticket_number"]
    follow_up = _ticket(again)
    assert again != first and follow_up.custom_fields.get("follow_up_of") == first
    assert follow_up.team_id == cast.support_team


def test_a_rule_moving_a_routed_ticket_hands_it_to_an_agent_of_the_new_team(
    client: TestClient, cast: Cast
) -> None:
    enable(client, cast)
    presence(client, cast, cast.alice.id)
    presence(client, cast, cast.bob.id)
    rule = {"name": "All to Support", "event": "ticket.created", "conditions": [],
            "actions": [{"type": "set_team", "team": "Support"}]}  # fmt: skip
    assert client.post("/api/v1/rules", json=rule, headers=cast.olivia.headers).status_code == 201
    _shop_channel(client, cast, cast.billing_team)
    number = inbound(client, cast.shop, "Charged twice", "team-rule-route")["ticket_number"]
    assert _ticket(number).team_id == cast.support_team
    assert assignee(int(str(number))) == cast.alice.id
