"""Tables of the desk core. Behaviour lives in the sibling modules named for what they do."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from minidesk.db import Base, utcnow


class Status(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    ON_HOLD = "on-hold"
    SOLVED = "solved"
    CLOSED = "closed"


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)


class Priority(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    NOTE = "note"


class IdentityKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    CHAT = "chat"
    EXTERNAL = "external"


class Role(StrEnum):
    AGENT = "agent"
    LEAD = "lead"
    MANAGER = "manager"
    ADMIN = "admin"


class TokenKind(StrEnum):
    """What a token may vouch for. A personal token acts for its user; an integration token
    is a named API client (the shop's app, a chat backend) whose word on who a customer is
    counts: only its inbound messages arrive with a verified sender."""

    PERSONAL = "personal"
    INTEGRATION = "integration"
    # A signed-in browser: the agent workspace's cookie. Short-lived, acts for its user like a
    # personal token, and "sign out everywhere" revokes every one of a user's.
    SESSION = "session"


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(8))
    tags: Mapped[list[Any]] = mapped_column(default=list)
    webhook_url: Mapped[str | None] = mapped_column(String(2000))
    # Signs this customer's webhook deliveries; encrypted (minidesk.keys), shown once.
    webhook_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    identities: Mapped[list[CustomerIdentity]] = relationship(
        back_populates="customer", order_by="CustomerIdentity.id"
    )


class CustomerIdentity(Base):
    """One way to reach a customer; ``(kind, value)`` is unique across the workspace."""

    __tablename__ = "customer_identities"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(320))
    verified: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="identities")


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16), default=Role.AGENT)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # TOTP second factor (minidesk.desk.two_factor): the secret encrypted, set when set-up
    # begins; it counts once confirmed with a code (enabled_at). The last accepted time step
    # refuses a code seen once from being used again.
    totp_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    totp_enabled_at: Mapped[dt.datetime | None]
    totp_last_step: Mapped[int | None]

    @property
    def two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    teams: Mapped[list[Team]] = relationship(secondary="team_members", order_by="Team.id")


class TeamMember(Base):
    __tablename__ = "team_members"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class ApiToken(Base):
    """An API token; only its SHA-256 is stored, the secret is shown once at creation."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default=TokenKind.PERSONAL)
    # An integration's name: the API client its inbound messages are scoped to (external
    # ids, thread keys), kept by its rotated successors.
    integration: Mapped[str | None] = mapped_column(String(40), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()


class Ticket(Base):
    """A conversation with one customer; ``id`` is the public ticket number on every channel."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_customer_status", "customer_id", "status"),
        Index("ix_tickets_status_priority", "status", "priority"),
        # The inbox: views' counts and the first step of every list read only this index
        # (status, assignee and team for views and team restriction; priority and channel for
        # the commonest filters).
        Index("ix_tickets_inbox", "status", "assignee_id", "team_id", "priority", "channel"),
        # Top intents and its drill-down (insights.intent_mix) read a range of creation times
        # from this index alone (SQLite adds the rowid, PostgreSQL the heap for the ids).
        Index("ix_tickets_created", "created_at", "intent", "team_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(16), default=Status.NEW)
    priority: Mapped[str] = mapped_column(String(2), default=Priority.P3)
    channel: Mapped[str] = mapped_column(String(16))
    # The instance (mailbox, integration) the conversation started on; ``channel`` is its kind.
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    tier: Mapped[int] = mapped_column(default=1)
    intent: Mapped[str | None] = mapped_column(String(64), index=True)
    intent_confidence: Mapped[float | None]
    sentiment: Mapped[str | None] = mapped_column(String(8))
    sentiment_score: Mapped[float | None]
    language: Mapped[str | None] = mapped_column(String(8))
    custom_fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    resolution: Mapped[str | None] = mapped_column(String(16))
    turns: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    first_response_at: Mapped[dt.datetime | None]
    last_inbound_at: Mapped[dt.datetime | None]
    solved_at: Mapped[dt.datetime | None]

    customer: Mapped[Customer] = relationship()
    assignee: Mapped[User | None] = relationship()
    team: Mapped[Team | None] = relationship()
    tag_rows: Mapped[list[TicketTag]] = relationship(
        cascade="all, delete-orphan", order_by="TicketTag.tag"
    )

    @property
    def number(self) -> int:
        return self.id

    @property
    def tags(self) -> list[str]:
        return [row.tag for row in self.tag_rows]


class TicketTag(Base):
    __tablename__ = "ticket_tags"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class TicketThread(Base):
    """A channel's own conversation key (API ``thread``, chat session) pinned to a ticket.

    Keys are the sender's to choose, so one only ever names a ticket of the customer it was
    pinned for: another customer sending the same key starts a conversation of their own.
    """

    __tablename__ = "ticket_threads"
    __table_args__ = (UniqueConstraint("channel_id", "customer_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    key: Mapped[str] = mapped_column(String(300))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_ticket_created", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    direction: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(998), index=True)
    inbox_id: Mapped[int | None] = mapped_column(ForeignKey("inbox.id"), unique=True)
    # An inbound message handed in with an API token: whose, and which (a person logging a
    # call, or an integration). Four-eyes checks and the audit trail read these.
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    delivery_status: Mapped[str | None] = mapped_column(String(16))
    delivery_error: Mapped[str | None] = mapped_column(Text)
    automated: Mapped[bool] = mapped_column(default=False)
    intent: Mapped[str | None] = mapped_column(String(64))
    intent_confidence: Mapped[float | None]
    sentiment: Mapped[str | None] = mapped_column(String(8))
    sentiment_score: Mapped[float | None]
    language: Mapped[str | None] = mapped_column(String(8))
    entities: Mapped[dict[str, Any]] = mapped_column(default=dict)
    triage_model: Mapped[str | None] = mapped_column(String(64))
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    # A message's ticket, loaded when asked (a failed delivery's event names its customer).
    ticket: Mapped[Ticket] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.id")


class FetchStatus(StrEnum):
    """Where an attachment's bytes are, for media a provider hosts (``Attachment.fetch_*``)."""

    PENDING = "pending"  # a job will fetch them (again, after a failure: ``fetch_due_at``)
    STORED = "stored"  # fetched: downloadable like any stored file
    REFUSED = "refused"  # too big or not allowed: listed, never stored (``fetch_error``)
    FAILED = "failed"  # the provider kept failing or refused for good (``fetch_error``)


class Attachment(Base):
    """Attachment metadata; the bytes live in the data directory under ``storage_key``."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    sha256: Mapped[str | None] = mapped_column(String(64))
    storage_key: Mapped[str | None] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2000))
    inline: Mapped[bool] = mapped_column(default=False)
    content_id: Mapped[str | None] = mapped_column(String(255))
    # Media a provider hosts (MMS, WhatsApp) is fetched by a job after the message is in:
    # ``fetch_status`` pending → stored, refused (too big, not allowed) or failed (gave up);
    # None for files that arrived with their bytes. ``fetch_source`` is what to ask for (a
    # Twilio media URL, a WhatsApp media id) and ``fetch_due_at`` the next try (a timer).
    fetch_status: Mapped[str | None] = mapped_column(String(16))
    fetch_source: Mapped[str | None] = mapped_column(String(2000))
    fetch_error: Mapped[str | None] = mapped_column(Text)
    fetch_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    fetch_due_at: Mapped[dt.datetime | None] = mapped_column(index=True)
