"""Knowledge-base tables: categories, articles (one row per language of a translation group)
with every saved version and their attached files, readers' feedback, the search log
analytics read, and the help centre's theme.

The full-text index is not a table of the model: ``kb.search_index`` makes it (an FTS5 table
on SQLite, a ``tsvector`` side table with a GIN index on PostgreSQL, both kept in step by
triggers) and ``minidesk.kb.search`` reads it through ``minidesk.search.engine``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class Visibility(StrEnum):
    PUBLIC = "public"  # the help centre, the widget and the bot may show it
    INTERNAL = "internal"  # agents only


class ArticleStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class SearchSource(StrEnum):
    """Where a search came from, so analytics can tell readers' gaps from agents' lookups."""

    HELP_CENTRE = "help"
    API = "api"
    WIDGET = "widget"  # the help widget on the shop's site
    CHAT = "chat"  # the chat widget's suggestions
    BOT = "bot"
    AGENT = "agent"


class KbCategory(Base):
    __tablename__ = "kb_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000), default="")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class KbArticle(Base):
    """An article in one language. Translations share ``translation_group`` (the id of the
    first article of the group) and a slug, so ``/help/{locale}/articles/{slug}`` swaps
    language by swapping the locale."""

    __tablename__ = "kb_articles"
    __table_args__ = (
        UniqueConstraint("slug", "locale"),
        Index("ix_kb_articles_listing", "status", "visibility", "category_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120))
    locale: Mapped[str] = mapped_column(String(16), default="en")
    translation_group: Mapped[int | None] = mapped_column(index=True)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("kb_categories.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.PUBLIC)
    status: Mapped[str] = mapped_column(String(16), default=ArticleStatus.DRAFT)
    # Contextual help: glob patterns of the shop's page URLs where the widget suggests it.
    url_rules: Mapped[list[Any]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(default=1)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column()


class KbArticleVersion(Base):
    """What an article was after each save; a rollback saves an old version as a new one."""

    __tablename__ = "kb_article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    category_id: Mapped[int | None] = mapped_column()
    visibility: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class KbArticleEmbedding(Base):
    """An article's sentence embedding (float32 bytes) for the version it was computed from:
    saving a new version recomputes it (``minidesk.kb.embeddings``)."""

    __tablename__ = "kb_article_embeddings"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("kb_articles.id", ondelete="CASCADE"), primary_key=True
    )
    encoder: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column()
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class KbAttachment(Base):
    """A file attached to an article (a screenshot, a PDF manual), linked from its Markdown.
    Public only while its article is: an internal article's files are agents' alone."""

    __tablename__ = "kb_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("kb_articles.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class KbFeedback(Base):
    """A reader's "was this helpful?" answer."""

    __tablename__ = "kb_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("kb_articles.id", ondelete="CASCADE"), index=True
    )
    helpful: Mapped[bool] = mapped_column()
    comment: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class KbSearch(Base):
    """One search: the normalised query, how many articles it found and the best one, for
    top queries and content gaps (zero results). A widget's search keeps its visit key, so
    one typed letter by letter is one row (``kb.search_log``)."""

    __tablename__ = "kb_searches"
    __table_args__ = (
        Index("ix_kb_searches_created_at", "created_at"),
        Index("ix_kb_searches_visit", "visit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(16))
    results: Mapped[int] = mapped_column()
    top_article_id: Mapped[int | None] = mapped_column(
        ForeignKey("kb_articles.id", ondelete="SET NULL")
    )
    visit: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class KbTheme(Base):
    """The help centre's look: one row (absent: the defaults)."""

    __tablename__ = "kb_theme"

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    title: Mapped[str] = mapped_column(String(200), default="")  # "": "<workspace> Help"
    primary_colour: Mapped[str] = mapped_column(String(7), default="#1f5fbf")
    accent_colour: Mapped[str] = mapped_column(String(7), default="#f2f5fa")
