"""The help widget's tables: which pages suggest which articles (page rules), which sites may
embed the widget, and what visitors did with it (for deflection)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class WidgetAction(StrEnum):
    """What a visitor did in the help widget (or the chat widget beside it)."""

    OPENED = "opened"  # read an article inline
    ANSWERED = "answered"  # pressed "This answered my question"
    CONTACTED = "contacted"  # went on to ask a person (started a chat, "Contact us")


class KbPageRule(Base):
    """A glob pattern of the shop's page URLs and what the widget suggests there: one article,
    or every published article of one category."""

    __tablename__ = "kb_page_rules"
    __table_args__ = (
        CheckConstraint("(article_id IS NULL) != (category_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "/checkout*" matches the page's path; "https://shop.example/*" the whole URL.
    pattern: Mapped[str] = mapped_column(String(500))
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("kb_articles.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("kb_categories.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)  # lower first when several rules match
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class KbWidget(Base):
    """The help widget's one settings row (absent: no site may embed it)."""

    __tablename__ = "kb_widget"

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    allowed_origins: Mapped[list[Any]] = mapped_column(JSON, default=list)


class KbWidgetEvent(Base):
    """One thing a visitor did. ``visit`` is a random key the widget keeps for the browser tab,
    so an article opened and a chat started later in the same visit can be told apart from an
    article that answered."""

    __tablename__ = "kb_widget_events"
    __table_args__ = (Index("ix_kb_widget_events_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit: Mapped[str] = mapped_column(String(40), index=True)
    action: Mapped[str] = mapped_column(String(16))
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("kb_articles.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
