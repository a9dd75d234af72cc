"""Two requests answered in one reply: "where is my order 1042 and can you send the invoice?".

Each flow runs as it would alone, on the same order, but its reply is held instead of sent;
the held replies then go out as one message, the later ones without the greeting the first
already made. Only the pairs ``facts.TOGETHER`` allows run here (neither asks anything back
nor moves money), so each flow's policy is the one it applies alone. A request that does
not close (an explanation, "which order?", a hand-off) stops the run, and a person takes
the rest: no request is dropped unseen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from minidesk import replies
from minidesk.desk.messages import do_reply
from minidesk.policies.decisions import Decision, Outcome
from minidesk.resolutions.context import BOT, Turn
from minidesk.resolutions.models import Step
from minidesk.resolutions.outcome import HeldReply, do_hand_off, unrenderable

SEVERAL = "requests.several"


def run_together(
    turn: Turn, flows: Mapping[str, Callable[[Turn], None]], names: tuple[str, ...]
) -> None:
    turn.held = []
    try:
        for position, name in enumerate(names):
            turn.state.flow = name
            flows[name](turn)
            if turn.state.step == Step.HANDED_OFF:
                break
            if turn.state.step != Step.DONE:
                rest = ", ".join(names[position + 1 :])
                do_hand_off(
                    turn,
                    Decision(
                        "any",
                        Outcome.HAND_OFF,
                        SEVERAL,
                        f"{name} did not close; {rest} for a person",
                    ),
                )
                break
    finally:
        held, turn.held = turn.held, None
    if held and (failed := send_held(turn, held)) is not None:
        do_hand_off(turn, unrenderable(failed))


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
