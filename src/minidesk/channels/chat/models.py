"""Web chat tables: the visitors a widget has met (their token stored only as a hash), the
chats waiting for their first reply, and the files the visitors attached (content-addressed,
in the database so every web and worker machine of a scale-out install reads them)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class ChatVisitor(Base):
    """One browser (one visitor token in its localStorage) on one chat channel."""

    __tablename__ = "chat_visitors"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"), index=True)
    # SHA-256 of the token the widget keeps: a leaked table does not let anyone resume a chat.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # What the visitor typed into the pre-chat form; attached to nobody unless verified.
    email: Mapped[str | None] = mapped_column(String(320))
    # The identity the shop's site signed (email or its own user id), once verified.
    verified_email: Mapped[str | None] = mapped_column(String(320))
    verified_user_id: Mapped[str | None] = mapped_column(String(200))
    # The highest message id the visitor's widget reported as read.
    read_seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Renewed by every web process while it holds one of the visitor's sockets, and once
    # more after the last one closed (``ChatHub``): long past, the visitor has gone.
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def verified(self) -> bool:
        return bool(self.verified_email or self.verified_user_id)


class ChatWait(Base):
    """A chat waiting for its first reply (an agent's or the bot's), with its visitor: the
    rows the abandonment sweep reads (``waits``), so its cost grows with the chats waiting
    now, never with every chat there was."""

    __tablename__ = "chat_waits"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("chat_visitors.id"), index=True)
    started_at: Mapped[dt.datetime]


class ChatFile(Base):
    """An attachment's bytes, keyed by SHA-256 (the same file twice is stored once)."""

    __tablename__ = "chat_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
