"""A message that only acknowledges ("ok, thanks!", "vale, gracias", "vielen Dank 👍"): after
an explained refusal it ends the conversation, on a solved ticket it changes nothing, and as
a new ticket's first message it is solved without a reply (``customer.acknowledged_only``).
A greeting alone opens a conversation whose request comes next: the bot asks what it is
(``greeted``) and reads the next message as the first.
A question or a request beside the thanks makes it an ordinary message
(``triage.courtesy.is_acknowledgement``)."""

from __future__ import annotations

import re

from sqlalchemy import select

from minidesk.desk import tickets
from minidesk.desk.models import Message, Status
from minidesk.resolutions.context import BOT, Turn
from minidesk.resolutions.models import FollowUpRisk, Step
from minidesk.resolutions.outcome import do_close, do_invite, say
from minidesk.triage.courtesy import is_acknowledgement, is_greeting

ACKNOWLEDGED = "customer.acknowledged"
# A new ticket that only acknowledges: solved without a reply, tagged so a view finds them.
ACKNOWLEDGED_ONLY = "customer.acknowledged_only"
ACKNOWLEDGEMENT_TAG = "acknowledgement-only"
# A greeting alone: the reply that asks what it is about, and the fact that it went out.
GREETING_REPLY = "greeting_reply"
GREETED = "greeted"
# "Re:", "RE:", "AW:", "SV:", "RV:", "Réf. :", "RES:", "Fwd:" and the like open a reply's subject.
REPLY_SUBJECT = re.compile(r"^\s*(?:re|aw|sv|rv|res|r[ée]f\.?|fwd?|wg|tr)\s*:", re.IGNORECASE)


def acknowledged(turn: Turn) -> bool:
    """A thank-you after the bot's answer or its explained refusal ends the conversation: the
    refusal's ticket is solved (closed automatically), a solved ticket stays as it is (the
    thread kept it solved). A new ticket that is only a thank-you (a reply to a conversation
    solved too long ago to reopen, to a shipping notice) is solved without a reply: nobody
    has anything to do, and its next real message reopens it as any solved ticket's does.
    Elsewhere (a question asked) it is no answer."""
    if turn.state.step == Step.EXPLAINED:
        do_close(turn, None, ACKNOWLEDGED, FollowUpRisk.LOW)
        return True
    if turn.state.step == Step.NEW and _opens_ticket(turn):
        tickets.do_set_tags(turn.session, turn.ticket, [ACKNOWLEDGEMENT_TAG], [], BOT)
        do_close(turn, None, ACKNOWLEDGED_ONLY, FollowUpRisk.LOW)
        return True
    return turn.ticket.status == Status.SOLVED


def only_acknowledges(turn: Turn) -> bool:
    """The message says nothing but "ok, thanks": its own words (a reply's subject, "Re: Your
    order has shipped", is the thread's, not the customer's) and no file attached (a photo
    with "thanks" is the evidence of a claim)."""
    subject = str(turn.message.meta.get("subject") or "")
    text = turn.message.text if REPLY_SUBJECT.match(subject) else turn.text
    if not is_acknowledgement(text):
        return False
    return all(attachment.inline for attachment in turn.message.attachments)


def only_greets(turn: Turn) -> bool:
    """A new conversation's message is nothing but a greeting ("Hallo zusammen", "hola a
    todos"), the subject included and no file attached: the request comes next. Handed off
    as an unsupported intent, the greeting left the request that followed to a person."""
    if turn.state.step != Step.NEW or not is_greeting(turn.text):
        return False
    return all(attachment.inline for attachment in turn.message.attachments)


def greeted(turn: Turn) -> None:
    """Answer a greeting alone with the question it implies, once ("how can we help?", in
    the customer's language): a customer on chat or WhatsApp who says hello and waits is not
    left to wonder whether anyone is there. Nothing is handed off and the step stays new, so
    the request that follows is read as the conversation's first message; a second greeting
    waits quietly for it."""
    if not turn.state.facts.get(GREETED):
        do_invite(turn, say(GREETING_REPLY), **{GREETED: True})


def _opens_ticket(turn: Turn) -> bool:
    """The message is the ticket's first: no earlier message from anyone (an agent's own
    ticket, answered "ok", may be waiting for more)."""
    if turn.ticket.turns > 1:
        return False
    earlier = select(Message.id).where(
        Message.ticket_id == turn.ticket.id, Message.id != turn.message.id
    )
    return turn.session.scalars(earlier.limit(1)).first() is None
