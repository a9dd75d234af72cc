"""Email channel tables: one row per support address (with its optional IMAP mailbox and
webhook key, secrets encrypted), a content-addressed store for raw mail and attachments, and
the provider webhook tokens already used."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class ImapSecurity(StrEnum):
    """How the IMAP connection is protected. There is deliberately no plaintext option."""

    TLS = "tls"
    STARTTLS = "starttls"


class ProcessedAction(StrEnum):
    """What happens to a mail in the IMAP mailbox once it is safely in the inbox."""

    MARK_SEEN = "seen"
    MOVE = "move"


class EmailChannel(Base):
    """The email kind's settings of one ``channels`` row (same id): kept in columns, not the
    row's JSON, because pollers claim mailboxes and resume UIDs with conditional UPDATEs."""

    __tablename__ = "email_channels"

    id: Mapped[int] = mapped_column(ForeignKey("channels.id"), primary_key=True)
    address: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    from_name: Mapped[str] = mapped_column(String(200), default="")
    signature: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    imap_host: Mapped[str | None] = mapped_column(String(255))
    imap_port: Mapped[int | None]
    imap_security: Mapped[str] = mapped_column(String(16), default=ImapSecurity.TLS)
    imap_username: Mapped[str | None] = mapped_column(String(320))
    imap_password_encrypted: Mapped[str | None] = mapped_column(Text)
    imap_folder: Mapped[str] = mapped_column(String(255), default="INBOX")
    imap_processed_action: Mapped[str] = mapped_column(
        String(16), default=ProcessedAction.MARK_SEEN
    )
    imap_move_to: Mapped[str | None] = mapped_column(String(255))
    imap_ca_file: Mapped[str | None] = mapped_column(String(1000))
    # UID resume: the last UID imported under this UIDVALIDITY (a new UIDVALIDITY restarts).
    imap_uidvalidity: Mapped[int | None]
    imap_last_uid: Mapped[int] = mapped_column(default=0)
    # One poller per mailbox across all workers: a lease taken with a conditional UPDATE.
    imap_lease_until: Mapped[dt.datetime | None]
    imap_last_error: Mapped[str | None] = mapped_column(Text)
    webhook_key_encrypted: Mapped[str | None] = mapped_column(Text)
    # authserv-ids (e.g. "mx.google.com") whose Authentication-Results header on mail read
    # over IMAP or a provider webhook is believed (see authresults.py).
    trusted_authserv_ids: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class EmailBlob(Base):
    """Raw messages and attachment bytes, keyed by SHA-256 so a re-fetch stores nothing new.

    Kept in the database rather than on a local disk so every web and worker machine of a
    scale-out install can serve them."""

    __tablename__ = "email_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class EmailWebhookToken(Base):
    """A provider webhook signature's one-time token, kept until its signature expires.

    The primary key makes a second use fail across every web process; the token is stored
    hashed (with its provider) so its size is bounded whatever a caller sends."""

    __tablename__ = "email_webhook_tokens"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
