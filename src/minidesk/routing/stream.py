"""Presence implied by the workspace stream: an agent whose socket is connected is online
for routing, unless they said they are away (or went offline while connected).

The socket's owner calls ``connected`` once, ``still_connected`` at each of its periodic
token checks, and ``disconnected`` when this process holds no more sockets of that agent.
A process that dies says nothing: the implied presence lapses ``STREAM_SECONDS`` after its
last renewal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from minidesk import db
from minidesk.routing import profiles
from minidesk.routing.models import AgentProfile, Presence, PresenceSource

# Comfortably more than the socket's token re-check (15 s), so a live socket never lapses.
STREAM_SECONDS = 60


def _until() -> dt.datetime:
    return db.utcnow() + dt.timedelta(seconds=STREAM_SECONDS)


def _streamed(profile: AgentProfile) -> bool:
    """Presence the stream itself set (and may therefore renew or withdraw)."""
    return profile.presence_source == PresenceSource.STREAM and profile.presence == Presence.ONLINE


def _set_from_stream(
    user_id: int,
    presence: Presence,
    until: dt.datetime,
    applies: Callable[[AgentProfile], bool],
) -> None:
    with db.get_db().transaction() as session:
        if applies(profiles.profile_of(session, user_id)):
            profiles.do_set_presence(
                session,
                user_id,
                presence,
                profiles.ROUTER,
                source=PresenceSource.STREAM,
                stream_until=until,
            )


def _not_chosen_by_agent(profile: AgentProfile) -> bool:
    # Their word stands: away stays away, and online needs no socket.
    chosen = profile.presence_source == PresenceSource.AGENT
    return not (chosen and profile.presence in (Presence.AWAY, Presence.ONLINE))


def connected(user_id: int) -> None:
    _set_from_stream(user_id, Presence.ONLINE, _until(), _not_chosen_by_agent)


def still_connected(user_id: int) -> None:
    # They may have chosen otherwise since connecting: a renewal must not undo it.
    _set_from_stream(user_id, Presence.ONLINE, _until(), _streamed)


def disconnected(user_id: int) -> None:
    _set_from_stream(user_id, Presence.OFFLINE, db.utcnow(), _streamed)
