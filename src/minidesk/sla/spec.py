"""What a policy may say, checked before it is stored: the API's request body and the shape
the matcher and the clocks rely on."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from minidesk.channels.hours import BusinessHours
from minidesk.desk.models import Priority
from minidesk.sla.models import Metric

# A year: longer targets are typos (seconds given as milliseconds), not promises.
MAX_TARGET_SECONDS = 366 * 24 * 3600
MAX_LIST = 100


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seconds: int = Field(ge=1, le=MAX_TARGET_SECONDS)
    # Business time counts only the calendar's open hours; calendar time counts every second.
    business: bool = False


class Conditions(BaseModel):
    """All given conditions must hold; within a list, any value matches. Empty: anything."""

    model_config = ConfigDict(extra="forbid")
    channels: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    priorities: list[Priority] = Field(default_factory=list, max_length=4)
    intents: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    tags: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    teams: list[int] = Field(default_factory=list, max_length=MAX_LIST)
    # Triage's policy flags seen on any of the ticket's messages (``health_safety``, ``legal``).
    flags: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    # Customer segment by spend: lifetime value ≥ this many minor units of ``currency``.
    lifetime_value_at_least: int | None = Field(None, ge=0)
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$")


class PolicySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=2000)
    position: int = Field(0, ge=0, le=100_000)
    enabled: bool = True
    conditions: Conditions = Field(default_factory=Conditions)
    targets: dict[Metric, Target] = Field(min_length=1)
    warn_before_seconds: int = Field(0, ge=0, le=MAX_TARGET_SECONDS)
    business_hours: BusinessHours | None = None

    @model_validator(mode="after")
    def _opens_somewhere(self) -> PolicySpec:
        # A calendar that never opens would hold every business target forever.
        if self.business_hours is not None and not any(self.business_hours.week.values()):
            raise ValueError("business_hours must open at least one interval a week")
        return self
