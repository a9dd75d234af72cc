"""Who may see and do what. Every permission check in minidesk goes through this module."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from minidesk.desk.models import Role, TeamMember, Ticket, User

RANK = {Role.AGENT: 0, Role.LEAD: 1, Role.MANAGER: 2, Role.ADMIN: 3}


class Permission(StrEnum):
    MANAGE_USERS = "manage_users"
    MERGE_CUSTOMERS = "merge_customers"
    SEE_ALL_TICKETS = "see_all_tickets"
    ADMIN_QUEUES = "admin_queues"  # dead letters, failed/quarantined inbox rows
    MANAGE_POLICIES = "manage_policies"  # what automation may do with money and orders
    # Rules and reply templates both change what the desk says and does on its own.
    MANAGE_RULES = "manage_rules"
    SEE_INTENT_MODELS = "see_intent_models"  # versions and their scores
    ACTIVATE_INTENT_MODELS = "activate_intent_models"  # switches triage for every ticket
    MANAGE_CHANNELS = "manage_channels"  # mailboxes and their credentials


MINIMUM_ROLE = {
    Permission.MANAGE_USERS: Role.ADMIN,
    Permission.MERGE_CUSTOMERS: Role.LEAD,
    Permission.SEE_ALL_TICKETS: Role.MANAGER,
    Permission.ADMIN_QUEUES: Role.ADMIN,
    Permission.MANAGE_POLICIES: Role.ADMIN,
    Permission.MANAGE_RULES: Role.MANAGER,
    Permission.SEE_INTENT_MODELS: Role.MANAGER,
    Permission.ACTIVATE_INTENT_MODELS: Role.ADMIN,
    Permission.MANAGE_CHANNELS: Role.ADMIN,
}


class Forbidden(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def has(user: User, permission: Permission) -> bool:
    return RANK[Role(user.role)] >= RANK[MINIMUM_ROLE[permission]]


def require(user: User, permission: Permission) -> None:
    if not has(user, permission):
        needed = MINIMUM_ROLE[permission]
        raise Forbidden(
            f"{permission.value.replace('_', ' ')} needs the {needed} role or higher; "
            f"{user.email} is {user.role}"
        )


def visible_tickets(user: User, restrict_to_teams: bool) -> ColumnElement[bool]:
    """A WHERE clause selecting the tickets ``user`` may see.

    When the workspace restricts agents to their teams, agents and leads see their teams'
    tickets and those assigned to them; managers and admins see everything.
    """
    if not restrict_to_teams or has(user, Permission.SEE_ALL_TICKETS):
        return true()
    my_teams = select(TeamMember.team_id).where(TeamMember.user_id == user.id)
    return or_(Ticket.assignee_id == user.id, Ticket.team_id.in_(my_teams))


def can_see(session: Session, user: User, ticket: Ticket, restrict_to_teams: bool) -> bool:
    if not restrict_to_teams or has(user, Permission.SEE_ALL_TICKETS):
        return True
    clause = visible_tickets(user, restrict_to_teams)
    found = session.scalar(select(Ticket.id).where(Ticket.id == ticket.id, clause))
    return found is not None


def access_ticket(session: Session, user: User, number: int, restrict_to_teams: bool) -> Ticket:
    """The ticket, if it exists and ``user`` may see it. Not-allowed reads as not-found so
    ticket numbers outside one's teams reveal nothing."""
    ticket = session.get(Ticket, number)
    if ticket is None or not can_see(session, user, ticket, restrict_to_teams):
        raise NotFound(f"ticket {number} does not exist or is not visible to you")
    return ticket
