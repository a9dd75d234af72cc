"""The ``saved_views`` table: a named set of inbox filters, personal or shared with a team."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class SavedView(Base):
    """Personal (``shared`` false: its owner's alone) or shared: with ``team_id``'s members,
    or with everyone when ``team_id`` is null. ``filters`` is ``Filters.as_data()``."""

    __tablename__ = "saved_views"
    # The sidebar asks "mine, and those shared with my teams or everyone" on every page.
    __table_args__ = (
        Index("ix_saved_views_owner", "owner_id"),
        Index("ix_saved_views_shared_team", "shared", "team_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    shared: Mapped[bool] = mapped_column(default=False)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    filters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
