"""The 24-hour customer-service window: inside it any reply goes; outside it an agent's free
text is refused with a precise problem (``whatsapp-window-closed``), an approved template
still goes, and a bot reply that waited past the window is refused by the outbox."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from tests.conftest import Cast
from tests.whatsapp.conftest import WhatsApp

from minidesk import db, outbox
from minidesk.db import utcnow
from minidesk.desk.messages import do_reply
from minidesk.desk.models import Message, Ticket
from minidesk.resolutions.context import BOT


def _ticket(wa: WhatsApp, cast: Cast) -> int:
    return int(
        wa.client.get("/api/v1/tickets", headers=cast.olivia.headers).json()["items"][0]["number"]
    )


def _close_the_window() -> None:
    with db.get_db().transaction() as session:
        session.execute(update(Message).values(created_at=utcnow() - dt.timedelta(hours=25)))


def _reply(wa: WhatsApp, cast: Cast, number: int, **body: object) -> object:
    return wa.client.post(
        f"/api/v1/tickets/{number}/messages", headers=cast.alice.headers, json=body
    )


def test_inside_the_window_a_reply_is_free_text(wa: WhatsApp, cast: Cast) -> None:
    wa.text("Is the blue one in stock?", "wamid.W1")
    answer = _reply(wa, cast, _ticket(wa, cast), text="Yes, 3 left.")
    assert answer.status_code == 201  # type: ignore[attr-defined]
    assert wa.graph.sent[-1]["type"] == "text"


def test_outside_the_window_free_text_is_refused_precisely(wa: WhatsApp, cast: Cast) -> None:
    wa.text("Is the blue one in stock?", "wamid.W1")
    number = _ticket(wa, cast)
    _close_the_window()
    before = len(wa.graph.sent)
    refused = _reply(wa, cast, number, text="Sorry for the wait: yes!")
    assert refused.status_code == 409  # type: ignore[attr-defined]
    problem = refused.json()  # type: ignore[attr-defined]
    assert problem["type"].endswith("/whatsapp-window-closed")
    assert "24-hour window" in problem["detail"]
    assert len(wa.graph.sent) == before


def test_outside_the_window_an_approved_template_goes(wa: WhatsApp, cast: Cast) -> None:
    wa.text("Is the blue one in stock?", "wamid.W1")
    number = _ticket(wa, cast)
    _close_the_window()
    template = {"name": "order_update", "language": "en_US", "parameters": ["back in stock"]}
    sent = _reply(wa, cast, number, whatsapp_template=template)
    assert sent.status_code == 201, sent.text  # type: ignore[attr-defined]
    assert wa.graph.sent[-1]["type"] == "template"
    assert wa.graph.sent[-1]["template"] == {
        "name": "order_update",
        "language": {"code": "en_US"},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": "back in stock"}]}],
    }
    unknown = _reply(wa, cast, number, whatsapp_template={**template, "name": "promo_blast"})
    assert unknown.status_code == 409  # type: ignore[attr-defined]
    assert unknown.json()["type"].endswith("/whatsapp-template-not-approved")  # type: ignore[attr-defined]


def test_a_bot_reply_outside_the_window_is_refused_by_the_outbox(wa: WhatsApp, cast: Cast) -> None:
    wa.text("Is the blue one in stock?", "wamid.W1")
    number = _ticket(wa, cast)
    _close_the_window()
    before = len(wa.graph.sent)
    database = db.get_db()
    with database.transaction() as session:
        message = do_reply(session, session.get_one(Ticket, number), "Any news?", BOT)
        message_id = message.id
    with database.sessions() as session:
        item = session.scalars(
            select(outbox.OutboxItem).where(outbox.OutboxItem.message_id == message_id)
        ).one()
        row = session.get_one(Message, message_id)
    assert item.status == outbox.OutboxStatus.DEAD
    assert row.delivery_status == "failed" and "whatsapp-window-closed" in str(row.delivery_error)
    assert len(wa.graph.sent) == before
