"""The workspace's costs: read with defaults (nothing costs anything until an admin says so),
replaced as a whole by an admin. Every amount names its currency, and all must name the same
one: adding euros to dollars would make every cost per contact wrong without an error."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, changed, emit
from minidesk.insights.cost_models import CostSettings

SETTINGS_ID = 1
DEFAULT_CURRENCY = "USD"
AMOUNTS = ("agent_hour", "tooling_month", "sms_message", "whatsapp_message")
# Far above any real cost (a hundred million in major units), far below any column's limit.
MAX_MINOR = 10_000_000_000


class CurrencyMismatch(ValueError):
    """The amounts name more than one currency."""


class Money(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: Annotated[int, Field(ge=0, le=MAX_MINOR, description="Integer minor units (cents).")]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217, e.g. EUR.")]


class CostsIn(BaseModel):
    """The API's body: every amount, each with its currency; an unknown field is a 422."""

    model_config = ConfigDict(extra="forbid")
    agent_hour: Money
    tooling_month: Money
    sms_message: Money
    whatsapp_message: Money


def as_dict(row: CostSettings) -> dict[str, Any]:
    return {name: {"amount": getattr(row, name), "currency": row.currency} for name in AMOUNTS}


def get_costs(session: Session) -> CostSettings:
    """The settings row; a workspace that never saved any costs nothing (not stored)."""
    row = session.get(CostSettings, SETTINGS_ID)
    if row is not None:
        return row
    return CostSettings(id=SETTINGS_ID, currency=DEFAULT_CURRENCY, **dict.fromkeys(AMOUNTS, 0))


def check_costs(body: CostsIn) -> str:
    """The one currency every amount names."""
    currencies = {getattr(body, name).currency for name in AMOUNTS}
    if len(currencies) > 1:
        raise CurrencyMismatch(
            f"every amount must be in one currency, got {', '.join(sorted(currencies))}"
        )
    return currencies.pop()


def do_set_costs(session: Session, body: CostsIn, actor: Actor) -> CostSettings:
    currency = check_costs(body)
    row = session.get(CostSettings, SETTINGS_ID)
    if row is None:
        row = get_costs(session)
        session.add(row)
    before = {"currency": row.currency, **{n: getattr(row, n) for n in AMOUNTS}}
    row.currency = currency
    for name in AMOUNTS:
        setattr(row, name, getattr(body, name).amount)
    row.updated_at = utcnow()
    after = {"currency": row.currency, **{n: getattr(row, n) for n in AMOUNTS}}
    if after != before:
        emit(session, EventKind.COST_SETTINGS_CHANGED, actor, **changed(before, after))
    return row
