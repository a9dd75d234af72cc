"""Rules as data: validating a rule (every problem named by its field), creating, changing,
deleting, and YAML export/import (all or nothing)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.automation.actions import ACTIONS
from minidesk.automation.conditions import CONDITIONS
from minidesk.automation.models import TIME_EVENT, Rule
from minidesk.db import utcnow
from minidesk.desk.models import Status, User
from minidesk.event_kinds import CATALOGUE, RULE_EVENTS, EventKind
from minidesk.events import Actor, changed, emit
from minidesk.replies.spec import FieldError
from minidesk.webhooks.checks import check_may_set_webhook

DURATION = re.compile(r"^(\d+)([mhd])$")
UNITS = {"m": dt.timedelta(minutes=1), "h": dt.timedelta(hours=1), "d": dt.timedelta(days=1)}
MAX_AFTER = dt.timedelta(days=365)
FIELDS = (
    "name",
    "description",
    "event",
    "after",
    "status",
    "conditions",
    "actions",
    "enabled",
    "position",
    "allow_automated",
)


class RuleError(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


class RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=2000)
    event: str = Field(
        description="what wakes the rule: 'time', or an event kind rules may use "
        "(docs/events.md), such as message.received"
    )
    after: str | None = Field(None, description="time rules: e.g. 30m, 72h, 3d")
    status: Status | None = Field(None, description="time rules: the status the ticket stays in")
    conditions: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    actions: list[dict[str, Any]] = Field(min_length=1, max_length=20)
    enabled: bool = True
    position: int = 0
    allow_automated: bool = False


def parse_duration(text: str) -> dt.timedelta:
    match = DURATION.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a duration like 30m, 72h or 3d")
    value = int(match.group(1)) * UNITS[match.group(2)]
    if not dt.timedelta(minutes=1) <= value <= MAX_AFTER:
        raise ValueError("a duration is between 1m and 365d")
    return value


def _pydantic_errors(prefix: str, exc: ValidationError) -> list[FieldError]:
    found = []
    for error in exc.errors():
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"])
        found.append(FieldError(f"{prefix}{path}".lstrip("."), error["msg"]))
    return found


def _check_items(
    session: Session, prefix: str, kind: str, items: list[dict[str, Any]]
) -> list[FieldError]:
    registry: dict[str, Any] = CONDITIONS if kind == "conditions" else ACTIONS
    errors: list[FieldError] = []
    for index, item in enumerate(items):
        where = f"{prefix}{kind}[{index}]"
        name = item.get("type", "")
        entry = registry.get(name) if isinstance(name, str) else None  # a list is no key
        if entry is None:
            known = ", ".join(sorted(registry))
            errors.append(FieldError(f"{where}.type", f"unknown {kind[:-1]}; known: {known}"))
            continue
        try:
            params = entry.params.model_validate(item)
        except ValidationError as exc:
            errors.extend(_pydantic_errors(where, exc))
            continue
        check = getattr(entry, "check", None)
        if check is not None:
            errors.extend(FieldError(f"{where}.{f}", m) for f, m in check(session, params))
    return errors


def check_rule_event(event: str) -> str | None:
    """Why ``event`` cannot trigger a rule, naming every trigger that can; None if it can."""
    if event == TIME_EVENT or event in RULE_EVENTS:
        return None
    allowed = ", ".join([TIME_EVENT, *sorted(RULE_EVENTS)])
    why = "cannot trigger a rule" if event in CATALOGUE else "is not an event kind"
    return f"{event!r} {why}; rules may use: {allowed}"


def check_rule(session: Session, data: dict[str, Any], prefix: str = "") -> RuleSpec:
    """Validate a rule; raise ``RuleError`` naming every bad field (``prefix`` locates the
    rule in an import, e.g. ``rules[2].``)."""
    try:
        spec = RuleSpec.model_validate(data)
    except ValidationError as exc:
        raise RuleError(_pydantic_errors(prefix.rstrip("."), exc)) from None
    errors: list[FieldError] = []
    if spec.event == TIME_EVENT:
        if spec.after is None or spec.status is None:
            errors.append(FieldError(f"{prefix}after", "a time rule needs after and status"))
        else:
            try:
                parse_duration(spec.after)
            except ValueError as exc:
                errors.append(FieldError(f"{prefix}after", str(exc)))
    elif spec.after is not None or spec.status is not None:
        errors.append(FieldError(f"{prefix}event", "after and status need event: time"))
    elif (problem := check_rule_event(spec.event)) is not None:
        errors.append(FieldError(f"{prefix}event", problem))
    errors += _check_items(session, prefix, "conditions", spec.conditions)
    errors += _check_items(session, prefix, "actions", spec.actions)
    if errors:
        raise RuleError(errors)
    return spec


def _webhook_urls(actions: list[dict[str, Any]]) -> set[str]:
    return {str(item.get("url")) for item in actions if item.get("type") == "webhook"}


def check_webhook_author(
    author: User | None, before: list[dict[str, Any]], after: list[dict[str, Any]]
) -> None:
    """A rule gains a webhook URL only from someone who may set one (raises ``Forbidden``);
    editing a rule that keeps an admin's URL needs no more than rule rights. ``author`` None
    is the desk itself (default rules, the CLI)."""
    if author is not None and _webhook_urls(after) - _webhook_urls(before):
        check_may_set_webhook(author)


def rule_data(rule: Rule) -> dict[str, Any]:
    data = {name: getattr(rule, name) for name in FIELDS}
    if rule.event != TIME_EVENT:
        del data["after"], data["status"]
    return data


def _named(session: Session, name: str) -> Rule | None:
    return session.scalars(select(Rule).where(Rule.name == name)).first()


def _apply(rule: Rule, spec: RuleSpec) -> None:
    for name in FIELDS:
        setattr(rule, name, getattr(spec, name))
    rule.updated_at = utcnow()


def do_create_rule(
    session: Session, data: dict[str, Any], actor: Actor, author: User | None = None
) -> Rule:
    spec = check_rule(session, data)
    if _named(session, spec.name) is not None:
        raise RuleError([FieldError("name", f"a rule named {spec.name!r} exists")])
    check_webhook_author(author, [], spec.actions)
    rule = Rule(created_by_id=author.id if author else None)
    _apply(rule, spec)
    session.add(rule)
    session.flush()
    emit(
        session, EventKind.RULE_CREATED, actor, rule_id=rule.id, rule=rule.name,
        after=rule_data(rule),
    )  # fmt: skip
    return rule


def do_update_rule(
    session: Session,
    rule: Rule,
    changes: dict[str, Any],
    actor: Actor,
    author: User | None = None,
) -> Rule:
    """Apply a partial change; the whole resulting rule is validated again."""
    before = rule_data(rule)
    spec = check_rule(session, {**before, **changes})
    other = _named(session, spec.name)
    if other is not None and other.id != rule.id:
        raise RuleError([FieldError("name", f"a rule named {spec.name!r} exists")])
    check_webhook_author(author, rule.actions, spec.actions)
    _apply(rule, spec)
    session.flush()
    emit(
        session,
        EventKind.RULE_UPDATED,
        actor,
        rule_id=rule.id,
        rule=rule.name,
        **changed(before, rule_data(rule)),
    )
    return rule


def do_delete_rule(session: Session, rule: Rule, actor: Actor) -> None:
    emit(
        session, EventKind.RULE_DELETED, actor, rule_id=rule.id, rule=rule.name,
        before=rule_data(rule),
    )  # fmt: skip
    session.delete(rule)
    session.flush()


def export_yaml(session: Session) -> str:
    rules = session.scalars(select(Rule).order_by(Rule.position, Rule.id))
    return yaml.safe_dump(
        {"rules": [rule_data(r) for r in rules]}, sort_keys=False, allow_unicode=True
    )


def do_import_yaml(
    session: Session, text: str, actor: Actor, author: User | None = None
) -> dict[str, int]:
    """Create or replace (by name) every rule in the document, or none: all are validated
    first and every problem is reported with the rule's index and field."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleError([FieldError("yaml", str(exc))]) from None
    items = document.get("rules") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise RuleError([FieldError("rules", "expected a list of rules under 'rules:'")])
    errors: list[FieldError] = []
    specs: list[RuleSpec] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        prefix = f"rules[{index}]."
        if not isinstance(item, dict):
            errors.append(FieldError(prefix.rstrip("."), "a rule is a mapping"))
            continue
        try:
            spec = check_rule(session, item, prefix)
        except RuleError as exc:
            errors.extend(exc.errors)
            continue
        if spec.name in seen:
            errors.append(FieldError(f"{prefix}name", f"{spec.name!r} appears twice"))
        seen.add(spec.name)
        specs.append(spec)
    if errors:
        raise RuleError(errors)
    for spec in specs:
        existing = _named(session, spec.name)
        check_webhook_author(author, existing.actions if existing else [], spec.actions)
    counts = {"created": 0, "updated": 0}
    for spec in specs:
        rule = _named(session, spec.name)
        counts["updated" if rule else "created"] += 1
        if rule is None:
            rule = Rule(created_by_id=author.id if author else None)
            session.add(rule)
        _apply(rule, spec)
    session.flush()
    emit(session, EventKind.RULES_IMPORTED, actor, **counts, names=[s.name for s in specs])
    return counts


def rules_naming_team(session: Session, name: str) -> list[str]:
    """The rules whose ``set_team`` action names team ``name``: renaming or deleting it under
    them would move their tickets to no team without a word."""
    return [
        f"rule {rule.id} ({rule.name})"
        for rule in session.scalars(select(Rule).order_by(Rule.id))
        if any(
            isinstance(step, dict) and step.get("type") == "set_team" and step.get("team") == name
            for step in rule.actions
        )
    ]
