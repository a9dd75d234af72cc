"""Desk customers ↔ store customers: linked by an email or phone identity on file."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.commerce.connector import CommerceConnector, CustomerRecord, Prefetching
from minidesk.desk.customers import merged_ids
from minidesk.desk.models import Customer, CustomerIdentity, IdentityKind


def store_customers_of(
    session: Session, connector: CommerceConnector, customer: Customer
) -> list[CustomerRecord]:
    """Every store account reachable through the desk customer's email or phone identities."""
    rows = session.scalars(
        select(CustomerIdentity)
        .where(
            CustomerIdentity.customer_id.in_(merged_ids(session, customer)),
            CustomerIdentity.kind.in_([IdentityKind.EMAIL, IdentityKind.PHONE]),
        )
        .order_by(CustomerIdentity.id)
    ).all()
    if isinstance(connector, Prefetching):  # one lookup per kind, not one per identity
        connector.prefetch(
            emails=[i.value for i in rows if i.kind == IdentityKind.EMAIL],
            phones=[i.value for i in rows if i.kind == IdentityKind.PHONE],
        )
    found: dict[str, CustomerRecord] = {}
    for identity in rows:
        record = (
            connector.find_customer(email=identity.value)
            if identity.kind == IdentityKind.EMAIL
            else connector.find_customer(phone=identity.value)
        )
        if record is not None:
            found.setdefault(record.ref, record)
    return list(found.values())
