"""Signing in with a password: throttled per account and per client address, and answered
alike whether or not the account exists.

Attempts are rows, so every web process (and machine) counts the same ones. Within a sliding
window (``MINIDESK_SIGN_IN_WINDOW_SECONDS``):

- an account takes ``MINIDESK_SIGN_IN_MAX_FAILURES_PER_ACCOUNT`` failures, from anywhere,
  counted since its last success; a guesser spread over many addresses still meets it;
- a client address takes ``MINIDESK_SIGN_IN_MAX_FAILURES_PER_IP`` failures, whatever the
  accounts; signing in to an account of one's own does not wipe them, so a sprayer cannot
  reset the count between guesses.

A throttled attempt is refused before the password is looked at and is not recorded, so it
does not extend the wait; the refusal names when to try again. Unknown and known accounts are
counted the same way, so throttling reveals nothing about which emails exist. Several attempts
arriving at the same instant may all pass the check before any is recorded: the limits bound a
guesser's rate, not an exact count.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import logging
import math
from enum import StrEnum

from sqlalchemy import ColumnElement, Index, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from minidesk.db import Base, utcnow
from minidesk.desk.models import User
from minidesk.desk.two_factor import check_code
from minidesk.desk.users import check_password
from minidesk.event_kinds import EventKind
from minidesk.events import SYSTEM, emit
from minidesk.settings import Settings

log = logging.getLogger(__name__)


class SignInAttempt(Base):
    """One password sign-in. Only a keyed digest of the account typed is kept: that field
    holds whatever people type, now and then their password."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        Index("ix_sign_in_attempts_account", "account", "created_at"),
        Index("ix_sign_in_attempts_ip", "ip", "created_at"),
        Index("ix_sign_in_attempts_created_at", "created_at"),  # pruning
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Scope(StrEnum):
    ACCOUNT = "account"
    ADDRESS = "address"


class SignInThrottled(Exception):
    def __init__(self, scope: Scope, retry_after: int) -> None:
        self.scope = scope
        self.retry_after = retry_after
        self.detail = f"too many failed sign-ins for this {scope}; try again in {retry_after} s"
        super().__init__(self.detail)


def account_key(settings: Settings, email: str) -> str:
    normalised = email.strip().lower().encode()
    return hmac.new(settings.secret, b"sign-in-attempts\0" + normalised, hashlib.sha256).hexdigest()


def address_key(host: str) -> str:
    """The client address attempts are counted under. One IPv6 host holds a whole /64 (and
    picks a new address in it at will), so IPv6 is counted per /64."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:64]  # not an IP (a test client, a unix socket): counted as given
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def check_not_throttled(
    session: Session, settings: Settings, account: str, ip: str, now: dt.datetime
) -> None:
    """Raise ``SignInThrottled`` while the account or the address has used up its failures."""
    since = now - settings.sign_in_window
    last_success = session.scalar(
        select(func.max(SignInAttempt.created_at)).where(
            SignInAttempt.account == account,
            SignInAttempt.succeeded,
            SignInAttempt.created_at > since,
        )
    )
    waits = {
        Scope.ACCOUNT: _wait(
            session,
            settings,
            SignInAttempt.account == account,
            max(since, last_success) if last_success else since,
            settings.sign_in_max_failures_per_account,
            now,
        ),
        Scope.ADDRESS: _wait(
            session,
            settings,
            SignInAttempt.ip == ip,
            since,
            settings.sign_in_max_failures_per_ip,
            now,
        ),
    }
    scope, wait = max(waits.items(), key=lambda item: item[1])
    if wait > 0:
        raise SignInThrottled(scope, max(1, math.ceil(wait)))


def _wait(
    session: Session,
    settings: Settings,
    who: ColumnElement[bool],
    since: dt.datetime,
    limit: int,
    now: dt.datetime,
) -> float:
    """Seconds until fewer than ``limit`` failures remain in the window: when the
    ``limit``-th most recent one leaves it (0 when there are fewer already)."""
    oldest_that_counts = session.scalar(
        select(SignInAttempt.created_at)
        .where(who, SignInAttempt.created_at > since, SignInAttempt.succeeded.is_(False))
        .order_by(SignInAttempt.created_at.desc())
        .offset(limit - 1)
        .limit(1)
    )
    if oldest_that_counts is None:
        return 0.0
    return (oldest_that_counts + settings.sign_in_window - now).total_seconds()


def access_by_password(
    session: Session, settings: Settings, email: str, password: str, ip: str
) -> User | None:
    """The active user with this email and password, or None; raises ``SignInThrottled``.

    Records the attempt in ``session`` (the caller commits it whatever the answer) and prunes
    attempts that have left the window. The failure that uses up a limit records an
    ``auth.sign_in_throttled`` event (once per limit reached, not per refused attempt, so an
    attack cannot flood the audit log).
    """
    now = utcnow()
    account, ip = account_key(settings, email), address_key(ip)
    check_not_throttled(session, settings, account, ip, now)
    user = session.scalars(select(User).where(User.email == email.strip().lower())).first()
    # check_password hashes even for no user, so an unknown email takes as long as a known one.
    known = user.id if user is not None else None
    if not check_password(user, password):
        user = None
    if user is not None and user.two_factor:
        # Half way: not a success yet, which would restart the account's failure count
        # for guessing the code; ``access_by_code`` records the outcome.
        pass
    else:
        session.add(
            SignInAttempt(account=account, ip=ip, succeeded=user is not None, created_at=now)
        )
    if user is None:
        _note_if_now_throttled(session, settings, account, ip, now, known)
    session.execute(
        delete(SignInAttempt).where(SignInAttempt.created_at <= now - settings.sign_in_window)
    )
    return user


def access_by_code(session: Session, settings: Settings, user: User, code: str, ip: str) -> bool:
    """The second step for a user with two-factor sign-in: whether ``code`` is right. Counted
    and throttled with the password attempts of the same account and address."""
    now = utcnow()
    account, ip = account_key(settings, user.email), address_key(ip)
    check_not_throttled(session, settings, account, ip, now)
    ok = user.active and check_code(user, code, now)
    session.add(SignInAttempt(account=account, ip=ip, succeeded=ok, created_at=now))
    if not ok:
        _note_if_now_throttled(session, settings, account, ip, now, user.id)
    return ok


def _note_if_now_throttled(
    session: Session,
    settings: Settings,
    account: str,
    ip: str,
    now: dt.datetime,
    user_id: int | None,
) -> None:
    session.flush()
    try:
        check_not_throttled(session, settings, account, ip, now)
    except SignInThrottled as exc:
        log.warning("sign-in throttled per %s (address %s)", exc.scope, ip)
        emit(
            session,
            EventKind.AUTH_SIGN_IN_THROTTLED,
            SYSTEM,
            scope=str(exc.scope),
            address=ip,
            user_id=user_id,  # None for an email no user has
            retry_after=exc.retry_after,
        )
