"""Webhook subscriptions, the admin's side: create, change, delete, rotate the secret, ping.

A subscription's secret is generated here, stored encrypted and returned to the caller once
(on create, on rotation, and when the URL moves to a new receiver: the old secret never
follows the URL). Re-enabling a subscription closes its breaker and sends the deliveries that
waited (parked) while it was failing.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, delete, select
from sqlalchemy.orm import Session

from minidesk import keys, outbox
from minidesk.desk.access import NotFound
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.event_kinds import EventKind
from minidesk.events import emit
from minidesk.webhooks.checks import WebhookUrlError, check_may_set_webhook, check_webhook_url
from minidesk.webhooks.models import SubscriptionState, WebhookSubscription
from minidesk.webhooks.patterns import PatternError, check_patterns
from minidesk.webhooks.signing import new_secret

# The outbox kind of every webhook POST (subscriptions' and rules'): not a customer channel.
OUTBOX_KIND = "webhook"
EDITABLE = ("url", "events", "description", "enabled")


def access_subscription(session: Session, webhook_id: int) -> WebhookSubscription:
    subscription = session.get(WebhookSubscription, webhook_id)
    if subscription is None:
        raise NotFound(f"no webhook subscription {webhook_id}")
    return subscription


def for_subscription(webhook_id: int | SQLColumnExpression[int]) -> ColumnElement[bool]:
    """Outbox rows addressed to subscription ``webhook_id`` (an id, or a column to join on)."""
    recipient = outbox.OutboxItem.payload[("recipient", "subscription_id")].as_integer()
    return (outbox.OutboxItem.channel == OUTBOX_KIND) & (recipient == webhook_id)


def queued_rows(session: Session, webhook_id: int, statuses: Collection[str]) -> list[int]:
    return list(
        session.scalars(
            select(outbox.OutboxItem.id)
            .where(outbox.OutboxItem.status.in_(list(statuses)), for_subscription(webhook_id))
            .order_by(outbox.OutboxItem.id)
        )
    )


class InvalidSubscription(ValueError):
    """Every refused field at once, each as ``(field, message, slug)``: a client fixing the
    URL should not learn only then that an event pattern is misspelt too."""

    def __init__(self, errors: list[tuple[str, str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message, _ in errors))
        self.errors = errors


def check_fields(changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` with the URL and event patterns (those present) checked and normalised;
    ``InvalidSubscription`` naming each that is refused."""
    checked, errors = dict(changes), []
    if "url" in changes:
        try:
            checked["url"] = check_webhook_url(changes["url"])
        except WebhookUrlError as exc:
            errors.append(("url", str(exc), "webhook-url-refused"))
    if "events" in changes:
        try:
            checked["events"] = check_patterns(changes["events"])
        except PatternError as exc:
            errors.append(("events", str(exc), "invalid-event-kind"))
    if errors:
        raise InvalidSubscription(errors)
    return checked


def do_create_subscription(
    session: Session,
    user: User,
    *,
    url: str,
    events: list[str],
    description: str = "",
    enabled: bool = True,
) -> tuple[WebhookSubscription, str]:
    """A new subscription and its secret (the caller shows it once). Raises ``Forbidden`` or
    ``InvalidSubscription``."""
    check_may_set_webhook(user)
    checked = check_fields({"url": url, "events": events})
    url, events = checked["url"], checked["events"]
    secret = new_secret()
    subscription = WebhookSubscription(
        url=url,
        events=events,
        description=description,
        enabled=enabled,
        secret_encrypted=keys.encrypt(secret),
        created_by_id=user.id,
    )
    session.add(subscription)
    session.flush()
    emit(
        session,
        EventKind.WEBHOOK_CREATED,
        actor_of(user),
        webhook_id=subscription.id,
        url=url,
        events=events,
        enabled=enabled,
    )
    return subscription, secret


def do_update_subscription(
    session: Session, user: User, subscription: WebhookSubscription, changes: dict[str, Any]
) -> str | None:
    """Apply ``changes`` (fields of ``EDITABLE``); returns the new secret when the URL moved
    to another receiver. ``enabled: true`` on a failing subscription re-enables it."""
    check_may_set_webhook(user)
    changes = {name: value for name, value in changes.items() if name in EDITABLE}
    changes = check_fields(changes)
    reenable = changes.get("enabled") is True and subscription.state != SubscriptionState.ACTIVE
    before = {name: getattr(subscription, name) for name in changes}
    changed = {name: value for name, value in changes.items() if before[name] != value}
    secret = new_secret() if changed.get("url") else None
    for name, value in changed.items():
        setattr(subscription, name, value)
    if secret is not None:
        subscription.secret_encrypted = keys.encrypt(secret)
    if reenable:
        _close_breaker(session, subscription)
        changed.setdefault("enabled", True)
    if changed or secret is not None:
        emit(
            session,
            EventKind.WEBHOOK_UPDATED,
            actor_of(user),
            webhook_id=subscription.id,
            secret_rotated=secret is not None,
            before={name: before[name] for name in changed},
            after=changed,
        )
    return secret


def _close_breaker(session: Session, subscription: WebhookSubscription) -> None:
    subscription.failing_since = None
    subscription.consecutive_failures = 0
    session.flush()
    outbox.unpark(session, queued_rows(session, subscription.id, [outbox.OutboxStatus.PARKED]))


def do_delete_subscription(session: Session, user: User, subscription: WebhookSubscription) -> int:
    """Delete the subscription, its history and its deliveries still waiting; returns how
    many deliveries were dropped (dead letters stay for the admin's record)."""
    check_may_set_webhook(user)
    waiting = [outbox.OutboxStatus.PENDING, outbox.OutboxStatus.PARKED]
    dropped = queued_rows(session, subscription.id, waiting)
    if dropped:
        session.execute(
            delete(outbox.OutboxItem)
            .where(outbox.OutboxItem.id.in_(dropped))
            .execution_options(synchronize_session=False)
        )
    emit(
        session,
        EventKind.WEBHOOK_DELETED,
        actor_of(user),
        webhook_id=subscription.id,
        url=subscription.url,
        dropped=len(dropped),
    )
    session.delete(subscription)
    return len(dropped)


def do_rotate_secret(session: Session, user: User, subscription: WebhookSubscription) -> str:
    """A fresh secret; the old one stops verifying at once (deliveries already queued are
    signed when sent, so with the new one)."""
    check_may_set_webhook(user)
    secret = new_secret()
    subscription.secret_encrypted = keys.encrypt(secret)
    emit(session, EventKind.WEBHOOK_SECRET_ROTATED, actor_of(user), webhook_id=subscription.id)
    return secret


def do_ping(session: Session, user: User, subscription: WebhookSubscription) -> None:
    """Queue a ``webhook.pinged`` delivery to this subscription only (whatever its state)."""
    check_may_set_webhook(user)
    emit(session, EventKind.WEBHOOK_PINGED, actor_of(user), webhook_id=subscription.id)
