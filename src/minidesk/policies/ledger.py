"""The goodwill ledger's writes, and the locks that make a check of its totals hold until the
money has moved.

A refund check reads totals (an agent's day budget, the bot's totals per order and per
customer) and then writes a refund that changes them; two refunds checked at once would both
pass. So each check first locks the accounts it reads, and holds the locks until its
transaction ends:

- PostgreSQL: one transaction-scoped advisory lock per account (``user:12`` for an agent's
  day budget, ``customer:C-7`` for the bot's totals on that customer and their orders), taken
  in sorted order so one check's locks never wait on each other in a cycle.
  An advisory lock needs no row to exist (a customer's first refund has no ledger row to
  ``SELECT ... FOR UPDATE``) and, at READ COMMITTED, every total read after it sees what the
  previous holder committed. The store's own balance check locks the payment row
  (``FOR UPDATE``), which covers refunds made by code that takes no account lock (approvals,
  cancellations).
- SQLite: one writer at a time already; the check must only run in a transaction that began
  IMMEDIATE (a write session), which holds that lock from its first read. Anything else is a
  programming error, refused loudly.

The simplest alternative, SERIALIZABLE with retries, would need a retry loop around every
code path that refunds (API requests, listener jobs, approvals), and replay their side effects
with care; locks serialise only refunds that touch the same accounts.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from minidesk.commerce.money import Money
from minidesk.db import holds_write_lock, utcnow
from minidesk.policies.models import LedgerSource, LedgerStatus, SpendEntry


def lock_accounts(session: Session, *accounts: str) -> None:
    """Hold ``accounts`` (e.g. ``"customer:C-7"``) until this transaction ends.

    A transaction that checks several turns (a dispatch batch) holds each turn's locks to its
    end; two such batches locking two customers in opposite orders are a deadlock that
    PostgreSQL breaks by failing one of the turns (recorded as ``listener.failed``), never by
    letting both pass.
    """
    if session.get_bind().dialect.name == "sqlite":
        if not holds_write_lock(session):
            raise RuntimeError("a refund check must run in a write transaction (BEGIN IMMEDIATE)")
        return
    for account in sorted(set(accounts)):
        # hashtextextended: a 64-bit key; a collision only makes two accounts share a lock.
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:account, 0))"),
            {"account": account},
        )


def do_record_refund(
    session: Session,
    source: LedgerSource,
    amount: Money,
    *,
    order_number: str,
    customer_ref: str | None,
    refund_ref: str,
    user_id: int | None = None,
    ticket_id: int | None = None,
) -> SpendEntry:
    """Money that moved: an agent's refund, or the bot's without an offer on the ledger."""
    now = utcnow()
    entry = SpendEntry(
        source=source,
        status=LedgerStatus.REFUNDED,
        user_id=user_id,
        ticket_id=ticket_id,
        customer_ref=customer_ref,
        order_number=order_number,
        amount_minor=amount.amount_minor,
        currency=amount.currency,
        refund_ref=refund_ref,
        created_at=now,
        settled_at=now,
    )
    session.add(entry)
    return entry


def do_record_offer(
    session: Session,
    amount: Money,
    *,
    ticket_id: int,
    message_id: int,
    order_number: str,
    customer_ref: str,
) -> SpendEntry:
    """The bot offered ``amount``: it counts against the automatic totals while it waits."""
    entry = SpendEntry(
        source=LedgerSource.BOT,
        status=LedgerStatus.OFFERED,
        ticket_id=ticket_id,
        message_id=message_id,
        customer_ref=customer_ref,
        order_number=order_number,
        amount_minor=amount.amount_minor,
        currency=amount.currency,
    )
    session.add(entry)
    session.flush()
    return entry


def do_settle(session: Session, entry: SpendEntry, refund_ref: str) -> SpendEntry:
    """The customer confirmed the offer and the money moved."""
    entry.status = LedgerStatus.REFUNDED
    entry.refund_ref = refund_ref
    entry.settled_at = utcnow()
    return entry
