"""API tokens: personal ones that expire, integration ones that vouch for customers.

Only a token's SHA-256 is stored; the secret is shown once, at creation. A personal token
acts for its user and lives ``MINIDESK_TOKEN_LIFETIME_DAYS`` unless asked otherwise. An
integration token is a named API client created by an admin (the shop's app, a chat
backend): its inbound messages arrive with a verified sender, and its external ids and
thread keys live in a namespace of their own. Both kinds can be rotated (a successor is
issued and the old one revoked in one transaction) and revoked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from enum import StrEnum
from typing import Final, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.channels.service import ensure_api_channel
from minidesk.db import utcnow
from minidesk.desk.models import ApiToken, TokenKind, User
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit
from minidesk.settings import get_settings

TOKEN_PREFIX = "mdk_"
# Integration names become part of every key their messages are deduplicated and threaded
# by, so they are short and plain.
INTEGRATION_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")
DEFAULT: Final = "default"
Lifetime = dt.timedelta | None | Literal["default"]


class TokenError(ValueError):
    """A token cannot be created, rotated or revoked as asked."""


class Rejection(StrEnum):
    """Why a presented token does not authenticate; each answers with its own problem type."""

    INVALID = "invalid-token"  # unknown, revoked, or its user is deactivated
    EXPIRED = "token-expired"


class TokenRejected(Exception):
    def __init__(self, reason: Rejection) -> None:
        super().__init__(reason.value)
        self.reason = reason


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_integration_name(name: str) -> str:
    name = name.strip().lower()
    if not INTEGRATION_NAME.fullmatch(name):
        raise TokenError(
            f"integration name {name!r}: 1-40 of a-z, 0-9, '.', '_', '-', starting alphanumeric"
        )
    return name


def _expiry(kind: TokenKind, lifetime: Lifetime, now: dt.datetime) -> dt.datetime | None:
    if lifetime == DEFAULT:
        if kind == TokenKind.INTEGRATION:
            return None  # long-lived by design; revoked or rotated, never timed out
        if kind == TokenKind.SESSION:
            return now + dt.timedelta(hours=get_settings().session_hours)
        return now + dt.timedelta(days=get_settings().token_lifetime_days)
    if lifetime is None:
        return None
    assert isinstance(lifetime, dt.timedelta)
    if lifetime <= dt.timedelta(0):
        raise TokenError("a token's lifetime must be positive")
    return now + lifetime


def do_create_token(
    session: Session,
    user: User,
    actor: Actor,
    name: str = "",
    *,
    integration: str | None = None,
    lifetime: Lifetime = DEFAULT,
    browser: bool = False,
) -> tuple[ApiToken, str]:
    """Create a token for ``user``: personal, a ``browser`` sign-in's session, or for the API
    client ``integration`` (callers let only admins do that). Returns the row and the secret,
    which is never stored."""
    if not user.active:
        raise TokenError(f"{user.email} is deactivated")
    if browser and integration is not None:
        raise TokenError("a browser session acts for a person, not an integration")
    kind = (
        TokenKind.INTEGRATION
        if integration is not None
        else TokenKind.SESSION if browser else TokenKind.PERSONAL
    )
    if integration is not None:
        integration = check_integration_name(integration)
    now = utcnow()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name or (integration or ""),
        token_hash=_digest(secret),
        kind=kind,
        integration=integration,
        created_at=now,
        expires_at=_expiry(kind, lifetime, now),
    )
    session.add(token)
    session.flush()
    if integration is not None:
        # The integration's API channel exists from the start, so an admin can set its team
        # and hours before its first message.
        ensure_api_channel(session, integration)
    emit(
        session,
        EventKind.TOKEN_CREATED,
        actor,
        user_id=user.id,
        token_id=token.id,
        name=token.name,
        token_kind=kind,
        integration=integration,
        expires_at=token.expires_at.isoformat() if token.expires_at else None,
    )
    return token, secret


def do_revoke_token(session: Session, token: ApiToken, actor: Actor) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        emit(session, EventKind.TOKEN_REVOKED, actor, user_id=token.user_id, token_id=token.id)


def do_rotate_token(session: Session, token: ApiToken, actor: Actor) -> tuple[ApiToken, str]:
    """Issue ``token``'s successor (same user, name, kind, integration and lifetime) and
    revoke ``token``, in the caller's transaction: a client never holds two live tokens
    from one rotation, nor none. Rotating a token twice is refused the second time."""
    # Locked and read afresh: a rotation racing this one has revoked it by the time the
    # lock is ours, and the copy the session loaded before would not say so.
    locked = session.scalars(
        select(ApiToken)
        .where(ApiToken.id == token.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if locked.revoked_at is not None:
        raise TokenError(f"token {token.id} is revoked already")
    lifetime: Lifetime = None
    if locked.expires_at is not None:
        lifetime = locked.expires_at - locked.created_at
    successor, secret = do_create_token(
        session,
        locked.user,
        actor,
        locked.name,
        integration=locked.integration,
        lifetime=lifetime,
        browser=locked.kind == TokenKind.SESSION,
    )
    locked.revoked_at = utcnow()
    emit(
        session,
        EventKind.TOKEN_ROTATED,
        actor,
        user_id=locked.user_id,
        token_id=locked.id,
        successor_id=successor.id,
    )
    return successor, secret


def access_token(session: Session, secret: str, now: dt.datetime | None = None) -> ApiToken:
    """The live token ``secret`` names, with its active user; else ``TokenRejected``."""
    if not secret.startswith(TOKEN_PREFIX):
        raise TokenRejected(Rejection.INVALID)
    digest = _digest(secret)
    token = session.scalars(select(ApiToken).where(ApiToken.token_hash == digest)).first()
    # The lookup is by digest; compare again in constant time so timing says nothing.
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        raise TokenRejected(Rejection.INVALID)
    if token.revoked_at is not None or not token.user.active:
        raise TokenRejected(Rejection.INVALID)
    if is_expired(token.expires_at, now or utcnow()):
        raise TokenRejected(Rejection.EXPIRED)
    return token


def authenticate_token(session: Session, secret: str) -> User | None:
    """The active user behind a live token ``secret``, or None."""
    try:
        return access_token(session, secret).user
    except TokenRejected:
        return None


def is_expired(expires_at: dt.datetime | None, now: dt.datetime) -> bool:
    return expires_at is not None and expires_at <= now


def tokens_of(session: Session, user_id: int, *, kind: TokenKind | None = None) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
    if kind is not None:
        query = query.where(ApiToken.kind == kind)
    return list(session.scalars(query))


def integration_tokens(session: Session) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.kind == TokenKind.INTEGRATION).order_by(ApiToken.id)
    return list(session.scalars(query))
