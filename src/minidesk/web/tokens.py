"""API-token authentication with a short per-process cache.

Looking a token up costs a SHA-256, a query and the user's row on every request, which is as
much as accepting an inbound message. Who a token belongs to changes rarely, so each process
remembers it for ``CACHE_SECONDS``.

Staleness: any revocation, deactivation or role change made *in this process* (through any
code path that sets those ORM attributes) clears the cache at once and again after its commit.
One made in *another* process (``minidesk`` CLI, another web worker) is seen here within
``CACHE_SECONDS``: that is the window in which a revoked token may still be accepted.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import object_session

from minidesk.db import get_db, on_commit
from minidesk.desk.models import ApiToken, Role, User
from minidesk.desk.users import authenticate_token

CACHE_SECONDS = 5.0
# Bounds memory if a client sprays random tokens (misses are not cached, but be safe).
MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class Caller:
    """Who a request acts for, as the token's owner stood when it was last checked."""

    user_id: int
    role: Role
    email: str
    name: str


_entries: dict[str, tuple[float, Caller]] = {}
_lock = threading.Lock()
_clock = time.monotonic  # tests move it forward instead of sleeping


def _key(secret: str) -> str:
    # Keyed by digest so a memory dump of the cache holds no usable secrets.
    return hashlib.sha256(secret.encode()).hexdigest()


def cached(secret: str) -> Caller | None:
    """The cached caller for ``secret`` if it was checked less than ``CACHE_SECONDS`` ago."""
    entry = _entries.get(_key(secret))
    if entry is None or entry[0] < _clock():
        return None
    return entry[1]


def lookup(secret: str) -> Caller | None:
    """Check ``secret`` against the database (blocking) and remember a valid answer."""
    with get_db().sessions() as session:
        user = authenticate_token(session, secret)
        if user is None:
            return None
        caller = Caller(user.id, Role(user.role), user.email, user.name)
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[_key(secret)] = (_clock() + CACHE_SECONDS, caller)
    return caller


def forget_all() -> None:
    with _lock:
        _entries.clear()


def _changed(target: Any, *_: Any) -> None:
    forget_all()
    session = object_session(target)
    if session is not None:
        # A request that looked the token up between now and the commit cached the old state.
        on_commit(session, forget_all)


for _attribute in (ApiToken.revoked_at, User.active, User.role):
    event.listen(_attribute, "set", _changed)
