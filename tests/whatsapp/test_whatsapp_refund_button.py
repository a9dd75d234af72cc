"""The refund flow on WhatsApp: the offer goes out with a "Yes, refund" button, and tapping
it confirms exactly as typing the confirmation token does."""

from __future__ import annotations

from tests.conftest import Cast, money_moved
from tests.whatsapp.conftest import WhatsApp

from minidesk.db import Database


def test_the_yes_refund_button_confirms_the_refund(
    wa: WhatsApp, cast: Cast, store: Database
) -> None:
    assert wa.text("I want a refund of $25 for order 1003", "wamid.R1").status_code == 200
    offer = wa.graph.sent[-1]
    assert offer["type"] == "interactive", offer
    interactive = offer["interactive"]
    assert "YES REFUND" in interactive["body"]["text"]
    [button] = interactive["action"]["buttons"]
    assert button["reply"]["title"] == "Yes, refund"
    assert money_moved(store) == 0
    tapped = wa.message(
        "wamid.R2",
        "interactive",
        context={"from": "15550783881", "id": "wamid.OUT0001"},
        interactive={"type": "button_reply", "button_reply": button["reply"]},
    )
    assert tapped.status_code == 200
    assert money_moved(store) == 2_500


def test_a_button_of_another_id_is_just_its_title(
    wa: WhatsApp, cast: Cast, store: Database
) -> None:
    wa.text("I want a refund of $25 for order 1003", "wamid.R1")
    reply = {"id": "something-else", "title": "Yes, refund"}
    wa.message(
        "wamid.R2", "interactive", interactive={"type": "button_reply", "button_reply": reply}
    )
    assert money_moved(store) == 0
