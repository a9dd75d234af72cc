"""Browser sign-ins to the agent workspace.

A signed-in browser holds a session token (``TokenKind.SESSION``) in an HttpOnly cookie: the
same table, revocation and per-process cache as API tokens, so whatever checks a token checks
a session too, and signing out is revoking. Each session gets a CSRF token derived from its
own secret: a form or script request must carry it, which a page on another site cannot read.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.desk.models import ApiToken, TokenKind, User
from minidesk.desk.tokens import do_create_token, do_revoke_token
from minidesk.events import Actor
from minidesk.keys import Purpose, derive_key


def do_open_session(session: Session, user: User, actor: Actor, agent: str) -> str:
    """A new browser session for ``user`` (named after the browser, so the user can tell their
    sessions apart); returns the cookie's secret."""
    _, secret = do_create_token(session, user, actor, agent[:100], browser=True)
    return secret


def do_sign_out_everywhere(session: Session, user_id: int, actor: Actor) -> int:
    """Revoke every live browser session of the user (API tokens stay: they are credentials
    the user handed to scripts on purpose). Returns how many ended."""
    live = session.scalars(
        select(ApiToken).where(
            ApiToken.user_id == user_id,
            ApiToken.kind == TokenKind.SESSION,
            ApiToken.revoked_at.is_(None),
        )
    ).all()
    now = utcnow()
    ended = 0
    for token in live:
        if token.expires_at is None or token.expires_at > now:
            ended += 1
        do_revoke_token(session, token, actor)
    return ended


def csrf_token(session_secret: str) -> str:
    """The CSRF token of the session whose cookie holds ``session_secret``."""
    mac = hmac.new(derive_key(Purpose.CSRF), session_secret.encode(), hashlib.sha256)
    return mac.hexdigest()[:40]


def check_csrf(session_secret: str, presented: str | None) -> bool:
    return presented is not None and hmac.compare_digest(csrf_token(session_secret), presented)


PENDING_SECONDS = 300


def pending_sign_in(user_id: int, binding: str, now: float) -> str:
    """Proof, for the code step, that this browser (``binding``: its sign-in form cookie) gave
    the right password for ``user_id`` in the last few minutes."""
    expires = int(now) + PENDING_SECONDS
    return f"{user_id}.{expires}.{_pending_mac(user_id, expires, binding)}"


def read_pending_sign_in(token: str, binding: str, now: float) -> int | None:
    """The user id a live, untampered pending token names for this browser, or None."""
    try:
        user_id, expires, mac = token.split(".")
        uid, until = int(user_id), int(expires)
    except ValueError:
        return None
    if until < now or not hmac.compare_digest(mac, _pending_mac(uid, until, binding)):
        return None
    return uid


def _pending_mac(user_id: int, expires: int, binding: str) -> str:
    message = f"{user_id}.{expires}.{binding}".encode()
    return hmac.new(derive_key(Purpose.SIGN_IN_PENDING), message, hashlib.sha256).hexdigest()
