"""Several requests answered in one reply: "where is my order 1042 and can you send the
invoice?", "cancel order 1042 and send me the invoice for 1038".

Each flow runs as it would alone, on its own order (``parts.assign_orders``), but its reply
is held instead of sent; the held replies then go out as one message, the later ones
without the greeting the first already made. The read-only requests (``facts.TOGETHER``)
run first and at most one acting request last (``parts``), so each flow's policy is the one
it applies alone, and the acting flow's question, explanation or hand-off ends the reply and
owns what comes next. A read-only request that does not close (an explanation, "which
order?", a hand-off) stops the run, and a person takes the rest: no request is dropped
unseen, and no action runs after an answer that went wrong.

The reply counts once: one ``resolution.closed`` when it solves the ticket, listing every
request answered; when the acting flow asked instead, the answered ones wait in the state
and are listed on the close that follows (``outcome.emit_closed``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from minidesk import replies
from minidesk.desk.messages import do_reply
from minidesk.policies.decisions import Decision, Outcome
from minidesk.resolutions.context import BOT, Turn
from minidesk.resolutions.models import Step
from minidesk.resolutions.outcome import (
    HeldReply,
    answered_before,
    do_hand_off,
    emit_closed,
    unrenderable,
)
from minidesk.resolutions.parts import ACTING, STATUS, Part

SEVERAL = "requests.several"
# Steps where a flow asked the customer something: beside a hand-off the question would
# contradict "a person will follow up", so the person asks it instead.
QUESTIONS = frozenset(
    {Step.AWAITING_ORDER, Step.AWAITING_TOKEN, Step.AWAITING_ADDRESS, Step.IN_GUIDE}
)


def run_together(
    turn: Turn, flows: Mapping[str, Callable[[Turn], None]], parts: Sequence[Part]
) -> None:
    held: list[HeldReply] = []
    turn.held, turn.closes = held, []
    mentioned = turn.order_numbers
    acting = parts[-1] if parts[-1].flow in ACTING else None
    try:
        for position, part in enumerate(parts):
            before = len(held)
            turn.state.flow = part.flow
            # The flow reads the message's orders: here, this request's own.
            turn.__dict__["order_numbers"] = [part.order] if part.order else []
            turn.reship_beside = _reship_beside(part, acting)
            flows[part.flow](turn)
            if turn.state.step == Step.HANDED_OFF:
                break
            if turn.state.step != Step.DONE and position < len(parts) - 1:
                if turn.state.step in QUESTIONS:
                    del held[before:]
                rest = ", ".join(later.flow for later in parts[position + 1 :])
                do_hand_off(
                    turn,
                    Decision(
                        "any",
                        Outcome.HAND_OFF,
                        SEVERAL,
                        f"{part.flow} did not close; {rest} for a person",
                    ),
                )
                break
    finally:
        turn.held = None
        closes, turn.closes = turn.closes, None
        turn.reship_beside = None
        turn.__dict__["order_numbers"] = mentioned
    if held and (failed := send_held(turn, held)) is not None:
        do_hand_off(turn, unrenderable(failed))
        return
    if closes and turn.state.step == Step.DONE:
        emit_closed(turn, answered_before(turn))


def _reship_beside(part: Part, acting: Part | None) -> str | None:
    """The acting flow a status answer must not reship beside: on the same order, or on one
    not known yet (it may turn out to be the same)."""
    if part.flow != STATUS or acting is None:
        return None
    same = acting.order is None or part.order is None or acting.order == part.order
    return acting.flow if same else None


def send_held(turn: Turn, held: list[HeldReply]) -> str | None:
    """Send the held replies as one message with the last one's status; returns why it
    could not be rendered (nothing sent), else None."""
    try:
        rendered = [
            replies.render_for_ticket(
                turn.session,
                turn.ticket,
                reply.template,
                variables=reply.values,
                language=turn.language,
            )
            for reply, _ in held
        ]
    except replies.RenderError as exc:
        return str(exc)
    do_reply(
        turn.session,
        turn.ticket,
        join([part.text for part in rendered]),
        BOT,
        status=held[-1][1],
        meta={**rendered[0].meta, "templates": [part.template_key for part in rendered]},
    )
    return None


def join(texts: list[str]) -> str:
    """One message of several replies: the greeting once at the top and the sign-off once at
    the bottom (each template carries both; a shop's edited one may carry neither)."""
    paragraphs = [text.strip().split("\n\n") for text in texts]
    greeting, closing = paragraphs[0][0], paragraphs[-1][-1]
    kept: list[str] = []
    last = len(paragraphs) - 1
    for position, part in enumerate(paragraphs):
        start = 1 if position > 0 and len(part) > 1 and part[0] == greeting else 0
        end = -1 if position < last and len(part) - start > 1 and part[-1] == closing else None
        body = part[start:end]
        if start:  # a sentence that followed "Hallo zusammen," now opens its paragraph
            body[0] = body[0][:1].upper() + body[0][1:]
        kept.extend(body)
    return "\n\n".join(kept)
