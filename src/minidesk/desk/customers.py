"""Customers and their identities: matching a sender across channels, merging and un-merging."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from minidesk.batch_ids import ensure_id
from minidesk.channels.base import Sender
from minidesk.channels.text import one_line
from minidesk.desk.models import Customer, CustomerIdentity, IdentityKind, Message, Ticket
from minidesk.desk.phones import to_e164
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, Event, emit

# Customer.name's column size.
NAME_LENGTH = 200

# The pipeline's lookups, built once: building a statement costs more than SQLite takes to
# run it. Both IN lists use the (kind, value) unique index; the exact pairs are picked after.
_OWNERS = select(CustomerIdentity.kind, CustomerIdentity.value, CustomerIdentity.customer_id).where(
    CustomerIdentity.kind.in_(bindparam("kinds", expanding=True)),
    CustomerIdentity.value.in_(bindparam("values", expanding=True)),
)
_CUSTOMERS = select(Customer).where(Customer.id.in_(bindparam("ids", expanding=True)))
_MERGED_INTO = select(Customer.id, Customer.merged_into_id).where(
    Customer.merged_into_id.in_(bindparam("ids", expanding=True))
)
# The table, not the ORM entity: the ORM's bulk insert spends more per row than the INSERT.
assert isinstance(CustomerIdentity.__table__, Table)  # narrowed for the checker
_INSERT_IDENTITIES = insert(CustomerIdentity.__table__)


class MergeError(ValueError):
    pass


def normalise(kind: str, value: str) -> str:
    value = value.strip()
    if kind == IdentityKind.EMAIL:
        return value.lower()
    if kind == IdentityKind.PHONE:
        return to_e164(value)
    return value


def sender_identities(sender: Sender) -> list[tuple[str, str]]:
    pairs = [
        (IdentityKind.EMAIL, sender.email),
        (IdentityKind.PHONE, sender.phone),
        (IdentityKind.CHAT, sender.chat_id),
        (IdentityKind.EXTERNAL, sender.external_id),
    ]
    found = [(str(kind), normalise(kind, value)) for kind, value in pairs if value]
    return [(kind, value) for kind, value in found if value]


def surviving(session: Session, customer: Customer) -> Customer:
    """Follow merge links to the customer that now owns the history."""
    seen = {customer.id}
    while customer.merged_into_id is not None:
        customer = session.get_one(Customer, customer.merged_into_id)
        if customer.id in seen:  # a corrupted cycle must not hang the pipeline
            break
        seen.add(customer.id)
    return customer


def identify(session: Session, sender: Sender) -> tuple[Customer, bool]:
    """The customer behind ``sender`` (matched on any identity), creating one if new.

    Identities the sender brings that nobody owns yet are attached to the customer, so a
    person who writes once by email with a phone number is recognised later by SMS.
    """
    identified = identify_many(session, [sender])
    session.flush()
    attach_identities(session, identified.identities)
    return identified.customers[0]


@dataclass(frozen=True)
class Identified:
    customers: list[tuple[Customer, bool]]  # each sender's, and whether it is new
    # Identities nobody owned yet, as ``customer_identities`` rows: ``attach_identities``
    # inserts them once the session's flush has inserted their new customers.
    identities: list[dict[str, Any]]


def identify_many(session: Session, senders: Sequence[Sender]) -> Identified:
    """``identify`` for many senders at once (the pipeline's batches): one lookup for all
    their identities and one for their owners. Senders that share an identity get the same
    customer, created once (the second is not reported as created).

    New customers know their ids on return and are inserted by the session's next flush
    (the pipeline's, with its tickets and messages); their identities go in after it, so a
    race lost to another worker for the same identity surfaces as an ``IntegrityError``
    there.
    """
    wanted = [sender_identities(sender) for sender in senders]
    if not all(wanted):
        raise ValueError("sender has no email, phone, chat id or external id")
    pairs = {pair for identities in wanted for pair in identities}
    # Columns, not entities: only the owner is wanted, and identity objects cost far more.
    known = session.execute(
        _OWNERS,
        {"kinds": list({kind for kind, _ in pairs}), "values": list({v for _, v in pairs})},
    )
    owners = {(kind, value): owner for kind, value, owner in known if (kind, value) in pairs}
    # One query for all the owners (held here: the session only keeps objects weakly).
    loaded = (
        {c.id: c for c in session.scalars(_CUSTOMERS, {"ids": list(set(owners.values()))})}
        if owners
        else {}
    )
    claimed: dict[tuple[str, str], Customer] = {}
    found: list[tuple[Customer, bool]] = []
    unowned: list[tuple[tuple[str, str], Customer, bool]] = []  # identities to attach
    for sender, identities in zip(senders, wanted, strict=True):
        customer = next((claimed[pair] for pair in identities if pair in claimed), None)
        if customer is None:
            owner = next((owners[pair] for pair in identities if pair in owners), None)
            if owner is not None:
                customer = surviving(session, loaded[owner])
        created = customer is None
        if customer is None:
            customer = Customer(
                name=one_line(sender.name, NAME_LENGTH),
                email=normalise(IdentityKind.EMAIL, sender.email) if sender.email else None,
                phone=normalise(IdentityKind.PHONE, sender.phone) if sender.phone else None,
            )
            session.add(customer)
        for pair in identities:
            if pair not in owners and pair not in claimed:
                unowned.append((pair, customer, sender.verified))
            claimed.setdefault(pair, customer)
        if not customer.name and sender.name:
            customer.name = one_line(sender.name, NAME_LENGTH)
        found.append((customer, created))
    new = next((customer for customer, created in found if created), None)
    if new is not None:  # new customers need their ids before anything refers to them
        ensure_id(session, new)
    # Rows, not ``CustomerIdentity`` objects: nothing in the batch reads them back, and one
    # INSERT of plain rows costs a fraction of the objects' construction and flush.
    rows = [
        {"customer_id": customer.id, "kind": kind, "value": value, "verified": verified}
        for (kind, value), customer, verified in unowned
    ]
    return Identified(found, rows)


def attach_identities(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert ``Identified.identities``, in their order (their ids follow it)."""
    if rows:
        session.execute(_INSERT_IDENTITIES, rows)


def merged_ids(session: Session, customer: Customer) -> list[int]:
    """The customer and everyone merged into them: their history is one timeline."""
    return merged_families(session, [customer.id])[customer.id]


def merged_families(session: Session, customer_ids: Collection[int]) -> dict[int, list[int]]:
    """``merged_ids`` for several customers, one query per level of merging."""
    families = {customer_id: [customer_id] for customer_id in customer_ids}
    root_of = {customer_id: customer_id for customer_id in customer_ids}
    frontier = list(families)
    while frontier:
        merged = session.execute(_MERGED_INTO, {"ids": frontier}).all()
        frontier = []
        for customer_id, parent in merged:
            if parent is None or customer_id in root_of:  # a corrupted cycle must not hang us
                continue
            root_of[customer_id] = root_of[parent]
            families[root_of[parent]].append(customer_id)
            frontier.append(customer_id)
    return families


def do_merge(session: Session, source: Customer, target: Customer, actor: Actor) -> Event:
    """Move ``source``'s identities, tickets and messages to ``target``; records what moved so
    ``do_unmerge`` can put every row back."""
    if source.id == target.id:
        raise MergeError("a customer cannot be merged into itself")
    if source.merged_into_id is not None or target.merged_into_id is not None:
        raise MergeError("both customers must be unmerged; merge into the surviving customer")
    moved: dict[str, Any] = {
        "identities": list(
            session.scalars(
                select(CustomerIdentity.id).where(CustomerIdentity.customer_id == source.id)
            )
        ),
        "tickets": list(session.scalars(select(Ticket.id).where(Ticket.customer_id == source.id))),
        "messages": list(
            session.scalars(select(Message.id).where(Message.customer_id == source.id))
        ),
    }
    _move(session, moved, target.id)
    source.merged_into_id = target.id
    # Contact details the target lacked are filled in from the source; recorded so an undo
    # takes them back off (the source keeps its own copy).
    filled = [name for name in ("email", "phone")
              if not getattr(target, name) and getattr(source, name)]  # fmt: skip
    for name in filled:
        setattr(target, name, getattr(source, name))
    moved["filled"] = filled
    return emit(
        session,
        EventKind.CUSTOMER_MERGED,
        actor,
        customer_id=target.id,
        source_id=source.id,
        target_id=target.id,
        moved=moved,
    )


def do_unmerge(session: Session, merge_event: Event, actor: Actor) -> Event:
    """Undo a merge from its audit event: the rows it moved go back to the source customer."""
    if merge_event.kind != EventKind.CUSTOMER_MERGED:
        raise MergeError(f"event {merge_event.id} is not a merge")
    source = session.get_one(Customer, merge_event.data["source_id"])
    if source.merged_into_id != merge_event.data["target_id"]:
        raise MergeError("this merge has already been undone")
    moved = merge_event.data["moved"]
    _move(session, moved, source.id)
    source.merged_into_id = None
    target = session.get_one(Customer, merge_event.data["target_id"])
    for name in moved.get("filled", ()):  # merges recorded before this was kept: none
        if getattr(target, name) == getattr(source, name):  # unless edited since
            setattr(target, name, None)
    return emit(
        session,
        EventKind.CUSTOMER_UNMERGED,
        actor,
        customer_id=source.id,
        merge_event_id=merge_event.id,
        source_id=source.id,
        target_id=merge_event.data["target_id"],
    )


def _move(session: Session, moved: dict[str, Any], customer_id: int) -> None:
    for model, key in (
        (CustomerIdentity, "identities"),
        (Ticket, "tickets"),
        (Message, "messages"),
    ):
        if moved[key]:
            session.execute(
                update(model).where(model.id.in_(moved[key])).values(customer_id=customer_id)
            )
    session.expire_all()
