"""Adding and removing a customer's email addresses and phone numbers by hand, so one person
who writes by email, SMS and WhatsApp is one customer.

An identity belongs to one customer in the whole workspace (``(kind, value)`` is unique): one
that another customer owns is refused, naming that customer, because the right move then is
a merge (which moves the history too), not stealing the address. Identities added by hand are
unverified: an agent's word proves nothing to the trust rules (``DESIGN.md``: Trust).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.desk.customers import merged_ids, normalise
from minidesk.desk.models import Customer, CustomerIdentity, IdentityKind
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit

# Only the kinds a person types and a channel reaches; chat ids and external ids come from
# systems that prove them.
EDITABLE = (IdentityKind.EMAIL, IdentityKind.PHONE)


class IdentityError(ValueError):
    pass


class IdentityTaken(IdentityError):
    def __init__(self, owner_id: int, kind: str, value: str) -> None:
        super().__init__(f"{kind} {value} belongs to customer {owner_id}")
        self.owner_id = owner_id


def check_identity(session: Session, customer: Customer, kind: str, value: str) -> str:
    """The normalised value to add; ``IdentityTaken`` if another customer owns it,
    ``IdentityError`` if it is not an email address or a phone number."""
    if kind not in EDITABLE:
        raise IdentityError(f"kind must be one of {', '.join(EDITABLE)}")
    normalised = normalise(kind, value)
    if kind == IdentityKind.EMAIL and not _looks_like_email(normalised):
        raise IdentityError(f"{value!r} is not an email address")
    if kind == IdentityKind.PHONE and len(normalised) < len("+1234567"):
        raise IdentityError(f"{value!r} is not a phone number")
    owner = _owner(session, kind, normalised)
    if owner is not None and owner.customer_id not in merged_ids(session, customer):
        raise IdentityTaken(owner.customer_id, kind, normalised)
    return normalised


def _looks_like_email(value: str) -> bool:
    local, at, domain = value.rpartition("@")
    return bool(at and local and "." in domain and not any(c.isspace() for c in value))


def _owner(session: Session, kind: str, value: str) -> CustomerIdentity | None:
    return session.scalars(
        select(CustomerIdentity).where(
            CustomerIdentity.kind == kind, CustomerIdentity.value == value
        )
    ).first()


def do_add_identity(
    session: Session, customer: Customer, kind: str, value: str, actor: Actor
) -> CustomerIdentity:
    """Add a checked identity (``check_identity``); one the customer already has is returned
    as it is, with no event."""
    existing = _owner(session, kind, value)
    if existing is not None:
        return existing
    identity = CustomerIdentity(customer_id=customer.id, kind=kind, value=value, verified=False)
    session.add(identity)
    # The contact columns show the first address of each kind.
    column = "email" if kind == IdentityKind.EMAIL else "phone"
    if not getattr(customer, column):
        setattr(customer, column, value)
    session.flush()
    emit(
        session,
        EventKind.CUSTOMER_UPDATED,
        actor,
        customer_id=customer.id,
        before={"identity": None},
        after={"identity": {"kind": kind, "value": value}},
    )
    return identity


def do_remove_identity(
    session: Session, customer: Customer, kind: str, value: str, actor: Actor
) -> None:
    """Remove one of the customer's (or their merged customers') identities; future
    messages from it start a new customer."""
    if kind not in EDITABLE:
        raise IdentityError(f"kind must be one of {', '.join(EDITABLE)}")
    normalised = normalise(kind, value)
    identity = _owner(session, kind, normalised)
    if identity is None or identity.customer_id not in merged_ids(session, customer):
        raise LookupError(f"customer {customer.id} has no {kind} {normalised}")
    session.delete(identity)
    column = "email" if kind == IdentityKind.EMAIL else "phone"
    if getattr(customer, column) == normalised:
        setattr(customer, column, None)
    emit(
        session,
        EventKind.CUSTOMER_UPDATED,
        actor,
        customer_id=customer.id,
        before={"identity": {"kind": kind, "value": normalised}},
        after={"identity": None},
    )
