"""Routing one inbound message: overriding words first, then the flow's pending question,
then a new flow by intent; whatever does not fit is handed to a person."""

from __future__ import annotations

from collections.abc import Callable, Collection

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from minidesk import events
from minidesk.db import utcnow
from minidesk.desk import tickets
from minidesk.desk.models import Message, Priority, Ticket
from minidesk.policies.audit import record_decision
from minidesk.policies.decisions import Decision, Outcome, check_continuation, check_overrides
from minidesk.policies.models import ApprovalKind
from minidesk.resolutions import guides, kb_answers
from minidesk.resolutions.acknowledgements import (
    acknowledged,
    greeted,
    only_acknowledges,
    only_greets,
)
from minidesk.resolutions.context import BOT, Turn, build_turn
from minidesk.resolutions.facts import GUESSED, choose_flow
from minidesk.resolutions.flows import (
    account,
    address,
    cancel,
    orders,
    refund,
    refund_confirm,
    returns,
)
from minidesk.resolutions.framing import asked_for
from minidesk.resolutions.late_words import is_late
from minidesk.resolutions.models import ResolutionState, Step
from minidesk.resolutions.outcome import ASKED, HANDOFF_TAG, do_escalate, do_hand_off
from minidesk.resolutions.parts import READ_ONLY, assign_orders, on_each_order
from minidesk.resolutions.together import SEVERAL, run_together
from minidesk.triage import taxonomy

Flow = Callable[[Turn], None]
FLOWS: dict[str, Flow] = {
    taxonomy.ORDER_STATUS: orders.run,
    taxonomy.REFUND: refund.run,
    taxonomy.CANCEL_ORDER: cancel.run,
    taxonomy.ADDRESS_CHANGE: address.run,
    taxonomy.RETURN: returns.run,
    taxonomy.PASSWORD_RESET: account.password_reset,
    taxonomy.INVOICE: account.invoice,
}
CONTINUATIONS: dict[str, Flow] = {
    Step.AWAITING_TOKEN: refund_confirm.confirm,
    Step.AWAITING_ADDRESS: address.apply,
}
# Steps where the bot waits for the customer's answer to its own question.
WAITING = frozenset({*CONTINUATIONS, Step.AWAITING_ORDER, Step.EXPLAINED})


_STATELESS = "minidesk.resolutions.stateless"


def load_states(session: Session, ticket_ids: Collection[int]) -> list[ResolutionState]:
    """Read the state rows of a dispatch batch's tickets at once, and note which have none,
    so ``claim_state`` asks the database about neither again (a missing row is the usual
    case, a new ticket, and ``session.get`` would query for it each time)."""
    states = list(
        session.scalars(select(ResolutionState).where(ResolutionState.ticket_id.in_(ticket_ids)))
    )
    stateless = set(ticket_ids) - {state.ticket_id for state in states}
    session.info[_STATELESS] = (events.batch(session), stateless)
    return states


def _known_stateless(session: Session, ticket_id: int) -> bool:
    noted = session.info.get(_STATELESS)
    return noted is not None and noted[0] is events.batch(session) and ticket_id in noted[1]


def claim_state(session: Session, ticket: Ticket) -> ResolutionState | None:
    """The ticket's state row, claimed for this turn (None if another worker holds it)."""
    stateless = _known_stateless(session, ticket.id)
    state = None if stateless else session.get(ResolutionState, ticket.id)
    if state is None:
        # Inserting the row is the claim: a concurrent first turn fails on the primary key
        # when this one's flush reaches it, and the listener's savepoint undoes its work.
        # Every column the turn reads is set here: defaults only arrive with the flush.
        state = ResolutionState(
            ticket_id=ticket.id, step=Step.NEW, version=1, offer={}, facts={}, updated_at=utcnow()
        )
        session.add(state)
        if stateless:  # from now on the session has it (a query autoflushes it first)
            session.info[_STATELESS][1].discard(ticket.id)
        return state
    won = session.execute(
        update(ResolutionState)
        .where(ResolutionState.ticket_id == ticket.id, ResolutionState.version == state.version)
        .values(version=state.version + 1),
        execution_options={"synchronize_session": False},
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        return None
    # No reload needed: every change to the row claims it first (bumping version), so
    # winning on the version we read proves nothing else changed since we read it.
    set_committed_value(state, "version", state.version + 1)
    return state


# A rule may start a flow the engine did not pick (the shop knows better than the intent
# model); after any other hand-off (policy, override words, a declined answer) a person owns
# the conversation and no rule takes it back.
RULE_MAY_RESUME = frozenset({"intent.unsupported"})
HANDLED = "handled_message_id"


def _asks_anew(turn: Turn) -> bool:
    """A reply to an explanation that asks, in so many words, about another of the customer's
    orders ("ok and can u email me the invoice for 1042") is a new request, not insisting on
    the one explained: held-out set 8 had it handed off. The same order, or no order named,
    still insists ("then just refund me")."""
    other = set(turn.order_numbers) - {turn.state.order_number}
    return bool(other) and bool(asked_for(turn.text) or is_late(turn.text))


def _answered_explanation(turn: Turn) -> bool:
    """A reply to an explained refusal, handled here unless it is a new request: the amount
    the explanation invited ("Reply with an amount up to $10.00") runs the refund flow again;
    anything else insists and goes to a person."""
    if refund.answer_invitation(turn):
        return True
    if _asks_anew(turn):
        return False
    insists = Decision(
        "any", Outcome.HAND_OFF, "customer.insists", "the customer replied to a policy explanation"
    )
    do_hand_off(turn, insists)
    return True


def handle(session: Session, ticket: Ticket, message: Message) -> None:
    state = claim_state(session, ticket)
    if state is None or state.step == Step.HANDED_OFF:
        return  # a person owns this conversation: a later token moves nothing
    if state.facts.get(HANDLED) == message.id:
        return  # a rule already ran a flow on this very message
    turn = build_turn(session, ticket, message, state)
    _mark_handled(turn)
    override = check_overrides(turn.flags)
    if override is not None:
        record_decision(session, override, BOT, ticket_id=ticket.id, customer_id=ticket.customer_id)
        _override(turn, override)
        return
    if only_acknowledges(turn) and acknowledged(turn):
        return
    if only_greets(turn):  # "Hallo zusammen": asked what it is about; the request comes next
        return greeted(turn)
    if state.step in WAITING:
        # The answer to the bot's question: only from the verified customer it asked.
        answering = check_continuation(
            state.facts.get(ASKED),
            verified=turn.verified,
            customer_ref=turn.customer.ref if turn.customer else None,
            email=turn.sender_email,
            phone=turn.sender_phone,
        )
        if answering.outcome != Outcome.AUTO:
            record_decision(
                session, answering, BOT, ticket_id=ticket.id, customer_id=ticket.customer_id
            )
            do_hand_off(turn, answering)
            return
    if state.step == Step.IN_GUIDE and guides.continue_guide(turn, FLOWS):
        return
    continuation = CONTINUATIONS.get(state.step)
    if continuation is not None:
        continuation(turn)
        return
    if state.step == Step.EXPLAINED and _answered_explanation(turn):
        return
    if ticket.turns > turn.pack.max_bot_turns:
        do_hand_off(
            turn,
            Decision(
                "any",
                Outcome.HAND_OFF,
                "turns.exceeded",
                f"more than {turn.pack.max_bot_turns} turns",
            ),
        )
        return
    flow_name, why, guessed, several, together = _flow_name(turn)
    if together:
        state.facts = {**state.facts, GUESSED: False}
        owned = [order.number for order in turn.customer_orders]
        parts = assign_orders(turn.text, together, turn.order_numbers, owned)
        if parts is None:
            unclear = f"{why}; which order each request is about is unclear"
            do_hand_off(turn, Decision("any", Outcome.HAND_OFF, SEVERAL, unclear))
            return
        run_together(turn, FLOWS, parts)
        return
    if several:
        # Answering one would drop the other unseen; a guide or an article answers neither.
        do_hand_off(turn, Decision("any", Outcome.HAND_OFF, SEVERAL, why))
        return
    owned = [order.number for order in turn.customer_orders]
    if flow_name and (each := on_each_order(flow_name, turn.order_numbers, owned)):
        orders_named = ", ".join(part.order or "" for part in each)
        if flow_name not in READ_ONLY:
            # Two actions, one per order, stay a person's, as two actions in one message do.
            unclear = f"{flow_name} on several orders ({orders_named})"
            do_hand_off(turn, Decision("any", Outcome.HAND_OFF, SEVERAL, unclear))
            return
        state.facts = {**state.facts, GUESSED: guessed}
        run_together(turn, FLOWS, each)  # read-only: each order answered in one reply
        return
    if flow_name is None:
        if guides.try_offer(turn):  # a problem a troubleshooting guide walks through
            return
        if kb_answers.try_answer(turn):  # a question an article answers, confidently
            return
        do_hand_off(turn, Decision("any", Outcome.HAND_OFF, "intent.unsupported", why))
        return
    state.flow = flow_name
    state.facts = {**state.facts, GUESSED: guessed}
    FLOWS[flow_name](turn)


def run_flow(session: Session, ticket: Ticket, message: Message, flow: str) -> str | None:
    """Run ``flow`` on ``message`` because a rule said so; returns why it did not, else None.

    The same boundaries as an inbound message: override words first, never while the bot
    waits for the customer's answer or after a person took over, and every policy inside the
    flow itself.
    """
    state = claim_state(session, ticket)
    if state is None:
        return "another worker holds this conversation"
    if state.step == Step.HANDED_OFF and state.facts.get("handoff_rule") not in RULE_MAY_RESUME:
        return "a person owns this conversation"
    if state.step in WAITING:
        return f"the bot is waiting for the customer ({state.step})"
    if state.facts.get(HANDLED) == message.id and state.step != Step.HANDED_OFF:
        return "this message was already answered"
    turn = build_turn(session, ticket, message, state)
    _mark_handled(turn)
    override = check_overrides(turn.flags)
    if override is not None:
        record_decision(session, override, BOT, ticket_id=ticket.id, customer_id=ticket.customer_id)
        _override(turn, override)
        return None
    if state.step == Step.HANDED_OFF:  # resumed: the bot answers after all
        tickets.do_set_tags(session, ticket, [], [HANDOFF_TAG], BOT)
    state.step = Step.NEW
    state.flow = flow
    state.facts = {**state.facts, GUESSED: False}  # the shop's rule chose it, not a guess
    FLOWS[flow](turn)
    return None


def _mark_handled(turn: Turn) -> None:
    turn.state.facts = {**turn.state.facts, HANDLED: turn.message.id}


def _flow_name(turn: Turn) -> tuple[str | None, str, bool, tuple[str, ...], tuple[str, ...]]:
    """The flow this message starts (or continues, answering "which order?"), why, whether
    it rests on the model's best guess alone, the actions asked when several are, and the
    flows answered together."""
    answering = turn.state.step == Step.AWAITING_ORDER and turn.state.flow in FLOWS
    if answering and not asked_for(turn.text) - {turn.state.flow}:
        guessed = bool(turn.state.facts.get(GUESSED))
        return turn.state.flow, "the answer to the bot's question", guessed, (), ()
    # Not only an answer: "10239. Oh and please cancel 30001" asks for more than the order
    # the bot waited for, and is read as a message of its own (held-out set 10 answered both
    # orders' status, and the cancellation went unanswered).
    owned = {order.number for order in turn.customer_orders}
    choice = choose_flow(
        turn.intent,
        turn.confidence,
        turn.text,
        has_order=bool(owned & set(turn.order_numbers)),
        pack_minimum=turn.pack.min_action_confidence,
        best_guess=turn.best_guess,
        orders_named=len(set(turn.order_numbers)),
    )
    return choice.flow, choice.why, choice.guessed, choice.several, choice.together


def _override(turn: Turn, decision: Decision) -> None:
    if decision.outcome == Outcome.ESCALATE:
        do_escalate(turn, decision, ApprovalKind.ESCALATION, tags=("legal",))
    elif decision.rule == "words.health_safety":
        do_hand_off(
            turn, decision, tags=("product-quality-incident",), priority=Priority.P1, escalated=True
        )
    else:
        do_hand_off(turn, decision)
