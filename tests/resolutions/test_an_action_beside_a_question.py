"""An action beside a read-only request ("cancel order 10239 and send me the invoice for
10234", "refund $30 on 10234, and where is my order 10239?"): the read-only answer and the
action's outcome go out in one reply; when the action asks back (the YES REFUND offer, an
explanation, an approval) the read-only part is still answered and the action continues or
hands off exactly as it would alone. Two actions stay a person's."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import kinds, replies, ticket
from tests.resolutions.shop import ANA, BEN

from minidesk.db import Database
from minidesk.desk.models import Direction, Message
from minidesk.resolutions.facts import choose_flow
from minidesk.resolutions.parts import Part, assign_orders
from minidesk.triage import taxonomy

STATUS, INVOICE = taxonomy.ORDER_STATUS, taxonomy.INVOICE


def _say(client: TestClient, cast: Cast, text: str, n: int = 1, email: str = ANA) -> int:
    sent = inbound(client, cast.shop, text, f"m{n}", email=email, thread="t")
    return int(str(sent["ticket_number"]))


def _parts(database: Database, ticket_id: int) -> list[list[Any]]:
    """The templates each reply was put together from."""
    with database.sessions() as session:
        rows = session.scalars(
            select(Message.meta)
            .where(Message.ticket_id == ticket_id, Message.direction == Direction.OUTBOUND)
            .order_by(Message.id)
        )
        return [list(meta.get("templates") or [meta.get("template")]) for meta in rows]


def _done(database: Database, ticket_id: int) -> list[tuple[str, str]]:
    return [(e["kind"], e["order_number"]) for e in kinds(database, ticket_id, "commerce.")]


CANCEL_AND_INVOICE = [
    "Please cancel order 10239 and send me the invoice for 10234",
    "Send me the invoice for 10234, and also cancel 10239",
    "cancela el pedido 10239 y mándame la factura del 10234",
]


@pytest.mark.parametrize("text", CANCEL_AND_INVOICE)
def test_ana_gets_the_invoice_and_why_a_shipped_order_cannot_be_cancelled_in_one_reply(
    text: str, client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _say(client, cast, text)
    assert _done(shop, number) == [("commerce.invoice", "10234")]  # each on its own order
    assert _parts(shop, number) == [["invoice_sent", "cancel_not_possible"]]
    assert kinds(shop, number, "resolution.handed_off") == []
    assert ticket(shop, number).status == "pending"  # the explanation waits, as alone


def test_ben_cancels_and_gets_the_invoice_and_the_ticket_is_solved_once(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _say(client, cast, "please cancel order 30001 and send me the invoice", email=BEN)
    assert _done(shop, number) == [("commerce.invoice", "30001"), ("commerce.cancel", "30001")]
    assert _parts(shop, number) == [["invoice_sent", "cancel_voided"]]
    seen = ticket(shop, number)
    assert (seen.status, seen.resolution) == ("solved", "auto")
    [closed] = kinds(shop, number, "resolution.closed")
    assert closed["flows"] == [INVOICE, taxonomy.CANCEL_ORDER]
    assert closed["flow"] == taxonomy.CANCEL_ORDER


def test_the_refund_offer_waits_for_its_token_and_the_status_is_answered_at_once(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _say(client, cast, "refund $30 on 10234 please, and where is my order 10239?")
    assert _done(shop, number) == []  # nothing moves before YES REFUND
    [reply] = replies(shop, number)
    assert "1ZTEST10239" in reply and "YES REFUND" in reply
    assert _parts(shop, number) == [["order_status", "refund_offer"]]
    assert kinds(shop, number, "resolution.closed") == []  # the ticket is not solved yet
    _say(client, cast, "YES REFUND", 2)
    assert _done(shop, number) == [("commerce.refund", "10234")]
    [closed] = kinds(shop, number, "resolution.closed")
    assert closed["flows"] == [STATUS, taxonomy.REFUND]
    assert closed["flow"] == taxonomy.REFUND


def test_another_answer_to_the_offer_hands_off_as_alone(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    _say(client, cast, "refund $30 on 10234 please, and where is my order 10239?")
    number = _say(client, cast, "hmm, maybe later", 2)
    assert _done(shop, number) == []
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "refund.no_token"
    assert handed["facts"]["answered"] == [STATUS]  # the person sees what was answered


def test_a_refund_over_200_beside_the_invoice_goes_for_approval_and_the_invoice_goes_out(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _say(client, cast, "I want a full refund of 10237 and can you email me the invoice?")
    assert _done(shop, number) == [("commerce.invoice", "10237")]
    assert _parts(shop, number) == [["invoice_sent", "refund_review"]]
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "refund.senior_approval"
    assert [e["kind"] for e in kinds(shop, number, "approval.requested")] == ["approval.requested"]


def test_an_unknown_sender_gets_neither(client: TestClient, cast: Cast, shop: Database) -> None:
    text = "Please cancel order 10239 and send me the invoice for 10234"
    number = _say(client, cast, text, email="someone.else@example.com")
    assert _done(shop, number) == []
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "identity.unverified"


def test_nothing_acts_after_a_read_only_answer_that_did_not_close(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    # 10236 was cancelled: its status is an explanation, so the refund is a person's.
    number = _say(client, cast, "where is my order 10236? and refund $10 on 10234")
    assert _done(shop, number) == []
    asked = kinds(shop, number, "resolution.asked")
    assert all(e["step"] != "awaiting_token" for e in asked)  # no refund offered either
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "requests.several"


def test_my_other_order_among_several_is_a_person_s_question(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    number = _say(
        client, cast, "refund my broken bonsai kit from 10234 - and where is my other order?"
    )
    assert _done(shop, number) == []
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "requests.several"


@pytest.mark.parametrize(
    "text",
    [
        "cancel 10239, refund 10234 and send me the invoice",
        "where is 10239? cancel it and return 10234",
    ],
)
def test_two_actions_beside_a_question_stay_a_person_s(text: str) -> None:
    choice = choose_flow("unknown", 0.0, text, has_order=True, orders_named=2)
    assert (choice.flow, choice.together) == (None, ())


def test_an_invoice_mentioned_beside_a_refund_is_not_a_request() -> None:
    text = "the invoice shows I paid twice, refund $20 on 10234"
    choice = choose_flow(taxonomy.REFUND, 0.9, text, has_order=True)
    assert choice.together == ()


# -- which order each request is about --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "named", "owned", "parts"),
    [
        ("cancel order 1042 and send me the invoice for 1038", ["1042", "1038"],
         ["1042", "1038"], [Part(INVOICE, "1038"), Part(taxonomy.CANCEL_ORDER, "1042")]),
        ("cancel 1042 and send me its invoice", ["1042"], ["1042", "1038"],
         [Part(INVOICE, "1042"), Part(taxonomy.CANCEL_ORDER, "1042")]),
        ("refund my mug from 1042 and where is my other order?", ["1042"], ["1042", "1038"],
         [Part(STATUS, "1038"), Part(taxonomy.REFUND, "1042")]),
        ("refund me, and where is my order?", [], ["1042", "1038"],
         [Part(STATUS, None), Part(taxonomy.REFUND, None)]),
        # Unclear: several orders, and a request naming none of them or two.
        ("refund me, and where are 1042 and 1038?", ["1042", "1038"], ["1042", "1038"], None),
        ("refund my mug and where is my other order?", ["1042"], ["1042", "1038", "1040"],
         None),
    ],
)  # fmt: skip
def test_each_request_gets_the_order_its_own_words_name(
    text: str, named: list[str], owned: list[str], parts: list[Part] | None
) -> None:
    flows = tuple(part.flow for part in parts) if parts else (STATUS, taxonomy.REFUND)
    assert assign_orders(text, flows, named, owned) == parts


def test_a_rule_on_resolution_closed_fires_once_for_a_reply_answering_two_requests(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    # A shop's "bot solved it" rule (a survey, a CRM update) acts once per solved ticket.
    rule = {
        "name": "Bot solved",
        "event": "resolution.closed",
        "allow_automated": True,
        "conditions": [],
        "actions": [{"type": "add_tags", "tags": ["bot-solved"]}],
    }
    response = client.post("/api/v1/rules", json=rule, headers=cast.maya.headers)
    assert response.status_code == 201, response.text
    number = _say(client, cast, "where is my order 10239 and can you send the invoice?")
    assert len(kinds(shop, number, "rule.fired")) == 1  # was 2: one per request answered
    assert "bot-solved" in ticket(shop, number).tags


@pytest.mark.parametrize(
    "text",
    [
        "when is 10239 arriving? also cancel 30001",
        # Texted typos (held-out set 9 had "ariving" read as a second cancellation).
        "wuold it be posible to cancel 30001? ordred the wrong size. also when is 10239 ariving?",
    ],
)
def test_a_cancellation_beside_when_another_order_arrives_is_answered_together(text: str) -> None:
    chosen = choose_flow(taxonomy.CANCEL_ORDER, 0.5, text, has_order=True, orders_named=2)
    assert chosen.together == (STATUS, taxonomy.CANCEL_ORDER)


def test_an_answer_to_which_order_that_asks_for_more_is_not_only_an_answer(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    """Held-out set 10: "10239. Oh and please cancel 10235" got the status of both orders,
    and the cancellation went unanswered."""
    number = _say(client, cast, "where's my parcel?")
    assert _parts(shop, number) == [["ask_order"]]
    _say(client, cast, "10239. Oh and while I have you, please cancel 10235", 2)
    assert _done(shop, number) == []
    assert ["order_status", "order_status"] not in _parts(shop, number)
    [handed] = kinds(shop, number, "resolution.handed_off")
    assert handed["rule"] == "requests.several"
