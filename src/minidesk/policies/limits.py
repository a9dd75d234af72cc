"""Who may refund how much: role defaults from the pack, per-agent overrides, day budgets.

Four eyes on the overrides: nobody sets their own; a manager sets them only for people ranked
below them and only up to those people's role default; anything above the default is an
admin's call (and an admin cannot raise their own either). Every change is an event with the
limits in force before and after.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minidesk.commerce.money import Money
from minidesk.db import utcnow
from minidesk.desk.access import RANK, Forbidden, Permission, has, require
from minidesk.desk.models import Role, User
from minidesk.desk.workspace import get_workspace
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, changed, emit
from minidesk.policies.calendar import local_midnight
from minidesk.policies.models import AgentLimit, SpendEntry
from minidesk.policies.pack import PolicyError, PolicyPack, RolePolicy, get_pack


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


def exceeds(limits: RolePolicy, default: RolePolicy) -> bool:
    """Whether ``limits`` let someone refund anything their role's default would not."""
    if not limits.may_refund:
        return False
    return (
        not default.may_refund
        or limits.cap_minor > default.cap_minor
        or limits.daily_budget_minor > default.daily_budget_minor
    )


def check_limits_change(pack: PolicyPack, setter: User, user: User, limits: RolePolicy) -> None:
    """Raise ``Forbidden`` unless ``setter`` may give ``user`` these limits."""
    require(setter, Permission.SET_AGENT_LIMITS)
    if setter.id == user.id:
        raise Forbidden("nobody sets their own refund limits; ask another manager or an admin")
    is_admin = has(setter, Permission.MANAGE_POLICIES)
    if not is_admin and RANK[Role(setter.role)] <= RANK[Role(user.role)]:
        raise Forbidden(
            f"{setter.email} ({setter.role}) sets refund limits only for people ranked below "
            f"them; {user.email} is {user.role}: ask an admin"
        )
    default = pack.role_policy(user.role)
    if not is_admin and exceeds(limits, default):
        raise Forbidden(
            f"limits above the {user.role} default (refunds "
            f"{'allowed' if default.may_refund else 'not allowed'}, cap {default.cap_minor}, "
            f"day budget {default.daily_budget_minor}) need the admin role"
        )


def _as_data(limits: RolePolicy) -> dict[str, object]:
    return {
        "may_refund": limits.may_refund,
        "cap_minor": limits.cap_minor,
        "daily_budget_minor": limits.daily_budget_minor,
    }


def do_set_agent_limits(
    session: Session, user: User, limits: RolePolicy, actor: Actor
) -> AgentLimit:
    """Give ``user`` their own limits (``check_limits_change`` says who may); the event names
    the actor and the limits in force before (the role's, if none of their own) and after."""
    if limits.cap_minor < 0 or limits.daily_budget_minor < 0:
        raise PolicyError("caps and budgets cannot be negative")
    pack = get_pack(session)
    before = _as_data(limits_for(session, pack, user))
    row = session.get(AgentLimit, user.id) or AgentLimit(user_id=user.id)
    row.may_refund = limits.may_refund
    row.cap_minor, row.daily_budget_minor = limits.cap_minor, limits.daily_budget_minor
    session.add(row)
    emit(
        session,
        EventKind.POLICY_AGENT_LIMITS_CHANGED,
        actor,
        user_id=user.id,
        above_role_default=exceeds(limits, pack.role_policy(user.role)),
        **changed(before, _as_data(limits)),
    )
    return row
