"""Two mailboxes are two channel instances: a mail is deduplicated per mailbox, and a reply
leaves through the mailbox of its ticket, over that mailbox's own SMTP server."""

from __future__ import annotations

from email.message import EmailMessage

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.conftest import Cast
from tests.email.conftest import SUPPORT, Sink
from tests.email.mailflow import agent_reply, customer_mail, receive, ticket_of

from minidesk import db
from minidesk.channels.email import config
from minidesk.channels.email.receive import Outcome
from minidesk.desk.models import Direction, Message, Ticket
from minidesk.events import SYSTEM

BILLING = "billing@shop.example"
EMMA = "Emma Larsen <emma.larsen@example.com>"


def _sender(mail: EmailMessage) -> str:
    return str(mail["From"].addresses[0].addr_spec)


def _inbound_messages() -> int:
    with db.get_db().sessions() as session:
        inbound = select(func.count()).where(Message.direction == Direction.INBOUND)
        return session.scalar(inbound) or 0


def test_one_message_id_is_one_message_per_mailbox(support: int, sink: Sink) -> None:
    billing = config.ensure_support_address(BILLING, SYSTEM)
    config.forget_cache()
    to_support = customer_mail(EMMA, "Refund", "Where is my refund?", message_id="<m1@example.com>")
    to_billing = customer_mail(EMMA, "Refund", "Where is my refund?", message_id="<m1@example.com>",
                               to=BILLING)  # fmt: skip
    first = receive(to_support)
    assert receive(to_support).outcome == Outcome.DUPLICATE
    other = receive(to_billing)
    assert other.outcome == Outcome.ACCEPTED
    assert _inbound_messages() == 2
    with db.get_db().sessions() as session:
        on = {session.get_one(Ticket, ticket_of(r)).channel_id for r in (first, other)}
    assert on == {support, billing}


def test_a_reply_goes_out_through_its_mailboxs_own_server(
    client: TestClient, cast: Cast, sink: Sink, support: int
) -> None:
    billing_server = Sink()
    try:
        made = client.post(
            "/api/v1/channels",
            json={"kind": "email", "name": "Billing", "settings": {"address": BILLING},
                  "secrets": {"smtp_url": billing_server.url}},
            headers=cast.olivia.headers,
        )  # fmt: skip
        assert made.status_code == 201, made.text
        config.forget_cache()
        to_billing = receive(customer_mail(EMMA, "Invoice", "Where is it?", to=BILLING))
        to_support = receive(customer_mail(EMMA, "Parcel", "Where is it?", to=SUPPORT))

        agent_reply(client, cast.alice, ticket_of(to_billing), billing_server, "Attached.")
        agent_reply(client, cast.alice, ticket_of(to_support), sink, "On its way.")
        # Acknowledgements included, each server carried its own mailbox's mail only.
        assert {_sender(m) for m in billing_server.messages} == {BILLING}
        assert {_sender(m) for m in sink.messages} == {SUPPORT}
    finally:
        billing_server.controller.stop()


def test_a_mail_to_billings_mailbox_opens_a_billing_ticket(
    client: TestClient, cast: Cast, sink: Sink, support: int
) -> None:
    made = client.post(
        "/api/v1/channels",
        json={"kind": "email", "name": "Billing", "settings": {"address": BILLING},
              "team_id": cast.billing_team},
        headers=cast.olivia.headers,
    )  # fmt: skip
    assert made.status_code == 201, made.text
    config.forget_cache()
    to_billing = receive(customer_mail(EMMA, "Invoice", "Where is my invoice?", to=BILLING))
    to_support = receive(customer_mail(EMMA, "Parcel", "Where is my parcel?", to=SUPPORT))
    with db.get_db().sessions() as session:
        billing_ticket = session.get_one(Ticket, ticket_of(to_billing))
        support_ticket = session.get_one(Ticket, ticket_of(to_support))
    assert billing_ticket.channel_id == made.json()["id"]
    assert billing_ticket.team_id == cast.billing_team
    assert support_ticket.team_id is None  # the support mailbox serves no team
