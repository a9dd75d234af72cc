"""The demo's chat, SMS and WhatsApp conversations: every one answerable from the workspace,
and a reply on a placeholder-credential channel is a dead letter at once, saying why, with no
request to any provider."""

from __future__ import annotations

from unittest import mock

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast

from minidesk import demo_channels, outbox
from minidesk.channels.sms import twilio
from minidesk.channels.whatsapp import graph
from minidesk.db import Database
from minidesk.desk.models import Ticket


def test_every_live_conversation_is_answerable_and_placeholders_never_reach_a_provider(
    database: Database, cast: Cast, client: TestClient
) -> None:
    chat_id = demo_channels.seed_live_channels(database)
    assert demo_channels.seed_live_channels(database) == chat_id  # idempotent
    with database.sessions() as session:
        tickets = session.execute(select(Ticket.id, Ticket.channel)).all()
    assert {channel for _, channel in tickets} == {"chat", "sms", "whatsapp"}
    assert len(tickets) == len({(line.kind, line.person) for line in demo_channels.LINES})
    with (
        mock.patch.object(twilio, "create_message", autospec=True) as sms_sent,
        mock.patch.object(graph, "send", autospec=True) as whatsapp_sent,
    ):
        for number, channel in tickets:
            answer = client.post(
                f"/api/v1/tickets/{number}/messages",
                json={"text": "Thanks, looking into it now.", "type": "reply"},
                headers=cast.olivia.headers,
            )
            assert answer.status_code == 201, (channel, answer.text)
    assert sms_sent.call_count == 0 and whatsapp_sent.call_count == 0
    with database.sessions() as session:
        items = session.scalars(select(outbox.OutboxItem)).all()
        by_channel = {item.id: session.get_one(Ticket, item.ticket_id).channel for item in items}
    dead = [item for item in items if by_channel[item.id] in ("sms", "whatsapp")]
    # The agents' replies, and whatever the bot said when the messages came in.
    assert len(dead) >= sum(1 for _, channel in tickets if channel != "chat")
    assert all(item.status == outbox.OutboxStatus.DEAD for item in dead)
    assert all("placeholder credentials" in str(item.last_error) for item in dead)
    chat = [item for item in items if by_channel[item.id] == "chat"]
    assert chat and all(item.status == outbox.OutboxStatus.SENT for item in chat)


def test_the_banner_prints_the_widget_snippet() -> None:
    from minidesk.demo import Summary, banner

    text = banner(Summary(True, 3, 2, "mdk_x", "mdk_y", 7), "http://127.0.0.1:8000")
    assert '<script src="http://127.0.0.1:8000/widget.js" data-channel="7" async>' in text
    assert demo_channels.DEMO_ORIGINS[0] in text
