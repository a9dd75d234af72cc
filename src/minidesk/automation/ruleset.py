"""The enabled rules by event kind, cached per process and checked once per transaction.

Every event runs the rules listener, and most kinds have no rule at all; a rules query per
event was most of what automation cost. Instead each transaction reads a fingerprint of the
enabled rules, ``(id, updated_at)`` of each, in one small query and reuses the process's
parsed rules while it matches. Every change to a rule goes through ``rules._apply`` (which
sets ``updated_at``) or deletes the row, so any create, edit, disable or delete, made in this
process or another (web server vs ``minidesk worker``), changes the fingerprint and is seen by
the next transaction that dispatches events: no TTL, no window of stale rules. Comparing the
exact set rather than ``max(updated_at)`` keeps clock skew between machines harmless.

Within one transaction the rules are read once: a rule committed by someone else while a
batch of events is being dispatched applies from the next batch.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.automation.models import Rule

Fingerprint = frozenset[tuple[int, dt.datetime]]


@dataclass(frozen=True)
class CachedRule:
    """What firing a rule reads from it, detached from any session (shared by threads, so
    never mutated: ``conditions`` and ``actions`` are only read)."""

    id: int
    name: str
    event: str
    after: str | None
    status: str | None
    conditions: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    allow_automated: bool

    @classmethod
    def of(cls, rule: Rule) -> CachedRule:
        return cls(
            id=rule.id,
            name=rule.name,
            event=rule.event,
            after=rule.after,
            status=rule.status,
            conditions=list(rule.conditions),
            actions=list(rule.actions),
            allow_automated=rule.allow_automated,
        )


@dataclass(frozen=True)
class RuleSet:
    fingerprint: Fingerprint
    by_event: dict[str, tuple[CachedRule, ...]]

    def for_event(self, kind: str) -> tuple[CachedRule, ...]:
        return self.by_event.get(kind, ())


_EMPTY = RuleSet(frozenset(), {})
_SESSION_KEY = "minidesk.automation.ruleset"
# By database URL: a process may talk to more than one database (tests do).
_cached: dict[str, RuleSet] = {}


def _fingerprint(session: Session) -> Fingerprint:
    rows = session.execute(select(Rule.id, Rule.updated_at).where(Rule.enabled))
    return frozenset((rule_id, updated_at) for rule_id, updated_at in rows)


def _load(session: Session) -> RuleSet:
    rules = list(session.scalars(select(Rule).where(Rule.enabled).order_by(Rule.position, Rule.id)))
    grouped: defaultdict[str, list[CachedRule]] = defaultdict(list)
    for rule in rules:
        grouped[rule.event].append(CachedRule.of(rule))
    # Keyed by what was loaded, not by the fingerprint read before: if a rule changed in
    # between, the next transaction's fingerprint differs and loads again.
    fingerprint = frozenset((rule.id, rule.updated_at) for rule in rules)
    return RuleSet(fingerprint, {kind: tuple(found) for kind, found in grouped.items()})


def current(session: Session) -> RuleSet:
    """The enabled rules as this transaction sees them (read once per transaction)."""
    memo: tuple[object, RuleSet] | None = session.info.get(_SESSION_KEY)
    if memo is not None and memo[0] is session.get_transaction():
        return memo[1]
    fingerprint = _fingerprint(session)  # begins the transaction if none has begun yet
    database = str(session.get_bind().engine.url)
    ruleset = _cached.get(database, _EMPTY)
    if ruleset.fingerprint != fingerprint:
        ruleset = _cached[database] = _load(session)  # a plain assignment: thread-safe
    session.info[_SESSION_KEY] = (session.get_transaction(), ruleset)
    return ruleset


def rules_for(session: Session, kind: str) -> tuple[CachedRule, ...]:
    """The enabled rules for events of ``kind``, in order (position, then id)."""
    return current(session).for_event(kind)
