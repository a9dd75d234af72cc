"""The resolution flows' hooks into the event stream (``minidesk.resolutions.feature``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk import events, inbox
from minidesk.commerce.connector import Prefetching
from minidesk.commerce.money import Money, format_money
from minidesk.commerce.registry import connector_for
from minidesk.desk import tickets
from minidesk.desk.messages import MessageType, do_reply
from minidesk.desk.models import Message, Status, Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.replies import RenderError, do_send_template
from minidesk.resolutions.context import BOT, sender_of
from minidesk.resolutions.engine import handle, load_states
from minidesk.resolutions.flows.refund import REFUND_TIMEFRAME
from minidesk.resolutions.models import Resolution


@events.listen(EventKind.MESSAGE_RECEIVED, transactional=True)
def on_message_received(session: Session, event: Event) -> None:
    if event.ticket_id is None or event.message_id is None:
        return
    _prefetch(session)
    ticket = session.get_one(Ticket, event.ticket_id)
    message = session.get_one(Message, event.message_id)
    handle(session, ticket, message)


_PREFETCHED = "minidesk.resolutions.prefetched"


def _prefetch(session: Session) -> None:
    """The first customer message of a dispatch batch loads the tickets (with customer and
    tags), messages and inbox rows of all of them, and has the store look up their senders
    and orders, a few queries in all; each turn then finds its own in the session or the
    store's memo instead of querying several times per message."""
    batch = events.batch(session)
    held = session.info.get(_PREFETCHED)
    if held is not None and held[0] is batch:
        return
    received = [
        e
        for e in batch
        if e.kind == EventKind.MESSAGE_RECEIVED and e.ticket_id and e.message_id and not e.automated
    ]
    loaded: list[object] = []
    # The session only holds unchanged rows weakly: keep them until the batch is done.
    session.info[_PREFETCHED] = (batch, loaded)
    if len(received) < 2:
        return
    first = received[0].ticket_id
    assert first is not None  # ``received`` holds events with a ticket
    tickets.for_listener(session, first)  # loads every ticket of the batch at once
    messages = session.scalars(
        select(Message).where(Message.id.in_({e.message_id for e in received}))
    ).all()
    loaded += messages
    loaded += load_states(session, {m.ticket_id for m in messages})
    inbox_ids = {m.inbox_id for m in messages if m.inbox_id is not None}
    items = []
    if inbox_ids:
        items = list(
            session.scalars(select(inbox.InboxItem).where(inbox.InboxItem.id.in_(inbox_ids)))
        )
        loaded += items
    connector = connector_for(session)
    if isinstance(connector, Prefetching):  # the senders' store accounts, their orders
        senders = [sender_of(item) for item in items]
        connector.prefetch(
            emails={email for email, _, _ in senders if email},
            phones={phone for _, phone, _ in senders if phone},
            order_numbers={str(n) for m in messages for n in m.entities.get("order_numbers", [])},
        )


@events.listen(EventKind.APPROVAL_DECIDED, transactional=True)
def on_approval_decided(session: Session, event: Event) -> None:
    """Tell the customer how a refund approval ended."""
    if event.ticket_id is None or event.data.get("approval_kind") != "refund":
        return
    ticket = session.get_one(Ticket, event.ticket_id)
    if ticket.status == Status.CLOSED:
        return
    facts = event.data
    refund = facts.get("refund")
    order = _order(session, event)
    if facts.get("status") == "approved" and refund:
        amount = Money(int(refund["amount_minor"]), str(refund["currency"]))
        key = "approval_granted"
        values = {
            "amount": format_money(amount),
            "order_number": order,
            "card_brand": refund["method"],
            "last4": refund["last4"],
            "timeframe": REFUND_TIMEFRAME,
        }
    else:
        key = "approval_declined"
        values = {"order_number": order, "reason": facts["reason"]}
    try:
        do_send_template(session, ticket, key, BOT, variables=values, status=Status.SOLVED)
    except RenderError as exc:  # a disabled or broken template: a person tells the customer
        note = f"The customer was not told the approval outcome: {exc}"
        do_reply(session, ticket, note, BOT, kind=MessageType.NOTE)
    ticket.resolution = Resolution.ESCALATED


@events.listen(EventKind.TICKET_STATUS_CHANGED, transactional=True)
def on_status_changed(session: Session, event: Event) -> None:
    """A person solved a ticket the bot never settled: it counts as resolved by an agent."""
    if event.ticket_id is None or event.data.get("after") != Status.SOLVED:
        return
    ticket = session.get_one(Ticket, event.ticket_id)
    if ticket.resolution is None:
        ticket.resolution = Resolution.AGENT


def _order(session: Session, event: Event) -> str:
    from minidesk.policies.models import Approval

    approval = session.get_one(Approval, int(event.data["approval_id"]))
    return approval.order_number or ""
