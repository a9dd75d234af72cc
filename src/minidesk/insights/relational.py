"""Relational NPS: every ``relational_nps_days``, each customer helped in that period is asked
how likely they are to recommend the shop, through their latest ticket's channel.

Run by the minute sweep: a customer qualifies when their latest ticket was solved within the
period and they have had no relational survey within it (and no survey of any kind within the
throttle); the cost grows with the customers solved in one period, not with all of them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minidesk.db import get_db
from minidesk.desk.models import Status, Ticket
from minidesk.insights.models import Survey, SurveyKind, SurveyOptOut, SurveyTrigger
from minidesk.insights.survey_settings import get_settings
from minidesk.insights.surveys import do_schedule, recently_asked, send_due

BATCH = 200


def due_customers(session: Session, now: dt.datetime, days: int) -> list[int]:
    """Latest-ticket ids of the customers who are due a relational NPS survey."""
    since = now - dt.timedelta(days=days)
    latest = (
        select(func.max(Ticket.id).label("ticket_id"))
        .where(Ticket.status.in_((Status.SOLVED, Status.CLOSED)), Ticket.solved_at > since)
        .group_by(Ticket.customer_id)
        .subquery()
    )
    asked = select(Survey.customer_id).where(
        Survey.trigger == SurveyTrigger.RELATIONAL, Survey.created_at > since
    )
    query = (
        select(Ticket.id)
        .join(latest, latest.c.ticket_id == Ticket.id)
        .where(
            Ticket.customer_id.not_in(asked),
            Ticket.customer_id.not_in(select(SurveyOptOut.customer_id)),
        )
        .order_by(Ticket.id)
        .limit(BATCH)
    )
    return list(session.scalars(query))


def schedule_relational(now: dt.datetime) -> int:
    """The sweeper: schedule (and send at once) the relational surveys that are due."""
    scheduled = 0
    with get_db().transaction() as session:
        settings = get_settings(session)
        if settings.relational_nps_days <= 0:
            return 0
        for ticket_id in due_customers(session, now, settings.relational_nps_days):
            ticket = session.get_one(Ticket, ticket_id)
            if recently_asked(session, ticket.customer_id, settings.throttle_days, now):
                continue
            do_schedule(session, ticket, SurveyKind.NPS, SurveyTrigger.RELATIONAL, now)
            scheduled += 1
    return scheduled + (send_due(now) if scheduled else 0)
