"""A chat's lines as the widget sees them, read from the messages themselves.

There is no second copy of a conversation: a line is a message (inbound or outbound, never a
note) on a ticket pinned to the visitor's thread key, and its ``seq`` is the message id. The
widget remembers the highest ``seq`` it has shown; on reconnect the server replays from there.

Message ids are given out at insert and become visible at commit: on SQLite, whose writer is
single, that is the same order; on PostgreSQL two transactions can commit out of id order, so
a line with a lower id may appear just after the widget saw a higher one. Replay therefore
also sends the lines written within ``REORDER_WINDOW`` before the last one seen, and the widget
drops any ``seq`` it already shows: nothing is lost, nothing is shown twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from minidesk.desk.models import Direction, Message, TicketThread, User

REORDER_WINDOW = dt.timedelta(seconds=10)
HISTORY_LIMIT = 200
THREAD_PREFIX = "visitor:"
CHAT = "chat"


class Author:
    VISITOR = "visitor"
    AGENT = "agent"
    BOT = "bot"


@dataclass(frozen=True)
class Line:
    visitor_id: int
    ticket_id: int
    frame: dict[str, Any]


def _client_id(message: Message, visitor_id: int) -> str | None:
    prefix = f"{visitor_id}:"
    external = message.external_id or ""
    return external[len(prefix) :] if external.startswith(prefix) else None


def _frame(message: Message, visitor_id: int, names: dict[int, str]) -> dict[str, Any]:
    if message.direction == Direction.INBOUND:
        author, name = Author.VISITOR, ""
    elif message.author_id is None or message.automated:
        author, name = Author.BOT, ""
    else:
        # First name only: the visitor needs someone to talk to, not the agent's full name.
        author, name = Author.AGENT, names.get(message.author_id, "").split(" ")[0]
    frame = {
        "type": "message",
        "seq": message.id,
        "id": _client_id(message, visitor_id),
        "from": author,
        "name": name,
        "text": message.text,
        "at": message.created_at.isoformat(),
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in message.attachments
        ],
    }
    choices = (message.meta or {}).get("choices")
    if message.direction == Direction.OUTBOUND and isinstance(choices, dict):
        # Answers to tap (a survey's scores): the widget shows them as buttons under the line.
        frame["choices"] = {
            "label": str(choices.get("label") or ""),
            "options": [
                {"id": str(o["id"]), "title": str(o["title"])}
                for o in choices.get("options") or []
                if isinstance(o, dict) and o.get("id") and o.get("title")
            ],
            "comment": str(choices.get("comment") or ""),
        }
    return frame


def _lines(session: Session, query: Select[Message, str]) -> list[Line]:
    rows = session.execute(query.options(selectinload(Message.attachments))).all()
    authors = {m.author_id for m, _ in rows if m.author_id is not None}
    names: dict[int, str] = {}
    if authors:
        people = session.execute(select(User.id, User.name).where(User.id.in_(authors)))
        names = {user_id: name or "" for user_id, name in people}
    found = []
    for message, key in rows:
        visitor_id = int(key.removeprefix(THREAD_PREFIX))
        found.append(Line(visitor_id, message.ticket_id, _frame(message, visitor_id, names)))
    return found


def _base(chat_channel_ids: Collection[int] | None = None) -> Select[Message, str]:
    query = (
        select(Message, TicketThread.key)
        .join(
            TicketThread,
            (TicketThread.ticket_id == Message.ticket_id)
            & (TicketThread.channel_id == Message.channel_id),
        )
        .where(
            Message.channel == CHAT,
            TicketThread.key.startswith(THREAD_PREFIX),
            Message.direction.in_([Direction.INBOUND, Direction.OUTBOUND]),
        )
    )
    if chat_channel_ids is not None:
        query = query.where(Message.channel_id.in_(list(chat_channel_ids)))
    return query


def history(session: Session, channel_id: int, visitor_id: int, after: int) -> list[Line]:
    """The visitor's lines after ``after`` (0: the latest ``HISTORY_LIMIT``), oldest first."""
    query = _base([channel_id]).where(TicketThread.key == f"{THREAD_PREFIX}{visitor_id}")
    if after > 0:
        seen_at = session.scalars(select(Message.created_at).where(Message.id == after)).first()
        since = or_(Message.id > after)
        if seen_at is not None:
            # The line at ``after`` itself was seen for certain; earlier ones of the window
            # perhaps not (the widget drops those it shows already).
            window = (Message.created_at >= seen_at - REORDER_WINDOW) & (Message.id != after)
            since = or_(Message.id > after, window)
        query = query.where(since)
    newest = query.order_by(Message.id.desc()).limit(HISTORY_LIMIT)
    return sorted(_lines(session, newest), key=lambda line: int(line.frame["seq"]))


def by_ids(session: Session, message_ids: Collection[int]) -> list[Line]:
    """The chat lines among ``message_ids`` (others, of other channels, are left out)."""
    if not message_ids:
        return []
    return _lines(session, _base().where(Message.id.in_(list(message_ids))).order_by(Message.id))


def tickets_of(session: Session, channel_id: int, visitor_id: int) -> set[int]:
    return set(
        session.scalars(
            select(TicketThread.ticket_id).where(
                TicketThread.channel_id == channel_id,
                TicketThread.key == f"{THREAD_PREFIX}{visitor_id}",
            )
        )
    )
