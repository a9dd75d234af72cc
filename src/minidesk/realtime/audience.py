"""Events of no ticket on the stream: which kinds, and which agents may hear of each.

A ticket's events follow the ticket's visibility (``hub``). The rest are streamed as
``desk.changed`` to sockets that subscribed to the ``desk`` topic, each to exactly the
agents who may read the same thing through the REST API:

- ``EVERYONE``: what every agent reads (reply templates, custom fields, the knowledge base,
  workspace settings, the policy pack, QA scorecards and gates);
- ``CUSTOMER``: a customer's edits and merges, to those who may see the customer (every
  agent, or with ``restrict_agents_to_teams`` those who see one of the customer's tickets);
- a ``Permission``: what its route requires (rules, SLA, models, channels, queues), or a
  ``Role`` where the route admits a role rather than one permission (routing settings);
- ``SUBJECT``: an agent's own routing presence, profile and refund limits, to that agent and
  to managers and admins (who manage everyone's; a lead's reach over their teams' agents
  would need a query per notice, so leads read those through the API);
- ``COLLEAGUE``: a user added, deactivated or given another role, to every agent (every
  ticket page offers the active users, with their role and teams, as assignees);
- ``VIEW``: a saved view's changes, to those who see the view (``saved_views.service``): a
  personal view's to its owner alone, a view shared with a team to its members and to
  managers and admins, one shared with everyone to every agent;
- ``TEAM``: a team created, renamed or deleted, or someone joining or leaving it, to every
  agent, unless agents are restricted to their teams: then to those who see every ticket
  and to the team's members only (as ``GET /api/v1/teams`` lists it). The user whose role or
  teams changed also gets ``access.changed``; one who left the team hears no more of it.

Kinds left out are not streamed: credentials and sign-ins (tokens, second factors,
throttling), a customer's webhook, QA reviews of one agent, incidents (their
checklists are reached through their tickets). A notice names the event; clients fetch the
thing through the API or the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import Enum

from minidesk.desk.access import MINIMUM_ROLE, RANK, Permission, Viewer, sees_ticket
from minidesk.desk.models import Role
from minidesk.event_kinds import EventKind as K
from minidesk.events import Committed
from minidesk.realtime.notices import DeskNotice
from minidesk.realtime.scope import TicketScope


class Group(Enum):
    EVERYONE = "everyone"
    CUSTOMER = "customer"
    SUBJECT = "subject"
    COLLEAGUE = "colleague"
    VIEW = "view"
    TEAM = "team"


EVERYONE, CUSTOMER, SUBJECT = Group.EVERYONE, Group.CUSTOMER, Group.SUBJECT
COLLEAGUE, VIEW, TEAM = Group.COLLEAGUE, Group.VIEW, Group.TEAM
Audience = Group | Permission | Role

AUDIENCE: dict[str, Audience] = {
    K.CUSTOMER_CREATED: CUSTOMER,
    K.CUSTOMER_UPDATED: CUSTOMER,
    K.CUSTOMER_MERGED: CUSTOMER,
    K.CUSTOMER_UNMERGED: CUSTOMER,
    K.TEMPLATE_CREATED: EVERYONE,
    K.TEMPLATE_UPDATED: EVERYONE,
    K.TICKET_FIELD_CHANGED: EVERYONE,
    K.WORKSPACE_UPDATED: EVERYONE,
    K.POLICY_PACK_UPDATED: EVERYONE,
    K.KB_ARTICLE_CREATED: EVERYONE,
    K.KB_ARTICLE_UPDATED: EVERYONE,
    K.KB_ARTICLE_DELETED: EVERYONE,
    K.KB_CATEGORY_CHANGED: EVERYONE,
    K.KB_PAGE_RULE_CHANGED: EVERYONE,
    K.KB_WIDGET_CHANGED: EVERYONE,
    K.KB_FILE_CHANGED: EVERYONE,
    K.QA_SCORECARD_CREATED: EVERYONE,
    K.QA_GATE_CHANGED: EVERYONE,
    K.QA_GATE_DELETED: EVERYONE,
    K.KB_GUIDE_CHANGED: Permission.MANAGE_KB,
    K.RULE_CREATED: Permission.MANAGE_RULES,
    K.RULE_UPDATED: Permission.MANAGE_RULES,
    K.RULE_DELETED: Permission.MANAGE_RULES,
    K.RULES_IMPORTED: Permission.MANAGE_RULES,
    K.SLA_POLICY_CHANGED: Permission.SEE_SLA,
    K.ESCALATION_RULE_CHANGED: Permission.SEE_SLA,
    K.ESCALATION_SETTINGS_CHANGED: Permission.SEE_SLA,
    K.SURVEY_SETTINGS_CHANGED: Permission.SEE_INSIGHTS,
    K.COST_SETTINGS_CHANGED: Permission.MANAGE_COSTS,
    K.ROUTING_CONFIG_CHANGED: Role.MANAGER,  # GET /routing/settings: the workspace's routing
    K.TRIAGE_MODEL_ACTIVATED: Permission.SEE_INTENT_MODELS,
    K.TRIAGE_MODEL_PROMOTED: Permission.SEE_INTENT_MODELS,
    K.TRIAGE_MODEL_REJECTED: Permission.SEE_INTENT_MODELS,
    K.TRIAGE_RETRAIN_FAILED: Permission.SEE_INTENT_MODELS,
    K.CHANNEL_CREATED: Permission.MANAGE_CHANNELS,
    K.CHANNEL_UPDATED: Permission.MANAGE_CHANNELS,
    K.CHANNEL_WEBHOOK_REFUSED: Permission.MANAGE_CHANNELS,
    K.EMAIL_CHANNEL_CREATED: Permission.MANAGE_CHANNELS,
    K.EMAIL_CHANNEL_UPDATED: Permission.MANAGE_CHANNELS,
    K.WEBHOOK_CREATED: Permission.MANAGE_WEBHOOKS,
    K.WEBHOOK_UPDATED: Permission.MANAGE_WEBHOOKS,
    K.WEBHOOK_DELETED: Permission.MANAGE_WEBHOOKS,
    K.WEBHOOK_FAILING: Permission.MANAGE_WEBHOOKS,
    K.INBOX_RETRIED: Permission.ADMIN_QUEUES,
    K.INBOX_DISCARDED: Permission.ADMIN_QUEUES,
    K.DELIVERY_REPLAYED: Permission.ADMIN_QUEUES,
    K.LISTENER_FAILED: Permission.ADMIN_QUEUES,
    K.ROUTING_PRESENCE_CHANGED: SUBJECT,
    K.ROUTING_PROFILE_CHANGED: SUBJECT,
    K.POLICY_AGENT_LIMITS_CHANGED: SUBJECT,
    K.USER_CREATED: COLLEAGUE,
    K.USER_DEACTIVATED: COLLEAGUE,
    K.USER_ROLE_CHANGED: COLLEAGUE,
    K.VIEW_CREATED: VIEW,
    K.VIEW_UPDATED: VIEW,
    K.VIEW_DELETED: VIEW,
    K.TEAM_CREATED: TEAM,
    K.TEAM_UPDATED: TEAM,
    K.TEAM_DELETED: TEAM,
    K.TEAM_MEMBER_ADDED: TEAM,
    K.TEAM_MEMBER_REMOVED: TEAM,
}


def from_events(events: Sequence[Committed]) -> list[DeskNotice]:
    """The desk notices among committed events: those of no ticket, of a streamed kind."""
    found = []
    for event in events:
        if event.ticket_id is not None or (audience := AUDIENCE.get(event.kind)) is None:
            continue
        data = getattr(event, "data", None)
        data = data if isinstance(data, dict) else {}
        subject, team = _int(data.get("user_id")), None
        if audience is VIEW:
            # Who sees the view travels with the notice; a view event without it (none is
            # emitted so) is not streamed rather than guessed at.
            if not isinstance(shared := data.get("shared"), bool):
                continue
            subject = None if shared else _int(data.get("owner_id"))
            team = _int(data.get("team_id")) if shared else None
            if not shared and subject is None:
                continue
        elif audience is TEAM:
            if (team := _int(data.get("team_id"))) is None:
                continue
        elif audience not in (SUBJECT, COLLEAGUE):
            subject = None
        found.append(DeskNotice(event.id, event.kind, event.customer_id, subject, team))
    return found


def _int(value: object) -> int | None:
    return value if type(value) is int else None


def may_hear(
    viewer: Viewer,
    notice: DeskNotice,
    restrict: bool,
    customer_tickets: dict[int, list[TicketScope]],
) -> bool:
    """Whether ``viewer`` may hear of ``notice``; ``customer_tickets`` holds, where agents
    are restricted, the tickets of every customer concerned."""
    audience = AUDIENCE.get(notice.kind)
    if audience is None:
        return False  # a peer of another version streams a kind this one does not
    if isinstance(audience, Role):
        return _ranks(viewer, audience)
    if isinstance(audience, Permission):
        return _ranks(viewer, MINIMUM_ROLE[audience])
    if audience is SUBJECT:
        return notice.subject == viewer.user_id or _ranks(viewer, Role.MANAGER)
    if audience is VIEW:
        # ``saved_views.service.visible_views`` for one view: a personal one is its owner's
        # alone (managers included), a team's is its members' and managers' and up.
        if notice.subject is not None:
            return notice.subject == viewer.user_id
        if notice.team is not None:
            return notice.team in viewer.teams or _ranks(viewer, Role.MANAGER)
        return True  # shared with everyone
    if audience is TEAM:
        return notice.team is not None and (
            notice.team in viewer.teams or _serves(viewer, restrict, ())
        )
    if audience is CUSTOMER:
        tickets = customer_tickets.get(notice.customer, []) if notice.customer else []
        return notice.customer is not None and _serves(viewer, restrict, tickets)
    return True  # EVERYONE


def _serves(viewer: Viewer, restrict: bool, tickets: Iterable[TicketScope]) -> bool:
    """``access.visible_customers`` for one customer whose tickets are loaded: everyone
    serves every customer, unless agents are restricted to their teams' tickets."""
    if not restrict or _ranks(viewer, MINIMUM_ROLE[Permission.SEE_ALL_TICKETS]):
        return True
    return any(sees_ticket(viewer, restrict, t.team_id, t.assignee_id) for t in tickets)


def _ranks(viewer: Viewer, role: Role) -> bool:
    return RANK[viewer.role] >= RANK[role]
