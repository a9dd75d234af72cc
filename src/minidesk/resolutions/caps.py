"""The bot's automatic refunds so far, as the cumulative caps count them.

An offer counts from the moment it is made, not only once confirmed: otherwise a customer
could collect offers on several tickets, each within the caps on its own, and confirm them
all. It stops counting when its conversation moves on without the token (another answer, a
hand-off), which the conversation's state says: an offer is waiting exactly while its
ticket's flow awaits the token to the question asked after that offer's message.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from minidesk.commerce.money import Money
from minidesk.db import utcnow
from minidesk.policies.decisions import AutoRefunded
from minidesk.policies.ledger import lock_accounts
from minidesk.policies.models import LedgerSource, LedgerStatus, SpendEntry
from minidesk.policies.pack import PolicyPack
from minidesk.resolutions.models import ResolutionState, Step


def _waiting() -> ColumnElement[bool]:
    return exists().where(
        ResolutionState.ticket_id == SpendEntry.ticket_id,
        ResolutionState.step == Step.AWAITING_TOKEN,
        ResolutionState.asked_after_message_id == SpendEntry.message_id,
    )


def auto_refunded(
    session: Session,
    pack: PolicyPack,
    *,
    customer_ref: str,
    order_number: str,
    excluding: SpendEntry | None = None,
    now: dt.datetime | None = None,
) -> AutoRefunded:
    """Totals for the caps, after locking the customer's account (so they hold until this
    transaction, which refunds or offers on them, ends). ``excluding``: the offer being
    confirmed, which is the amount checked, not part of what came before."""
    # One lock covers both totals: every order belongs to one customer, so whoever refunds on
    # the order holds its customer's account too.
    lock_accounts(session, f"customer:{customer_ref}")
    since = (now or utcnow()) - dt.timedelta(days=pack.auto_refund_customer_window_days)
    counted = and_(
        SpendEntry.source == LedgerSource.BOT,
        SpendEntry.currency == pack.currency,
        SpendEntry.id != (excluding.id if excluding is not None else -1),
        or_(
            SpendEntry.status == LedgerStatus.REFUNDED,
            and_(SpendEntry.status == LedgerStatus.OFFERED, _waiting()),
        ),
    )
    total = func.coalesce(func.sum(SpendEntry.amount_minor), 0)
    on_order = session.scalar(select(total).where(counted, SpendEntry.order_number == order_number))
    to_customer = session.scalar(
        select(total).where(
            counted,
            SpendEntry.customer_ref == customer_ref,
            or_(SpendEntry.status == LedgerStatus.OFFERED, SpendEntry.settled_at >= since),
        )
    )
    return AutoRefunded(
        Money(int(on_order or 0), pack.currency), Money(int(to_customer or 0), pack.currency)
    )


def offer_entry(session: Session, ticket_id: int, message_id: int | None) -> SpendEntry | None:
    """The ledger's entry for the offer a ticket's flow is waiting on."""
    return session.scalars(
        select(SpendEntry).where(
            SpendEntry.ticket_id == ticket_id,
            SpendEntry.message_id == message_id,
            SpendEntry.source == LedgerSource.BOT,
            SpendEntry.status == LedgerStatus.OFFERED,
        )
    ).first()
