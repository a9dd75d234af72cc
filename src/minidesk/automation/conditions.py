"""Named conditions a rule can test. Each has a parameter model (unknown fields forbidden, so
a typo is refused at save time) and a test returning True, False, or None for "unknown"
(e.g. no commerce data for lifetime value): an unknown fact never matches, negated or not.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Protocol, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import re2
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy.orm import Session

from minidesk.automation.facts import Facts
from minidesk.desk.models import Priority, Status

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
MAX_TEXT = 20_000  # a regex runs over at most this much of a message
# RE2's compiled program for one pattern may use at most this much memory; the default (8 MiB)
# is meant for a process with a handful of patterns, not one per rule.
MAX_REGEX_MEMORY = 1 << 20


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: str
    negate: bool = Field(False, description="match when the condition does not hold")


@dataclass(frozen=True)
class Condition:
    name: str
    params: type[Params]
    test: Callable[[Facts, Any], bool | None]
    doc: str


CONDITIONS: dict[str, Condition] = {}
P = TypeVar("P", bound=Params)

# Commerce connectors answer "what has this customer spent, in minor units of currency?";
# None means they do not know. With no source registered, lifetime value is unknown.
LifetimeValueSource = Callable[[Session, int, str], int | None]
lifetime_value_sources: list[LifetimeValueSource] = []


def condition(
    name: str, params: type[P]
) -> Callable[[Callable[[Facts, P], bool | None]], Callable[[Facts, P], bool | None]]:
    def register(fn: Callable[[Facts, P], bool | None]) -> Callable[[Facts, P], bool | None]:
        CONDITIONS[name] = Condition(name, params, fn, (fn.__doc__ or "").strip())
        return fn

    return register


class AnyOf(Params):
    any_of: list[str] = Field(min_length=1, max_length=100)


class IntentParams(AnyOf):
    min_confidence: float = Field(0.0, ge=0.0, le=1.0)


class SentimentParams(Params):
    any_of: list[Literal["negative", "neutral", "positive"]] = Field(min_length=1)


class PriorityParams(Params):
    any_of: list[Priority] = Field(min_length=1)


class StatusParams(Params):
    any_of: list[Status] = Field(min_length=1)


class LifetimeValueParams(Params):
    at_least: int = Field(ge=0, description="minor units, e.g. 50000 for $500.00")
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$")


class BusinessHoursParams(Params):
    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS[:5]), min_length=1)
    start: str = Field("09:00", pattern=HHMM)
    end: str = Field("17:00", pattern=HHMM)
    timezone: str | None = Field(None, description="default: the workspace's timezone")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown timezone {value!r}") from None
        return value


class TextParams(Params):
    words: list[Annotated[str, Field(max_length=200, pattern=r"\S")]] = Field(
        default_factory=list, max_length=200
    )
    regex: str | None = Field(None, max_length=500)

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            rule_regex(value)
        return value

    @model_validator(mode="after")
    def _one_of(self) -> TextParams:
        if bool(self.words) == (self.regex is not None):
            raise ValueError("give either words or regex")
        return self


class CompiledRegex(Protocol):
    def search(self, text: str) -> object | None: ...


@functools.lru_cache(maxsize=256)
def rule_regex(pattern: str) -> CompiledRegex:
    """``pattern`` compiled for a rule: RE2, case-insensitive. RE2 matches in time linear in
    the text, whatever the pattern: Python's ``re`` backtracks, so ``(a+)+$`` against forty
    a's and a "!" held a worker (and the GIL) for hours. RE2 has no back-references or
    look-around, so such patterns are refused when the rule is saved. Raises ``ValueError``
    with RE2's reason. Cached: conditions are validated again on every evaluation."""
    options = re2.Options()
    options.case_sensitive = False
    options.max_mem = MAX_REGEX_MEMORY
    options.log_errors = False  # the reason reaches the user as a 422
    try:
        compiled: CompiledRegex = re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        raise ValueError(
            f"invalid or unsupported regular expression (RE2 syntax): {reason}"
        ) from None
    return compiled


def word_pattern(phrase: str) -> re.Pattern[str]:
    """A word or phrase as whole words: 'sue' matches "I will sue" but not "issue"."""
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


@condition("channel", AnyOf)
def _channel(facts: Facts, p: AnyOf) -> bool:
    """The ticket's channel is one of ``any_of`` (email, chat, sms, whatsapp, api …)."""
    return facts.ticket.channel in p.any_of


@condition("intent", IntentParams)
def _intent(facts: Facts, p: IntentParams) -> bool:
    """The ticket's intent is one of ``any_of`` with confidence ≥ ``min_confidence``."""
    confidence = facts.ticket.intent_confidence or 0.0
    return facts.ticket.intent in p.any_of and confidence >= p.min_confidence


@condition("sentiment", SentimentParams)
def _sentiment(facts: Facts, p: SentimentParams) -> bool | None:
    """The latest sentiment read on the ticket is one of ``any_of``."""
    return None if facts.ticket.sentiment is None else facts.ticket.sentiment in p.any_of


@condition("priority", PriorityParams)
def _priority(facts: Facts, p: PriorityParams) -> bool:
    """The ticket's priority is one of ``any_of`` (P1-P4)."""
    return facts.ticket.priority in p.any_of


@condition("status", StatusParams)
def _status(facts: Facts, p: StatusParams) -> bool:
    """The ticket's status is one of ``any_of``."""
    return facts.ticket.status in p.any_of


@condition("ticket_tag", AnyOf)
def _ticket_tag(facts: Facts, p: AnyOf) -> bool:
    """The ticket has at least one of the tags ``any_of``."""
    return bool({t.lower() for t in p.any_of} & set(facts.ticket.tags))


@condition("customer_tag", AnyOf)
def _customer_tag(facts: Facts, p: AnyOf) -> bool:
    """Customer segment by tag: the customer has one of ``any_of`` (e.g. ``vip``)."""
    tags = {str(t).lower() for t in facts.ticket.customer.tags or []}
    return bool({t.lower() for t in p.any_of} & tags)


@condition("lifetime_value", LifetimeValueParams)
def _lifetime_value(facts: Facts, p: LifetimeValueParams) -> bool | None:
    """Customer segment by spend: lifetime value ≥ ``at_least`` minor units of ``currency``;
    unknown (never matches) when no commerce connector knows the customer."""
    for source in lifetime_value_sources:
        value = source(facts.session, facts.ticket.customer_id, p.currency)
        if value is not None:
            return value >= p.at_least
    return None


@condition("business_hours", BusinessHoursParams)
def _business_hours(facts: Facts, p: BusinessHoursParams) -> bool:
    """Now is within ``days`` ``start`` to ``end`` in ``timezone`` (default: the workspace's);
    negate it for "outside business hours"."""
    local = facts.now.astimezone(ZoneInfo(p.timezone or facts.timezone))
    start, end = (dt.time.fromisoformat(p.start), dt.time.fromisoformat(p.end))
    return WEEKDAYS[local.weekday()] in p.days and start <= local.time().replace(tzinfo=None) < end


@condition("text", TextParams)
def _text(facts: Facts, p: TextParams) -> bool:
    """The message (else the subject) contains one of ``words`` as whole words, any case,
    or matches ``regex`` (case-insensitive, RE2 syntax: linear time, no back-references or
    look-around)."""
    text = facts.text[:MAX_TEXT]
    if p.regex is not None:
        return rule_regex(p.regex).search(text) is not None
    return any(word_pattern(phrase).search(text) for phrase in p.words)
