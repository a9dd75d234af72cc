"""A customer's webhook: the URL their replies are pushed to and the secret that signs them.

The secret is generated whenever the URL is set to a new receiver, stored encrypted, and
returned to the caller once; an admin can rotate it. Changing the URL never carries the old
secret to the new receiver.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from minidesk import keys
from minidesk.desk.models import Customer
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, changed, emit
from minidesk.webhooks.checks import check_webhook_url
from minidesk.webhooks.signing import new_secret


@dataclass(frozen=True)
class Endpoint:
    url: str
    secret: str | None  # None: set before per-customer secrets; rotate to get one


def do_set_customer_webhook(
    session: Session, customer: Customer, url: str | None, actor: Actor
) -> str | None:
    """Point ``customer``'s replies at ``url`` (None: keep them for polling). Returns the new
    signing secret when the receiver changed; the caller shows it once."""
    url = check_webhook_url(url) if url else None
    if url == customer.webhook_url:
        return None
    before = customer.webhook_url
    secret = new_secret() if url else None
    customer.webhook_url = url
    customer.webhook_secret_encrypted = keys.encrypt(secret) if secret else None
    emit(
        session,
        EventKind.CUSTOMER_WEBHOOK_CHANGED,
        actor,
        customer_id=customer.id,
        secret_rotated=secret is not None,
        **changed(before, url),
    )
    return secret


def do_rotate_customer_webhook_secret(session: Session, customer: Customer, actor: Actor) -> str:
    """A fresh secret for the customer's receiver; the old one stops verifying at once."""
    if not customer.webhook_url:
        raise ValueError(f"customer {customer.id} has no webhook URL")
    secret = new_secret()
    customer.webhook_secret_encrypted = keys.encrypt(secret)
    emit(session, EventKind.CUSTOMER_WEBHOOK_SECRET_ROTATED, actor, customer_id=customer.id)
    return secret


def customer_endpoint(session: Session, customer_id: int) -> Endpoint | None:
    """Where and how to push the customer's replies now (None: nothing to push to)."""
    customer = session.get(Customer, customer_id)
    if customer is None or not customer.webhook_url:
        return None
    stored = customer.webhook_secret_encrypted
    return Endpoint(customer.webhook_url, keys.decrypt(stored) if stored else None)
