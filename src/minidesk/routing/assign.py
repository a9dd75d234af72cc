"""The assignment decision: which online agent of a ticket's team takes it, and why.

``decide`` is pure over what it is given (candidates with their profiles and loads), so the
reason it records is exactly what it weighed; ``do_route`` loads, decides, assigns and
records the decision as a ``routing.decided`` event; ``do_drain`` offers a team's queue,
most urgent first, to whoever has room.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from minidesk import features
from minidesk.db import utcnow
from minidesk.desk import tickets
from minidesk.desk.models import OPEN_STATUSES, Priority, TeamMember, Ticket, User
from minidesk.event_kinds import EventKind
from minidesk.events import emit
from minidesk.routing import profiles, skills
from minidesk.routing.models import AgentProfile, RoutedTicket, RoutingConfig, Strategy

VIP_TAG = "vip"
# How many queued tickets one drain looks at: the most urgent, so a long backlog costs a
# bounded query each time an agent frees up.
DRAIN_BATCH = 100
ASSIGNED, QUEUED = "assigned", "queued"


@dataclass
class Candidate:
    user_id: int
    name: str
    profile: AgentProfile
    load: dict[str, int]
    user: User


@dataclass(frozen=True)
class Decision:
    chosen: Candidate | None
    reason: str
    considered: list[dict[str, Any]]


def product_line(ticket: Ticket, config: RoutingConfig) -> str | None:
    """The product line a ticket needs, from its intent or else its first mapped tag."""
    lines = config.product_lines or {}
    if ticket.intent and ticket.intent.lower() in lines:
        return str(lines[ticket.intent.lower()])
    return next((str(lines[tag]) for tag in ticket.tags if tag in lines), None)


def urgency(ticket: Ticket) -> tuple[int, str, dt.datetime, int]:
    """Queue order: VIP and P1 first, then by priority, then the oldest."""
    first = 0 if ticket.priority == Priority.P1 or VIP_TAG in ticket.tags else 1
    return first, ticket.priority, ticket.created_at, ticket.id


def _misfit(ticket: Ticket, line: str | None, who: Candidate, now: dt.datetime) -> str | None:
    """Why ``who`` cannot take ``ticket`` now (None: they can)."""
    profile = who.profile
    if not profiles.is_online(profile, now):
        return f"not online ({profiles.effective_presence(profile, now)})"
    if profile.channels and ticket.channel not in profile.channels:
        return f"does not take {ticket.channel}"
    language = (ticket.language or "").lower()
    if language and profile.languages and language not in profile.languages:
        return f"does not speak {language}"
    if line and line not in profile.product_lines:
        return f"no {line} skill"
    limit = profiles.capacity_for(profile, ticket.channel)
    held = who.load.get(ticket.channel, 0)
    if held >= limit:
        return f"at capacity on {ticket.channel} ({held}/{limit})"
    return None


@dataclass(frozen=True)
class Requirements:
    """What other features' checks (``features.routing_checks``) ask of a ticket's agent:
    the needs in words, and per agent who lacks one, why."""

    needs: tuple[str, ...] = ()
    lacking: Mapping[int, str] = field(default_factory=dict)


def requirements(
    session: Session,
    ticket: Ticket,
    pool: list[Candidate],
    now: dt.datetime,
    line: str | None = None,
) -> Requirements:
    """Ask every check, telling it the skill names ``ticket`` needs (``skills.needed``)."""
    needs: list[str] = []
    lacking: dict[int, str] = {}
    ids = [who.user_id for who in pool]
    names = skills.needed(ticket, line)
    for check in features.routing_checks():
        found = check(session, ticket, names, ids, now)
        if found is not None:
            needs.append(found[0])
            for user_id, why in found[1].items():
                lacking.setdefault(user_id, why)
    return Requirements(tuple(needs), lacking)


def decide(
    ticket: Ticket,
    candidates: list[Candidate],
    config: RoutingConfig,
    now: dt.datetime,
    passed_over: frozenset[int] = frozenset(),
    required: Requirements = Requirements(),
) -> Decision:
    line = product_line(ticket, config)
    considered: list[dict[str, Any]] = []
    fits: list[Candidate] = []
    kept_out = 0  # fit in every other way, lacking only what ``required`` asks
    for who in candidates:
        why = "did not accept it in time" if who.user_id in passed_over else None
        why = why or _misfit(ticket, line, who, now)
        if why is None and who.user_id in required.lacking:
            why, kept_out = required.lacking[who.user_id], kept_out + 1
        held = who.load.get(ticket.channel, 0)
        considered.append(
            {"user_id": who.user_id, "load": held, "fits": why is None, "why": why or "fits"}
        )
        if why is None:
            fits.append(who)
    needs = ", ".join(
        part
        for part in (
            ticket.channel,
            f"language {ticket.language}" if ticket.language else "",
            f"product line {line}" if line else "",
            *required.needs,
        )
        if part
    )
    if not fits:
        if not candidates:
            reason = "the team has no agents: stays in the team queue"
        elif kept_out:
            # Said plainly: a lead reading the queue must see it waits for a certification.
            lacking = " and ".join(required.needs)
            reason = (
                f"nobody fits (needs {needs}; {kept_out} would fit but are not {lacking}): "
                "stays in the team queue"
            )
        else:
            reason = f"nobody fits (needs {needs}): stays in the team queue"
        return Decision(None, reason, considered)
    strategy = Strategy(config.strategy)
    if strategy == Strategy.LEAST_LOADED:
        chosen = min(fits, key=lambda c: (_share(c, ticket.channel), _last(c), c.user_id))
        why = f"least loaded of {len(fits)} who fit ({needs})"
    else:
        chosen = min(fits, key=lambda c: (_last(c), c.user_id))
        why = f"next in round-robin of {len(fits)} who fit ({needs})"
    return Decision(chosen, f"{chosen.name}: {why}", considered)


def _share(who: Candidate, channel: str) -> float:
    limit = profiles.capacity_for(who.profile, channel)
    return who.load.get(channel, 0) / limit if limit else 1.0


_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


def _last(who: Candidate) -> dt.datetime:
    return who.profile.last_assigned_at or _NEVER


def candidates(session: Session, team_id: int) -> list[Candidate]:
    """The team's active agents with their profiles (one query) and loads (another)."""
    members = list(
        session.execute(
            select(User, AgentProfile)
            .join(TeamMember, TeamMember.user_id == User.id)
            .outerjoin(AgentProfile, AgentProfile.user_id == User.id)
            .where(TeamMember.team_id == team_id, User.active.is_(True))
            .order_by(User.id)
        )
    )
    loads: dict[int, dict[str, int]] = {user.id: {} for user, _ in members}
    for (user_id, channel), held in profiles.open_load(session, list(loads)).items():
        loads[user_id][channel] = held
    return [
        Candidate(
            user.id,
            user.name or user.email,
            profile or profiles.profile_of(session, user.id),
            loads[user.id],
            user,
        )
        for user, profile in members
    ]


def routable(ticket: Ticket) -> bool:
    return (
        ticket.assignee_id is None
        and ticket.team_id is not None
        and (ticket.status in OPEN_STATUSES)
    )


def do_route(
    session: Session,
    ticket: Ticket,
    trigger: str,
    *,
    pool: list[Candidate] | None = None,
    record_queued: bool = True,
    passed_over: frozenset[int] = frozenset(),
    now: dt.datetime | None = None,
) -> Decision | None:
    """Assign ``ticket`` if routing is on for its team and someone fits; record why either
    way (a queued decision only when ``record_queued``: a drain does not re-record every
    waiting ticket). None when routing does not apply to this ticket."""
    if not routable(ticket):
        return None
    assert ticket.team_id is not None
    config = profiles.config_for(session, ticket.team_id)
    if not config.enabled:
        return None
    # The sweep passes its own clock, so the new acceptance window starts when it ran.
    now = now or utcnow()
    pool = pool if pool is not None else candidates(session, ticket.team_id)
    required = requirements(session, ticket, pool, now, product_line(ticket, config))
    decision = decide(ticket, pool, config, now, passed_over, required)
    if decision.chosen is None and not record_queued:
        return decision
    chosen = decision.chosen
    emit(
        session,
        EventKind.ROUTING_DECIDED,
        profiles.ROUTER,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        outcome=ASSIGNED if chosen else QUEUED,
        assignee_id=chosen.user_id if chosen else None,
        reason=decision.reason,
        strategy=str(config.strategy),
        trigger=trigger,
        considered=decision.considered,
    )
    if chosen is not None:
        _assign(session, ticket, chosen, config, now, passed_over)
    return decision


def _assign(
    session: Session,
    ticket: Ticket,
    chosen: Candidate,
    config: RoutingConfig,
    now: dt.datetime,
    passed_over: frozenset[int],
) -> None:
    tickets.do_assign(session, ticket, chosen.user, profiles.ROUTER)
    profile = chosen.profile
    if profile not in session:
        session.add(profile)
    profile.last_assigned_at = now
    chosen.load[ticket.channel] = chosen.load.get(ticket.channel, 0) + 1
    routed = session.get(RoutedTicket, ticket.id)
    if routed is None:
        routed = RoutedTicket(ticket_id=ticket.id, passed_over=[])
        session.add(routed)
    routed.user_id = chosen.user_id
    routed.assigned_at = now
    routed.accepted_at = None
    routed.accept_due_at = now + dt.timedelta(minutes=config.accept_minutes)
    routed.passed_over = sorted(passed_over)


def do_drain(session: Session, team_id: int, trigger: str = "queue") -> int:
    """Offer the team's unassigned open tickets, most urgent first, to whoever has room;
    returns how many were assigned."""
    config = profiles.config_for(session, team_id)
    if not config.enabled:
        return 0
    pool = candidates(session, team_id)
    now = utcnow()
    if not any(profiles.is_online(c.profile, now) for c in pool):
        return 0
    queue = list(
        session.scalars(
            select(Ticket)
            .where(
                Ticket.team_id == team_id,
                Ticket.assignee_id.is_(None),
                Ticket.status.in_(OPEN_STATUSES),
            )
            .options(selectinload(Ticket.tag_rows))
            .order_by(Ticket.priority, Ticket.id)
            .limit(DRAIN_BATCH)
        )
    )
    assigned = 0
    for ticket in sorted(queue, key=urgency):
        passed = _passed_over(session, ticket.id)
        decision = do_route(
            session, ticket, trigger, pool=pool, record_queued=False, passed_over=passed
        )
        if decision is not None and decision.chosen is not None:
            assigned += 1
    return assigned


def _passed_over(session: Session, ticket_id: int) -> frozenset[int]:
    routed = session.get(RoutedTicket, ticket_id)
    return frozenset(int(u) for u in routed.passed_over) if routed is not None else frozenset()
