"""Re-routing tickets whose assignee did not accept them in time (open or act on them within
the team's ``accept_minutes``).

Each due row is claimed by one conditional UPDATE (clearing ``accept_due_at``); only the
worker whose UPDATE changed the row re-routes it, so two sweeps never move one ticket twice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from minidesk import db
from minidesk.desk import tickets
from minidesk.desk.models import TeamMember, Ticket
from minidesk.routing import assign, profiles
from minidesk.routing.models import RoutedTicket

BATCH = 200


def claim(session: Session, ticket_id: int, now: dt.datetime) -> bool:
    result = session.execute(
        update(RoutedTicket)
        .where(
            RoutedTicket.ticket_id == ticket_id,
            RoutedTicket.accept_due_at <= now,
            RoutedTicket.accepted_at.is_(None),
        )
        .values(accept_due_at=None)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


def due_ids(session: Session, now: dt.datetime) -> list[int]:
    query = (
        select(RoutedTicket.ticket_id)
        .where(RoutedTicket.accept_due_at <= now, RoutedTicket.accepted_at.is_(None))
        .order_by(RoutedTicket.accept_due_at)
        .limit(BATCH)
    )
    return list(session.scalars(query))


def reroute_one(session: Session, ticket_id: int, now: dt.datetime) -> bool:
    """Claim and re-route one due ticket; False if another worker claimed it first."""
    # PostgreSQL: a row another worker is re-routing is skipped, not waited for (SQLite has
    # one writer and ignores the clause); the conditional UPDATE still decides.
    free = session.scalar(
        select(RoutedTicket.ticket_id)
        .where(RoutedTicket.ticket_id == ticket_id, RoutedTicket.accept_due_at.is_not(None))
        .with_for_update(skip_locked=True)
    )
    if free is None or not claim(session, ticket_id, now):
        return False
    _reroute(session, ticket_id, now)
    return True


def _reroute(session: Session, ticket_id: int, now: dt.datetime) -> None:
    routed = session.get_one(RoutedTicket, ticket_id)
    session.refresh(routed)
    ticket = session.get_one(Ticket, ticket_id)
    if ticket.assignee_id != routed.user_id or ticket.status not in assign.OPEN_STATUSES:
        return  # someone reassigned or solved it meanwhile: not routing's to move
    passed = frozenset({*(int(u) for u in routed.passed_over), routed.user_id})
    routed.passed_over = sorted(passed)
    # Back to the queue first, so the decision sees the ticket as unassigned and the agent
    # who let it lapse without it in their load.
    tickets.do_assign(session, ticket, None, profiles.ROUTER)
    assign.do_route(session, ticket, "reroute", passed_over=passed, now=now)


def do_release_from_old_team(session: Session, ticket: Ticket) -> None:
    """Back to the queue with a ticket routing gave an agent who has not accepted it yet, when
    it moves to a team that agent is not in: the pick was made for the old team. A new ticket
    is routed to its channel's team before rules run, and a rule's ``set_team`` wins."""
    if ticket.assignee_id is None or ticket.team_id is None:
        return
    routed = session.get(RoutedTicket, ticket.id)
    if routed is None or routed.accepted_at is not None or routed.user_id != ticket.assignee_id:
        return  # not routing's pick, or accepted: a person's choice to keep
    member = select(TeamMember.user_id).where(
        TeamMember.team_id == ticket.team_id, TeamMember.user_id == ticket.assignee_id
    )
    if session.scalar(member) is None:
        tickets.do_assign(session, ticket, None, profiles.ROUTER)


def reroute_unaccepted(now: dt.datetime) -> int:
    """The minute sweep's entry point."""
    database = db.get_db()
    with database.sessions() as session:
        ids = due_ids(session, now)
    moved = 0
    for ticket_id in ids:
        # One transaction each: a ticket that fails to re-route does not hold up the others.
        with database.transaction() as session:
            moved += reroute_one(session, ticket_id, now)
    return moved
