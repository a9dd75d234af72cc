"""The TOTP second factor (RFC 6238: 30-second steps, 6 digits, an authenticator app).

Set-up stores a new secret, encrypted, and it counts only once the user proves their app has
it with a code. A code is accepted one step early or late (clock drift), never twice: the
last accepted step is kept, so a code read over someone's shoulder is spent.
"""

from __future__ import annotations

import datetime as dt
import hmac

import pyotp
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.desk.models import User
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit
from minidesk.keys import decrypt, encrypt

ISSUER = "minidesk"
DRIFT_STEPS = 1


class TwoFactorError(ValueError):
    pass


def do_begin(session: Session, user: User) -> str:
    """A new secret for ``user``'s app (base32, to type in or scan); replaces one not yet
    confirmed. Refused while a confirmed one is on: turn it off first."""
    if user.two_factor:
        raise TwoFactorError("two-factor sign-in is already on; turn it off to set it up anew")
    secret = pyotp.random_base32()
    user.totp_secret_encrypted = encrypt(secret)
    user.totp_last_step = None
    return secret


def provisioning_uri(user: User, secret: str, workspace: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from a QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=workspace or ISSUER)


def pending_secret(user: User) -> str | None:
    if user.totp_secret_encrypted is None or user.two_factor:
        return None
    return decrypt(user.totp_secret_encrypted)


def do_enable(session: Session, user: User, code: str, actor: Actor) -> None:
    if user.two_factor:
        raise TwoFactorError("two-factor sign-in is already on")
    if user.totp_secret_encrypted is None:
        raise TwoFactorError("set-up has not begun")
    if not check_code(user, code):
        raise TwoFactorError("that code is not the one the app shows now; try the next one")
    user.totp_enabled_at = utcnow()
    emit(session, EventKind.USER_TWO_FACTOR_ENABLED, actor, user_id=user.id)


def do_disable(session: Session, user: User, code: str, actor: Actor) -> None:
    """Turning it off takes a current code: a stolen session alone cannot."""
    if not user.two_factor:
        raise TwoFactorError("two-factor sign-in is not on")
    if not check_code(user, code):
        raise TwoFactorError("that code is not the one the app shows now")
    user.totp_secret_encrypted = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    emit(session, EventKind.USER_TWO_FACTOR_DISABLED, actor, user_id=user.id)


def check_code(user: User, code: str, now: dt.datetime | None = None) -> bool:
    """Whether ``code`` is the user's current code (within the drift) and unused; marks its
    step used (the caller's transaction keeps that)."""
    if user.totp_secret_encrypted is None:
        return False
    code = "".join(code.split())
    totp = pyotp.TOTP(decrypt(user.totp_secret_encrypted))
    moment = now or utcnow()
    step = totp.timecode(moment)
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        expected = totp.generate_otp(candidate)
        if hmac.compare_digest(expected, code):
            if user.totp_last_step is not None and candidate <= user.totp_last_step:
                return False  # spent
            user.totp_last_step = candidate
            return True
    return False
