"""When routing runs: a ticket arrives, reopens, joins a team or loses its assignee (route
it, after the team's more urgent queue); an agent comes online or frees capacity (offer them
the queue); a routed ticket's assignee acts on it (it is accepted).

Most listen to automated events too (``automated=True``): a rule that moves a ticket into a
team or solves one is exactly when routing has work. Routing's own assignments (nobody →
someone) are ignored, so it never reacts to itself.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.desk import tickets
from minidesk.desk.models import OPEN_STATUSES, Team, TeamMember
from minidesk.event_kinds import EventKind
from minidesk.events import ActorType, Event, listen
from minidesk.routing import accept, assign, profiles, reroute
from minidesk.routing.models import Presence


def _route_ticket(session: Session, ticket_id: int | None, trigger: str) -> None:
    ticket = tickets.for_listener(session, ticket_id) if ticket_id is not None else None
    if ticket is None or not assign.routable(ticket):
        return
    assert ticket.team_id is not None
    # The team's queue first, so a new ticket does not overtake older, more urgent ones...
    assign.do_drain(session, ticket.team_id)
    # ...then this one, recording why it waits if nobody took it.
    if ticket.assignee_id is None:
        passed = assign._passed_over(session, ticket.id)
        assign.do_route(session, ticket, trigger, passed_over=passed)


@listen(EventKind.TICKET_CREATED, automated=True, transactional=True)
def route_new_ticket(session: Session, event: Event) -> None:
    _route_ticket(session, event.ticket_id, "new")


@listen(EventKind.TICKET_TEAM_CHANGED, automated=True, transactional=True)
def route_on_team_change(session: Session, event: Event) -> None:
    ticket = tickets.for_listener(session, event.ticket_id) if event.ticket_id else None
    if ticket is not None:
        reroute.do_release_from_old_team(session, ticket)
    _route_ticket(session, event.ticket_id, "team")


@listen(EventKind.TICKET_STATUS_CHANGED, automated=True, transactional=True)
def route_on_status_change(session: Session, event: Event) -> None:
    before, after = event.data.get("before"), event.data.get("after")
    if after in OPEN_STATUSES and before not in OPEN_STATUSES:
        _route_ticket(session, event.ticket_id, "reopened")
    elif after not in ("new", "open"):
        _freed(session, event.ticket_id)  # no longer counts against its assignee's capacity


@listen(EventKind.TICKET_ASSIGNED, automated=True, transactional=True)
def route_on_assignment(session: Session, event: Event) -> None:
    before, after = event.data.get("before"), event.data.get("after")
    if event.actor_name == profiles.ROUTER.name and event.actor_type == ActorType.AUTOMATION:
        return  # routing's own moves (a re-route) decided already
    if after is None:
        _route_ticket(session, event.ticket_id, "unassigned")
    elif before is not None:
        _freed(session, event.ticket_id)


def _freed(session: Session, ticket_id: int | None) -> None:
    ticket = tickets.for_listener(session, ticket_id) if ticket_id is not None else None
    if ticket is not None and ticket.team_id is not None:
        assign.do_drain(session, ticket.team_id)


@listen(EventKind.ROUTING_PRESENCE_CHANGED, automated=True, transactional=True)
def offer_queue_to_arrival(session: Session, event: Event) -> None:
    if event.data.get("after") != Presence.ONLINE:
        return
    teams = session.scalars(
        select(TeamMember.team_id).where(TeamMember.user_id == event.data["user_id"])
    )
    for team_id in list(teams):
        assign.do_drain(session, team_id)


@listen(EventKind.ROUTING_CONFIG_CHANGED, transactional=True)
def drain_when_enabled(session: Session, event: Event) -> None:
    if not event.data.get("after", {}).get("enabled"):
        return
    team_id = event.data.get("team_id")
    if team_id is not None:
        assign.do_drain(session, team_id)
        return
    for team in list(session.scalars(select(Team.id))):
        assign.do_drain(session, team)


@listen(
    EventKind.MESSAGE_SENT,
    EventKind.NOTE_ADDED,
    EventKind.TICKET_STATUS_CHANGED,
    transactional=True,
)
def accept_on_work(session: Session, event: Event) -> None:
    # Answering, noting or moving the ticket on is accepting it.
    if event.actor_type == ActorType.USER and event.actor_id and event.ticket_id:
        accept.do_accept(session, event.ticket_id, event.actor_id)
