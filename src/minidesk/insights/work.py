"""Handle time as the ticket page reports it (docs/metrics.md, handle time).

While the ticket page is visible, focused and the agent has used keyboard or mouse within
``IDLE_SECONDS`` (static/work-time.js), it counts active seconds and sends, every
``BEAT_SECONDS``, the running total of its visit. A total rather than an increment makes
beats idempotent: a repeat or a late beat carrying a smaller total changes nothing.

What a page claims is capped by the clock: a beat adds at most the time since the visit's
previous beat plus ``GRACE_SECONDS``, and never more than ``MAX_STEP_SECONDS`` (a first beat,
or one after a long silence such as a sleeping laptop, counts at most that much). So a page
can never report more work than it was open for."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from minidesk.desk.models import Ticket, User
from minidesk.insights import rollup, work_days
from minidesk.insights.work_models import WorkTime

BEAT_SECONDS = 20  # the page's heartbeat
IDLE_SECONDS = 60  # no input for this long: the page stops counting until the next input
GRACE_SECONDS = 5  # a beat may run a little late (timers in a background-throttled tab)
MAX_STEP_SECONDS = 90  # three beats' worth: what one beat may add at most
MAX_TOTAL_SECONDS = 7 * 24 * 3600  # a visit's total above a week is not a counter's


class WorkRejected(ValueError):
    """The beat cannot be counted (a visit id reused for another ticket)."""


def record_beat(
    session: Session, user: User, ticket: Ticket, visit: str, total: int, now: dt.datetime
) -> WorkTime:
    """Count the visit's running ``total`` of active seconds as of ``now``: the part not yet
    counted goes to today's (UTC) row, capped as the module says. Returns today's row."""
    day = now.astimezone(dt.UTC).date()
    # The ticket's row lock: two agents' beats on one ticket (or a beat and the KPI listener
    # moving its keys) would both start from the same work and count the ticket twice.
    session.execute(select(Ticket.id).where(Ticket.id == ticket.id).with_for_update())
    rows = session.scalars(
        select(WorkTime).where(WorkTime.user_id == user.id, WorkTime.visit == visit)
    ).all()
    if any(row.ticket_id != ticket.id for row in rows):
        raise WorkRejected(f"visit {visit} belongs to another ticket")
    today = next((row for row in rows if row.day == day), None)
    counted = sum(row.seconds for row in rows)
    previous = max((row.last_beat_at for row in rows), default=None)
    if today is None:
        today = _today_row(session, user, ticket, visit, day, now)
    step = min(total - counted, _allowed(previous, now))
    if step > 0:
        keys = work_days.keys_of(session, ticket)
        if keys is None:
            # Not folded yet (the KPI listener runs after commit): fold it now, so the work
            # counts under the keys the listener will move it from.
            rollup.refresh(session, [ticket.id])
            keys = work_days.keys_of(session, ticket) or work_days.own_keys(ticket)
        before = work_days.worked(session, [ticket.id]).get(ticket.id, [])
        today.seconds += step
        today.last_beat_at = now
        after = [*before, (user.id, day, step)]
        work_days.move(session, [(work_days.contribution(before, keys),
                                  work_days.contribution(after, keys))])  # fmt: skip
    return today


def _allowed(previous: dt.datetime | None, now: dt.datetime) -> int:
    if previous is None:
        return MAX_STEP_SECONDS
    elapsed = max((now - previous).total_seconds(), 0)
    return int(min(elapsed + GRACE_SECONDS, MAX_STEP_SECONDS))


def _today_row(
    session: Session, user: User, ticket: Ticket, visit: str, day: dt.date, now: dt.datetime
) -> WorkTime:
    """Today's row of the visit, made if missing; a concurrent beat that made it first wins
    the insert and this one updates its row."""
    row = WorkTime(user_id=user.id, ticket_id=ticket.id, visit=visit, day=day, seconds=0,
                   last_beat_at=now)  # fmt: skip
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return session.scalars(
            select(WorkTime).where(
                WorkTime.user_id == user.id, WorkTime.visit == visit, WorkTime.day == day
            )
        ).one()
    return row


def seconds_today(session: Session, user: User, ticket: Ticket, day: dt.date) -> int:
    """All the agent's counted seconds on the ticket that day, over every visit."""
    total = session.scalar(
        select(func.coalesce(func.sum(WorkTime.seconds), 0)).where(
            WorkTime.user_id == user.id, WorkTime.ticket_id == ticket.id, WorkTime.day == day
        )
    )
    return int(total or 0)
