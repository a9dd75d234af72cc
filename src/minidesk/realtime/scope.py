"""What the stream reads from the database: who a token stands for, and where tickets sit.

Blocking; the hub runs these in worker threads. Both answers are as fresh as the database:
the hub asks again on every batch of notices and every ``REVALIDATE_SECONDS`` per socket.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import select

from minidesk.db import get_db, utcnow
from minidesk.desk.access import Viewer
from minidesk.desk.models import OPEN_STATUSES, Role, TeamMember, Ticket
from minidesk.desk.tokens import access_token
from minidesk.desk.workspace import get_workspace


@dataclass(frozen=True)
class Agent:
    """A signed-in agent as the stream sees them: who, and what they may see."""

    viewer: Viewer
    name: str
    expires_at_epoch: float | None


@dataclass(frozen=True)
class TicketScope:
    team_id: int | None
    assignee_id: int | None
    open: bool


@dataclass(frozen=True)
class Scope:
    restrict_to_teams: bool
    tickets: dict[int, TicketScope]
    # Where agents are restricted: the tickets of each customer asked about (their teams and
    # assignees, for who may see the customer).
    customers: dict[int, list[TicketScope]] = field(default_factory=dict)


def agent_for(secret: str) -> Agent:
    """The agent ``secret`` signs in, checked against the database now; ``TokenRejected``
    when the token is unknown, revoked or expired or its user deactivated."""
    # Straight from the database, not the request path's token cache: this is the check
    # that closes a revoked token's socket, so it must not be the one that is stale.
    with get_db().sessions() as session:
        token = access_token(session, secret, utcnow())
        user = token.user
        teams = frozenset(
            session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user.id))
        )
        viewer = Viewer(user.id, Role(user.role), teams)
        name = user.name or user.email
        expires = token.expires_at.timestamp() if token.expires_at is not None else None
    return Agent(viewer, name, expires)


def load(ticket_ids: Collection[int], customer_ids: Collection[int] = ()) -> Scope:
    """The team, assignee and openness of ``ticket_ids`` (missing ones are left out),
    whether the workspace restricts agents to their teams, and if it does, where the
    tickets of ``customer_ids`` sit."""
    with get_db().sessions() as session:
        restrict = get_workspace(session).restrict_agents_to_teams
        found: dict[int, TicketScope] = {}
        if ticket_ids:
            rows = session.execute(
                select(Ticket.id, Ticket.team_id, Ticket.assignee_id, Ticket.status).where(
                    Ticket.id.in_(set(ticket_ids))
                )
            )
            found = {
                number: TicketScope(team, assignee, status in OPEN_STATUSES)
                for number, team, assignee, status in rows
            }
        customers: dict[int, list[TicketScope]] = {}
        if restrict and customer_ids:
            where = select(Ticket.customer_id, Ticket.team_id, Ticket.assignee_id).distinct()
            for customer, team, assignee in session.execute(
                where.where(Ticket.customer_id.in_(set(customer_ids)))
            ):
                customers.setdefault(customer, []).append(TicketScope(team, assignee, True))
    return Scope(restrict, found, customers)
