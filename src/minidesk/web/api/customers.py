"""Customers: search, detail, cross-channel timeline, messages for polling, merge and undo.

Every route reaches a customer through ``access.access_customer`` and shows only what the
caller's visible tickets hold (``access.visible_*``): with the workspace restricting agents to
their teams, a customer another team serves does not exist for them, and a customer two teams
serve shows each team only its own conversations. Agents edit the customers they serve;
merging and undoing a merge are lead work and need both customers served.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from minidesk import events
from minidesk.db import commit
from minidesk.desk import access, customers
from minidesk.desk.access import Permission, require
from minidesk.desk.models import Customer, Direction, Message, Ticket, User
from minidesk.desk.users import actor_of
from minidesk.desk.workspace import Workspace
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.search import customers as customer_search
from minidesk.web.api import PREFIX
from minidesk.web.api.message_docs import message_page
from minidesk.web.api.search_params import parsed
from minidesk.web.deps import CallerDep, SessionDep, UserDep, WorkspaceDep, WriteSessionDep
from minidesk.web.pagination import (
    MAX_LIMIT,
    Page,
    decode_cursor,
    decode_offset,
    encode_offset,
    paginate,
)
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


def _customer(session: Session, user: User, workspace: Workspace, customer_id: int) -> Customer:
    return access.access_customer(session, user, customer_id, workspace.restrict_agents_to_teams)


@router.get("", response_model=Page[CustomerOut])
def search_customers(
    session: SessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
    q: Annotated[
        str,
        Query(
            description="words of a name, email, phone or other identity; each word may be "
            'the start of one (`4915112` finds +4915112345678), "a phrase", `-word` '
            "(docs/search.md)"
        ),
    ] = "",
    limit: Limit = 25,
    cursor: str | None = None,
) -> Page[CustomerOut]:
    """Customers you serve that ``q`` finds, best match first; without ``q``, every customer
    you serve, newest first."""
    visible = access.visible_customers(user, workspace.restrict_agents_to_teams)
    if not q.strip():
        listed = (
            select(Customer)
            .where(Customer.merged_into_id.is_(None), visible)
            .order_by(Customer.id.desc())
            .limit(limit + 1)
        )
        if below := decode_cursor(cursor):
            listed = listed.where(Customer.id < below)
        return paginate(list(session.scalars(listed)), limit, CustomerOut)
    offset = decode_offset(cursor)
    rows = customer_search.find(
        session, parsed(q, prefix_words=True), limit=limit + 1, offset=offset, visible=visible
    )
    page = paginate(rows, limit, CustomerOut)
    page.next_cursor = encode_offset(offset + limit) if len(rows) > limit else None
    return page


@router.get("/{customer_id}", response_model=CustomerOut)
def get_customer(
    customer_id: int, session: SessionDep, user: UserDep, workspace: WorkspaceDep
) -> Customer:
    return _customer(session, user, workspace, customer_id)


@router.patch("/{customer_id}", response_model=CustomerUpdated)
def update_customer(
    customer_id: int,
    body: CustomerPatch,
    session: WriteSessionDep,
    user: UserDep,
    caller: CallerDep,
    workspace: WorkspaceDep,
) -> CustomerUpdated:
    """Change a customer you serve; the change is an event naming you."""
    customer = _customer(session, user, workspace, customer_id)
    values = body.model_dump(exclude_unset=True)
    secret = None
    if "webhook_url" in values:
        check_may_set_webhook(user, integration=caller.vouches)
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
            EventKind.CUSTOMER_UPDATED,
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
    workspace: WorkspaceDep,
    limit: Limit = 100,
    cursor: str | None = None,
) -> Page[EventOut]:
    """Everything that happened with this customer on every channel, merged ones included
    (on the tickets you may see)."""
    customer = customers.surviving(session, _customer(session, user, workspace, customer_id))
    ids = customers.merged_ids(session, customer)
    rows = events.timeline(
        session,
        customer_ids=ids,
        after_id=decode_cursor(cursor),
        limit=limit + 1,
        visible=access.visible_events(user, workspace.restrict_agents_to_teams),
    )
    return paginate(rows, limit, EventOut)


@router.get("/{customer_id}/messages", response_model=Page[MessageOut])
def customer_messages(
    customer_id: int,
    session: SessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
    since: Annotated[int, Query(description="message id to continue after")] = 0,
    limit: Limit = 100,
) -> Page[MessageOut]:
    """The customer's conversation on every ticket you may see (internal notes excluded),
    oldest first. API-channel clients poll this with ``since=<last id seen>`` to receive
    replies."""
    customer = customers.surviving(session, _customer(session, user, workspace, customer_id))
    ids = customers.merged_ids(session, customer)

    rows = list(
        session.scalars(
            select(Message)
            .join(Ticket, Ticket.id == Message.ticket_id)
            .where(
                Ticket.customer_id.in_(ids),
                Message.id > since,
                Message.direction != Direction.NOTE,
                access.visible_tickets(user, workspace.restrict_agents_to_teams),
            )
            .options(selectinload(Message.attachments))
            .order_by(Message.id)
            .limit(limit + 1)
        )
    )
    return message_page(session, rows, limit)


@router.post("/{customer_id}/merge", response_model=EventOut)
def merge_customer(
    customer_id: int,
    body: MergeIn,
    session: WriteSessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
) -> Event:
    """Merge ``source_id`` into this customer (leads and up, serving both). Returns the audit
    event; undo with it."""
    require(user, Permission.MERGE_CUSTOMERS)
    target = _customer(session, user, workspace, customer_id)
    source = _customer(session, user, workspace, body.source_id)
    try:
        event = customers.do_merge(session, source, target, actor_of(user))
    except customers.MergeError as exc:
        raise Problem(409, str(exc), slug="merge-conflict") from exc
    commit(session)
    return event


@router.post("/{customer_id}/unmerge", response_model=EventOut)
def unmerge_customer(
    customer_id: int,
    body: UnmergeIn,
    session: WriteSessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
) -> Event:
    """Undo a merge recorded by ``merge_event_id`` (leads and up, serving the customer):
    every moved row goes back."""
    require(user, Permission.MERGE_CUSTOMERS)
    _customer(session, user, workspace, customer_id)
    merge_event = session.get(Event, body.merge_event_id)
    if merge_event is None or merge_event.customer_id != customer_id:
        raise Problem(404, f"no merge event {body.merge_event_id} on customer {customer_id}")
    try:
        event = customers.do_unmerge(session, merge_event, actor_of(user))
    except customers.MergeError as exc:
        raise Problem(409, str(exc), slug="merge-conflict") from exc
    commit(session)
    return event
