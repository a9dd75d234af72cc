"""Routing's tables: each agent's profile, routing settings, and open assignments awaiting
acceptance."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class Presence(StrEnum):
    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"


class PresenceSource(StrEnum):
    # Set by the agent (or a lead) through the API: holds until changed.
    AGENT = "agent"
    # Implied by a connected workspace stream: holds while the stream renews it.
    STREAM = "stream"


class Strategy(StrEnum):
    ROUND_ROBIN = "round_robin"  # whoever was assigned least recently
    LEAST_LOADED = "least_loaded"  # whoever has the lowest share of their capacity in use


class AgentProfile(Base):
    """What an agent can take: skills, capacity per channel kind, and whether they are here.

    No row means no skills beyond the defaults, default capacity, and offline."""

    __tablename__ = "agent_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    # Empty lists mean "any": an agent without listed languages is not kept from any ticket.
    languages: Mapped[list[Any]] = mapped_column(default=list)
    product_lines: Mapped[list[Any]] = mapped_column(default=list)
    channels: Mapped[list[Any]] = mapped_column(default=list)
    # Channel kind -> tickets at once; kinds not listed use ``profiles.DEFAULT_CAPACITY``.
    capacity: Mapped[dict[str, Any]] = mapped_column(default=dict)
    presence: Mapped[str] = mapped_column(String(8), default=Presence.OFFLINE)
    presence_source: Mapped[str] = mapped_column(String(8), default=PresenceSource.AGENT)
    # A stream-implied "online" counts until then (renewed while the socket lives), so a
    # process that dies without saying goodbye does not keep its agents online for ever.
    stream_until: Mapped[dt.datetime | None]
    presence_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Round-robin's order: least recently assigned first.
    last_assigned_at: Mapped[dt.datetime | None]


class RoutingConfig(Base):
    """Routing settings: the workspace's row (``team_id`` null) and optional per-team rows
    that override it."""

    __tablename__ = "routing_configs"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), unique=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    strategy: Mapped[str] = mapped_column(String(16), default=Strategy.ROUND_ROBIN)
    # Minutes an assignee has to open or answer a routed ticket before it moves on.
    accept_minutes: Mapped[int] = mapped_column(default=10)
    # Intent or tag -> product line, the skill a ticket about it needs.
    product_lines: Mapped[dict[str, Any]] = mapped_column(default=dict)


class RoutedTicket(Base):
    """A ticket routing assigned, until its assignee accepts it (opens or answers it).

    ``accept_due_at`` is the re-route timer: the sweep claims due rows by clearing it with a
    conditional UPDATE, so two workers never re-route one ticket twice."""

    __tablename__ = "routed_tickets"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    accept_due_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    accepted_at: Mapped[dt.datetime | None]
    # Agents this ticket already went to without being accepted: not offered it again.
    passed_over: Mapped[list[Any]] = mapped_column(default=list)
