"""The bot knows the window: an automated message that would go past WhatsApp's 24-hour
window is not simply dead-lettered. With a re-engagement template the customer is asked
(once) to write again and the message is held until they do, then sent exactly once;
without one nothing is sent and the ticket goes to agents with a note saying why."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from tests.conftest import Cast
from tests.whatsapp.conftest import TEMPLATE, WhatsApp

from minidesk import db, outbox
from minidesk.db import utcnow
from minidesk.desk.messages import do_reply
from minidesk.desk.models import Message, Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.resolutions.context import BOT

REOPEN = {"name": "reopen_chat", "language": "en_US", "parameters": 2}
APPROVED = "Your refund of $24.00 was approved."


def _ticket(wa: WhatsApp, cast: Cast) -> int:
    items = wa.client.get("/api/v1/tickets", headers=cast.olivia.headers).json()["items"]
    return int(items[0]["number"])


def _close_the_window() -> None:
    with db.get_db().transaction() as session:
        session.execute(update(Message).values(created_at=utcnow() - dt.timedelta(hours=25)))


def _bot_says(number: int, text: str) -> int:
    """An automated message decided now (an approval's outcome, a follow-up)."""
    with db.get_db().transaction() as session:
        return do_reply(session, session.get_one(Ticket, number), text, BOT).id


def _outbox_row(message_id: int) -> outbox.OutboxItem:
    with db.get_db().sessions() as session:
        return session.scalars(
            select(outbox.OutboxItem).where(outbox.OutboxItem.message_id == message_id)
        ).one()


def _texts(wa: WhatsApp) -> list[str]:
    return [p["text"]["body"] for p in wa.graph.sent if p["type"] == "text"]


def _with_reengagement(wa: WhatsApp, cast: Cast) -> None:
    answer = wa.client.patch(
        f"/api/v1/channels/{wa.channel_id}",
        headers=cast.olivia.headers,
        json={
            "settings": {
                "templates": [TEMPLATE, REOPEN],
                "reengagement_template": {"name": "reopen_chat", "language": "en_US"},
            }
        },
    )
    assert answer.status_code == 200, answer.text


def test_a_held_message_follows_the_reengagement_template_exactly_once(
    wa: WhatsApp, cast: Cast, database: db.Database
) -> None:
    _with_reengagement(wa, cast)
    wa.text("Can I get a refund for the cracked mug?", "wamid.H1")
    number = _ticket(wa, cast)
    _close_the_window()
    already = len(_texts(wa))  # the bot's answer to the first message, inside the window
    first = _bot_says(number, APPROVED)
    second = _bot_says(number, "Anything else I can help with?")
    templates = [p for p in wa.graph.sent if p["type"] == "template"]
    assert [t["template"]["name"] for t in templates] == ["reopen_chat"]  # asked once
    assert templates[0]["template"]["components"][0]["parameters"] == [
        {"type": "text", "text": "Emma"},
        {"type": "text", "text": str(number)},
    ]
    assert _texts(wa)[already:] == []
    held = _outbox_row(first)
    assert held.status == outbox.OutboxStatus.PARKED and "held" in str(held.last_error)
    messages = wa.client.get(
        f"/api/v1/tickets/{number}/messages", headers=cast.olivia.headers
    ).json()["items"]
    [shown] = [m for m in messages if m["id"] == first]
    assert shown["delivery_status"] == "queued" and "re-engagement" in shown["delivery_error"]

    wa.text("Hi, yes?", "wamid.H2")  # the window reopens
    assert _texts(wa).count(APPROVED) == 1
    assert _texts(wa).count("Anything else I can help with?") == 1
    assert _outbox_row(first).status == _outbox_row(second).status == outbox.OutboxStatus.SENT
    assert outbox.deliver(database, held.id, max_attempts=8) is None  # nothing left to send
    wa.text("Thanks!", "wamid.H3")
    assert _texts(wa).count(APPROVED) == 1
    with database.sessions() as session:
        kinds = list(session.scalars(select(Event.kind).where(Event.kind.like("whatsapp.%"))))
    assert kinds.count(EventKind.WHATSAPP_REPLY_HELD) == 2
    assert kinds.count(EventKind.WHATSAPP_REPLY_RELEASED) == 1


def test_without_a_reengagement_template_agents_get_the_ticket_and_a_note(
    wa: WhatsApp, cast: Cast
) -> None:
    wa.text("Can I get a refund for the cracked mug?", "wamid.H1")
    number = _ticket(wa, cast)
    # An agent had answered and was waiting on the customer: no hand-off pending.
    waiting = wa.client.patch(
        f"/api/v1/tickets/{number}",
        headers=cast.olivia.headers,
        json={"status": "pending", "remove_tags": ["handoff"]},
    )
    assert waiting.status_code == 200, waiting.text
    _close_the_window()
    before = len(wa.graph.sent)
    message_id = _bot_says(number, APPROVED)
    assert len(wa.graph.sent) == before
    assert _outbox_row(message_id).status == outbox.OutboxStatus.DEAD
    ticket = wa.client.get(f"/api/v1/tickets/{number}", headers=cast.olivia.headers).json()
    assert "handoff" in ticket["tags"] and ticket["status"] == "open"
    messages = wa.client.get(
        f"/api/v1/tickets/{number}/messages", headers=cast.olivia.headers
    ).json()["items"]
    [note] = [m for m in messages if m["direction"] == "note" and m["id"] > message_id]
    assert "Not sent on WhatsApp" in note["text"]
    assert "no re-engagement template" in note["text"] and APPROVED in note["text"]
