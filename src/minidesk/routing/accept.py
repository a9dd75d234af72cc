"""Accepting a routed ticket: its assignee opened it or acted on it, so it stays with them."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from minidesk import db
from minidesk.db import utcnow
from minidesk.routing.models import RoutedTicket


def do_accept(session: Session, ticket_id: int, user_id: int) -> bool:
    """Stop the re-route timer if ``user_id`` is the agent routing gave the ticket to; True
    when this call accepted it. Conditional, so a sweep that already claimed the ticket wins
    and the late acceptance changes nothing."""
    result = session.execute(
        update(RoutedTicket)
        .where(
            RoutedTicket.ticket_id == ticket_id,
            RoutedTicket.user_id == user_id,
            RoutedTicket.accepted_at.is_(None),
            RoutedTicket.accept_due_at.is_not(None),
        )
        .values(accepted_at=utcnow(), accept_due_at=None)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def accept_on_open(session: Session, ticket_id: int, user_id: int) -> None:
    """The workspace's ticket page calls this on a read session: when the page is the routed
    assignee opening their ticket, accept it in a short write transaction of its own (a page
    view writes nothing otherwise)."""
    routed = session.get(RoutedTicket, ticket_id)
    if routed is None or routed.user_id != user_id or routed.accept_due_at is None:
        return
    with db.get_db().transaction() as writer:
        do_accept(writer, ticket_id, user_id)
