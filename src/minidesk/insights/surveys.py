"""Surveys from solve to answer: scheduled by a listener on the solve, sent by the minute
sweep through the ticket's own channel (via the outbox), answered by a link or a reply.

Throttling and opt-outs are checked twice, when the survey is scheduled and again when it is
due (the customer may have unsubscribed, or been asked elsewhere, in between)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, exists, select, update
from sqlalchemy.orm import Session

from minidesk import events, outbox
from minidesk.db import get_db, utcnow
from minidesk.desk import messages, tickets
from minidesk.desk.models import Direction, Message, Status, Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, ActorType, Event, emit
from minidesk.insights import questions
from minidesk.insights.models import (
    SCALES,
    Survey,
    SurveyKind,
    SurveyOptOut,
    SurveyStatus,
    SurveyTrigger,
)
from minidesk.insights.survey_settings import get_settings

SURVEYS = Actor(ActorType.AUTOMATION, name="surveys")
BATCH = 500


class SurveyError(ValueError):
    pass


def opted_out(session: Session, customer_id: int) -> bool:
    return session.get(SurveyOptOut, customer_id) is not None


def recently_asked(session: Session, customer_id: int, days: int, now: dt.datetime) -> bool:
    """Whether the customer was asked (or is about to be) within ``days``: the throttle."""
    if days <= 0:
        return False
    asked = (
        (Survey.customer_id == customer_id)
        & (Survey.status != SurveyStatus.SKIPPED)
        & (Survey.created_at > now - dt.timedelta(days=days))
    )
    return bool(session.scalar(select(exists().where(asked))))


def do_schedule(
    session: Session,
    ticket: Ticket,
    kind: SurveyKind,
    trigger: SurveyTrigger,
    due_at: dt.datetime,
) -> Survey:
    survey = Survey(
        kind=kind,
        trigger=trigger,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        due_at=due_at,
        created_at=utcnow(),
    )
    session.add(survey)
    session.flush()
    return survey


@events.listen(EventKind.TICKET_STATUS_CHANGED, automated=True, transactional=True)
def schedule_on_solve(session: Session, event: Event) -> None:
    """A solve (by a person or the bot) schedules the transactional survey, if any."""
    if event.data.get("after") != Status.SOLVED:
        return
    settings = get_settings(session)
    if settings.transactional_kind is None or event.ticket_id is None:
        return
    ticket = tickets.for_listener(session, event.ticket_id)
    if ticket is None or opted_out(session, ticket.customer_id):
        return
    if recently_asked(session, ticket.customer_id, settings.throttle_days, event.created_at):
        return
    due = event.created_at + dt.timedelta(minutes=settings.delay_minutes)
    do_schedule(
        session, ticket, SurveyKind(settings.transactional_kind), SurveyTrigger.TRANSACTIONAL, due
    )


def _claim(session: Session, now: dt.datetime) -> list[int]:
    due: ColumnElement[bool] = (Survey.status == SurveyStatus.SCHEDULED) & (Survey.due_at <= now)
    ids = select(Survey.id).where(due).order_by(Survey.due_at).limit(BATCH)
    if session.get_bind().dialect.name == "postgresql":
        ids = ids.with_for_update(skip_locked=True)
    # Claimed by moving to SENT in one conditional UPDATE: two sweeping workers never send one
    # survey twice; a survey that turns out unsendable moves on to SKIPPED below.
    claimed = session.scalars(
        update(Survey)
        .where(Survey.id.in_(ids.scalar_subquery()), due)
        .values(status=SurveyStatus.SENT, sent_at=now)
        .returning(Survey.id),
        execution_options={"synchronize_session": False},
    )
    return list(claimed)


def send_due(now: dt.datetime) -> int:
    """The sweeper: send every survey that is due; returns how many were handled."""
    handled = 0
    with get_db().transaction() as session:
        for survey_id in _claim(session, now):
            survey = session.get_one(Survey, survey_id)
            try:
                with session.begin_nested():
                    _send(session, survey, now)
            except (ValueError, SurveyError) as exc:
                # MessageError, ReplyRefused (WhatsApp's window) and our own checks: the
                # survey is not sent, and the timeline says why.
                _skip(session, survey, str(exc))
            handled += 1
    return handled


def _skip(session: Session, survey: Survey, reason: str) -> None:
    survey.status = SurveyStatus.SKIPPED
    survey.skipped_reason = reason[:200]
    emit(
        session,
        EventKind.SURVEY_SKIPPED,
        SURVEYS,
        ticket_id=survey.ticket_id,
        customer_id=survey.customer_id,
        survey_id=survey.id,
        survey_kind=survey.kind,
        reason=survey.skipped_reason,
    )


def _send(session: Session, survey: Survey, now: dt.datetime) -> None:
    ticket = session.get_one(Ticket, survey.ticket_id)
    if opted_out(session, survey.customer_id):
        raise SurveyError("the customer unsubscribed from surveys")
    if survey.trigger == SurveyTrigger.TRANSACTIONAL and ticket.status != Status.SOLVED:
        raise SurveyError(f"the ticket is {ticket.status}, no longer solved")
    channel, channel_id = messages.reply_channel(session, ticket)
    rendered = questions.render(SurveyKind(survey.kind), survey.id, channel)
    meta: dict[str, Any] = {
        "survey": {"id": survey.id, "kind": survey.kind},
        "subject": _subject(ticket),
    }
    if rendered.choices is not None:
        meta["choices"] = rendered.choices
    if channel_id is not None:
        # Checked as a person's reply, not an automated one: past WhatsApp's 24-hour window
        # the channel would hold an automated message behind a template, or hand the solved
        # ticket back to agents; a survey is not worth either, so it is skipped with the reason.
        messages._check_reply(session, ticket, channel, channel_id, meta, False)
    # Written here rather than with ``do_reply``: a relational survey may go out on a closed
    # ticket (the customer's latest conversation), which takes no reply from an agent.
    message = Message(
        ticket_id=ticket.id,
        direction=Direction.OUTBOUND,
        channel=channel,
        channel_id=channel_id,
        text=rendered.text,
        html=rendered.html,
        automated=True,
        delivery_status=outbox.DeliveryStatus.QUEUED,
        meta=meta,
        created_at=now,
    )
    session.add(message)
    session.flush()
    outbox.enqueue_message(session, message, ticket)
    survey.message_id = message.id
    emit(
        session,
        EventKind.MESSAGE_SENT,
        SURVEYS,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        message_id=message.id,
        channel=channel,
        automated=True,
    )
    emit(
        session,
        EventKind.SURVEY_SENT,
        SURVEYS,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        message_id=message.id,
        survey_id=survey.id,
        survey_kind=survey.kind,
        trigger=survey.trigger,
        channel=channel,
    )


def _subject(ticket: Ticket) -> str:
    return f"How did we do? (#{ticket.id} {ticket.subject})"[:200]


def check_answer(survey: Survey, score: int) -> None:
    low, high = SCALES[SurveyKind(survey.kind)]
    if not low <= score <= high:
        raise SurveyError(f"a {survey.kind.upper()} score is from {low} to {high}, not {score}")
    if survey.status not in (SurveyStatus.SENT, SurveyStatus.ANSWERED):
        raise SurveyError(f"survey {survey.id} was not sent ({survey.status})")


def do_answer(session: Session, survey: Survey, score: int, comment: str | None, via: str) -> None:
    """Record (or change) the customer's answer; a ``None`` comment keeps the one given."""
    check_answer(survey, score)
    ticket = session.get_one(Ticket, survey.ticket_id)
    previous = survey.score if survey.status == SurveyStatus.ANSWERED else None
    survey.status = SurveyStatus.ANSWERED
    survey.score = score
    if comment is not None and comment.strip():
        survey.comment = comment.strip()
    survey.answered_at = utcnow()
    # Who the answer is about: the ticket's agent, team and channel when it was answered.
    survey.channel = ticket.channel
    survey.assignee_id = ticket.assignee_id
    survey.team_id = ticket.team_id
    emit(
        session,
        EventKind.SURVEY_ANSWERED,
        Actor(ActorType.CUSTOMER, survey.customer_id),
        ticket_id=survey.ticket_id,
        customer_id=survey.customer_id,
        survey_id=survey.id,
        survey_kind=survey.kind,
        score=score,
        comment=survey.comment,
        via=via,
        previous_score=previous,
    )


def do_unsubscribe(session: Session, customer_id: int, survey_id: int | None) -> bool:
    """Never survey this customer again; False if they already had unsubscribed."""
    if opted_out(session, customer_id):
        return False
    session.add(SurveyOptOut(customer_id=customer_id, created_at=utcnow()))
    emit(
        session,
        EventKind.SURVEY_UNSUBSCRIBED,
        Actor(ActorType.CUSTOMER, customer_id),
        customer_id=customer_id,
        survey_id=survey_id,
    )
    return True
