"""Chat abandonment (issue 15): a visitor whose sockets are gone past the grace period before
anyone replied has left; the minute sweep records ``chat.visitor_left`` once, and the KPI
report counts the chat as abandoned. A reply first, or a visitor still connected, is not."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from tests.chat.conftest import say, until, visitor
from tests.conftest import Cast

from minidesk import db
from minidesk.channels.chat import hub
from minidesk.channels.chat.models import ChatVisitor, ChatWait
from minidesk.channels.chat.waits import GRACE, record_left
from minidesk.db import utcnow
from minidesk.desk.models import Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Event

# Nothing the bot can answer: it hands the chat to a person, and its notice ("a person will
# follow up") is no reply, so the chat still waits.
LINE = "Hmm."


def _chat(client: TestClient, chat: int, client_id: str) -> tuple[int, int]:
    """A visitor's first line opened a chat, then they closed the tab: (ticket, visitor)."""
    with visitor(client, chat, name="Emma") as (socket, hello):
        say(socket, client_id, LINE)
        until(socket, type="message", id=client_id)
    with db.get_db().sessions() as session:
        ticket = session.scalar(select(func.max(Ticket.id)))
    assert ticket is not None
    return ticket, int(hello["visitor"])


def _last_seen(visitor_id: int, ago: dt.timedelta) -> dt.datetime:
    seen = utcnow() - ago
    with db.get_db().transaction() as session:
        session.execute(
            update(ChatVisitor).where(ChatVisitor.id == visitor_id).values(last_seen_at=seen)
        )
    return seen


def _left(ticket: int) -> list[dict[str, Any]]:
    with db.get_db().sessions() as session:
        found = session.scalars(
            select(Event)
            .where(Event.ticket_id == ticket, Event.kind == EventKind.CHAT_VISITOR_LEFT)
            .order_by(Event.id)
        )
        return [dict(e.data) for e in found]


def _waiting() -> set[int]:
    with db.get_db().sessions() as session:
        return set(session.scalars(select(ChatWait.ticket_id)))


def test_a_visitor_gone_past_the_grace_before_any_reply_left_once(
    client: TestClient, cast: Cast, chat: int
) -> None:
    ticket, visitor_id = _chat(client, chat, "c-1")
    assert _waiting() == {ticket}  # after the bot's hand-off notice too
    _last_seen(visitor_id, GRACE - dt.timedelta(seconds=30))
    assert record_left(utcnow()) == 0  # within the grace: maybe only changing pages
    seen = _last_seen(visitor_id, GRACE + dt.timedelta(seconds=30))
    assert record_left(utcnow()) == 1
    assert record_left(utcnow()) == 0  # once
    [left] = _left(ticket)
    assert (left["visitor_id"], left["left_at"]) == (visitor_id, seen.isoformat())
    today = utcnow().date().isoformat()
    report = client.get("/api/v1/reports/kpis", params={"from": today, "to": today},
                        headers=cast.maya.headers)  # fmt: skip
    [row] = report.json()["items"]
    assert (row["chats_started"], row["chat_abandonment_rate"]) == (1, 1.0)


def test_a_reply_before_the_visitor_goes_ends_the_wait(
    client: TestClient, cast: Cast, chat: int
) -> None:
    ticket, visitor_id = _chat(client, chat, "c-1")
    reply = client.post(
        f"/api/v1/tickets/{ticket}/messages",
        json={"text": "Hi Emma, how can I help?"},
        headers=cast.olivia.headers,
    )
    assert reply.status_code in (200, 201), reply.text
    assert _waiting() == set()
    _last_seen(visitor_id, GRACE * 2)
    assert record_left(utcnow()) == 0
    assert _left(ticket) == []


def test_a_connected_visitor_is_renewed_as_seen_and_has_not_left(
    client: TestClient, chat: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub, "SEEN_EVERY", 0.05)  # the process's renewal, sped up
    with visitor(client, chat, name="Emma") as (socket, hello):
        say(socket, "c-1", LINE)
        until(socket, type="message", id="c-1")
        stale = _last_seen(int(hello["visitor"]), GRACE * 2)
        deadline = time.monotonic() + 10
        while _seen_at(int(hello["visitor"])) == stale and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _seen_at(int(hello["visitor"])) > stale
        assert record_left(utcnow()) == 0


def _seen_at(visitor_id: int) -> dt.datetime:
    with db.get_db().sessions() as session:
        return session.get_one(ChatVisitor, visitor_id).last_seen_at
