"""The resolution flows in the chat, exactly as on the API channel: a visitor the shop signed
in gets a refund with one confirmation; a stranger who types the same email gets a person,
and nothing of the order."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.chat.conftest import say, until, user_hash, visitor
from tests.conftest import money_moved
from tests.resolutions.conftest import EMMA

from minidesk.db import Database


def test_emma_signed_in_on_the_shop_gets_her_refund_in_the_chat(
    client: TestClient, chat: int, store: Database
) -> None:
    signed = {"name": "Emma", "email": EMMA, "user_hash": user_hash(EMMA)}
    with visitor(client, chat, **signed) as (socket, hello):
        assert hello["verified"] is True
        say(socket, "c-1", "I want a refund of $25 for order 1003")
        offer = until(socket, type="message", **{"from": "bot"})
        assert "We can refund $25.00 for order #1003" in offer["text"]
        assert money_moved(store) == 0
        say(socket, "c-2", "yes refund, thanks")
        done = until(socket, type="message", **{"from": "bot"})
        assert "refunded $25.00 for order #1003" in done["text"]
    assert money_moved(store) == 2500


def test_a_stranger_typing_emmas_email_gets_a_person_and_no_order_details(
    client: TestClient, chat: int, store: Database
) -> None:
    with visitor(client, chat, name="Emma", email=EMMA) as (socket, hello):
        assert hello["verified"] is False
        say(socket, "c-1", "I want a refund of $25 for order 1003")
        answer = until(socket, type="message", **{"from": "bot"})
        say(socket, "c-2", "yes refund, thanks")
    assert "$25.00" not in answer["text"] and "Visa" not in answer["text"]
    assert "A person from our team will follow up" in answer["text"]
    assert money_moved(store) == 0
