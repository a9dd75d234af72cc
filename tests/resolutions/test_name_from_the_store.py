"""A customer who writes from an address with no display name ("ana.ruiz@example.com", a
text message) was greeted "Hi there" although the shop's own records name them. The store
account that verified the sender names them: the desk customer takes that name (once, as
an edit by the bot, on their timeline), so replies and agents address them by it. An
unverified sender learns no name: the name is the account holder's, not theirs to see."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound
from tests.resolutions.conftest import replies
from tests.resolutions.shop import ANA

from minidesk.db import Database
from minidesk.desk.models import Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Event


def _customer(database: Database, number: int) -> tuple[str, list[dict[str, object]]]:
    with database.sessions() as session:
        customer = session.get_one(Ticket, number).customer
        updates = session.scalars(
            select(Event.data).where(
                Event.customer_id == customer.id, Event.kind == EventKind.CUSTOMER_UPDATED
            )
        ).all()
        return customer.name, list(updates)


def test_a_verified_sender_without_a_name_is_greeted_by_the_stores(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    first = inbound(client, cast.shop, "where is my order 10239?", "m1", email=ANA, thread="t1")
    number = int(str(first["ticket_number"]))
    assert replies(shop, number)[0].startswith("Hi Ana,")
    name, updates = _customer(shop, number)
    assert name == "Ana Ruiz"
    assert updates == [{"before": {"name": ""}, "after": {"name": "Ana Ruiz"}}]
    inbound(client, cast.shop, "and when will it arrive exactly?", "m2", email=ANA, thread="t1")
    assert len(_customer(shop, number)[1]) == 1  # learnt once


def test_a_name_the_customer_gave_is_kept(client: TestClient, cast: Cast, shop: Database) -> None:
    first = inbound(
        client, cast.shop, "where is my order 10239?", "m1", email=ANA, thread="t1", name="Annie"
    )
    number = int(str(first["ticket_number"]))
    assert replies(shop, number)[0].startswith("Hi Annie,")
    assert _customer(shop, number) == ("Annie", [])


def test_an_unverified_sender_learns_no_name(
    client: TestClient, cast: Cast, shop: Database
) -> None:
    # Only the shop's own integration vouches for its senders; an agent's token does not.
    first = inbound(client, cast.alice, "where is my order 10239?", "m1", email=ANA, thread="t1")
    number = int(str(first["ticket_number"]))
    assert all("Ana" not in reply for reply in replies(shop, number))
    assert _customer(shop, number) == ("", [])
