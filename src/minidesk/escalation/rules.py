"""Creating, changing and deleting escalation rules; each change is an
``escalation.rule_changed`` event with the rule before and after. Tickets already timed keep
their due times (a rule edit is not retroactive, as with SLA policies); a disabled or deleted
rule fires nothing more."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from minidesk import memo
from minidesk.db import utcnow
from minidesk.escalation.defaults import default_rows
from minidesk.escalation.models import EscalationRule, EscalationTimer, TriggerKind
from minidesk.escalation.spec import RuleSpec
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit


class RuleError(ValueError):
    """Invalid rule: ``errors`` are (field, message) pairs, ready for problem+json."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors))
        self.errors = errors


def check_rule(data: dict[str, Any]) -> RuleSpec:
    try:
        return RuleSpec.model_validate(data)
    except ValidationError as exc:
        raise RuleError(
            [(".".join(str(p) for p in e["loc"]) or "body", e["msg"]) for e in exc.errors()]
        ) from None


def as_dict(rule: EscalationRule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "description": rule.description,
        "position": rule.position,
        "enabled": rule.enabled,
        "trigger": rule.trigger,
        "target": rule.target,
        "tier": rule.tier,
    }


_ENABLED = "escalation.enabled_rules"


def enabled_rules(session: Session, kind: TriggerKind) -> list[EscalationRule]:
    """The enabled rules of one trigger kind, in matrix order. The matrix is a few rows,
    read once per transaction (every new ticket starts its timers from it) and read again
    after any rule is written in it or one is pending."""

    def read() -> list[EscalationRule]:
        return list(
            session.scalars(
                select(EscalationRule)
                .where(EscalationRule.enabled.is_(True))
                .order_by(EscalationRule.position, EscalationRule.id)
            )
        )

    rows = memo.get(session, _ENABLED, read)
    return [rule for rule in rows if rule.enabled and rule.trigger.get("kind") == kind]


memo.forget_when_written(EscalationRule, _ENABLED)


def _name_taken(session: Session, name: str, other_than: int | None) -> bool:
    query = select(EscalationRule.id).where(func.lower(EscalationRule.name) == name.lower())
    if other_than is not None:
        query = query.where(EscalationRule.id != other_than)
    return session.scalar(query) is not None


def _apply(rule: EscalationRule, spec: RuleSpec) -> None:
    for key, value in spec.model_dump(mode="json").items():
        setattr(rule, key, value)
    rule.updated_at = utcnow()


def _changed(session: Session, rule: EscalationRule, actor: Actor, before: Any, after: Any) -> None:
    emit(
        session,
        EventKind.ESCALATION_RULE_CHANGED,
        actor,
        rule_id=rule.id,
        rule=rule.name,
        before=before,
        after=after,
    )


def do_create_rule(session: Session, data: dict[str, Any], actor: Actor) -> EscalationRule:
    spec = check_rule(data)
    if _name_taken(session, spec.name, None):
        raise RuleError([("name", f"a rule named {spec.name!r} exists")])
    rule = EscalationRule()
    _apply(rule, spec)
    session.add(rule)
    session.flush()
    _changed(session, rule, actor, None, as_dict(rule))
    return rule


def do_update_rule(
    session: Session, rule: EscalationRule, changes: dict[str, Any], actor: Actor
) -> EscalationRule:
    """``changes`` is a partial rule: the fields given replace the stored ones."""
    before = as_dict(rule)
    spec = check_rule({**before, **changes})
    if _name_taken(session, spec.name, rule.id):
        raise RuleError([("name", f"a rule named {spec.name!r} exists")])
    _apply(rule, spec)
    session.flush()
    _changed(session, rule, actor, before, as_dict(rule))
    return rule


def do_delete_rule(session: Session, rule: EscalationRule, actor: Actor) -> None:
    _changed(session, rule, actor, as_dict(rule), None)
    # Explicit rather than trusting ON DELETE CASCADE: SQLite enforces it only with a pragma.
    session.execute(delete(EscalationTimer).where(EscalationTimer.rule_id == rule.id))
    session.delete(rule)
    session.flush()


def do_seed_defaults(session: Session) -> int:
    """The default matrix, on a workspace that has no rules (the migration seeds new ones;
    this restores them for a demo, or a test database that was truncated)."""
    if session.scalar(select(EscalationRule.id).limit(1)) is not None:
        return 0
    rows = default_rows()
    for row in rows:
        session.add(EscalationRule(**row))
    session.flush()
    return len(rows)
