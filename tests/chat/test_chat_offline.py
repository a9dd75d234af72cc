"""Outside business hours, or with no agent signed in, the chat turns into an email ticket:
the visitor leaves an address and a message, and the reply goes by email."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.chat.conftest import make_chat, until, visitor
from tests.conftest import Cast
from tests.realtime.stream_client import STREAM, presence_of

from minidesk import db
from minidesk.channels.models import Channel
from minidesk.desk.models import Message, Ticket

NEVER_OPEN = {"timezone": "Europe/London", "week": {}}


def test_outside_hours_the_visitor_leaves_an_email_and_gets_an_email_ticket(
    client: TestClient, cast: Cast
) -> None:
    chat = make_chat(client, cast, offline_greeting="Back at nine.")
    hours = client.patch(
        f"/api/v1/channels/{chat}",
        # A "mailbox" that is no mailbox (the chat itself): the first mailbox is used instead.
        json={"business_hours": NEVER_OPEN, "settings": {"offline_mailbox_id": chat}},
        headers=cast.olivia.headers,
    )
    assert hours.status_code == 200, hours.text
    with visitor(client, chat) as (socket, hello):
        assert (hello["open"], hello["offline"], hello["greeting"]) == (
            False,
            True,
            "Back at nine.",
        )
        socket.send_json(
            {
                "op": "offline",
                "id": "o-1",
                "email": "Sam@Example.com",
                "name": "Sam",
                "text": "Do you restock the blue mug?",
            }
        )
        ack = until(socket, type="ack", id="o-1")
        assert ack["offline"] is True
    with db.get_db().sessions() as session:
        message = session.scalars(
            select(Message).where(Message.text == "Do you restock the blue mug?")
        ).one()
        ticket = session.get_one(Ticket, message.ticket_id)
        assert ticket.channel == "email"
        mailbox = session.get_one(Channel, ticket.channel_id)
        assert mailbox.kind == "email" and mailbox.id != chat
        assert ticket.customer.email == "sam@example.com"
        assert message.meta["chat"]["offline"] is True


def test_with_no_agent_signed_in_the_chat_is_offline_until_one_is(
    client: TestClient, cast: Cast
) -> None:
    chat = make_chat(client, cast, offline_when_no_agents=True)
    with visitor(client, chat) as (_, hello):
        assert (hello["open"], hello["agents_online"], hello["offline"]) == (True, False, True)
    with client.websocket_connect(STREAM, headers=cast.alice.headers) as agent:
        until(agent, type="hello")
        presence_of(agent, cast.alice.id)  # her presence has reached the hub
        with visitor(client, chat) as (_, hello):
            assert (hello["agents_online"], hello["offline"]) == (True, False)
