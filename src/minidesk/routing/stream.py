"""Presence implied by the workspace stream: an agent whose socket is connected is online
for routing, unless they said they are away (or went offline while connected).

The socket's owner calls ``connected`` once, ``still_connected`` at each of its periodic
token checks, and ``disconnected`` when this process holds no more sockets of that agent.
A process that dies says nothing: the implied presence lapses ``STREAM_SECONDS`` after its
last renewal.
"""

from __future__ import annotations

import datetime as dt

from minidesk import db
from minidesk.routing import profiles
from minidesk.routing.models import Presence, PresenceSource

# Comfortably more than the socket's token re-check (15 s), so a live socket never lapses.
STREAM_SECONDS = 60


def _until() -> dt.datetime:
    return db.utcnow() + dt.timedelta(seconds=STREAM_SECONDS)


def connected(user_id: int) -> None:
    with db.get_db().transaction() as session:
        profile = profiles.profile_of(session, user_id)
        chosen_by_agent = profile.presence_source == PresenceSource.AGENT
        if chosen_by_agent and profile.presence in (Presence.AWAY, Presence.ONLINE):
            return  # their word stands: away stays away, online needs no socket
        profiles.do_set_presence(
            session,
            user_id,
            Presence.ONLINE,
            profiles.ROUTER,
            source=PresenceSource.STREAM,
            stream_until=_until(),
        )


def still_connected(user_id: int) -> None:
    with db.get_db().transaction() as session:
        profile = profiles.profile_of(session, user_id)
        if profile.presence_source != PresenceSource.STREAM or profile.presence != Presence.ONLINE:
            return  # they chose otherwise since connecting: a renewal must not undo it
        profiles.do_set_presence(
            session,
            user_id,
            Presence.ONLINE,
            profiles.ROUTER,
            source=PresenceSource.STREAM,
            stream_until=_until(),
        )


def disconnected(user_id: int) -> None:
    with db.get_db().transaction() as session:
        profile = profiles.profile_of(session, user_id)
        if profile.presence_source != PresenceSource.STREAM or profile.presence != Presence.ONLINE:
            return
        profiles.do_set_presence(
            session,
            user_id,
            Presence.OFFLINE,
            profiles.ROUTER,
            source=PresenceSource.STREAM,
            stream_until=db.utcnow(),
        )
