"""Who may refund how much: role defaults from the pack, per-agent overrides, day budgets."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minidesk.commerce.money import Money
from minidesk.db import utcnow
from minidesk.desk.models import User
from minidesk.desk.workspace import get_workspace
from minidesk.events import Actor, changed, emit
from minidesk.policies.calendar import local_midnight
from minidesk.policies.models import AgentLimit, SpendEntry
from minidesk.policies.pack import PolicyError, PolicyPack, RolePolicy


def limits_for(session: Session, pack: PolicyPack, user: User) -> RolePolicy:
    """The agent's own limits if set, otherwise their role's."""
    own = session.get(AgentLimit, user.id)
    if own is not None:
        return RolePolicy(own.may_refund, own.cap_minor, own.daily_budget_minor)
    return pack.role_policy(user.role)


def spent_today(
    session: Session, pack: PolicyPack, user_id: int, now: dt.datetime | None = None
) -> Money:
    """What ``user_id`` refunded since midnight in the workspace's timezone."""
    now = now or utcnow()
    since = local_midnight(now, get_workspace(session).timezone)
    total = session.scalar(
        select(func.coalesce(func.sum(SpendEntry.amount_minor), 0)).where(
            SpendEntry.user_id == user_id,
            SpendEntry.currency == pack.currency,
            SpendEntry.created_at >= since,
            SpendEntry.created_at <= now,
        )
    )
    return Money(int(total or 0), pack.currency)


def do_record_spend(
    session: Session, user_id: int, ticket_id: int | None, order_number: str, amount: Money
) -> SpendEntry:
    entry = SpendEntry(
        user_id=user_id,
        ticket_id=ticket_id,
        order_number=order_number,
        amount_minor=amount.amount_minor,
        currency=amount.currency,
    )
    session.add(entry)
    return entry


def do_set_agent_limits(
    session: Session, user: User, limits: RolePolicy, actor: Actor
) -> AgentLimit:
    if limits.cap_minor < 0 or limits.daily_budget_minor < 0:
        raise PolicyError("caps and budgets cannot be negative")
    row = session.get(AgentLimit, user.id) or AgentLimit(user_id=user.id)
    before = {
        "may_refund": row.may_refund,
        "cap_minor": row.cap_minor,
        "daily_budget_minor": row.daily_budget_minor,
    }
    row.may_refund = limits.may_refund
    row.cap_minor, row.daily_budget_minor = limits.cap_minor, limits.daily_budget_minor
    session.add(row)
    after = {
        "may_refund": limits.may_refund,
        "cap_minor": limits.cap_minor,
        "daily_budget_minor": limits.daily_budget_minor,
    }
    emit(session, "policy.agent_limits_changed", actor, user_id=user.id, **changed(before, after))
    return row
