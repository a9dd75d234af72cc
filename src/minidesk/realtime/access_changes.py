"""Changes of who may see what, reaching open sockets at once on every process.

A socket checks its token when it opens, at the token's expiry and every
``connection.REVALIDATE_SECONDS``. That alone would leave an agent taken off a team
hearing of its tickets until the next check. So the publish step after commit also sends,
for every committed change of a user's role, team memberships, active flag or tokens, the
ids of the users concerned; each process's hub re-checks those users' sockets against the
database before it handles anything that arrived after the change (``Connection.recheck``):
a revoked token or a deactivated user closes the socket, a narrower role or team narrows
what it hears from the next notice on, and tickets it followed that left its sight are
hidden. Every such change is an event (``desk.users``, ``desk.tokens``), so no path that
changes access can forget to say so.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from minidesk.event_kinds import EventKind as K
from minidesk.events import Committed

if TYPE_CHECKING:
    from minidesk.realtime.connection import Connection

log = logging.getLogger(__name__)

# Each carries the ``user_id`` whose access it changes.
KINDS = frozenset(
    {
        K.USER_ROLE_CHANGED,
        K.USER_DEACTIVATED,
        K.TEAM_MEMBER_ADDED,
        K.TEAM_MEMBER_REMOVED,
        K.TOKEN_REVOKED,
        K.TOKEN_ROTATED,
    }
)


@dataclass(frozen=True)
class AccessChanged:
    """The users whose access changed in one committed transaction."""

    users: frozenset[int]


def users_from_events(events: Sequence[Committed]) -> list[int]:
    """The users whose access the committed ``events`` changed, in id order."""
    users: set[int] = set()
    for event in events:
        if event.kind not in KINDS:
            continue
        data = getattr(event, "data", None)  # these kinds are ``Event`` rows, with a payload
        if isinstance(data, dict) and isinstance(data.get("user_id"), int):
            users.add(data["user_id"])
    return sorted(users)


async def recheck(connections: Iterable[Connection], users: frozenset[int]) -> None:
    """Re-check, together, every socket of ``users`` among ``connections``."""
    concerned = [c for c in connections if c.agent.viewer.user_id in users]
    results = await asyncio.gather(*(c.recheck() for c in concerned), return_exceptions=True)
    for connection, result in zip(concerned, results, strict=True):
        if isinstance(result, Exception):
            # The socket's periodic check tries again; the others' were not held up.
            log.error("re-checking %s failed", connection, exc_info=result)
