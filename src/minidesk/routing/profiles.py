"""Agent profiles and routing settings: reading them with their defaults, and the ``do_*``
changes (each records an event)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.desk.models import Status, Ticket
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, changed, emit
from minidesk.routing import lapse
from minidesk.routing.models import (
    AgentProfile,
    Presence,
    PresenceSource,
    RoutingConfig,
    Strategy,
)

# Routing's actor, defined beside the lapse sweep (which acts as routing too).
ROUTER = lapse.ROUTER

# Tickets at once per channel kind when a profile does not say: a chat needs the agent now,
# an email can wait its turn among others.
DEFAULT_CAPACITY: Mapping[str, int] = {
    "chat": 3,
    "whatsapp": 3,
    "sms": 5,
    "email": 10,
    "api": 10,
}
FALLBACK_CAPACITY = 10  # a channel kind added later, until profiles name it
MAX_CAPACITY = 100
MAX_ACCEPT_MINUTES = 24 * 60
SKILL_FIELDS = ("languages", "product_lines", "channels", "capacity")
CONFIG_FIELDS = ("enabled", "strategy", "accept_minutes", "product_lines")


# An agent's load: tickets waiting on them (not on the customer, not on hold).
LOAD_STATUSES = (Status.NEW, Status.OPEN)


class RoutingError(ValueError):
    pass


def profile_of(session: Session, user_id: int) -> AgentProfile:
    """The agent's profile, or an unsaved default one (offline, no skills listed)."""
    found = session.get(AgentProfile, user_id)
    if found is not None:
        return found
    return AgentProfile(
        user_id=user_id,
        languages=[],
        product_lines=[],
        channels=[],
        capacity={},
        presence=Presence.OFFLINE,
        presence_source=PresenceSource.AGENT,
    )


def capacity_for(profile: AgentProfile, channel: str) -> int:
    if channel in profile.capacity:
        return int(profile.capacity[channel])
    return DEFAULT_CAPACITY.get(channel, FALLBACK_CAPACITY)


def is_online(profile: AgentProfile, now: dt.datetime) -> bool:
    if profile.presence != Presence.ONLINE:
        return False
    if profile.presence_source == PresenceSource.STREAM:
        return profile.stream_until is not None and profile.stream_until > now
    return True


def effective_presence(profile: AgentProfile, now: dt.datetime) -> Presence:
    if profile.presence == Presence.ONLINE and not is_online(profile, now):
        return Presence.OFFLINE  # the stream that implied it went away
    return Presence(profile.presence)


def _saved(session: Session, profile: AgentProfile) -> AgentProfile:
    if profile not in session:
        session.add(profile)
    return profile


def check_skills(values: Mapping[str, Any]) -> dict[str, Any]:
    """Normalised skill values; ``RoutingError`` naming the field otherwise."""
    unknown = set(values) - set(SKILL_FIELDS)
    if unknown:
        raise RoutingError(f"unknown fields: {', '.join(sorted(unknown))}")
    clean: dict[str, Any] = {}
    for name in ("languages", "product_lines", "channels"):
        if name in values:
            items = values[name]
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise RoutingError(f"{name} must be a list of strings")
            clean[name] = sorted({i.strip().lower() for i in items if i.strip()})
    if "capacity" in values:
        capacity = values["capacity"]
        if not isinstance(capacity, dict):
            raise RoutingError("capacity must map channel kinds to numbers")
        for kind, number in capacity.items():
            ok = isinstance(number, int) and not isinstance(number, bool)
            if not ok or not 0 <= number <= MAX_CAPACITY:
                raise RoutingError(f"capacity.{kind} must be a whole number 0-{MAX_CAPACITY}")
        clean["capacity"] = {str(k).lower(): int(v) for k, v in capacity.items()}
    return clean


def do_set_skills(
    session: Session, user_id: int, values: Mapping[str, Any], actor: Actor
) -> AgentProfile:
    clean = check_skills(values)
    profile = _saved(session, profile_of(session, user_id))
    before = {name: getattr(profile, name) for name in clean}
    if before == clean:
        return profile
    for name, value in clean.items():
        setattr(profile, name, value)
    emit(
        session,
        EventKind.ROUTING_PROFILE_CHANGED,
        actor,
        user_id=user_id,
        **changed(before, clean),
    )
    return profile


def do_set_presence(
    session: Session,
    user_id: int,
    presence: Presence,
    actor: Actor,
    *,
    source: PresenceSource = PresenceSource.AGENT,
    stream_until: dt.datetime | None = None,
) -> bool:
    """Set the agent's presence; True (and a ``routing.presence_changed`` event, which makes
    routing offer them queued tickets) when what routing sees changed."""
    now = utcnow()
    profile = _saved(session, profile_of(session, user_id))
    if lapse.lapsed(profile, now) and profile.stream_until is not None:
        # Its end first, at the moment it lapsed: occupancy must not count the gap as online.
        lapse.record_lapse(session, user_id, profile.stream_until)
    before = effective_presence(profile, now)
    profile.presence = presence
    profile.presence_source = source
    if stream_until is not None:
        profile.stream_until = stream_until
    after = effective_presence(profile, now)
    if before == after:
        return False
    profile.presence_changed_at = now
    emit(
        session,
        EventKind.ROUTING_PRESENCE_CHANGED,
        actor,
        user_id=user_id,
        source=str(source),
        **changed(str(before), str(after)),
    )
    return True


def config_for(session: Session, team_id: int | None) -> RoutingConfig:
    """The team's settings, else the workspace's, else the defaults (routing off)."""
    rows = {
        row.team_id: row
        for row in session.scalars(
            select(RoutingConfig).where(
                (RoutingConfig.team_id == team_id) | RoutingConfig.team_id.is_(None)
            )
        )
    }
    found = rows.get(team_id) or rows.get(None)
    if found is not None:
        return found
    return RoutingConfig(
        team_id=None,
        enabled=False,
        strategy=Strategy.ROUND_ROBIN,
        accept_minutes=10,
        product_lines={},
    )


def check_config(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(CONFIG_FIELDS)
    if unknown:
        raise RoutingError(f"unknown fields: {', '.join(sorted(unknown))}")
    clean = dict(values)
    if "strategy" in clean:
        try:
            clean["strategy"] = str(Strategy(clean["strategy"]))
        except ValueError:
            accepted = ", ".join(s.value for s in Strategy)
            raise RoutingError(f"strategy must be one of: {accepted}") from None
    if "accept_minutes" in clean:
        minutes = clean["accept_minutes"]
        if not isinstance(minutes, int) or not 1 <= minutes <= MAX_ACCEPT_MINUTES:
            raise RoutingError(f"accept_minutes must be 1-{MAX_ACCEPT_MINUTES}")
    if "product_lines" in clean:
        lines = clean["product_lines"]
        if not isinstance(lines, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in lines.items()
        ):
            raise RoutingError("product_lines must map intents or tags to product lines")
        clean["product_lines"] = {k.lower(): v.lower() for k, v in lines.items()}
    if "enabled" in clean and not isinstance(clean["enabled"], bool):
        raise RoutingError("enabled must be true or false")
    return clean


def do_set_config(
    session: Session, team_id: int | None, values: Mapping[str, Any], actor: Actor
) -> RoutingConfig:
    clean = check_config(values)
    row = session.scalars(
        select(RoutingConfig).where(
            RoutingConfig.team_id.is_(None) if team_id is None else RoutingConfig.team_id == team_id
        )
    ).first()
    if row is None:
        # A team's first settings start from the workspace's, so changing one field there
        # does not silently reset the others to the defaults.
        base = config_for(session, None)
        row = RoutingConfig(team_id=team_id, **{f: getattr(base, f) for f in CONFIG_FIELDS})
        session.add(row)
    before = {name: getattr(row, name) for name in clean}
    for name, value in clean.items():
        setattr(row, name, value)
    emit(
        session,
        EventKind.ROUTING_CONFIG_CHANGED,
        actor,
        team_id=team_id,
        **changed(before, clean),
    )
    return row


def open_load(session: Session, user_ids: list[int]) -> dict[tuple[int, str], int]:
    """(agent, channel kind) -> tickets they hold that count against capacity (new and open:
    one waiting on the customer or on hold does not need them now)."""
    rows = session.execute(
        select(Ticket.assignee_id, Ticket.channel, func.count())
        .where(Ticket.status.in_(LOAD_STATUSES), Ticket.assignee_id.in_(user_ids))
        .group_by(Ticket.assignee_id, Ticket.channel)
    )
    return {(int(user), str(channel)): int(n) for user, channel, n in rows if user is not None}
