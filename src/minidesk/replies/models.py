"""The template table: one row per template key, its declared tokens and its variants."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class ReplyTemplate(Base):
    """``variants`` maps a variant name (A, B …) to channel → ``{subject, body, cta}``;
    the ``default`` channel is used where a channel has no body of its own."""

    __tablename__ = "reply_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    tokens: Mapped[list[Any]] = mapped_column(default=list)
    variants: Mapped[dict[str, Any]] = mapped_column(default=dict)
    enabled: Mapped[bool] = mapped_column(default=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
