"""Which policy applies to a ticket: the first enabled one, by position, whose conditions all
hold. Pure given the facts, so the table-driven tests need no database."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from minidesk.desk.models import Ticket
from minidesk.sla.models import SlaPolicy

# Minor units of ``currency`` the customer has spent, or None when nobody knows.
LifetimeValue = Callable[[str], int | None]


@dataclass(frozen=True)
class TicketFacts:
    channel: str
    priority: str
    intent: str | None
    tags: frozenset[str]
    team_id: int | None
    flags: frozenset[str]
    lifetime_value: LifetimeValue

    @classmethod
    def of(cls, ticket: Ticket, flags: Iterable[str], lifetime_value: LifetimeValue) -> TicketFacts:
        return cls(
            channel=ticket.channel,
            priority=ticket.priority,
            intent=ticket.intent,
            tags=frozenset(t.lower() for t in ticket.tags),
            team_id=ticket.team_id,
            flags=frozenset(flags),
            lifetime_value=lifetime_value,
        )


def holds(conditions: dict[str, Any], facts: TicketFacts) -> bool:
    def among(key: str, value: object) -> bool:
        wanted = conditions.get(key) or []
        return not wanted or value in wanted

    if not (
        among("channels", facts.channel)
        and among("priorities", facts.priority)
        and among("intents", facts.intent)
        and among("teams", facts.team_id)
    ):
        return False
    tags = {str(t).lower() for t in conditions.get("tags") or []}
    if tags and not tags & facts.tags:
        return False
    flags = set(conditions.get("flags") or [])
    if flags and not flags & facts.flags:
        return False
    at_least = conditions.get("lifetime_value_at_least")
    if at_least is not None:
        # Asked last, and only here: it is the one condition that may cost a query.
        value = facts.lifetime_value(conditions.get("currency") or "USD")
        if value is None or value < at_least:
            return False
    return True


def first_match(policies: Iterable[SlaPolicy], facts: TicketFacts) -> SlaPolicy | None:
    ordered = sorted((p for p in policies if p.enabled), key=lambda p: (p.position, p.id))
    return next((p for p in ordered if holds(p.conditions, facts)), None)
