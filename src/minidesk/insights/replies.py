"""Survey answers typed as replies (SMS, WhatsApp, chat, even email): "4", "4 - quick and
kind", "9: great". The customer's next message after a survey, on the channel it went out on,
if it starts with a score on the survey's scale followed by nothing, a line break or
punctuation, is the answer and the rest its comment; anything else ("2 more questions") is an
ordinary message. A tapped score (WhatsApp's reply buttons and lists, the chat widget's
buttons) names its survey and score: it answers that survey.

``file_survey_answer`` is an inbound hook (``features.Feature.inbound_hooks``): the pipeline
asks it before threading, so an answer is recorded and filed on the surveyed ticket as it
stands, and a solved ticket is never reopened by it (nor a closed one followed up). An answer
whose comment reads like a new problem is recorded too, but the message then threads as any
other: it reopens the ticket or opens a follow-up, for a person to read."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.channels.base import InboundMessage
from minidesk.db import utcnow
from minidesk.desk.models import Message, Ticket
from minidesk.insights import questions
from minidesk.insights.models import Survey, SurveyStatus
from minidesk.insights.surveys import SurveyError, do_answer
from minidesk.triage import TriageResult
from minidesk.triage.result import UNKNOWN_INTENT
from minidesk.triage.taxonomy import COMPLAINT, FEEDBACK

# A reply later than this answers nothing: the survey is old news.
REPLY_WINDOW = dt.timedelta(days=7)
# Longer than a comment: a new question that happens to start with a number.
MAX_ANSWER_CHARS = 1000
_ANSWER = re.compile(r"^\s*(\d{1,2})\s*(?:$|[\n\-\u2013\u2014:.,;!)/]\s*(.*)$)", re.DOTALL)
# What triage may read in a comment that is still only about the service just rated.
_ABOUT_THE_SERVICE = frozenset({UNKNOWN_INTENT, FEEDBACK, COMPLAINT})
_NEEDS_LOOKING_UP = ("order_numbers", "tracking_numbers")


def parse(text: str) -> tuple[int, str | None] | None:
    if len(text) > MAX_ANSWER_CHARS:
        return None
    found = _ANSWER.match(text)
    if found is None:
        return None
    comment = (found.group(2) or "").strip()
    return int(found.group(1)), comment or None


def reads_like_a_new_problem(comment: str | None, reading: TriageResult) -> bool:
    """A comment that asks something ("5, but where is my refund?"), names an order or a
    parcel, raises a flag (legal, safety, asks for a person) or that triage recognises as a
    request of its own needs a person, not just a place in the CSAT figures."""
    if not comment:
        return False
    if "?" in comment or reading.flags:
        return True
    if reading.intent not in _ABOUT_THE_SERVICE:
        return True
    return any(reading.entities.get(kind) for kind in _NEEDS_LOOKING_UP)


def file_survey_answer(
    session: Session, customer_ids: Sequence[int], message: InboundMessage, reading: TriageResult
) -> Ticket | None:
    """Record ``message`` as the answer to the sender's pending survey, if it is one; the
    surveyed ticket to file it on as it stands, or None to thread it as usual."""
    now = utcnow()
    tapped = _tapped(message.meta, message.text)
    if tapped is not None:
        (survey_id, score), comment = tapped
        found = session.get(Survey, survey_id)
        # A tap answers only the sender's own, recent survey (tapping again changes it).
        if found is None or found.customer_id not in customer_ids or found.sent_at is None:
            return None
        if found.sent_at <= now - REPLY_WINDOW:
            return None
        survey, via = found, "button"
    else:
        parsed = parse(message.text)
        if parsed is None:
            return None
        awaiting = _awaiting(session, customer_ids, message.channel, now)
        if awaiting is None:
            return None
        (score, comment), survey, via = parsed, awaiting, "reply"
    try:
        do_answer(session, survey, score, comment, via=via)
    except SurveyError:
        return None  # "12" to a CSAT survey: an ordinary message after all
    if reads_like_a_new_problem(comment, reading):
        return None
    return session.get_one(Ticket, survey.ticket_id)


def _awaiting(
    session: Session, customer_ids: Sequence[int], channel: str, now: dt.datetime
) -> Survey | None:
    """The sender's latest survey still waiting for an answer, sent on ``channel``."""
    return session.scalars(
        select(Survey)
        .join(Message, Message.id == Survey.message_id)
        .where(
            Survey.customer_id.in_(customer_ids),
            Survey.status == SurveyStatus.SENT,
            Survey.sent_at > now - REPLY_WINDOW,
            Message.channel == channel,
        )
        .order_by(Survey.sent_at.desc(), Survey.id.desc())
        .limit(1)
    ).first()


def _tapped(meta: dict[str, Any], text: str) -> tuple[tuple[int, int], str | None] | None:
    """The (survey, score) of a tapped score button, and the comment sent with it; None for
    a typed message. WhatsApp keeps the tapped answer's id in the message's ``button`` meta
    (its text is the button's title); the chat widget in ``choice``, and marks a comment on
    the chosen score with ``choice_comment`` (then the text is the comment)."""
    whatsapp, chat = meta.get("whatsapp") or {}, meta.get("chat") or {}
    answer_id = whatsapp.get("button") or chat.get("choice")
    chosen = questions.choice_of(answer_id) if isinstance(answer_id, str) else None
    if chosen is None:
        return None
    comment = text if chat.get("choice_comment") else None
    return chosen, comment
