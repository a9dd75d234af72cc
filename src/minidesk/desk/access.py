"""Who may see and do what. Every permission check in minidesk goes through this module."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, exists, or_, select, true
from sqlalchemy.orm import Session

from minidesk.desk.customers import merged_ids, surviving
from minidesk.desk.models import Customer, Role, TeamMember, Ticket, TokenKind, User
from minidesk.events import Event

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
    # Webhook subscriptions: where the desk POSTs its events, and what receivers answered.
    MANAGE_WEBHOOKS = "manage_webhooks"
    # Another person's refund cap and day budget, up to their role's default in the pack;
    # above it takes MANAGE_POLICIES (see policies.limits.check_limits_change).
    SET_AGENT_LIMITS = "set_agent_limits"
    # Forecasts and staffing plans: aggregate volumes of every team, for whoever plans shifts.
    SEE_STAFFING = "see_staffing"
    # Loading a shop's customers, orders, payments and refunds: the facts money moves on.
    IMPORT_STORE = "import_store"
    # SLA policies: reading them and their attainment report (leads plan with them), and
    # changing the promises the whole desk is measured by.
    SEE_SLA = "see_sla"
    MANAGE_SLA = "manage_sla"
    # Routing: agents' skills, capacity and presence, and a team's routing settings. Leads
    # hold it for their own teams only (``manages_team``); managers and admins for all.
    MANAGE_ROUTING = "manage_routing"
    # Custom ticket fields' definitions: what every agent fills in, and what solving needs.
    MANAGE_TICKET_FIELDS = "manage_ticket_fields"
    # The escalation matrix and who hears of incidents: who gets pulled in, and when.
    MANAGE_ESCALATIONS = "manage_escalations"
    # Knowledge base: writing, publishing and deleting articles and categories, theming the
    # public help centre; its analytics (what readers search for and do not find).
    MANAGE_KB = "manage_kb"
    SEE_KB_ANALYTICS = "see_kb_analytics"
    # Insights: survey answers and KPI reports (leads see their teams' where agents are
    # restricted), and the survey settings every customer is asked by.
    SEE_INSIGHTS = "see_insights"
    MANAGE_SURVEYS = "manage_surveys"
    # The workspace's costs (pay rates, tooling, message prices): leads read them with
    # SEE_INSIGHTS, since cost per contact shows them; only admins set them.
    MANAGE_COSTS = "manage_costs"
    # Remediation pilots: the fixes the root-cause report led to, with what they cost, whose
    # payback every report reader sees; managers decide which fixes to try.
    MANAGE_PILOTS = "manage_pilots"
    # QA: sampling, reviewing and coaching agents (leads for their teams' agents, see
    # ``reviews_agent``), and the scorecards and certification gates everyone is held to.
    REVIEW_QA = "review_qa"
    MANAGE_QA = "manage_qa"
    # Deleting a gate lifts its certification from routing for every ticket needing the
    # skill, and its thresholds are gone: an admin's decision, not a tuning of thresholds.
    DELETE_QA_GATES = "delete_qa_gates"


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
    Permission.MANAGE_WEBHOOKS: Role.ADMIN,
    Permission.SET_AGENT_LIMITS: Role.MANAGER,
    Permission.SEE_STAFFING: Role.LEAD,
    Permission.IMPORT_STORE: Role.ADMIN,
    Permission.SEE_SLA: Role.LEAD,
    Permission.MANAGE_SLA: Role.ADMIN,
    Permission.MANAGE_ROUTING: Role.LEAD,
    Permission.MANAGE_TICKET_FIELDS: Role.ADMIN,
    Permission.MANAGE_ESCALATIONS: Role.MANAGER,
    Permission.MANAGE_KB: Role.LEAD,
    Permission.SEE_KB_ANALYTICS: Role.LEAD,
    Permission.SEE_INSIGHTS: Role.LEAD,
    Permission.MANAGE_SURVEYS: Role.MANAGER,
    Permission.MANAGE_COSTS: Role.ADMIN,
    Permission.MANAGE_PILOTS: Role.MANAGER,
    Permission.REVIEW_QA: Role.LEAD,
    Permission.MANAGE_QA: Role.MANAGER,
    Permission.DELETE_QA_GATES: Role.ADMIN,
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


def restricted(user: User, restrict_to_teams: bool) -> bool:
    """Whether ``user`` sees only some tickets (the workspace's team restriction applies)."""
    return restrict_to_teams and not has(user, Permission.SEE_ALL_TICKETS)


def manages_team(session: Session, user: User, team_id: int | None) -> bool:
    """Whether ``user`` may run routing for ``team_id`` (None: the workspace): managers and
    admins for every team and the workspace, a lead for the teams they belong to."""
    if not has(user, Permission.MANAGE_ROUTING):
        return False
    if RANK[Role(user.role)] >= RANK[Role.MANAGER]:
        return True
    if team_id is None:
        return False
    member = select(TeamMember.team_id).where(
        TeamMember.user_id == user.id, TeamMember.team_id == team_id
    )
    return session.scalar(member) is not None


def manages_agent(session: Session, user: User, agent: User) -> bool:
    """Whether ``user`` may set ``agent``'s routing profile and presence: managers and admins
    for anyone, a lead for the agents of a team they belong to (not for peers or above)."""
    return has(user, Permission.MANAGE_ROUTING) and _above_in_a_team(session, user, agent)


def reviews_agent(session: Session, user: User, agent: User) -> bool:
    """Whether ``user`` may review, judge disputes of and coach ``agent``: managers and admins
    anyone but themselves, a lead the agents of a team they belong to."""
    if not has(user, Permission.REVIEW_QA) or user.id == agent.id:
        return False
    return _above_in_a_team(session, user, agent)


def _above_in_a_team(session: Session, user: User, agent: User) -> bool:
    """Managers and admins stand above everyone; a lead above the lower-ranked members of a
    team they belong to."""
    if RANK[Role(user.role)] >= RANK[Role.MANAGER]:
        return True
    if RANK[Role(agent.role)] >= RANK[Role(user.role)]:
        return False
    mine = select(TeamMember.team_id).where(TeamMember.user_id == user.id)
    shared = select(TeamMember.team_id).where(
        TeamMember.user_id == agent.id, TeamMember.team_id.in_(mine)
    )
    return session.scalar(shared.limit(1)) is not None


# The ticket rule below is the only visibility rule: a customer, a message or an event is
# visible through the tickets it belongs to, so no route can show more than the ticket routes.


def team_reach(session: Session, user: User, restrict_to_teams: bool) -> frozenset[int] | None:
    """The teams whose work ``user`` may see in aggregate (staffing, reports): None for all,
    else the teams they belong to (the workspace's team restriction applies)."""
    if not restricted(user, restrict_to_teams):
        return None
    return frozenset(
        session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user.id))
    )


def visible_tickets(user: User, restrict_to_teams: bool) -> ColumnElement[bool]:
    """A WHERE clause selecting the tickets ``user`` may see.

    When the workspace restricts agents to their teams, agents and leads see their teams'
    tickets and those assigned to them; managers and admins see everything.
    """
    if not restricted(user, restrict_to_teams):
        return true()
    my_teams = select(TeamMember.team_id).where(TeamMember.user_id == user.id)
    return or_(Ticket.assignee_id == user.id, Ticket.team_id.in_(my_teams))


def visible_customers(user: User, restrict_to_teams: bool) -> ColumnElement[bool]:
    """A WHERE clause on ``Customer``: those with at least one ticket ``user`` may see. A
    restricted agent serves a customer through a ticket; one they do not serve is not there."""
    if not restricted(user, restrict_to_teams):
        return true()
    return exists().where(
        Ticket.customer_id == Customer.id, visible_tickets(user, restrict_to_teams)
    )


def visible_events(user: User, restrict_to_teams: bool) -> ColumnElement[bool]:
    """A WHERE clause on ``Event``: events of visible tickets, and those of no ticket (about
    the customer as a whole: an edit, a merge), which the caller reached through a visible
    customer."""
    if not restricted(user, restrict_to_teams):
        return true()
    # Correlated, so each event the other conditions kept costs one primary-key probe, not a
    # list of every ticket the user may see.
    of_visible_ticket = exists().where(
        Ticket.id == Event.ticket_id, visible_tickets(user, restrict_to_teams)
    )
    return or_(Event.ticket_id.is_(None), of_visible_ticket)


def searches_notes(token_kind: str) -> bool:
    """Whether a search by this kind of credential also looks in internal notes: people do
    (they read the notes on every ticket they see); an integration does not, because it
    answers customers and a note is the one thing on a ticket written not to reach them."""
    return token_kind != TokenKind.INTEGRATION


@dataclass(frozen=True)
class Viewer:
    """A user as the realtime stream checks them against many tickets a second."""

    user_id: int
    role: Role
    teams: frozenset[int]


def sees_ticket(
    viewer: Viewer, restrict_to_teams: bool, team_id: int | None, assignee_id: int | None
) -> bool:
    """``visible_tickets`` for one ticket whose team and assignee are already loaded, in
    Python: the stream decides for every open socket on every change, where a query each
    would not keep up. The same rule; ``test_stream_visibility`` checks the two agree."""
    if not restrict_to_teams or RANK[viewer.role] >= RANK[MINIMUM_ROLE[Permission.SEE_ALL_TICKETS]]:
        return True
    return assignee_id == viewer.user_id or team_id in viewer.teams


def can_see(session: Session, user: User, ticket: Ticket, restrict_to_teams: bool) -> bool:
    if not restricted(user, restrict_to_teams):
        return True
    clause = visible_tickets(user, restrict_to_teams)
    found = session.scalar(select(Ticket.id).where(Ticket.id == ticket.id, clause))
    return found is not None


def visible_ticket_ids(
    session: Session, user: User, restrict_to_teams: bool, ticket_ids: Collection[int]
) -> set[int]:
    """Which of ``ticket_ids`` ``user`` may see: for lists of things that point at tickets
    (approval requests) and must show only those."""
    wanted = set(ticket_ids)
    if not restricted(user, restrict_to_teams) or not wanted:
        return wanted
    query = select(Ticket.id).where(Ticket.id.in_(wanted), visible_tickets(user, restrict_to_teams))
    return set(session.scalars(query))


def access_ticket(session: Session, user: User, number: int, restrict_to_teams: bool) -> Ticket:
    """The ticket, if it exists and ``user`` may see it. Not-allowed reads as not-found so
    ticket numbers outside one's teams reveal nothing."""
    ticket = session.get(Ticket, number)
    if ticket is None or not can_see(session, user, ticket, restrict_to_teams):
        raise NotFound(f"ticket {number} does not exist or is not visible to you")
    return ticket


def access_customer(
    session: Session, user: User, customer_id: int, restrict_to_teams: bool
) -> Customer:
    """The customer, if they exist and ``user`` serves them: a restricted agent must see one
    of the tickets in their history (merged customers' included, since that is the history
    their timeline shows). Not-allowed reads as not-found, word for word, so customer ids
    reveal nothing."""
    customer = session.get(Customer, customer_id)
    if customer is not None and restricted(user, restrict_to_teams):
        family = merged_ids(session, surviving(session, customer))
        served = session.scalar(
            select(Ticket.id)
            .where(Ticket.customer_id.in_(family), visible_tickets(user, restrict_to_teams))
            .limit(1)
        )
        if served is None:
            customer = None
    if customer is None:
        raise NotFound(f"customer {customer_id} does not exist or is not visible to you")
    return customer
