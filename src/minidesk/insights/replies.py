"""Survey answers typed as replies (SMS, WhatsApp, chat, even email): "4", "4 - quick and
kind", "9: great". The customer's next message after a survey, if it starts with a score on
the survey's scale followed by nothing, a line break or punctuation, is the answer and the
rest its comment; anything else ("2 more questions") is an ordinary message. A tapped score
(WhatsApp's reply buttons and lists) names its survey and score: it answers that survey.

Replying reopened the solved ticket (or opened a follow-up of a closed one); a reply that was
only an answer puts it back to solved, so the answer does not count as a reopen."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk import events
from minidesk.desk import tickets
from minidesk.desk.models import Message, Status
from minidesk.event_kinds import EventKind
from minidesk.events import ActorType, Event
from minidesk.insights import questions
from minidesk.insights.models import Survey, SurveyStatus
from minidesk.insights.surveys import ANSWER_WHY, SURVEYS, SurveyError, do_answer

# A reply later than this answers nothing: the survey is old news.
REPLY_WINDOW = dt.timedelta(days=7)
# Longer than a comment: a new question that happens to start with a number.
MAX_ANSWER_CHARS = 1000
_ANSWER = re.compile(r"^\s*(\d{1,2})\s*(?:$|[\n\-\u2013\u2014:.,;!)/]\s*(.*)$)", re.DOTALL)


def parse(text: str) -> tuple[int, str | None] | None:
    if len(text) > MAX_ANSWER_CHARS:
        return None
    found = _ANSWER.match(text)
    if found is None:
        return None
    comment = (found.group(2) or "").strip()
    return int(found.group(1)), comment or None


def _awaiting(session: Session, customer_id: int, now: dt.datetime) -> Survey | None:
    return session.scalars(
        select(Survey)
        .where(
            Survey.customer_id == customer_id,
            Survey.status == SurveyStatus.SENT,
            Survey.sent_at > now - REPLY_WINDOW,
        )
        .order_by(Survey.sent_at.desc(), Survey.id.desc())
        .limit(1)
    ).first()


_SURVEYED = "minidesk.insights.replies.surveyed"


def _may_be_awaited(session: Session, customer_id: int) -> bool:
    """False when ``_awaiting`` cannot find a survey: in a dispatch batch, the customers
    who were sent one in the window are read once for all its messages (most were never
    surveyed), instead of one query per message. Only the sweeper, in its own transaction,
    sends surveys, so the set cannot grow while the batch runs."""
    batch = events.batch(session)
    held: tuple[list[Event], set[int], set[int]] | None = session.info.get(_SURVEYED)
    if held is None or held[0] is not batch:
        received = [e for e in batch if e.kind == EventKind.MESSAGE_RECEIVED and e.customer_id]
        asked = {e.customer_id for e in received if e.customer_id is not None}
        surveyed: set[int] = set()
        if asked:
            since = min(e.created_at for e in received) - REPLY_WINDOW
            surveyed = set(
                session.scalars(
                    select(Survey.customer_id)
                    .where(
                        Survey.customer_id.in_(asked),
                        Survey.status == SurveyStatus.SENT,
                        Survey.sent_at > since,
                    )
                    .distinct()
                )
            )
        held = (batch, asked, surveyed)
        session.info[_SURVEYED] = held
    _, asked, surveyed = held
    return customer_id not in asked or customer_id in surveyed


@events.listen(EventKind.MESSAGE_RECEIVED, transactional=True)
def answer_by_reply(session: Session, event: Event) -> None:
    if event.actor_type != ActorType.CUSTOMER or event.message_id is None:
        return
    if event.customer_id is None or event.ticket_id is None:
        return
    message = session.get(Message, event.message_id)
    if message is None:
        return
    tapped = _tapped(message)
    if tapped is not None:
        (survey_id, score), comment = tapped
        _answer_tapped(session, event, survey_id, score, comment)
        return
    if not _may_be_awaited(session, event.customer_id):
        return
    survey = _awaiting(session, event.customer_id, event.created_at)
    parsed = parse(message.text)
    if survey is None or parsed is None:
        return
    score, comment = parsed
    try:
        do_answer(session, survey, score, comment, via="reply")
    except SurveyError:
        return  # "12" to a CSAT survey: an ordinary message after all
    _resolve_again(session, event)


def _answer_tapped(
    session: Session, event: Event, survey_id: int, score: int, comment: str | None
) -> None:
    """A tapped score answers its own survey (tapping another score changes the answer),
    if it is this customer's and recent; otherwise its title is an ordinary message."""
    survey = session.get(Survey, survey_id)
    if survey is None or survey.customer_id != event.customer_id or survey.sent_at is None:
        return
    if survey.sent_at <= event.created_at - REPLY_WINDOW:
        return
    try:
        do_answer(session, survey, score, comment, via="button")
    except SurveyError:
        return
    _resolve_again(session, event)


def _tapped(message: Message) -> tuple[tuple[int, int], str | None] | None:
    """The (survey, score) of a tapped score button, and the comment sent with it; None for
    a typed message. WhatsApp keeps the tapped answer's id in the message's ``button`` meta
    (its text is the button's title); the chat widget in ``choice``, and marks a comment on
    the chosen score with ``choice_comment`` (then the text is the comment)."""
    meta = message.meta or {}
    whatsapp, chat = meta.get("whatsapp") or {}, meta.get("chat") or {}
    answer_id = whatsapp.get("button") or chat.get("choice")
    chosen = questions.choice_of(answer_id) if isinstance(answer_id, str) else None
    if chosen is None:
        return None
    comment = message.text if chat.get("choice_comment") else None
    return chosen, comment


def _resolve_again(session: Session, event: Event) -> None:
    ticket = tickets.for_listener(session, event.ticket_id or 0)
    if ticket is None or ticket.status in (Status.SOLVED, Status.CLOSED):
        return
    last = session.scalars(
        select(Event)
        .where(Event.ticket_id == ticket.id, Event.kind == EventKind.TICKET_STATUS_CHANGED)
        .order_by(Event.id.desc())
        .limit(1)
    ).first()
    reopened_by_it = last is not None and last.data.get("before") == Status.SOLVED
    if reopened_by_it or (event.data.get("new_ticket") and ticket.turns <= 1):
        tickets.do_set_status(session, ticket, Status.SOLVED, SURVEYS, why=ANSWER_WHY)
