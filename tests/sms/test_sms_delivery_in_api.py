"""The API shows what Twilio reported for each reply: status, its id, segments and cost."""

from __future__ import annotations

from tests.conftest import Cast
from tests.sms.conftest import Sms
from tests.sms.test_sms_delivery import _delivery, _reply, _ticket


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
