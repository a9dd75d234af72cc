"""The event row itself, who causes events, and reading the log back (timelines, and the
events still waiting for their listeners)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, ForeignKey, Index, String, and_, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from minidesk.db import Base, utcnow

if TYPE_CHECKING:
    from minidesk.desk.models import Message


class ActorType(StrEnum):
    USER = "user"
    CUSTOMER = "customer"
    SYSTEM = "system"
    AUTOMATION = "automation"


@dataclass(frozen=True)
class Actor:
    """Who caused a change. Automation actors mark their events so listeners skip them."""

    type: ActorType
    id: int | None = None
    name: str = ""

    @property
    def automated(self) -> bool:
        return self.type in (ActorType.AUTOMATION, ActorType.SYSTEM)


SYSTEM = Actor(ActorType.SYSTEM, name="system")


# A partial index's condition, written out: a query uses the index only when it states the
# same condition with the value inline (a bound parameter does not match it).
STATUS_CHANGES = "kind = 'ticket.status_changed'"


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_ticket", "ticket_id", "id"),
        Index("ix_events_customer", "customer_id", "id"),
        Index("ix_events_undispatched", "dispatched_at", "id"),
        # The tickets whose status changed after a moment (the backlog at a past moment):
        # only status changes, a fifth of a desk's events, in time order.
        Index(
            "ix_events_status_changes",
            "created_at",
            "ticket_id",
            postgresql_where=text(STATUS_CHANGES),
            sqlite_where=text(STATUS_CHANGES),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None]
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    automated: Mapped[bool] = mapped_column(default=False)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The only column ever updated: set once, when the event has been handed to its listeners.
    dispatched_at: Mapped[dt.datetime | None]
    # Never loaded: it tells the flush that a message goes in before the events about it.
    # A reply's id is chosen before its row is flushed (``batch_ids.ensure_id``), so both
    # can be in one flush, and SQLite checks the foreign key at once.
    message: Mapped[Message | None] = relationship(lazy="raise")


def of_kind_on_tickets(kind: str, ticket_ids: Sequence[int]) -> ColumnElement[bool]:
    """Events of ``kind`` on ``ticket_ids``, for the ticket index to find. Written as plain
    ``kind = ? AND ticket_id IN (…)``, SQLite (which keeps no statistics) plans it by the kind
    index and reads every event of that kind in the whole log; ``kind || ''`` is no indexed
    column, so only the ticket index is left to it (PostgreSQL's choice is the same)."""
    return and_(Event.ticket_id.in_(ticket_ids), Event.kind.concat("") == kind)


def changed(before: Any, after: Any) -> dict[str, Any]:
    return {"before": before, "after": after}


def undispatched(session: Session, older_than: dt.datetime, limit: int | None = 500) -> list[int]:
    rows = session.scalars(
        select(Event.id)
        .where(Event.dispatched_at.is_(None), Event.created_at < older_than)
        .order_by(Event.id)
        .limit(limit)
    )
    return list(rows)


def timeline(
    session: Session,
    *,
    ticket_id: int | None = None,
    customer_ids: list[int] | None = None,
    after_id: int = 0,
    limit: int = 100,
    visible: ColumnElement[bool] | None = None,
) -> list[Event]:
    """Events oldest first; ``visible`` narrows them to what the reader may see (see
    ``desk.access.visible_events``)."""
    query = select(Event).where(Event.id > after_id).order_by(Event.id).limit(limit)
    if visible is not None:
        query = query.where(visible)
    if ticket_id is not None:
        query = query.where(Event.ticket_id == ticket_id)
    if customer_ids is not None:
        query = query.where(Event.customer_id.in_(customer_ids))
    return list(session.scalars(query))
