"""Answering a question no flow handles from the knowledge base (POLICIES.md, "Out of
scope"): when the best public article passes the calibrated threshold, the bot quotes its
first paragraph, links it on the help centre and offers a person; anything else keeps the
hand-off.

Never for override words (legal, health and safety, "human please": the engine hands those
off before it gets here, and this checks again), never for a question about an order or one
that asks for an action (those are for flows and people, and an article about refunds is no
answer to "refund order 1042"), and never twice on a ticket: a customer who writes again after
an article answer gets a person.
"""

from __future__ import annotations

from minidesk.desk.messages import do_reply
from minidesk.desk.models import Status
from minidesk.event_kinds import EventKind
from minidesk.events import emit
from minidesk.kb.answers import THRESHOLD, Answer, confident_answer
from minidesk.kb.markdown import first_paragraph
from minidesk.kb.reading import help_path
from minidesk.resolutions.context import BOT, Turn
from minidesk.resolutions.framing import asked_for
from minidesk.resolutions.late_words import is_late
from minidesk.resolutions.models import Resolution, Step
from minidesk.settings import get_settings
from minidesk.triage import flags, taxonomy

ANSWERED = "kb_answered"  # state fact: the article the bot answered with
UNKNOWN = "unknown"
# Questions, not problems: an article may answer them. Everything else (orders, payments that
# failed, complaints, asking for a person) goes to flows or people.
ANSWERABLE = frozenset({UNKNOWN, *taxonomy.INFORMATIONAL, taxonomy.DELIVERY_TIME})
NEVER = frozenset({flags.LEGAL, flags.HEALTH_SAFETY, flags.HUMAN_PLEASE})


def why_not(turn: Turn) -> str | None:
    """Why the bot may not answer this message from an article (None: it may try)."""
    if turn.flags & NEVER:
        return "override words"
    if turn.state.facts.get(ANSWERED):
        return "the customer wrote again after an article answer"
    if turn.intent not in ANSWERABLE:
        return f"intent {turn.intent} is not a question an article answers"
    if turn.message.entities.get("order_numbers") or is_late(turn.text):
        return "a question about an order"
    if asked_for(turn.text):
        return "the message asks for an action"
    return None


def reply_text(answer: Answer) -> str:
    link = f"{get_settings().public_url.rstrip('/')}{help_path(answer.article)}"
    quote = "\n".join(f"> {line}" for line in first_paragraph(answer.article.body).splitlines())
    return (
        f"This article from our help centre should answer it: “{answer.article.title}”\n\n"
        f"{quote}\n\nRead the whole article: {link}\n\n"
        "If it does not answer your question, just reply and a person from our team will "
        "pick it up."
    )


def try_answer(turn: Turn) -> bool:
    """Answer from an article if allowed and confident; True when the bot answered."""
    if why_not(turn) is not None:
        return False
    answer = confident_answer(turn.session, turn.text)
    if answer is None:
        return False
    session, ticket = turn.session, turn.ticket
    do_reply(session, ticket, reply_text(answer), BOT, status=Status.SOLVED)
    ticket.resolution = Resolution.AUTO
    state = turn.state
    state.step = Step.DONE
    state.facts = {**state.facts, ANSWERED: answer.article.id}
    emit(
        session,
        EventKind.KB_ANSWERED,
        BOT,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        article_id=answer.article.id,
        slug=answer.article.slug,
        score=answer.score,
        threshold=THRESHOLD,
        intent=turn.intent,
    )
    return True
