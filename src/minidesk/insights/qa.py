"""QA reviews: monthly sampling, scoring, disputes, coaching notes and per-agent trends.

Sampling takes, for each agent, at least ``rate`` (5%) of the conversations they solved in a
month, chosen at random with a seed of the month and agent (running it again picks the same
ones, and the unique (ticket, scorecard) row keeps it from doubling), plus every conversation
of theirs that month with a low CSAT (1 or 2), a reopen or an escalation."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.models import Role, Status, TeamMember, Ticket, User
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, Event, emit, of_kind_on_tickets
from minidesk.insights.kpis import ticket_facts
from minidesk.insights.qa_models import (
    QaCoachingNote,
    QaReview,
    QaScorecard,
    ReviewStatus,
    SampleReason,
)
from minidesk.insights.scorecard import check_scores, default_scorecard, weighted_percent

DEFAULT_RATE = 0.05
SOLVED = (Status.SOLVED, Status.CLOSED)
LOW_CSAT = 2


class QaError(ValueError):
    pass


def visible_reviews(user: User) -> ColumnElement[bool] | None:
    """Reviews ``user`` may read: their own, and their teams' agents' for a lead (None: all)."""
    if access.RANK[Role(user.role)] >= access.RANK[Role.MANAGER]:
        return None
    own = QaReview.agent_id == user.id
    if not access.has(user, Permission.REVIEW_QA):
        return own
    mine = select(TeamMember.team_id).where(TeamMember.user_id == user.id)
    mates = select(TeamMember.user_id).where(TeamMember.team_id.in_(mine))
    return or_(own, QaReview.agent_id.in_(mates))


def month_range(month: str) -> tuple[dt.datetime, dt.datetime]:
    try:
        start = dt.datetime.strptime(month, "%Y-%m").replace(tzinfo=dt.UTC)
    except ValueError:
        raise QaError(f"month must look like 2026-03, not {month[:20]!r}") from None
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


def _solved_in(session: Session, start: dt.datetime, end: dt.datetime) -> dict[int, int]:
    """Tickets solved in the month → their assignee (tickets nobody holds are left out)."""
    changes = session.execute(
        select(Event.ticket_id, Event.data).where(
            Event.kind == EventKind.TICKET_STATUS_CHANGED,
            Event.created_at >= start,
            Event.created_at < end,
        )
    )
    solved = {t for t, data in changes if t is not None and data.get("after") in SOLVED}
    owners: dict[int, int] = {}
    ids = sorted(solved)
    for at in range(0, len(ids), 500):
        rows = session.execute(
            select(Ticket.id, Ticket.assignee_id).where(Ticket.id.in_(ids[at : at + 500]))
        )
        owners.update({ticket: agent for ticket, agent in rows if agent is not None})
    return owners


def _low_csat(session: Session, ticket_ids: list[int]) -> set[int]:
    low: set[int] = set()
    for start in range(0, len(ticket_ids), 500):
        chunk = ticket_ids[start : start + 500]
        rows = session.execute(
            select(Event.ticket_id, Event.data).where(
                of_kind_on_tickets(EventKind.SURVEY_ANSWERED, chunk)
            )
        )
        low |= {
            t for t, d in rows if d.get("survey_kind") == "csat" and d.get("score", 5) <= LOW_CSAT
        }
    return low


def do_sample(
    session: Session, month: str, actor: Actor, rate: float = DEFAULT_RATE
) -> dict[str, int]:
    """Create pending reviews for ``month``; returns how many were added per reason."""
    if not 0 < rate <= 1:
        raise QaError(f"rate must be above 0 and at most 1, not {rate}")
    start, end = month_range(month)
    card = default_scorecard(session)
    owners = _solved_in(session, start, end)
    ids = sorted(owners)
    facts = dict(ticket_facts(session, ids))
    low = _low_csat(session, ids)
    wanted: dict[int, str] = {}
    for ticket_id in ids:
        f = facts.get(ticket_id)
        if ticket_id in low:
            wanted[ticket_id] = SampleReason.LOW_CSAT
        elif f is not None and f.reopened:
            wanted[ticket_id] = SampleReason.REOPENED
        elif f is not None and f.escalated:
            wanted[ticket_id] = SampleReason.ESCALATED
    per_agent: dict[int, list[int]] = defaultdict(list)
    for ticket_id in ids:
        per_agent[owners[ticket_id]].append(ticket_id)
    for agent, tickets in sorted(per_agent.items()):
        count = math.ceil(rate * len(tickets))
        for ticket_id in random.Random(f"{month}:{agent}").sample(tickets, count):
            wanted.setdefault(ticket_id, SampleReason.RANDOM)
    already = set(
        session.scalars(
            select(QaReview.ticket_id).where(
                QaReview.scorecard_id == card.id, QaReview.ticket_id.in_(list(wanted) or [0])
            )
        )
    )
    added: Counter[str] = Counter()
    for ticket_id, reason in sorted(wanted.items()):
        if ticket_id in already:
            continue
        session.add(
            QaReview(
                ticket_id=ticket_id,
                agent_id=owners[ticket_id],
                scorecard_id=card.id,
                month=month,
                reason=reason,
                scores={},
                created_at=utcnow(),
            )
        )
        added[reason] += 1
    counts = {str(reason): added[reason] for reason in SampleReason if added[reason]}
    emit(session, EventKind.QA_SAMPLED, actor, month=month, counts=counts)
    return counts


def _percent(session: Session, review: QaReview, scores: dict[str, int | None]) -> float | None:
    card = session.get_one(QaScorecard, review.scorecard_id)
    check_scores(card.spec, scores)
    return weighted_percent(card.spec, scores)


def do_score(
    session: Session,
    review: QaReview,
    reviewer: User,
    scores: dict[str, int | None],
    comment: str | None,
    actor: Actor,
) -> None:
    if review.status not in (ReviewStatus.PENDING, ReviewStatus.SCORED):
        raise QaError(f"review {review.id} is {review.status}: resolve the dispute instead")
    review.score_percent = _percent(session, review, scores)
    review.scores = dict(scores)
    review.comment = comment
    review.reviewer_id = reviewer.id
    review.reviewed_at = utcnow()
    review.status = ReviewStatus.SCORED
    emit(session, EventKind.QA_REVIEWED, actor, ticket_id=review.ticket_id,
         review_id=review.id, agent_id=review.agent_id,
         score_percent=review.score_percent)  # fmt: skip


def do_dispute(session: Session, review: QaReview, agent: User, text: str, actor: Actor) -> None:
    if agent.id != review.agent_id:
        raise QaError("only the reviewed agent may dispute a review")
    if review.status != ReviewStatus.SCORED:
        raise QaError(f"only a scored review can be disputed; review {review.id} is "
                      f"{review.status}")  # fmt: skip
    review.dispute = text
    review.disputed_at = utcnow()
    review.status = ReviewStatus.DISPUTED
    emit(session, EventKind.QA_DISPUTED, actor, ticket_id=review.ticket_id,
         review_id=review.id, agent_id=review.agent_id)  # fmt: skip


def do_resolve(
    session: Session,
    review: QaReview,
    judge: User,
    resolution: str,
    scores: dict[str, int | None] | None,
    actor: Actor,
) -> None:
    """Decide a dispute: new ``scores`` revise the review, none uphold it."""
    if review.status != ReviewStatus.DISPUTED:
        raise QaError(f"review {review.id} is {review.status}, not disputed")
    if scores is not None:
        review.score_percent = _percent(session, review, scores)
        review.scores = dict(scores)
    review.resolution = resolution
    review.resolved_by_id = judge.id
    review.status = ReviewStatus.RESOLVED
    emit(session, EventKind.QA_DISPUTE_RESOLVED, actor, ticket_id=review.ticket_id,
         review_id=review.id, agent_id=review.agent_id,
         outcome="revised" if scores is not None else "upheld",
         score_percent=review.score_percent)  # fmt: skip


def do_add_note(
    session: Session, agent: User, author: User, text: str, review_id: int | None, actor: Actor
) -> QaCoachingNote:
    if review_id is not None:
        review = session.get(QaReview, review_id)
        if review is None or review.agent_id != agent.id:
            raise QaError(f"review {review_id} is not one of {agent.email}'s")
    note = QaCoachingNote(agent_id=agent.id, review_id=review_id, author_id=author.id,
                          text=text, created_at=utcnow())  # fmt: skip
    session.add(note)
    session.flush()
    emit(session, EventKind.QA_COACHING_ADDED, actor, note_id=note.id, agent_id=agent.id,
         review_id=review_id)  # fmt: skip
    return note


def trend(session: Session, agent_id: int) -> list[dict[str, Any]]:
    """Per month: reviews scored and their mean score (disputes decided count as decided)."""
    rows = session.execute(
        select(QaReview.month, QaReview.score_percent).where(
            QaReview.agent_id == agent_id,
            QaReview.status.in_((ReviewStatus.SCORED, ReviewStatus.RESOLVED)),
            QaReview.score_percent.is_not(None),
        )
    )
    months: dict[str, list[float]] = defaultdict(list)
    for month, percent in rows:
        if percent is not None:
            months[month].append(percent)
    return [
        {"month": m, "reviews": len(v), "average_percent": round(sum(v) / len(v), 2)}
        for m, v in sorted(months.items())
    ]
