"""The channel of a ticket's latest customer message, which a reply leaves on.

Every bot reply and hand-off asks, twice (to render the template for the channel, then to
send it); each ask was a query and, worse, an autoflush of everything the listeners had
changed so far. Inside a dispatch batch the first ask reads the answer for every ticket of
the batch in one query, kept for the transaction (``minidesk.memo``, forgotten on any
rollback). Only a customer's message changes the answer, and it is recorded in the
pipeline's transaction, not a listener's; a new inbound row flushed in this transaction
forgets the memo all the same.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, object_session

from minidesk import events, memo
from minidesk.desk.models import Direction, Message

Channel = tuple[str, int | None]
_MEMO = "desk.last_inbound"


def last_inbound(session: Session, ticket_id: int) -> Channel | None:
    """(channel, channel_id) of the ticket's latest inbound message; None without one."""
    batch = events.batch(session)
    if not batch:
        return _read(session, [ticket_id]).get(ticket_id)
    memos = memo.peek(session)
    held: tuple[list[events.Event], dict[int, Channel | None]] | None = (
        memos.get(_MEMO) if memos is not None else None
    )
    if held is None or held[0] is not batch:
        held = (batch, {})
        memo.put(session, _MEMO, held)
    known = held[1]
    if ticket_id not in known:
        wanted = {e.ticket_id for e in batch if e.ticket_id is not None} - known.keys()
        wanted.add(ticket_id)
        found = _read(session, sorted(wanted))
        known.update({t: found.get(t) for t in wanted})
    return known[ticket_id]


def _read(session: Session, ticket_ids: list[int]) -> dict[int, Channel]:
    latest = (
        select(func.max(Message.id))
        .where(Message.ticket_id.in_(ticket_ids), Message.direction == Direction.INBOUND)
        .group_by(Message.ticket_id)
    )
    rows = session.execute(
        select(Message.ticket_id, Message.channel, Message.channel_id).where(Message.id.in_(latest))
    ).all()
    return {row[0]: (row[1], row[2]) for row in rows}


def inbound_written(session: Session) -> None:
    """Forget the memo: ``session`` inserted a customer's message (the pipeline's Core
    insert says so itself; a ``Message`` object's insert is noticed below)."""
    memo.forget(session, _MEMO)


def _inbound_written(_mapper: Any, _connection: Any, message: Message) -> None:
    if message.direction == Direction.INBOUND and (session := object_session(message)):
        inbound_written(session)


event.listen(Message, "after_insert", _inbound_written)
