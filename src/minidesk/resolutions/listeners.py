"""The resolution flows' hooks into the event stream (loaded by ``minidesk.features``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from minidesk import events
from minidesk.commerce.money import Money, format_money
from minidesk.desk.messages import MessageType, do_reply
from minidesk.desk.models import Message, Status, Ticket
from minidesk.events import Event
from minidesk.replies import RenderError, do_send_template
from minidesk.resolutions.context import BOT
from minidesk.resolutions.engine import handle
from minidesk.resolutions.flows.refund import REFUND_TIMEFRAME
from minidesk.resolutions.models import Resolution


@events.listen("message.received")
def on_message_received(session: Session, event: Event) -> None:
    if event.ticket_id is None or event.message_id is None:
        return
    ticket = session.get_one(Ticket, event.ticket_id)
    message = session.get_one(Message, event.message_id)
    handle(session, ticket, message)


@events.listen("approval.decided")
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


@events.listen("ticket.status_changed")
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
