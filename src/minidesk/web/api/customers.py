"""Customers: search, detail, cross-channel timeline, messages for polling, merge and undo."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from minidesk import events
from minidesk.db import commit
from minidesk.desk import customers
from minidesk.desk.access import Permission, require
from minidesk.desk.models import Customer, Direction, Message, Ticket
from minidesk.desk.users import actor_of
from minidesk.events import Event
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, UserDep, WriteSessionDep
from minidesk.web.pagination import MAX_LIMIT, Page, decode_cursor, paginate
from minidesk.web.problems import Problem
from minidesk.web.schemas import (
    CustomerOut,
    CustomerPatch,
    CustomerUpdated,
    EventOut,
    MergeIn,
    MessageOut,
    UnmergeIn,
)
from minidesk.webhooks.checks import WebhookUrlError, check_may_set_webhook
from minidesk.webhooks.customers import do_set_customer_webhook

router = APIRouter(prefix=f"{PREFIX}/customers", tags=["customers"])
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


def _customer(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise Problem(404, f"customer {customer_id} does not exist")
    return customer


@router.get("", response_model=Page[CustomerOut])
def search_customers(
    session: SessionDep,
    user: UserDep,
    q: Annotated[str, Query(description="name, email, phone or id")] = "",
    limit: Limit = 25,
    cursor: str | None = None,
) -> Page[CustomerOut]:
    rows = customers.search(session, q, limit=limit + 1, after_id=decode_cursor(cursor))
    return paginate(rows, limit, CustomerOut)


@router.get("/{customer_id}", response_model=CustomerOut)
def get_customer(customer_id: int, session: SessionDep, user: UserDep) -> Customer:
    return _customer(session, customer_id)


@router.patch("/{customer_id}", response_model=CustomerUpdated)
def update_customer(
    customer_id: int, body: CustomerPatch, session: WriteSessionDep, user: UserDep
) -> CustomerUpdated:
    customer = _customer(session, customer_id)
    values = body.model_dump(exclude_unset=True)
    secret = None
    if "webhook_url" in values:
        check_may_set_webhook(user)
        url = values.pop("webhook_url")
        try:
            secret = do_set_customer_webhook(session, customer, url, actor_of(user))
        except WebhookUrlError as exc:
            raise Problem(422, str(exc), slug="webhook-url-refused") from exc
    if values:
        before = {key: getattr(customer, key) for key in values}
        for key, value in values.items():
            setattr(customer, key, value)
        events.emit(
            session,
            "customer.updated",
            actor_of(user),
            customer_id=customer.id,
            **events.changed(before, values),
        )
    commit(session)
    out = CustomerOut.model_validate(customer).model_dump()
    return CustomerUpdated(**out, webhook_secret=secret)


@router.get("/{customer_id}/timeline", response_model=Page[EventOut])
def customer_timeline(
    customer_id: int,
    session: SessionDep,
    user: UserDep,
    limit: Limit = 100,
    cursor: str | None = None,
) -> Page[EventOut]:
    """Everything that happened with this customer on every channel, merged ones included."""
    customer = customers.surviving(session, _customer(session, customer_id))
    ids = customers.merged_ids(session, customer)
    rows = events.timeline(
        session, customer_ids=ids, after_id=decode_cursor(cursor), limit=limit + 1
    )
    return paginate(rows, limit, EventOut)


@router.get("/{customer_id}/messages", response_model=Page[MessageOut])
def customer_messages(
    customer_id: int,
    session: SessionDep,
    user: UserDep,
    since: Annotated[int, Query(description="message id to continue after")] = 0,
    limit: Limit = 100,
) -> Page[MessageOut]:
    """The customer's conversation on every ticket (internal notes excluded), oldest first.
    API-channel clients poll this with ``since=<last id seen>`` to receive replies."""
    customer = customers.surviving(session, _customer(session, customer_id))
    ids = customers.merged_ids(session, customer)

    rows = list(
        session.scalars(
            select(Message)
            .join(Ticket, Ticket.id == Message.ticket_id)
            .where(
                Ticket.customer_id.in_(ids), Message.id > since, Message.direction != Direction.NOTE
            )
            .options(selectinload(Message.attachments))
            .order_by(Message.id)
            .limit(limit + 1)
        )
    )
    return paginate(rows, limit, MessageOut)


@router.post("/{customer_id}/merge", response_model=EventOut)
def merge_customer(
    customer_id: int, body: MergeIn, session: WriteSessionDep, user: UserDep
) -> Event:
    """Merge ``source_id`` into this customer. Returns the audit event; undo with it."""
    require(user, Permission.MERGE_CUSTOMERS)
    target, source = _customer(session, customer_id), _customer(session, body.source_id)
    try:
        event = customers.do_merge(session, source, target, actor_of(user))
    except customers.MergeError as exc:
        raise Problem(409, str(exc), slug="merge-conflict") from exc
    commit(session)
    return event


@router.post("/{customer_id}/unmerge", response_model=EventOut)
def unmerge_customer(
    customer_id: int, body: UnmergeIn, session: WriteSessionDep, user: UserDep
) -> Event:
    """Undo a merge recorded by ``merge_event_id``: every moved row goes back."""
    require(user, Permission.MERGE_CUSTOMERS)
    merge_event = session.get(Event, body.merge_event_id)
    if merge_event is None or merge_event.customer_id != customer_id:
        raise Problem(404, f"no merge event {body.merge_event_id} on customer {customer_id}")
    try:
        event = customers.do_unmerge(session, merge_event, actor_of(user))
    except customers.MergeError as exc:
        raise Problem(409, str(exc), slug="merge-conflict") from exc
    commit(session)
    return event
