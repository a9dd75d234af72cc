"""How a flow ends a turn: close automatically, wait for the customer, or hand off."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from minidesk import replies
from minidesk.commerce.connector import PaymentRecord
from minidesk.db import utcnow
from minidesk.desk import tickets
from minidesk.desk.messages import MessageType, do_reply
from minidesk.desk.models import Priority, Status, Team
from minidesk.event_kinds import EventKind
from minidesk.events import emit
from minidesk.policies.approvals import do_request_approval
from minidesk.policies.decisions import Decision, Outcome
from minidesk.policies.models import ApprovalKind
from minidesk.resolutions.context import BOT, Turn
from minidesk.resolutions.models import FollowUpRisk, Resolution, Step

log = logging.getLogger(__name__)

HANDOFF_TAG = "handoff"
HANDOFF_TEMPLATE = "handoff"


@dataclass(frozen=True)
class Say:
    """A reply as a built-in (or shop-edited) template and the values only the flow knows;
    the ticket's own tokens (customer name, ticket number …) are added when it is sent."""

    template: str
    values: Mapping[str, Any] = field(default_factory=dict)


def say(template: str, **values: Any) -> Say:
    """``say("refund_done", amount=Money(...), eta=date, ...)``: ``Money`` and dates become
    text in the reply's language when it is rendered (``replies.locale``)."""
    return Say(template, values)


def card(payment: PaymentRecord) -> dict[str, str]:
    """The card tokens of a payment: brand and last four digits."""
    return {"card_brand": payment.method, "last4": payment.last4}


# A reply held back to go out in one message with another request's (``together``).
HeldReply = tuple[Say, Status]


def _send(turn: Turn, reply: Say, status: Status) -> str | None:
    """Reply with ``reply``; returns why it could not be rendered (nothing sent), else None.

    A shop owner may have disabled or broken a template; the flow then hands off rather than
    crash the turn (which would retry forever) or send a message with a blank in it.
    """
    if turn.held is not None:
        turn.held.append((reply, status))
        return None
    try:
        replies.do_send_template(
            turn.session,
            turn.ticket,
            reply.template,
            BOT,
            variables=reply.values,
            status=status,
            language=turn.language,
        )
    except replies.RenderError as exc:
        log.warning("resolution reply %s not sent: %s", reply.template, exc)
        return str(exc)
    return None


def unrenderable(reason: str) -> Decision:
    return Decision("reply", Outcome.HAND_OFF, "reply.unrenderable", reason)


def _set_state(turn: Turn, step: Step, **facts: Any) -> None:
    state = turn.state
    state.step = step
    state.facts = {**state.facts, **facts}
    state.version += 1
    state.updated_at = utcnow()


def do_close(turn: Turn, reply: Say | None, rule: str, risk: FollowUpRisk, **facts: Any) -> None:
    """Answer and solve: the ticket closed without a person (``reply`` None: nothing left to
    say, the customer acknowledged the last answer)."""
    if reply is None:
        tickets.do_set_status(turn.session, turn.ticket, Status.SOLVED, BOT, why=rule)
    elif (failed := _send(turn, reply, Status.SOLVED)) is not None:
        _set_state(turn, Step.DONE, **facts)  # what was done stays on record for the person
        do_hand_off(turn, unrenderable(failed))
        return
    turn.ticket.resolution = Resolution.AUTO
    turn.state.follow_up_risk = risk
    _set_state(turn, Step.DONE, closed_at_turn=turn.ticket.turns, **facts)
    closed = {"flow": turn.state.flow, "rule": rule}
    if turn.closes is not None:  # answered together: one event for the reply (``together``)
        turn.closes.append(closed)
        turn.state.facts = {**turn.state.facts, ANSWERED: [*answered_before(turn), closed]}
        return
    emit_closed(turn, [*answered_before(turn), closed])


# The requests of this conversation answered in a reply that did not close the ticket (a
# status answer beside a refund offer): counted with the request that closes it.
ANSWERED = "answered_together"


def answered_before(turn: Turn) -> list[dict[str, str | None]]:
    return list(turn.state.facts.get(ANSWERED) or [])


def emit_closed(turn: Turn, closed: list[dict[str, str | None]]) -> None:
    """One ``resolution.closed`` for the reply that solved the ticket, however many requests
    it answered: rules and webhooks on it (a survey, a count) act once per ticket. ``flow``
    and ``rule`` are the request that closed it; ``flows`` and ``rules`` every one answered."""
    turn.state.facts = {k: v for k, v in turn.state.facts.items() if k != ANSWERED}
    emit(
        turn.session,
        EventKind.RESOLUTION_CLOSED,
        BOT,
        ticket_id=turn.ticket.id,
        customer_id=turn.ticket.customer_id,
        flow=closed[-1]["flow"],
        rule=closed[-1]["rule"],
        flows=[part["flow"] for part in closed if part["flow"]],
        rules=[part["rule"] for part in closed],
        turns=turn.ticket.turns,
        resolution=str(Resolution.AUTO),
        follow_up_risk=str(turn.state.follow_up_risk),
    )


ASKED = "asked"


def asked_whom(turn: Turn) -> dict[str, str | None] | None:
    """Who the bot put its question to, as the answer must prove it again: the store customer
    and the identity the channel verified (None for an unverified sender, whom the flows
    never ask anything that leads to an action)."""
    if not turn.verified or turn.customer is None:
        return None
    return {
        "customer_ref": turn.customer.ref,
        "channel": turn.channel,
        "email": turn.sender_email,
        "phone": turn.sender_phone,
    }


def do_ask(turn: Turn, reply: Say, step: Step, **facts: Any) -> None:
    """Ask the customer something; their next message continues the flow."""
    if (failed := _send(turn, reply, Status.PENDING)) is not None:
        do_hand_off(turn, unrenderable(failed))
        return
    turn.state.asked_after_message_id = turn.message.id
    _set_state(turn, step, **{ASKED: asked_whom(turn), **facts})
    emit(
        turn.session,
        EventKind.RESOLUTION_ASKED,
        BOT,
        ticket_id=turn.ticket.id,
        customer_id=turn.ticket.customer_id,
        flow=turn.state.flow,
        step=str(step),
        turns=turn.ticket.turns,
    )


def do_invite(turn: Turn, reply: Say, **facts: Any) -> None:
    """Answer without asking anything a flow waits for ("how can we help?" to a greeting
    alone): the conversation stays at its step, so the next message is read as it would
    have been, and the ticket waits for the customer (pending)."""
    if (failed := _send(turn, reply, Status.PENDING)) is not None:
        do_hand_off(turn, unrenderable(failed))
        return
    _set_state(turn, Step(turn.state.step), **facts)


def do_hand_off(
    turn: Turn,
    decision: Decision,
    *,
    tags: tuple[str, ...] = (),
    team: str | None = None,
    tier: int = 2,
    priority: Priority | None = None,
    escalated: bool = False,
    reply: Say | None = None,
) -> None:
    """Stop automating: a human queue, the facts as a note, the customer told, events."""
    session, ticket = turn.session, turn.ticket
    facts = _facts(turn, decision)
    tickets.do_set_tags(session, ticket, [HANDOFF_TAG, *tags], [], BOT)
    if team is not None:
        found = session.scalars(select(Team).where(Team.name == team)).first()
        if found is not None:
            tickets.do_set_team(session, ticket, found, BOT)
    if priority is not None and priority < Priority(ticket.priority):
        tickets.do_set_priority(session, ticket, priority, BOT, reasons=[decision.reason])
    tickets.do_set_tier(session, ticket, max(ticket.tier, tier), BOT, why="hand-off")
    note = "Handed off by the resolution bot.\n" + "\n".join(
        f"- {key}: {value}" for key, value in facts.items() if value not in (None, "", [])
    )
    do_reply(session, ticket, note, BOT, kind=MessageType.NOTE)
    for choice in (reply, Say(HANDOFF_TEMPLATE)):
        if choice is not None and _send(turn, choice, Status.OPEN) is None:
            break
    else:  # no template could tell the customer: the person sees why in the note
        tickets.do_set_status(session, ticket, Status.OPEN, BOT, why="hand-off")
    ticket.resolution = Resolution.ESCALATED if escalated else Resolution.AGENT
    risk = FollowUpRisk.HIGH if escalated or ticket.sentiment == "negative" else FollowUpRisk.MEDIUM
    turn.state.follow_up_risk = risk
    _set_state(turn, Step.HANDED_OFF, handed_off_at_turn=ticket.turns, handoff_rule=decision.rule)
    emit(
        session,
        EventKind.RESOLUTION_HANDED_OFF,
        BOT,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        flow=turn.state.flow,
        rule=decision.rule,
        reason=decision.reason,
        facts=facts,
        turns=ticket.turns,
        tier=ticket.tier,
        resolution=str(ticket.resolution),
        follow_up_risk=str(risk),
    )


def do_escalate(
    turn: Turn,
    decision: Decision,
    kind: ApprovalKind,
    *,
    tags: tuple[str, ...],
    reply: Say | None = None,
    order_number: str | None = None,
) -> None:
    """A senior manager decides: an approval/escalation record, then a tier-3 hand-off."""
    do_request_approval(
        turn.session,
        kind,
        decision,
        BOT,
        ticket_id=turn.ticket.id,
        customer_id=turn.ticket.customer_id,
        order_number=order_number or turn.state.order_number,
        facts=_facts(turn, decision),
    )
    do_hand_off(turn, decision, tags=tags, tier=3, escalated=True, reply=reply)


def _facts(turn: Turn, decision: Decision) -> dict[str, Any]:
    return {
        "rule": decision.rule,
        "reason": decision.reason,
        "intent": turn.intent,
        "confidence": round(turn.confidence, 3),
        "flags": sorted(turn.flags),
        "order": turn.state.order_number,
        "orders mentioned": turn.order_numbers,
        "amount": decision.amount.as_dict() if decision.amount else None,
        "verified customer": turn.verified,
        "store customer": turn.customer.ref if turn.customer else None,
        "channel": turn.channel,
        "offer": turn.state.offer or None,
        "answered": [part["flow"] for part in answered_before(turn)],
        "turn": turn.ticket.turns,
    }
