"""How long webhook history is kept: delivery attempts, and the delivered or dead outbox rows
behind them, go after ``MINIDESK_WEBHOOK_HISTORY_DAYS``. Parked and pending rows stay however
old they are: they are deliveries still owed, not history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select

from minidesk import outbox
from minidesk.db import get_db
from minidesk.settings import get_settings
from minidesk.webhooks.models import WebhookAttempt
from minidesk.webhooks.subscriptions import OUTBOX_KIND

# Rows per statement: a long-idle desk catches up over several sweeps, never in one huge
# transaction that would hold the SQLite writer lock.
BATCH = 2000
FINISHED = (outbox.OutboxStatus.SENT, outbox.OutboxStatus.DEAD)


def prune_history(now: dt.datetime) -> int:
    """Delete one batch of each kind of expired history; how many rows went."""
    cutoff = now - dt.timedelta(days=get_settings().webhook_history_days)
    with get_db().transaction() as session:
        attempts = list(
            session.scalars(
                select(WebhookAttempt.id).where(WebhookAttempt.created_at < cutoff).limit(BATCH)
            )
        )
        rows = list(
            session.scalars(
                select(outbox.OutboxItem.id)
                .where(
                    outbox.OutboxItem.channel == OUTBOX_KIND,
                    outbox.OutboxItem.status.in_(FINISHED),
                    outbox.OutboxItem.created_at < cutoff,
                )
                .limit(BATCH)
            )
        )
        if attempts:
            session.execute(delete(WebhookAttempt).where(WebhookAttempt.id.in_(attempts)))
        if rows:
            session.execute(delete(outbox.OutboxItem).where(outbox.OutboxItem.id.in_(rows)))
    return len(attempts) + len(rows)
