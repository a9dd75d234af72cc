"""Troubleshooting guides: the guide (a decision tree kept as data, see
``minidesk.kb.guide_tree``) and each run of it, whose outcome analytics count."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow
from minidesk.kb.models import ArticleStatus


class Outcome(StrEnum):
    """Where a run ended. A run that has not ended has none; after ``ABANDON_AFTER`` without
    a step analytics count it as abandoned."""

    ARTICLE = "article"
    FLOW = "flow"
    HANDOFF = "handoff"


class RunSource(StrEnum):
    HELP_CENTRE = "help"
    BOT = "bot"


class KbGuide(Base):
    __tablename__ = "kb_guides"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(String(2000), default="")
    tree: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=ArticleStatus.DRAFT)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class KbGuideRun(Base):
    """One reader (or bot conversation) going through a guide: the nodes chosen so far."""

    __tablename__ = "kb_guide_runs"
    __table_args__ = (Index("ix_kb_guide_runs_guide_started", "guide_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The help centre's handle on a run (in its URL): unguessable, so no one steers another's.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("kb_guides.id", ondelete="CASCADE"))
    guide_version: Mapped[int] = mapped_column()
    source: Mapped[str] = mapped_column(String(16))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    path: Mapped[list[Any]] = mapped_column(JSON, default=list)  # node ids, the start first
    outcome: Mapped[str | None] = mapped_column(String(16))
    target: Mapped[str | None] = mapped_column(String(300))  # the end's slug, flow or note
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
