"""Customers who are probably the same person as this one: another customer owns a phone
number or email address that this customer has, or that their store account and orders carry
(a shop knows the phone an order ships to before the customer ever texts from it).

Phones meet in E.164 (``desk.phones``), so "(555) 010-0000" on an order and "+15550100000"
from Twilio are one number. Suggestions only: merging stays a lead's decision.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, select, tuple_
from sqlalchemy.orm import Session

from minidesk.commerce.connector import CommerceConnector, CommerceError
from minidesk.commerce.linking import store_customers_of
from minidesk.desk.customers import merged_ids, normalise, surviving
from minidesk.desk.models import Customer, CustomerIdentity, IdentityKind

# Orders looked at per store account: enough for a customer's recent history, bounded so a
# wholesale account with thousands of orders cannot make the customer page slow.
MAX_ORDERS = 50


@dataclass
class Suggestion:
    customer: Customer
    # Why: "phone +15550100000 (order 1001)", one line per shared identity.
    reasons: list[str] = field(default_factory=list)


def _contact(kind: str, value: object) -> tuple[str, str] | None:
    if not isinstance(value, str) or not value.strip():
        return None
    normalised = normalise(kind, value)
    return (kind, normalised) if normalised else None


def _known(
    session: Session, connector: CommerceConnector, customer: Customer, family: list[int]
) -> dict[tuple[str, str], str]:
    """Every email/phone tied to ``customer``, each with where it was found."""
    found: dict[tuple[str, str], str] = {}
    for identity in session.scalars(
        select(CustomerIdentity).where(
            CustomerIdentity.customer_id.in_(family),
            CustomerIdentity.kind.in_([IdentityKind.EMAIL, IdentityKind.PHONE]),
        )
    ):
        found.setdefault((identity.kind, identity.value), "on file")
    try:
        accounts = store_customers_of(session, connector, customer)
        for account in accounts:
            contacts = ((IdentityKind.EMAIL, account.email), (IdentityKind.PHONE, account.phone))
            for kind, value in contacts:
                pair = _contact(kind, value)
                if pair is not None:
                    found.setdefault(pair, f"store account {account.ref}")
            for order in connector.list_orders(account.ref)[:MAX_ORDERS]:
                address = order.shipping_address
                for kind in (IdentityKind.EMAIL, IdentityKind.PHONE):
                    pair = _contact(kind, address.get(str(kind)))
                    if pair is not None:
                        found.setdefault(pair, f"order {order.number}")
    except CommerceError:
        pass  # the store being down costs the order-based hints, not the page
    return found


def suggest(
    session: Session,
    connector: CommerceConnector,
    customer: Customer,
    visible: ColumnElement[bool] | None = None,
) -> list[Suggestion]:
    """Other customers sharing an email or phone with ``customer`` (merged customers count as
    one, shown as the survivor), restricted to those ``visible`` selects, oldest first."""
    customer = surviving(session, customer)
    family = merged_ids(session, customer)
    known = _known(session, connector, customer, family)
    if not known:
        return []
    owners = session.execute(
        select(CustomerIdentity.customer_id, CustomerIdentity.kind, CustomerIdentity.value).where(
            tuple_(CustomerIdentity.kind, CustomerIdentity.value).in_(list(known)),
            CustomerIdentity.customer_id.not_in(family),
        )
    ).all()
    reasons: dict[int, list[str]] = defaultdict(list)
    for owner_id, kind, value in owners:
        other = surviving(session, session.get_one(Customer, owner_id))
        if other.id != customer.id:
            reasons[other.id].append(f"{kind} {value} ({known[(kind, value)]})")
    if not reasons:
        return []
    query = select(Customer).where(Customer.id.in_(reasons)).order_by(Customer.id)
    if visible is not None:
        query = query.where(visible)
    return [Suggestion(other, sorted(reasons[other.id])) for other in session.scalars(query)]
