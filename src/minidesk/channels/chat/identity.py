"""Who a chat visitor is: their browser's token, and what the shop's site vouches for.

A visitor starts anonymous: the widget gets a random token (kept in the browser's
localStorage, stored here only as its SHA-256) that brings their conversation back on reload.
An email typed into the pre-chat form is only a way to reply: it attaches the chat to nobody.
The shop's site, where the customer is signed in, vouches for them as Intercom's identity
verification does: its server computes ``user_hash = HMAC-SHA256(secret, user_id or email)``
with the channel's ``identity_secret`` and the page passes both to the widget. Only then is the
chat matched (and merged) with the known customer, and may the bot act on their orders.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from minidesk.channels import secrets as channel_secrets
from minidesk.channels.base import Sender
from minidesk.channels.chat.models import ChatVisitor
from minidesk.channels.models import Channel
from minidesk.db import get_db, utcnow
from minidesk.desk.customers import do_merge, sender_identities, surviving
from minidesk.desk.models import Customer, CustomerIdentity, IdentityKind
from minidesk.events import Actor, ActorType

TOKEN_BYTES = 32


class IdentityRejected(ValueError):
    """The signature does not match (or the channel has no identity secret)."""


@dataclass(frozen=True)
class Claim:
    """What the page says about the visitor: typed, or signed by the shop."""

    name: str = ""
    email: str | None = None
    user_id: str | None = None
    user_hash: str | None = None


@dataclass(frozen=True)
class Visitor:
    id: int
    channel_id: int
    name: str
    email: str | None
    verified_email: str | None
    verified_user_id: str | None

    @property
    def verified(self) -> bool:
        return bool(self.verified_email or self.verified_user_id)

    @property
    def chat_id(self) -> str:
        return f"chat:{self.channel_id}:{self.id}"

    @property
    def thread_key(self) -> str:
        return f"visitor:{self.id}"

    def sender(self) -> Sender:
        """The sender the pipeline sees. An unverified email is left out: matching on it would
        attach a stranger's chat to that customer's tickets and orders."""
        return Sender(
            chat_id=self.chat_id,
            email=self.verified_email,
            external_id=self.verified_user_id,
            name=self.name,
            verified=self.verified,
        )


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def expected_hash(secret: str, identity: str) -> str:
    return hmac.new(secret.encode(), identity.encode(), hashlib.sha256).hexdigest()


def check_claim(channel: Channel, claim: Claim) -> tuple[str | None, str | None]:
    """The verified (email, user_id) of ``claim``; (None, None) when it signs nothing;
    ``IdentityRejected`` when it signs wrongly."""
    if claim.user_hash is None:
        return None, None
    secret = channel_secrets.unseal(channel.secrets_encrypted).get("identity_secret")
    if not secret:
        raise IdentityRejected("this chat does not verify identities (no identity secret set)")
    # The user id when the shop has one (an email can change), else the email.
    identity = claim.user_id or claim.email
    if not identity:
        raise IdentityRejected("user_hash signs user_id or email: give the one it signs")
    if not hmac.compare_digest(expected_hash(secret, identity), claim.user_hash.lower()):
        raise IdentityRejected("user_hash does not match: the identity is not verified")
    # With a user id the hash signs that alone: an email beside it stays as typed, unverified.
    if claim.user_id:
        return None, claim.user_id[:200]
    return (claim.email or "").strip().lower()[:320], None


def _signed(row: ChatVisitor) -> tuple[str | None, str | None]:
    return row.verified_email, row.verified_user_id


def _visitor(row: ChatVisitor) -> Visitor:
    return Visitor(
        row.id, row.channel_id, row.name, row.email, row.verified_email, row.verified_user_id
    )


def do_meet(
    session: Session, channel: Channel, token: str | None, claim: Claim
) -> tuple[Visitor, str | None]:
    """The visitor behind ``token`` on ``channel`` (a new one if the token is missing, unknown
    or another channel's) updated with ``claim``; and the new token to hand out, if any."""
    verified_email, verified_user_id = check_claim(channel, claim)
    row = None
    if token:
        row = session.scalars(
            select(ChatVisitor).where(
                ChatVisitor.token_hash == hash_token(token), ChatVisitor.channel_id == channel.id
            )
        ).first()
    signed = (verified_email, verified_user_id)
    if row is not None and row.verified and any(signed) and signed != _signed(row):
        # Another customer signed in on this browser: theirs is a conversation of its own,
        # never the previous customer's history (nor a merge of the two).
        row = None
    issued = None
    if row is None:
        issued = secrets.token_urlsafe(TOKEN_BYTES)
        row = ChatVisitor(channel_id=channel.id, token_hash=hash_token(issued), name="")
        session.add(row)
    if claim.name:
        row.name = claim.name.strip()[:200]
    if claim.email:
        row.email = claim.email.strip().lower()[:320]
    # An unsigned hello keeps what was verified before: the token already proves the browser.
    if verified_email or verified_user_id:
        row.verified_email, row.verified_user_id = verified_email, verified_user_id
    row.last_seen_at = utcnow()
    session.flush()
    visitor = _visitor(row)
    if verified_email or verified_user_id:
        _merge_with_known(session, visitor)
    return visitor, issued


def _merge_with_known(session: Session, visitor: Visitor) -> None:
    """An anonymous chat that has just been verified joins the known customer's history: the
    customer its first lines made is merged into the one the shop vouched for. (With no known
    customer yet, the pipeline attaches the verified identity to the chat's own customer.)"""
    sender = visitor.sender()
    owners: dict[str, int] = {}
    for kind, value in sender_identities(sender):
        owner = session.scalars(
            select(CustomerIdentity.customer_id).where(
                CustomerIdentity.kind == kind, CustomerIdentity.value == value
            )
        ).first()
        if owner is not None:
            owners[kind] = owner
    chat_owner = owners.pop(IdentityKind.CHAT, None)
    known_owner = next(iter(owners.values()), None)
    if chat_owner is None or known_owner is None:
        return
    source = surviving(session, session.get_one(Customer, chat_owner))
    target = surviving(session, session.get_one(Customer, known_owner))
    if source.id != target.id:
        actor = Actor(ActorType.SYSTEM, name="chat identity verification")
        do_merge(session, source, target, actor)


def do_mark_read(session: Session, visitor_id: int, seq: int) -> bool:
    """Raise the visitor's read mark to ``seq``; False when it was already there."""
    won = session.execute(
        update(ChatVisitor)
        .where(ChatVisitor.id == visitor_id, ChatVisitor.read_seq < seq)
        .values(read_seq=seq)
    )
    return won.rowcount == 1  # type: ignore[attr-defined]


def seen(visitor_ids: Collection[int], now: dt.datetime) -> None:
    """Mark visitors as seen ``now``: their sockets are, or just were, connected here (the
    chat abandonment sweep reads it: ``waits``)."""
    if not visitor_ids:
        return
    with get_db().transaction() as session:
        session.execute(
            update(ChatVisitor)
            .where(ChatVisitor.id.in_(sorted(visitor_ids)))
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)
        )
