"""The API shows what Twilio reported for each reply: status, its id, segments and cost."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast
from tests.desk.visibility_world import _ticket as _support_ticket
from tests.sms.conftest import Sms
from tests.sms.test_sms_delivery import _delivery, _reply, _ticket
from tests.web.ui.admin.helpers import signed_in

from minidesk import db
from minidesk.channels.models import ChannelDelivery
from minidesk.desk.models import Message


def test_the_messages_api_carries_the_delivery_status_sid_segments_and_cost(
    sms: Sms, cast: Cast
) -> None:
    sms.text("Do you ship to Canada?", "SM1")
    number = _ticket(sms, cast)
    reply = _reply(sms, cast, number, "We do.")
    sid = str(_delivery(reply["id"]).provider_id)
    assert sms.status(sid, "delivered", Price="-0.00790", PriceUnit="USD").status_code == 204

    items = sms.client.get(f"/api/v1/tickets/{number}/messages", headers=cast.alice.headers).json()[
        "items"
    ]
    [inbound] = [m for m in items if m["direction"] == "inbound"]
    [sent] = [m for m in items if m["id"] == reply["id"]]
    assert inbound["delivery"] is None  # nothing was sent: there is no provider record
    delivery = sent["delivery"]
    assert (delivery["status"], delivery["provider_id"]) == ("delivered", sid)
    assert (delivery["segments"], delivery["price_micros"], delivery["currency"]) == (
        1,
        7900,
        "USD",
    )
    customer = sent["customer_id"] or inbound["customer_id"]
    polled = sms.client.get(
        f"/api/v1/customers/{customer}/messages", headers=cast.alice.headers
    ).json()["items"]
    assert [m["delivery"] for m in polled if m["id"] == reply["id"]] == [delivery]


def test_the_ticket_page_shows_segments_and_cost(client: TestClient, cast: Cast) -> None:
    # Over plain http (the SMS fixture's https public URL makes session cookies Secure).
    number = _support_ticket("sam@example.com", "Sam", "Sofa", "Torn sofa", "p1", cast.support_team)
    with db.get_db().transaction() as session:
        message = session.scalars(
            select(Message).where(Message.ticket_id == number).order_by(Message.id)
        ).first()
        assert message is not None
        session.add(
            ChannelDelivery(
                channel_id=message.channel_id, outbox_id=1, message_id=message.id,
                provider_id="SM1", status="delivered", segments=2, price_micros=15800,
                currency="USD",
            )
        )  # fmt: skip
    signed_in(client, cast.alice.email)
    page = client.get(f"/tickets/{number}").text
    assert "2 segments · 0.0158 USD" in page and 'title="provider id SM1"' in page
