"""Presence the workspace stream implied, lapsed: a web process that dies never says its
sockets closed, so the agent's online presence just stops being renewed (``stream.py``).
Routing already reads it as offline from ``stream_until`` on; this records the end, so that
the event log (occupancy's source) knows the agent stopped being available at that moment.

The minute sweep records every lapse it finds; a presence change for a lapsed agent (they
reconnect, or set it) records the lapse first. Each lapse is claimed by one conditional
UPDATE on the profile, so it is recorded once however many workers race for it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from minidesk import db
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, ActorType, emit
from minidesk.routing.models import AgentProfile, Presence, PresenceSource

ROUTER = Actor(ActorType.AUTOMATION, name="routing")
BATCH = 200


def lapsed(profile: AgentProfile, now: dt.datetime) -> bool:
    """Online by the stream's word, and the stream stopped renewing it."""
    return (
        profile.presence == Presence.ONLINE
        and profile.presence_source == PresenceSource.STREAM
        and profile.stream_until is not None
        and profile.stream_until <= now
    )


def record_lapse(session: Session, user_id: int, until: dt.datetime) -> bool:
    """Record that the agent's stream presence lapsed at ``until`` (their ``stream_until``):
    offline from then, with a ``routing.presence_changed`` event saying when. False when it
    was not lapsed at ``until`` any more (renewed, or recorded by another worker)."""
    result = session.execute(
        update(AgentProfile)
        .where(
            AgentProfile.user_id == user_id,
            AgentProfile.presence == Presence.ONLINE,
            AgentProfile.presence_source == PresenceSource.STREAM,
            AgentProfile.stream_until == until,
        )
        .values(presence=Presence.OFFLINE, presence_changed_at=until)
        .execution_options(synchronize_session="fetch")
    )
    if getattr(result, "rowcount", 0) != 1:
        return False
    emit(
        session,
        EventKind.ROUTING_PRESENCE_CHANGED,
        ROUTER,
        user_id=user_id,
        source=str(PresenceSource.STREAM),
        before=str(Presence.ONLINE),
        after=str(Presence.OFFLINE),
        lapsed_at=until.isoformat(),
    )
    return True


def record_lapses(now: dt.datetime) -> int:
    """The minute sweep's entry point: every stream presence that lapsed by ``now``."""
    with db.get_db().transaction() as session:
        due = session.execute(
            select(AgentProfile.user_id, AgentProfile.stream_until)
            .where(
                AgentProfile.presence == Presence.ONLINE,
                AgentProfile.presence_source == PresenceSource.STREAM,
                AgentProfile.stream_until <= now,
            )
            .order_by(AgentProfile.stream_until)
            .limit(BATCH)
        ).all()
        return sum(record_lapse(session, user_id, until) for user_id, until in due if until)
