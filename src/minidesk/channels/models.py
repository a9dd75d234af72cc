"""The ``channels`` table: one row per mailbox, API integration, phone number or chat widget.

What every channel shares (name, team, business hours, enabled) is a column; what one kind
needs is its typed settings (``settings``, validated by the kind's model) and its secrets,
stored as one Fernet token (``secrets_encrypted``) and never read back out through the API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class Channel(Base):
    __tablename__ = "channels"
    # ``key`` names the instances the desk creates on its own (an API integration's row,
    # the workspace's personal-token row), so two processes creating one at once make one.
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    key: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200), default="")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    # Inline weekly hours and holidays (``channels.hours.BusinessHours``); None: always open.
    business_hours: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    secrets_encrypted: Mapped[str | None] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
