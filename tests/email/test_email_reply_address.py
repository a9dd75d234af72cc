"""A reply leaves from the support address the customer wrote to, even after an admin has
deactivated that address for new mail."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.email.conftest import Sink
from tests.email.mailflow import agent_reply, customer_mail, receive, ticket_of

from minidesk.channels.email import config
from minidesk.events import SYSTEM

BILLING = "billing@shop.example"


def test_a_reply_comes_from_the_address_the_customer_wrote_to(
    client: TestClient, cast: Cast, sink: Sink, support: int
) -> None:
    billing = config.ensure_support_address(BILLING, SYSTEM)
    config.forget_cache()
    raw = customer_mail("Emma Larsen <emma.larsen@example.com>", "Invoice", "Where is it?",
                        to=BILLING)  # fmt: skip
    ticket = ticket_of(receive(raw))
    mail = agent_reply(client, cast.alice, ticket, sink, "Attached.")
    assert mail["From"].addresses[0].addr_spec == BILLING

    response = client.patch(f"/api/v1/email-channels/{billing}", json={"active": False},
                            headers=cast.olivia.headers)  # fmt: skip
    assert response.status_code == 200, response.text
    mail = agent_reply(client, cast.alice, ticket, sink, "And here it is again.")
    assert mail["From"].addresses[0].addr_spec == BILLING
