"""One use per provider webhook signature: a signed (timestamp, token) pair is remembered
until its timestamp leaves the validity window, so a captured request cannot be posted again
with another body. Rows are pruned as new ones arrive; the table stays as small as the
traffic of one window."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from minidesk.channels.email.models import EmailWebhookToken
from minidesk.db import Database, utcnow


def _digest(provider: str, token: str) -> str:
    return hashlib.sha256(f"{provider}\0{token}".encode("utf-8", "surrogateescape")).hexdigest()


def do_claim_token(db: Database, provider: str, token: str, expires_at: dt.datetime) -> bool:
    """Record ``token`` as used until ``expires_at``; False if it was used before."""
    try:
        with db.transaction() as session:
            expired = EmailWebhookToken.expires_at < utcnow()
            session.execute(delete(EmailWebhookToken).where(expired))
            session.add(EmailWebhookToken(digest=_digest(provider, token), expires_at=expires_at))
    except IntegrityError:
        return False
    return True


def do_release_token(db: Database, provider: str, token: str) -> None:
    """Forget a claimed token whose request could not be stored, so the provider's retry of
    the very same request is taken (best effort: the storage may be what failed)."""
    with contextlib.suppress(Exception), db.transaction() as session:
        session.execute(
            delete(EmailWebhookToken).where(EmailWebhookToken.digest == _digest(provider, token))
        )
