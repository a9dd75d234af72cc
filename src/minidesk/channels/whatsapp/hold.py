"""Automated messages that meet a closed 24-hour window: held, not lost.

A bot reply, an approval's outcome or a follow-up may be decided (or wait) past the window,
where WhatsApp takes only approved templates. Such a message is not sent and not simply
dead-lettered:

- when the channel names a ``reengagement_template`` (approved, at most two parameters: the
  customer's first name and the ticket number), that template is queued, once per closed
  window and ticket, and the automated message is parked in the outbox until the customer
  writes again (the window reopens); their next message releases it, and the outbox's claim
  sends it exactly once;
- without one, nothing is sent: the ticket is handed to agents (tagged, opened) with a note
  saying why, and the message is a dead letter an admin may replay.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk import outbox
from minidesk.channels.base import DeliveryError, OutboundMessage
from minidesk.channels.models import Channel
from minidesk.channels.whatsapp import window
from minidesk.channels.whatsapp.kind import WHATSAPP
from minidesk.db import Database
from minidesk.desk import tickets
from minidesk.desk.customers import merged_ids
from minidesk.desk.messages import MessageType, do_reply
from minidesk.desk.models import Customer, Direction, Message, Status, Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, ActorType, Event, emit, listen

# Who holds, asks and hands off: automation, so rules and the bot do not react to it.
WINDOW_KEEPER = Actor(ActorType.AUTOMATION, name="whatsapp window")
REENGAGEMENT = "whatsapp_reengagement"  # the meta marking the re-engagement template's reply
HANDOFF_TAG = "handoff"  # the tag the bot's hand-offs use: agents' queues look for it
MAX_PARAMETERS = 2  # the customer's first name, then the ticket number


def _usable(session: Session, channel: Channel) -> tuple[dict[str, Any] | None, str]:
    """The re-engagement template as an approved one, or None and why not."""
    wanted = (channel.settings or {}).get("reengagement_template")
    if not wanted:
        return None, "the channel has no re-engagement template (settings.reengagement_template)"
    for template in window.approved_templates(session, channel.id):
        if (template["name"], template["language"]) == (
            wanted.get("name"),
            wanted.get("language", "en_US"),
        ):
            if template["parameters"] > MAX_PARAMETERS:
                return None, (
                    f"the re-engagement template {template['name']!r} takes "
                    f"{template['parameters']} parameters; at most {MAX_PARAMETERS} can be "
                    "filled (first name, ticket number)"
                )
            return template, ""
    return None, (
        f"the re-engagement template {wanted.get('name')!r} is not one of the channel's "
        "approved templates (settings.templates)"
    )


def _asked_already(session: Session, ticket: Ticket, channel_id: int) -> Message | None:
    """The re-engagement template already queued on this ticket since the customer last
    wrote on this channel: one per closed window, however many messages are held."""
    last = window.last_inbound_at(session, channel_id, ticket.customer_id)
    query = select(Message).where(
        Message.ticket_id == ticket.id,
        Message.direction == Direction.OUTBOUND,
        Message.channel_id == channel_id,
    )
    if last is not None:
        query = query.where(Message.created_at >= last)
    for found in session.scalars(query.order_by(Message.id.desc())):
        if (found.meta or {}).get(REENGAGEMENT):
            return found
    return None


def _ask(session: Session, ticket: Ticket, channel_id: int, template: dict[str, Any]) -> Message:
    customer = session.get_one(Customer, ticket.customer_id)
    first_name = (customer.name or "").split(" ", 1)[0] or "there"
    parameters = [first_name, str(ticket.id)][: template["parameters"]]
    chosen = {"name": template["name"], "language": template["language"],
              "parameters": parameters}  # fmt: skip
    return do_reply(
        session,
        ticket,
        window.template_text(chosen),
        WINDOW_KEEPER,
        meta={window.TEMPLATE: chosen, REENGAGEMENT: True},
    )


def do_hold_or_hand_off(db: Database, message: OutboundMessage) -> None:
    """Deal with automated ``message`` that met a closed window; always raises (after the
    commit, so what was decided stays): ``Parked`` when it is held for the customer's next
    message, a permanent ``DeliveryError`` when it cannot be (the ticket handed to agents)."""
    assert message.channel_id is not None
    with db.transaction() as session:
        ticket = session.get_one(Ticket, message.ticket_id)
        channel = session.get_one(Channel, message.channel_id)
        template, why_not = _usable(session, channel)
        last = window.last_inbound_at(session, channel.id, ticket.customer_id)
        since = f"since {last:%Y-%m-%d %H:%M} UTC + 24 h" if last else "no message yet"
        if template is None:
            _hand_off(session, ticket, message, f"WhatsApp's 24-hour window is closed ({since}) "
                      f"and {why_not}")  # fmt: skip
            outcome: DeliveryError = DeliveryError(
                f"{window.WINDOW_CLOSED}: the automated message was not sent ({why_not}); "
                "the ticket was handed to agents",
                permanent=True,
            )
        else:
            outcome = _hold(session, ticket, message, template, since)
    raise outcome


def _hold(
    session: Session,
    ticket: Ticket,
    message: OutboundMessage,
    template: dict[str, Any],
    since: str,
) -> outbox.Parked:
    assert message.channel_id is not None
    asked = _asked_already(session, ticket, message.channel_id) or _ask(
        session, ticket, message.channel_id, template
    )
    reason = (
        f"held: WhatsApp's 24-hour window is closed ({since}); sent when the customer "
        f"writes again (re-engagement template {template['name']!r} asked them to)"
    )
    held = session.get(Message, message.message_id) if message.message_id else None
    if held is not None:
        held.delivery_error = reason
    emit(
        session,
        EventKind.WHATSAPP_REPLY_HELD,
        WINDOW_KEEPER,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        message_id=message.message_id or None,
        outbox_id=message.outbox_id,
        channel_id=message.channel_id,
        reengagement_message_id=asked.id,
        reason=reason,
    )
    return outbox.Parked(reason)


def _hand_off(session: Session, ticket: Ticket, message: OutboundMessage, why: str) -> None:
    tickets.do_set_tags(session, ticket, [HANDOFF_TAG], [], WINDOW_KEEPER)
    if ticket.status != Status.OPEN:
        tickets.do_set_status(session, ticket, Status.OPEN, WINDOW_KEEPER, why="hand-off")
    note = (
        f"Not sent on WhatsApp: {why}. A person should answer with an approved template "
        f"(or wait for the customer to write). The automated message was:\n\n{message.text}"
    )
    do_reply(session, ticket, note, WINDOW_KEEPER, kind=MessageType.NOTE)


@listen(EventKind.MESSAGE_RECEIVED, transactional=True)
def release_held(session: Session, event: Event) -> None:
    """The customer wrote on WhatsApp: the window is open again, so send what was held for
    them on that channel (``outbox.unpark``: a conditional UPDATE, each row once)."""
    if event.message_id is None:
        return
    received = session.get(Message, event.message_id)
    if received is None or received.channel != WHATSAPP or received.channel_id is None:
        return
    customer = session.get_one(Customer, received.customer_id)
    held = list(
        session.scalars(
            select(outbox.OutboxItem.id)
            .join(Ticket, Ticket.id == outbox.OutboxItem.ticket_id)
            .where(
                outbox.OutboxItem.status == outbox.OutboxStatus.PARKED,
                outbox.OutboxItem.channel == WHATSAPP,
                outbox.OutboxItem.channel_id == received.channel_id,
                Ticket.customer_id.in_(merged_ids(session, customer)),
            )
        )
    )
    if held and outbox.unpark(session, held):
        emit(
            session,
            EventKind.WHATSAPP_REPLY_RELEASED,
            WINDOW_KEEPER,
            ticket_id=received.ticket_id,
            customer_id=customer.id,
            channel_id=received.channel_id,
            outbox_ids=held,
        )
