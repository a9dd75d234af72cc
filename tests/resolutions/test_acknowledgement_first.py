"""A new ticket whose first message is only a thank-you ("thanks!", "ok 👍", "vielen Dank") is
solved without a reply and without a person: tagged, recorded with rule
``customer.acknowledged_only``, and reopened by the customer's next real message. A question
or a request beside the thanks is handled as any other message."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, replies, templates, ticket
from tests.resolutions.shop import ANA

from minidesk.db import Database


def _say(client: TestClient, cast: Cast, text: str, n: int = 1) -> int:
    sent = inbound(client, cast.shop, text, f"m{n}", email=ANA, thread="t")
    return int(str(sent["ticket_number"]))


def _post(client: TestClient, cast: Cast, **body: Any) -> int:
    payload = {"customer": {"email": ANA}, "external_id": "m1", **body}
    response = client.post("/api/v1/inbound/messages", json=payload, headers=cast.shop.headers)
    assert response.status_code == 202, response.text
    return int(response.json()["ticket_number"])


@pytest.mark.parametrize(
    "thanks",
    ["thanks!", "ok 👍", "merci beaucoup", "vielen Dank", "muchas gracias", "Obrigado!",
     "Thank you so much 🙏"],
)  # fmt: skip
def test_a_thank_you_that_opens_a_ticket_is_solved_without_a_reply_or_a_person(
    client: TestClient, cast: Cast, shop: Database, thanks: str
) -> None:
    number = _say(client, cast, thanks)
    seen = ticket(shop, number)
    assert replies(shop, number) == []  # no "you're welcome" to answer again
    assert (seen.status, seen.resolution) == ("solved", "auto")
    assert "handoff" not in seen.tags and "acknowledgement-only" in seen.tags
    [closed] = kinds(shop, number, "resolution.closed")
    assert (closed["rule"], closed["flows"]) == ("customer.acknowledged_only", [])


@pytest.mark.parametrize(
    ("text", "template"),
    [("thanks! where is order 10239?", "order_status"),
     ("thanks, please cancel order 10239", "cancel_not_possible"),
     ("ok thanks but my order 10239 is where exactly", "order_status")],
)  # fmt: skip
def test_thanks_with_a_request_is_an_ordinary_message(
    client: TestClient, cast: Cast, shop: Database, text: str, template: str
) -> None:
    number = _say(client, cast, text)
    assert templates(shop, number) == [template]
    assert "acknowledgement-only" not in ticket(shop, number).tags


def test_the_next_real_message_reopens_it_and_is_answered(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _say(client, cast, "thanks!")
    assert _say(client, cast, "actually, where is order 10239?", 2) == number
    assert templates(shop, number) == ["order_status"]
    reopened = [e for e in kinds(shop, number, "ticket.status_changed") if e["after"] == "open"]
    assert reopened  # solved, then reopened by the customer
    rules = [e["rule"] for e in kinds(shop, number, "resolution.closed")]
    assert rules == ["customer.acknowledged_only", "order.tracking"]


def test_a_thanks_replying_to_a_notice_ignores_the_notice_s_subject(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _post(client, cast, text="Thanks!", subject="Re: Your order 10239 has shipped")
    assert (ticket(shop, number).status, replies(shop, number)) == ("solved", [])


def test_a_thanks_with_a_photo_attached_goes_to_a_person(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    photo = {
        "filename": "broken.jpg",
        "content_type": "image/jpeg",
        "size": 1024,
        "url": "https://files.example.com/broken.jpg",
    }
    number = _post(client, cast, text="thanks", attachments=[photo])
    seen = ticket(shop, number)
    assert seen.status != "solved" and "acknowledgement-only" not in seen.tags
    assert kinds(shop, number, "resolution.closed") == []


def test_ok_after_the_bot_s_answer_stays_on_that_ticket_and_closes_nothing_new(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    first = _say(client, cast, "where is order 10239?")
    second = _say(client, cast, "ok", 2)  # the same, solved ticket: filed, kept solved
    assert second == first
    assert [e["rule"] for e in kinds(shop, first, "resolution.closed")] == ["order.tracking"]
