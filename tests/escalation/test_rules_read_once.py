"""Every new ticket starts its escalation timers from the matrix, read once per transaction;
a rule written in that transaction (or added and not yet flushed) is seen all the same."""

from __future__ import annotations

from sqlalchemy.orm import Session

from minidesk.db import Database
from minidesk.escalation.models import EscalationRule, TriggerKind
from minidesk.escalation.rules import do_create_rule, do_delete_rule, do_update_rule, enabled_rules
from minidesk.events import SYSTEM

LATE = {
    "name": "Unresolved a week",
    "position": 100_000,  # last in the matrix, after any seeded rule
    "trigger": {"kind": "unresolved", "hours": 168, "business": False},
    "target": "senior_manager",
    "tier": 3,
}


def _names(session: Session, kind: TriggerKind = TriggerKind.UNRESOLVED) -> list[str]:
    return [rule.name for rule in enabled_rules(session, kind)]


def test_a_rule_written_in_the_transaction_is_seen(database: Database) -> None:
    with database.transaction() as session:
        before = _names(session)
        rule = do_create_rule(session, LATE, SYSTEM)
        assert _names(session) == [*before, "Unresolved a week"]
        do_update_rule(session, rule, {"enabled": False}, SYSTEM)
        assert _names(session) == before
        do_update_rule(session, rule, {"enabled": True}, SYSTEM)
        assert _names(session) == [*before, "Unresolved a week"]
        do_delete_rule(session, rule, SYSTEM)
        assert _names(session) == before


def test_a_pending_rule_is_seen_as_the_query_would_have(database: Database) -> None:
    with database.transaction() as session:
        before = _names(session)
        session.add(
            EscalationRule(
                name="Pending",
                position=100_000,
                enabled=True,
                trigger=LATE["trigger"],
                target="senior_manager",
                tier=3,
            )
        )
        assert _names(session) == [*before, "Pending"]
