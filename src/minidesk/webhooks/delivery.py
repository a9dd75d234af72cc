"""Events to subscriptions: the listener that queues one outbox row per subscription and
event, and the sender that POSTs it, keeps the history and trips the breaker.

The listener runs in the event's dispatch transaction (after the deciding commit, like every
listener) and writes outbox rows; the outbox's delivery job calls ``send`` outside any
transaction, with its back-off and dead letters. A rule's ``webhook`` action queues rows of
the same kind, so every webhook leaves through ``send`` and the one signed POST.

The breaker: each failed attempt adds one to the subscription's count of failures in a row, a
success resets it. At ``MINIDESK_WEBHOOK_FAILURE_THRESHOLD`` the subscription is *failing*
(``webhook.failing`` is emitted once): its rows are parked instead of sent, new ones are
queued parked, and an admin's re-enable sends them all.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from minidesk import hints, keys, memo, outbox
from minidesk.channels.base import DeliveryError, DeliveryResult, OutboundMessage
from minidesk.db import get_db, on_commit, utcnow
from minidesk.event_kinds import EventKind
from minidesk.events import ALL, SYSTEM, Event, emit, listen
from minidesk.settings import get_settings
from minidesk.webhooks.models import (
    AttemptStatus,
    SubscriptionState,
    WebhookAttempt,
    WebhookSubscription,
)
from minidesk.webhooks.patterns import matches
from minidesk.webhooks.signing import Attempt, post_signed, rule_secret
from minidesk.webhooks.subscriptions import OUTBOX_KIND, for_subscription

# About outbox rows: a webhook's own failures reach admins through the delivery history and
# ``webhook.failing``, never as deliveries (a failing receiver would feed itself).
ABOUT_DELIVERIES = frozenset({EventKind.DELIVERY_FAILED, EventKind.DELIVERY_REPLAYED})


@dataclass(frozen=True)
class Target:
    id: int
    events: tuple[str, ...]
    failing: bool


def _targets(session: Session) -> list[Target]:
    """Enabled subscriptions, read once per dispatch transaction (a batch of events)."""

    def read() -> list[Target]:
        rows = session.scalars(
            select(WebhookSubscription).where(WebhookSubscription.enabled.is_(True))
        )
        return [Target(s.id, tuple(s.events), s.failing_since is not None) for s in rows]

    return memo.get(session, "webhooks.targets", read)


def envelope(event: Event) -> dict[str, Any]:
    """What a subscription receives: the event as the timeline records it."""
    return {
        "id": event.id,
        "type": event.kind,
        "created_at": event.created_at.isoformat(),
        "ticket_id": event.ticket_id,
        "customer_id": event.customer_id,
        "message_id": event.message_id,
        "actor": {"type": event.actor_type, "id": event.actor_id, "name": event.actor_name},
        "data": event.data,
    }


@listen(ALL, automated=True, transactional=True)
def queue_deliveries(session: Session, event: Event) -> None:
    """One outbox row per subscription that wants ``event`` (automation's events included:
    a receiver wants to hear of a ticket a rule closed)."""
    if event.kind == EventKind.WEBHOOK_PINGED:
        pinged = session.get(WebhookSubscription, event.data["webhook_id"])
        targets = [Target(pinged.id, (), failing=False)] if pinged is not None else []
    elif event.kind in ABOUT_DELIVERIES and _about_a_webhook(session, event):
        return
    else:
        targets = [t for t in _targets(session) if matches(t.events, event.kind)]
    if not targets:
        return
    body = json.dumps(envelope(event), separators=(",", ":"), default=str)
    ping = event.kind == EventKind.WEBHOOK_PINGED
    items = [
        outbox.OutboxItem(
            channel=OUTBOX_KIND,
            # Not on the ticket: a subscription's delivery failures are the admins' business.
            ticket_id=None,
            status=outbox.OutboxStatus.PARKED if target.failing else outbox.OutboxStatus.PENDING,
            last_error="the subscription is failing: parked" if target.failing else None,
            payload={
                "text": body,
                "recipient": {"subscription_id": target.id},
                "meta": {"event_id": event.id, "event_kind": event.kind, "ping": ping},
            },
        )
        for target in targets
    ]
    session.add_all(items)
    session.flush()
    due = [item.id for item in items if item.status == outbox.OutboxStatus.PENDING]
    if due:

        def wake() -> None:
            for item_id in due:
                hints.outbox_due(item_id)

        on_commit(session, wake)


def _about_a_webhook(session: Session, event: Event) -> bool:
    outbox_id = event.data.get("outbox_id")  # bounces report no outbox row
    item = session.get(outbox.OutboxItem, outbox_id) if outbox_id is not None else None
    return item is not None and item.channel == OUTBOX_KIND


def send(message: OutboundMessage) -> DeliveryResult:
    """The outbox's sender for webhook rows: a subscription's, or a rule's (``url``)."""
    subscription_id = message.recipient.get("subscription_id")
    if subscription_id is None:
        url = message.recipient["url"]
        return post_signed(url, message.text.encode(), rule_secret(url), message.outbox_id).result()
    return _send_to(int(subscription_id), message)


def _send_to(subscription_id: int, message: OutboundMessage) -> DeliveryResult:
    db = get_db()
    ping = bool(message.meta.get("ping"))
    with db.sessions() as session:
        subscription = session.get(WebhookSubscription, subscription_id)
        if subscription is None:
            raise DeliveryError(
                f"webhook subscription {subscription_id} was deleted", permanent=True
            )
        if not ping and (state := subscription.state) != SubscriptionState.ACTIVE:
            # An admin's test goes through anyway: it is how they learn the receiver is back.
            raise outbox.Parked(f"webhook subscription {subscription_id} is {state}: parked")
        url, stored = subscription.url, subscription.secret_encrypted
        attempt_number = session.get_one(outbox.OutboxItem, message.outbox_id).attempts
    try:
        secret = keys.decrypt(stored)
    except keys.CredentialError:
        raise DeliveryError(
            f"webhook subscription {subscription_id}'s secret cannot be decrypted "
            "(MINIDESK_SECRET_KEY changed since it was stored): an admin rotates it",
            permanent=True,
        ) from None
    attempt = post_signed(url, message.text.encode(), secret, message.outbox_id)
    with db.transaction() as session:
        _record(session, subscription_id, message, attempt, attempt_number)
    return attempt.result()


def _record(
    session: Session,
    subscription_id: int,
    message: OutboundMessage,
    attempt: Attempt,
    number: int,
) -> None:
    """The attempt in the history, and the breaker moved by its outcome."""
    session.add(
        WebhookAttempt(
            subscription_id=subscription_id,
            outbox_id=message.outbox_id,
            event_id=message.meta.get("event_id"),
            event_kind=message.meta.get("event_kind", ""),
            attempt=number,
            status=AttemptStatus.SUCCEEDED if attempt.ok else AttemptStatus.FAILED,
            http_status=attempt.http_status,
            latency_ms=attempt.latency_ms,
            error=attempt.error,
            response_body=attempt.response_body.decode("utf-8", "replace") or None,
        )
    )
    row = WebhookSubscription.id == subscription_id
    if attempt.ok:
        session.execute(update(WebhookSubscription).where(row).values(consecutive_failures=0))
        return
    session.execute(
        update(WebhookSubscription)
        .where(row)
        .values(consecutive_failures=WebhookSubscription.consecutive_failures + 1)
    )
    threshold = get_settings().webhook_failure_threshold
    # Conditional, so of many workers failing at once exactly one opens it and says so.
    opened = session.execute(
        update(WebhookSubscription)
        .where(
            row,
            WebhookSubscription.failing_since.is_(None),
            WebhookSubscription.consecutive_failures >= threshold,
        )
        .values(failing_since=utcnow())
    )
    if opened.rowcount == 1:  # type: ignore[attr-defined]
        subscription = session.get_one(WebhookSubscription, subscription_id)
        emit(
            session,
            EventKind.WEBHOOK_FAILING,
            SYSTEM,
            webhook_id=subscription_id,
            url=subscription.url,
            failures=subscription.consecutive_failures,
            error=attempt.error or "",
        )


def wake_parked(now: dt.datetime) -> int:
    """Send rows parked for subscriptions that are active again. Re-enabling wakes them at
    once; this catches a row a sender parked while the admin was re-enabling it."""
    active = WebhookSubscription.enabled.is_(True) & WebhookSubscription.failing_since.is_(None)
    with get_db().transaction() as session:
        parked = session.scalars(
            select(outbox.OutboxItem.id)
            .join(WebhookSubscription, for_subscription(WebhookSubscription.id))
            .where(outbox.OutboxItem.status == outbox.OutboxStatus.PARKED, active)
        )
        return outbox.unpark(session, list(parked))


outbox.register_sender(OUTBOX_KIND, send)
