"""The resolution flows' hooks into the event stream (loaded by ``minidesk.features``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from minidesk import events
from minidesk.commerce.money import Money
from minidesk.desk.messages import do_reply
from minidesk.desk.models import Message, Status, Ticket
from minidesk.events import Event
from minidesk.resolutions.context import BOT
from minidesk.resolutions.engine import handle
from minidesk.resolutions.models import Resolution
from minidesk.resolutions.texts import render


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
    if facts.get("status") == "approved" and refund:
        amount = Money(int(refund["amount_minor"]), str(refund["currency"]))
        text = render(
            "approval_approved", amount=amount, order=_order(session, event), card=refund["payment"]
        )
        do_reply(session, ticket, text, BOT, status=Status.SOLVED)
    else:
        text = render("approval_declined", order=_order(session, event), reason=facts["reason"])
        do_reply(session, ticket, text, BOT, status=Status.SOLVED)
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
