"""The policy pack: what the shop owner pre-authorises, as data (POLICIES.md's defaults).

One row holds the workspace's pack as JSON; without a row the defaults apply. Changing it is
an event like any other state change.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Mapped, Session, mapped_column

from minidesk import memo
from minidesk.commerce.money import Money
from minidesk.db import Base
from minidesk.desk.models import Role
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, changed, emit


@dataclass(frozen=True)
class RolePolicy:
    """What a role may refund on its own: per refund (cap) and per local day (budget)."""

    may_refund: bool
    cap_minor: int = 0
    daily_budget_minor: int = 0


DEFAULT_ROLES = {
    Role.AGENT: RolePolicy(may_refund=False),
    Role.LEAD: RolePolicy(may_refund=True, cap_minor=20_000, daily_budget_minor=10_000),
    Role.MANAGER: RolePolicy(may_refund=True, cap_minor=20_000, daily_budget_minor=50_000),
    Role.ADMIN: RolePolicy(may_refund=True, cap_minor=20_000, daily_budget_minor=50_000),
}


@dataclass(frozen=True)
class PolicyPack:
    currency: str = "USD"
    # Refunds up to this are offered by the bot (and need the customer's token).
    auto_refund_max_minor: int = 5_000
    # Up to this an agent with refund permission may refund; above, a senior manager approves.
    agent_refund_max_minor: int = 20_000
    # What the bot may give back in all, offers still waiting for the token included: per
    # order (the single-refund limit again, so no order returns more than $50.00 without a
    # person however many times it is asked), and per store customer over a rolling window
    # (two full automatic refunds a month: an honest customer rarely has more bad orders than
    # that, and a serial abuser takes at most this much before a person sees the pattern).
    # Past either, the refund goes to an agent as an amount above the automatic limit does.
    auto_refund_order_total_max_minor: int = 5_000
    auto_refund_customer_total_max_minor: int = 10_000
    auto_refund_customer_window_days: int = 30
    confirm_token: str = "YES REFUND"
    reship_after_business_days: int = 5
    return_window_days: int = 30
    holidays: tuple[dt.date, ...] = ()
    # The bot hands off rather than run a conversation past this many customer turns.
    max_bot_turns: int = 3
    # Irreversible actions without a confirmation token (cancel) need this much certainty.
    min_action_confidence: float = 0.5
    approver_role: Role = Role.MANAGER
    roles: dict[Role, RolePolicy] = field(default_factory=lambda: dict(DEFAULT_ROLES))

    @property
    def auto_refund_order_total_max(self) -> Money:
        return Money(self.auto_refund_order_total_max_minor, self.currency)

    @property
    def auto_refund_customer_total_max(self) -> Money:
        return Money(self.auto_refund_customer_total_max_minor, self.currency)

    def role_policy(self, role: str) -> RolePolicy:
        return self.roles.get(Role(role), RolePolicy(may_refund=False))

    def to_data(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["holidays"] = [day.isoformat() for day in self.holidays]
        data["roles"] = {str(k): dataclasses.asdict(v) for k, v in self.roles.items()}
        data["approver_role"] = str(self.approver_role)
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> PolicyPack:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise PolicyError(f"unknown policy fields: {', '.join(sorted(unknown))}")
        values = dict(data)
        if "holidays" in values:
            values["holidays"] = tuple(dt.date.fromisoformat(d) for d in values["holidays"])
        if "roles" in values:
            values["roles"] = {Role(k): RolePolicy(**v) for k, v in values["roles"].items()}
        if "approver_role" in values:
            values["approver_role"] = Role(values["approver_role"])
        pack = cls(**values)
        pack.check()
        return pack

    def check(self) -> None:
        if not 0 <= self.auto_refund_max_minor <= self.agent_refund_max_minor:
            raise PolicyError("need 0 <= auto_refund_max_minor <= agent_refund_max_minor")
        totals = (self.auto_refund_order_total_max_minor, self.auto_refund_customer_total_max_minor)
        if min(totals) < 0:
            raise PolicyError("automatic refund totals cannot be negative")
        if self.auto_refund_customer_window_days < 1:
            raise PolicyError("auto_refund_customer_window_days must be at least 1")
        if self.reship_after_business_days < 0 or self.return_window_days < 0:
            raise PolicyError("day counts cannot be negative")
        if not self.confirm_token.strip():
            raise PolicyError("confirm_token cannot be empty")


class PolicyError(ValueError):
    pass


def check_change(pack: PolicyPack) -> None:
    """Bounds a change must keep, beyond ``PolicyPack.check``. Not part of reading a stored
    pack: one saved before these checks must not stop every refund at once."""
    if not 0 <= pack.min_action_confidence <= 1:
        raise PolicyError("min_action_confidence is between 0 and 1")
    if pack.max_bot_turns < 0:
        raise PolicyError("max_bot_turns cannot be negative")


class PolicyPackRow(Base):
    __tablename__ = "policy_packs"

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


_MEMO = "policy_pack"


def get_pack(session: Session) -> PolicyPack:
    """The pack as this transaction sees it: read and parsed once per transaction (every
    resolution turn and refund check asks)."""
    return memo.get(session, _MEMO, lambda: _read(session))


def _read(session: Session) -> PolicyPack:
    row = session.get(PolicyPackRow, 1)
    return PolicyPack.from_data(row.data) if row is not None else PolicyPack()


def do_update_pack(session: Session, values: dict[str, Any], actor: Actor) -> PolicyPack:
    before = get_pack(session).to_data()
    pack = PolicyPack.from_data({**before, **values})
    check_change(pack)
    row = session.get(PolicyPackRow, 1) or PolicyPackRow(id=1)
    row.data = pack.to_data()
    session.add(row)
    emit(session, EventKind.POLICY_PACK_UPDATED, actor, **changed(before, row.data))
    memo.put(session, _MEMO, pack)
    return pack
