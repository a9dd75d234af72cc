"""A batch of changes to one ticket, as an agent makes them in one go (the API's PATCH, the
workspace's properties form, a bulk action): each change is its own event naming the actor."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from minidesk.desk import tickets
from minidesk.desk.models import Priority, Status, Team, Ticket, User
from minidesk.events import Actor


class UnknownReference(tickets.TicketChangeError):
    """The change names a user or team that does not exist."""


@dataclass(frozen=True)
class TicketChanges:
    status: Status | None = None
    priority: Priority | None = None
    tier: int | None = None
    assignee_id: int | None = None
    unassign: bool = False
    team_id: int | None = None
    intent: str | None = None
    add_tags: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)
    custom_fields: dict[str, Any] | None = None


def do_change_ticket(
    session: Session, ticket: Ticket, changes: TicketChanges, actor: Actor
) -> None:
    """Apply ``changes`` in a fixed order; raises ``TicketChangeError`` (nothing is committed
    by this function, so the caller's transaction decides)."""
    if changes.status is not None:
        tickets.do_set_status(session, ticket, changes.status, actor)
    if changes.priority is not None:
        tickets.do_set_priority(session, ticket, changes.priority, actor)
    if changes.tier is not None:
        tickets.do_set_tier(session, ticket, changes.tier, actor)
    if changes.unassign:
        tickets.do_assign(session, ticket, None, actor)
    elif changes.assignee_id is not None:
        assignee = session.get(User, changes.assignee_id)
        if assignee is None:
            raise UnknownReference(f"no user {changes.assignee_id}")
        tickets.do_assign(session, ticket, assignee, actor)
    if changes.team_id is not None:
        team = session.get(Team, changes.team_id)
        if team is None:
            raise UnknownReference(f"no team {changes.team_id}")
        tickets.do_set_team(session, ticket, team, actor)
    if changes.intent is not None:
        tickets.do_set_intent(session, ticket, changes.intent, actor)
    if changes.add_tags or changes.remove_tags:
        tickets.do_set_tags(session, ticket, changes.add_tags, changes.remove_tags, actor)
    if changes.custom_fields is not None:
        tickets.do_set_custom_fields(session, ticket, changes.custom_fields, actor)
