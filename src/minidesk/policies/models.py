"""Tables of the policy engine: per-agent limits, the goodwill ledger, approval requests and
agents' actions by idempotency key."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base, utcnow


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class ApprovalKind(StrEnum):
    REFUND = "refund"
    ESCALATION = "escalation"  # legal words: a senior manager looks, nothing is pre-decided


class AgentLimit(Base):
    """One agent's own refund permission, overriding their role's defaults in the pack."""

    __tablename__ = "agent_limits"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    may_refund: Mapped[bool] = mapped_column(default=False)
    cap_minor: Mapped[int] = mapped_column(default=0)
    daily_budget_minor: Mapped[int] = mapped_column(default=0)


class LedgerSource(StrEnum):
    BOT = "bot"  # an automatic refund the customer confirmed
    AGENT = "agent"  # an agent's own refund within their cap and day budget
    APPROVAL = "approval"  # a refund a manager approved (on nobody's day budget)
    # The capture returned with an unshipped order's cancellation: the customer's own money
    # for goods never sent, not goodwill, so it counts against no cap or budget.
    CANCELLATION = "cancellation"


class LedgerStatus(StrEnum):
    # Offered by the bot, waiting for the token: it counts against the automatic caps while
    # its ticket still waits for that answer (so offers on several tickets cannot add up past
    # a cap), and no longer once the conversation moved on without it.
    OFFERED = "offered"
    REFUNDED = "refunded"  # the money moved


class SpendEntry(Base):
    """The goodwill ledger: every refund the desk made (the bot's, an agent's, an approved
    one, a cancellation's).

    An agent's entries are summed per local day against their budget; the bot's per order and
    per store customer over a rolling window against the pack's automatic caps.
    """

    __tablename__ = "goodwill_ledger"
    __table_args__ = (
        Index("ix_goodwill_ledger_user_created", "user_id", "created_at"),
        Index("ix_goodwill_ledger_customer_created", "customer_ref", "created_at"),
        Index("ix_goodwill_ledger_order", "order_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(16), default=LedgerSource.AGENT)
    status: Mapped[str] = mapped_column(String(16), default=LedgerStatus.REFUNDED)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the bot
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    # The customer message the bot's offer answered (its conversation's asked_after_message_id).
    message_id: Mapped[int | None]
    customer_ref: Mapped[str | None] = mapped_column(String(64))  # the store customer
    order_number: Mapped[str] = mapped_column(String(32))
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    refund_ref: Mapped[str | None] = mapped_column(String(64))  # the store's refund id
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[dt.datetime | None]  # when the money moved


class Approval(Base):
    __tablename__ = "approvals"
    __table_args__ = (Index("ix_approvals_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=ApprovalStatus.PENDING)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    order_number: Mapped[str | None] = mapped_column(String(32))
    amount_minor: Mapped[int | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    rule: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    requested_by_type: Mapped[str] = mapped_column(String(16))
    requested_by_id: Mapped[int | None]
    requested_by_name: Mapped[str] = mapped_column(String(200), default="")
    # The person whose API token handed in the message the bot answered with this request
    # (an agent logging a call, an integration's owner): they may not decide it.
    requested_via_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None]


class AgentActionStatus(StrEnum):
    DONE = "done"  # the store did it
    APPROVAL_REQUESTED = "approval_requested"  # over the agent's limits: a manager decides


class AgentAction(Base):
    """An agent's action on a ticket (refund, cancel, reship...) under the idempotency key of
    the form or API request that asked for it. The row is claimed first, in the transaction
    that acts, so a second post of the same key (a double click, a replayed form) waits for
    the first, finds its row and gets the first answer back: money moves once."""

    __tablename__ = "agent_actions"
    # Keys are per user: nobody learns another person's outcome by guessing their key.
    __table_args__ = (UniqueConstraint("user_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    idempotency_key: Mapped[str] = mapped_column(String(100))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    order_number: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str | None] = mapped_column(String(24))  # None until the action finished
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
