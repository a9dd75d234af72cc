"""What an escalation rule may say, checked before it is stored (the API's request body)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from minidesk.desk.tickets import MAX_TIER
from minidesk.escalation.models import TargetKind, TriggerKind

# A year: a longer wait is a typo (minutes given as hours), not an escalation policy.
MAX_HOURS = 366 * 24


class Unresolved(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal[TriggerKind.UNRESOLVED]
    hours: int = Field(ge=1, le=MAX_HOURS)
    # Business hours count only the ticket's channel's open hours; calendar hours count all.
    business: bool = False


class RefundOver(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal[TriggerKind.REFUND_OVER]
    # Strictly above: $200.00 is at the line, $200.01 over it (POLICIES.md).
    amount_minor: int = Field(ge=0, le=10**12)
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$")


class Words(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal[TriggerKind.LEGAL_WORDS, TriggerKind.HEALTH_SAFETY]


Trigger = Annotated[Unresolved | RefundOver | Words, Field(discriminator="kind")]


class RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=2000)
    position: int = Field(0, ge=0, le=100_000)
    enabled: bool = True
    trigger: Trigger
    target: TargetKind
    tier: int = Field(ge=1, le=MAX_TIER)

    @model_validator(mode="after")
    def _incident_from_reports(self) -> RuleSpec:
        # An incident needs a report to be about; a timer or a refund has none.
        if self.target == TargetKind.INCIDENT and self.trigger.kind != TriggerKind.HEALTH_SAFETY:
            raise ValueError("target 'incident' needs trigger kind 'health_safety'")
        return self
