"""API-token authentication with a short per-process cache.

Looking a token up costs a SHA-256, a query and the user's row on every request, which is as
much as accepting an inbound message. Who a token belongs to changes rarely, so each process
remembers it for ``CACHE_SECONDS``.

Staleness: any revocation, deactivation or role change made *in this process* (through any
code path that sets those ORM attributes) clears the cache at once and again after its commit.
One made in *another* process (another web worker, ``minidesk worker``, the ``minidesk``
CLI) clears it when the realtime broker brings the news (``realtime.access_changes``,
milliseconds); were that lost, it is seen here within ``CACHE_SECONDS`` all the same.

Expiry is never stale: each cached entry carries its token's ``expires_at``, checked against
the wall clock on every request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import object_session

from minidesk.db import get_db, on_commit, utcnow
from minidesk.desk.models import ApiToken, Role, TokenKind, User
from minidesk.desk.tokens import Rejection, TokenRejected, access_token, is_expired

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
    token_id: int
    kind: TokenKind
    integration: str | None
    expires_at: dt.datetime | None

    @property
    def vouches(self) -> bool:
        """Whether this caller's word on who a customer is counts (integration tokens)."""
        return self.kind == TokenKind.INTEGRATION

    @property
    def client(self) -> str:
        """The API client the caller's inbound messages belong to: an integration, kept
        across rotations, or the person."""
        return f"integration:{self.integration}" if self.integration else f"user:{self.user_id}"


_entries: dict[str, tuple[float, Caller]] = {}
_lock = threading.Lock()
_clock = time.monotonic  # tests move it forward instead of sleeping
_now = utcnow  # the wall clock that expiry is measured by (tests move it too)


def _key(secret: str) -> str:
    # Keyed by digest so a memory dump of the cache holds no usable secrets.
    return hashlib.sha256(secret.encode()).hexdigest()


def cached(secret: str) -> Caller | None:
    """The cached caller for ``secret`` if it was checked less than ``CACHE_SECONDS`` ago;
    ``TokenRejected`` if its token has expired since."""
    entry = _entries.get(_key(secret))
    if entry is None or entry[0] < _clock():
        return None
    caller = entry[1]
    if caller.expires_at is not None and is_expired(caller.expires_at, _now()):
        raise TokenRejected(Rejection.EXPIRED)
    return caller


def lookup(secret: str) -> Caller:
    """Check ``secret`` against the database (blocking) and remember a valid answer;
    ``TokenRejected`` says why it is not."""
    with get_db().sessions() as session:
        token = access_token(session, secret, _now())
        user = token.user
        caller = Caller(
            user.id,
            Role(user.role),
            user.email,
            user.name,
            token.id,
            TokenKind(token.kind),
            token.integration,
            token.expires_at,
        )
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


for _attribute in (ApiToken.revoked_at, ApiToken.expires_at, User.active, User.role):
    event.listen(_attribute, "set", _changed)
