"""The built-in store remembers its look-ups for the rest of a transaction, yet a change it
makes is read back afresh, and a change made in another transaction is seen by the next."""

from __future__ import annotations

from sqlalchemy import select
from tests.desk.test_workspace_memo import counted
from tests.resolutions.conftest import EMMA

from minidesk.commerce.connector import PaymentStatus
from minidesk.commerce.models import StoreCustomer, StoreOrder
from minidesk.commerce.money import Money
from minidesk.commerce.store import BuiltinStore
from minidesk.db import Database


def emma_orders(database: Database) -> list[str]:
    with database.sessions() as session:
        customer = session.scalars(select(StoreCustomer).where(StoreCustomer.email == EMMA)).one()
        return list(
            session.scalars(
                select(StoreOrder.number)
                .where(StoreOrder.customer_id == customer.id)
                .order_by(StoreOrder.id)
            )
        )


def refundable_order(database: Database) -> str:
    with database.sessions() as session:
        for order in session.scalars(select(StoreOrder).order_by(StoreOrder.id)):
            payment = order.payments[0] if order.payments else None
            if payment is not None and payment.status == PaymentStatus.CAPTURED:
                return order.number
    raise AssertionError("the sample store has no captured payment")


def test_an_order_is_read_once_per_transaction(store: Database) -> None:
    number = emma_orders(store)[0]
    with store.transaction() as session, counted(store) as seen:
        connector = BuiltinStore(session)
        customer = connector.find_customer(email=EMMA)
        assert customer is not None
        listed = connector.list_orders(customer.ref)
        assert connector.get_order(number) in listed
        assert connector.get_order(f"#{number}") == connector.get_order(number)
        assert connector.find_customer(email=EMMA.upper()) == customer
    assert sum("FROM store_orders" in s for s in seen) == 1
    assert sum("FROM store_customers" in s for s in seen) == 2  # by email; the orders' owner


def test_a_prefetch_answers_the_look_ups(store: Database) -> None:
    numbers = emma_orders(store)
    with store.transaction() as session:
        connector = BuiltinStore(session)
        connector.prefetch(emails={EMMA, "nobody@example.com"}, order_numbers={*numbers, "999999"})
        with counted(store) as seen:
            assert connector.find_customer(email=EMMA) is not None
            assert connector.find_customer(email="nobody@example.com") is None
            assert [connector.get_order(n) is not None for n in numbers] == [True] * len(numbers)
            assert connector.get_order("999999") is None
        assert seen == []


def test_a_refund_is_seen_by_the_next_look_up(store: Database) -> None:
    number = refundable_order(store)
    with store.transaction() as session:
        connector = BuiltinStore(session)
        before = connector.get_order(number)
        assert before is not None and before.payment is not None
        connector.refund(number, Money(100, before.currency), idempotency_key="k-1", reason="t")
        after = connector.get_order(number)
        assert after is not None and after.payment is not None
        assert after.payment.refunded.amount_minor == before.payment.refunded.amount_minor + 100
        assert connector.get_order(number) == after
    with store.transaction() as session:
        again = BuiltinStore(session).get_order(number)
        assert again is not None and again.payment == after.payment


def test_a_change_committed_elsewhere_is_seen_by_the_next_transaction(store: Database) -> None:
    number = emma_orders(store)[0]
    session = store.write_sessions()
    try:
        connector = BuiltinStore(session)
        first = connector.get_order(number)
        assert first is not None
        session.commit()
        with store.transaction() as other:
            row = other.scalars(select(StoreOrder).where(StoreOrder.number == number)).one()
            row.shipping_address = {"line1": "1 New Street"}
        changed = connector.get_order(number)
        assert changed is not None and changed.shipping_address == {"line1": "1 New Street"}
        session.commit()
    finally:
        session.close()
