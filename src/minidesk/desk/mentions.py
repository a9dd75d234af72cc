"""@mentions in internal notes: ``@leo`` names the active user whose email starts ``leo@`` (or
whose first name is Leo); each mentioned person gets a ``note.mentioned`` event, which the
realtime stream carries to the screens following the ticket."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.desk.models import Message, Ticket, User
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit

# After a space or the start, so "mail@leo.example" in a note mentions nobody.
MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9][\w.+-]{0,63})")
MAX_MENTIONS = 20  # a note is not a broadcast


def handle_of(user: User) -> str:
    return user.email.split("@", 1)[0].lower()


def find_mentions(session: Session, text: str) -> list[User]:
    """Active users named in ``text``, each once, in the order first named."""
    wanted = [m.rstrip(".").lower() for m in MENTION.findall(text)][:MAX_MENTIONS]
    if not wanted:
        return []
    users = session.scalars(select(User).where(User.active.is_(True))).all()
    by_handle: dict[str, User] = {}
    for user in users:
        first = (user.name or "").split(" ")[0].lower()
        for name in (handle_of(user), first):
            if name:
                by_handle.setdefault(name, user)
    found: dict[int, User] = {}
    for name in wanted:
        named = by_handle.get(name)
        if named is not None:
            found.setdefault(named.id, named)
    return list(found.values())


def do_notify_mentioned(
    session: Session, ticket: Ticket, note: Message, users: list[User], actor: Actor
) -> None:
    if not users:
        return
    emit(
        session,
        EventKind.NOTE_MENTIONED,
        actor,
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        message_id=note.id,
        user_ids=[u.id for u in users],
        names=[u.name or u.email for u in users],
    )
