"""Creating, changing and deleting SLA policies; each change is an ``sla.policy_changed``
event with the policy before and after. Tickets already timed keep their due times until
their next change re-matches them (as in Zendesk: a policy edit is not retroactive)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit
from minidesk.sla.defaults import default_rows
from minidesk.sla.models import SlaPolicy
from minidesk.sla.spec import PolicySpec


class PolicyError(ValueError):
    """Invalid policy: ``errors`` are (field, message) pairs, ready for problem+json."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors))
        self.errors = errors


def check_policy(data: dict[str, Any]) -> PolicySpec:
    try:
        return PolicySpec.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(
            [(".".join(str(p) for p in e["loc"]) or "body", e["msg"]) for e in exc.errors()]
        ) from None


def as_dict(policy: SlaPolicy) -> dict[str, Any]:
    return {
        "name": policy.name,
        "description": policy.description,
        "position": policy.position,
        "enabled": policy.enabled,
        "conditions": policy.conditions,
        "targets": policy.targets,
        "warn_before_seconds": policy.warn_before_seconds,
        "business_hours": policy.business_hours,
    }


def _name_taken(session: Session, name: str, other_than: int | None) -> bool:
    query = select(SlaPolicy.id).where(func.lower(SlaPolicy.name) == name.lower())
    if other_than is not None:
        query = query.where(SlaPolicy.id != other_than)
    return session.scalar(query) is not None


def _apply(policy: SlaPolicy, spec: PolicySpec) -> None:
    stored = spec.model_dump(mode="json", exclude_none=False)
    for key, value in stored.items():
        setattr(policy, key, value)
    policy.updated_at = utcnow()


def do_create_policy(session: Session, data: dict[str, Any], actor: Actor) -> SlaPolicy:
    spec = check_policy(data)
    if _name_taken(session, spec.name, None):
        raise PolicyError([("name", f"a policy named {spec.name!r} exists")])
    policy = SlaPolicy()
    _apply(policy, spec)
    session.add(policy)
    session.flush()
    emit(
        session,
        EventKind.SLA_POLICY_CHANGED,
        actor,
        policy_id=policy.id,
        policy=policy.name,
        before=None,
        after=as_dict(policy),
    )
    return policy


def do_update_policy(
    session: Session, policy: SlaPolicy, changes: dict[str, Any], actor: Actor
) -> SlaPolicy:
    """``changes`` is a partial policy: the fields given replace the stored ones."""
    before = as_dict(policy)
    spec = check_policy({**before, **changes})
    if _name_taken(session, spec.name, policy.id):
        raise PolicyError([("name", f"a policy named {spec.name!r} exists")])
    _apply(policy, spec)
    session.flush()
    emit(
        session,
        EventKind.SLA_POLICY_CHANGED,
        actor,
        policy_id=policy.id,
        policy=policy.name,
        before=before,
        after=as_dict(policy),
    )
    return policy


def do_delete_policy(session: Session, policy: SlaPolicy, actor: Actor) -> None:
    emit(
        session,
        EventKind.SLA_POLICY_CHANGED,
        actor,
        policy_id=policy.id,
        policy=policy.name,
        before=as_dict(policy),
        after=None,
    )
    session.delete(policy)
    session.flush()


def do_seed_defaults(session: Session) -> int:
    """The default policies, on a workspace that has none (the migration seeds new ones; this
    restores them for a demo whose policies were all deleted). Returns how many it added."""
    if session.scalar(select(SlaPolicy.id).limit(1)) is not None:
        return 0
    rows = default_rows()
    for row in rows:
        session.add(SlaPolicy(**row))
    session.flush()
    return len(rows)
