"""The admin's queues of things that went wrong: inbound rows that failed or were quarantined,
and outgoing deliveries that gave up (dead letters). Listing, retrying and discarding them,
each change audited; the API and the workspace's admin pages both call these."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from minidesk import inbox, outbox
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit

SHOWN = 100  # newest first; older problems are still there once these are dealt with
PROBLEM_STATUSES = (inbox.InboxStatus.FAILED, inbox.InboxStatus.QUARANTINED)


def problem_inbox(session: Session, limit: int = SHOWN) -> list[inbox.InboxItem]:
    """Inbound messages that failed processing or were quarantined, newest first."""
    return list(
        session.scalars(
            select(inbox.InboxItem)
            .where(inbox.InboxItem.status.in_(PROBLEM_STATUSES))
            .order_by(inbox.InboxItem.id.desc())
            .limit(limit)
        )
    )


def dead_letters(session: Session, limit: int = SHOWN) -> list[outbox.OutboxItem]:
    return list(
        session.scalars(
            select(outbox.OutboxItem)
            .where(outbox.OutboxItem.status == outbox.OutboxStatus.DEAD)
            .order_by(outbox.OutboxItem.id.desc())
            .limit(limit)
        )
    )


def do_retry_inbox(session: Session, inbox_id: int, actor: Actor) -> bool:
    """Release a quarantined row or retry a failed one; False if it is neither."""
    if not inbox.retry(session, inbox_id):
        return False
    emit(session, EventKind.INBOX_RETRIED, actor, inbox_id=inbox_id)
    return True


def do_discard_inbox(session: Session, inbox_id: int, actor: Actor) -> bool:
    """Delete a quarantined or failed row (spam, a message nobody should answer); False if it
    is neither. The row goes, not just its status: it holds the message's text, and the
    channel's (channel, external id) key is freed, so the sender's next delivery of it is
    taken in (and judged) afresh."""
    gone = session.execute(
        delete(inbox.InboxItem).where(
            inbox.InboxItem.id == inbox_id, inbox.InboxItem.status.in_(PROBLEM_STATUSES)
        )
    )
    if gone.rowcount != 1:  # type: ignore[attr-defined]
        return False
    emit(session, EventKind.INBOX_DISCARDED, actor, inbox_id=inbox_id)
    return True


def do_replay_dead_letter(session: Session, outbox_id: int, actor: Actor) -> bool:
    """Send a dead letter again (after fixing the cause); False if it is not one."""
    if not outbox.replay(session, outbox_id):
        return False
    emit(session, EventKind.DELIVERY_REPLAYED, actor, outbox_id=outbox_id)
    return True
