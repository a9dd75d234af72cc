"""Creating and changing field definitions; each change is a ``ticket_field.changed`` event
with the definition before and after (``before`` null for a new one). A definition is never
deleted, only deactivated: tickets keep the values written under its key."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, emit
from minidesk.ticket_fields.models import FieldType, TicketField

KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_OPTIONS = 100
OPTION_MAX = 100
# Keys the desk writes itself (a follow-up's origin): an admin's field must not shadow them.
RESERVED_KEYS = frozenset({"follow_up_of"})


class DefinitionError(ValueError):
    """Invalid definition: ``errors`` are (field, message) pairs, ready for problem+json."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors))
        self.errors = errors


class FieldSpec(BaseModel):
    """A whole definition as an admin writes it; a change is the stored one with the
    changed keys replaced, checked again as a whole."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(description="lower-case letters, digits and _; never changes")
    label: str = Field(min_length=1, max_length=100)
    type: FieldType
    options: list[str] = Field(default_factory=list, max_length=MAX_OPTIONS)
    required_to_solve: bool = False
    active: bool = True
    position: int = Field(0, ge=0, le=10_000)

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not KEY.match(value):
            raise ValueError("use 1-64 lower-case letters, digits and _, starting with a letter")
        if value in RESERVED_KEYS:
            raise ValueError(f"{value} is written by the desk itself")
        return value

    @field_validator("label")
    @classmethod
    def _label(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a label is needed")
        return value.strip()

    @field_validator("options")
    @classmethod
    def _options(cls, value: list[str]) -> list[str]:
        cleaned = [option.strip() for option in value]
        if any(not option or len(option) > OPTION_MAX for option in cleaned):
            raise ValueError(f"each option is 1-{OPTION_MAX} characters")
        if len(set(cleaned)) != len(cleaned):
            raise ValueError("options must differ from each other")
        return cleaned


def check_definition(data: dict[str, Any]) -> FieldSpec:
    try:
        spec = FieldSpec.model_validate(data)
    except ValidationError as exc:
        raise DefinitionError(
            [(".".join(str(p) for p in e["loc"]) or "body", e["msg"]) for e in exc.errors()]
        ) from None
    if spec.type == FieldType.DROPDOWN and not spec.options:
        raise DefinitionError([("options", "a dropdown needs at least one option")])
    if spec.type != FieldType.DROPDOWN and spec.options:
        raise DefinitionError([("options", f"only a dropdown has options, not a {spec.type}")])
    return spec


def as_dict(field: TicketField) -> dict[str, Any]:
    return {
        "key": field.key,
        "label": field.label,
        "type": field.type,
        "options": list(field.options),
        "required_to_solve": field.required_to_solve,
        "active": field.active,
        "position": field.position,
    }


def all_fields(session: Session, *, active_only: bool = False) -> list[TicketField]:
    query = select(TicketField).order_by(TicketField.position, TicketField.id)
    if active_only:
        query = query.where(TicketField.active.is_(True))
    return list(session.scalars(query))


def labels_of(session: Session, keys: Collection[str]) -> dict[str, str]:
    """The labels of ``keys`` (a timeline's field changes name keys); no query for none."""
    if not keys:
        return {}
    query = select(TicketField.key, TicketField.label).where(TicketField.key.in_(set(keys)))
    return {key: label for key, label in session.execute(query)}


def do_create_field(session: Session, data: dict[str, Any], actor: Actor) -> TicketField:
    spec = check_definition(data)
    if session.scalar(select(TicketField.id).where(TicketField.key == spec.key)) is not None:
        raise DefinitionError([("key", f"a field {spec.key} exists already")])
    field = TicketField(**spec.model_dump(mode="json"))
    session.add(field)
    session.flush()
    _emit(session, field, None, actor)
    return field


def do_update_field(
    session: Session, field: TicketField, changes: dict[str, Any], actor: Actor
) -> None:
    if "key" in changes and changes["key"] != field.key:
        raise DefinitionError([("key", "a field's key never changes (values are stored under it)")])
    before = as_dict(field)
    spec = check_definition({**before, **changes})
    after = spec.model_dump(mode="json")
    if after == before:
        return
    for name, value in after.items():
        setattr(field, name, value)
    field.updated_at = utcnow()
    _emit(session, field, before, actor)


def _emit(
    session: Session, field: TicketField, before: dict[str, Any] | None, actor: Actor
) -> None:
    emit(
        session,
        EventKind.TICKET_FIELD_CHANGED,
        actor,
        field_id=field.id,
        field=field.key,
        before=before,
        after=as_dict(field),
    )
