"""A visitor's conversation over real WebSocket clients: hello, lines stored through the
inbox and echoed with their seq, the bot's answer pushed by the chat adapter, agents'
replies arriving live, and a resume after a disconnect that neither loses nor repeats."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.chat.conftest import say, until, visitor
from tests.conftest import Cast
from tests.realtime.stream_client import STREAM, subscribe

from minidesk import db
from minidesk.desk.models import Message, Ticket


def _messages(ticket: int) -> list[tuple[str, str]]:
    with db.get_db().sessions() as session:
        rows = session.execute(
            select(Message.direction, Message.text)
            .where(Message.ticket_id == ticket)
            .order_by(Message.id)
        )
        return [(direction, text) for direction, text in rows]


def test_a_visitor_says_hello_and_gets_a_token_and_the_greeting(
    client: TestClient, chat: int
) -> None:
    with visitor(client, chat, name="Emma") as (_, hello):
        assert hello["token"] and hello["visitor"] > 0
        assert hello["greeting"] == "Hi! How can we help?"
        assert (hello["offline"], hello["verified"], hello["name"]) == (False, False, "Emma")
    with visitor(client, chat, token=hello["token"]) as (_, again):
        # The same browser is the same visitor; its token is not handed out again.
        assert (again["visitor"], again["token"]) == (hello["visitor"], None)


def test_a_line_is_stored_echoed_and_answered_by_the_bot(client: TestClient, chat: int) -> None:
    with visitor(client, chat, name="Emma") as (socket, _):
        ack = say(socket, "c-1", "Hello, do you ship to Canada?")
        assert ack["duplicate"] is False
        mine = until(socket, type="message", id="c-1")
        assert (mine["from"], mine["text"]) == ("visitor", "Hello, do you ship to Canada?")
        answer = until(socket, type="message", **{"from": "bot"})
        assert answer["seq"] > mine["seq"] and answer["text"]
    with db.get_db().sessions() as session:
        ticket = session.get_one(Ticket, session.scalar(select(func.max(Ticket.id))))
        assert (ticket.channel, ticket.channel_id) == ("chat", chat)
    assert _messages(ticket.id)[0] == ("inbound", "Hello, do you ship to Canada?")
    assert ("outbound", answer["text"]) in _messages(ticket.id)


def test_an_agent_reply_reaches_the_visitor_live_and_agents_see_the_line(
    client: TestClient, cast: Cast, chat: int
) -> None:
    with (
        client.websocket_connect(STREAM, headers=cast.olivia.headers) as agents,
        visitor(client, chat) as (socket, _),
    ):
        until(agents, type="hello")
        subscribe(agents, view="all")
        say(socket, "c-1", "I want to talk to a human please")
        line = until(socket, type="message", id="c-1")
        created = until(agents, type="message.created", message=line["seq"])
        ticket = created["ticket"]
        # The bot hands a request for a person over: it shows in the agents' live view.
        until(agents, type="ticket.activity", kind="resolution.handed_off", ticket=ticket)
        reply = client.post(
            f"/api/v1/tickets/{ticket}/messages",
            json={"text": "Hi, Olivia here <b>not bold</b>", "type": "reply"},
            headers=cast.olivia.headers,
        )
        assert reply.status_code == 201, reply.text
        pushed = until(socket, type="message", **{"from": "agent"})
        # Text stays text: the widget inserts it as such (and the server never renders it).
        assert (pushed["text"], pushed["name"]) == ("Hi, Olivia here <b>not bold</b>", "Olivia")
        agents.send_json({"op": "typing", "ticket": ticket})
        assert until(socket, type="typing")["active"] is True
        # Read receipts both ways: the visitor's widget showed the reply; an agent opened it.
        socket.send_json({"op": "read", "seq": pushed["seq"]})
        read = until(agents, type="ticket.activity", kind="chat.read", ticket=ticket)
        assert read["message"] == pushed["seq"]
        agents.send_json({"op": "viewing", "ticket": ticket})
        until(socket, type="read")
        # And the visitor typing shows to the agents who have the ticket open.
        subscribe(agents, ticket=ticket)
        socket.send_json({"op": "typing", "active": True})
        assert until(agents, type="typing", ticket=ticket)["user"] == 0


def test_the_same_client_id_twice_is_one_message(client: TestClient, chat: int) -> None:
    with visitor(client, chat) as (socket, hello):
        assert say(socket, "c-7", "Where is my parcel?")["duplicate"] is False
        first = until(socket, type="message", id="c-7")
    # A retry after a reconnect, on another socket of the same visitor.
    with visitor(client, chat, token=hello["token"], last_seq=first["seq"]) as (socket, _):
        until(socket, type="synced")
        assert say(socket, "c-7", "Where is my parcel?")["duplicate"] is True
    with db.get_db().sessions() as session:
        count = session.scalar(
            select(func.count()).select_from(Message).where(Message.text == "Where is my parcel?")
        )
    assert count == 1


def test_resume_replays_what_was_missed_and_nothing_twice(
    client: TestClient, cast: Cast, chat: int
) -> None:
    with visitor(client, chat) as (socket, hello):
        say(socket, "c-1", "first line")
        seen = until(socket, type="message", id="c-1")
    with db.get_db().sessions() as session:
        ticket = session.scalar(select(Message.ticket_id).where(Message.id == seen["seq"]))
    # While the visitor is away: an agent answers, twice.
    for text in ("answer one", "answer two"):
        posted = client.post(
            f"/api/v1/tickets/{ticket}/messages",
            json={"text": text, "type": "reply"},
            headers=cast.olivia.headers,
        )
        assert posted.status_code == 201
    with visitor(client, chat, token=hello["token"], last_seq=seen["seq"]) as (socket, _):
        replayed = []
        while (frame := socket.receive_json())["type"] != "synced":
            if frame["type"] == "message":
                replayed.append(frame["text"])
        assert frame["last_seq"] > seen["seq"]
    # Everything after the last line seen (the bot's answer included), the seen line not again.
    assert replayed[-2:] == ["answer one", "answer two"]
    assert "first line" not in replayed
    # A new browser (no token) sees nothing of it.
    with visitor(client, chat) as (socket, _):
        assert until(socket, type="synced")["last_seq"] == 0
