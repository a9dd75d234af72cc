"""Tickets' custom field values checked against the definitions: on every change a person
makes (the API's PATCH, the ticket page, bulk actions), and the fields required to solve when
a person solves or closes. Automation and the desk's own keys (``follow_up_of``) write
``Ticket.custom_fields`` directly and are not checked here."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from minidesk.desk.models import Status, Ticket
from minidesk.ticket_fields.definitions import all_fields
from minidesk.ticket_fields.models import FieldType, TicketField

TEXT_MAX = 1000
SOLVING = (Status.SOLVED, Status.CLOSED)
REQUIRED = "fields-required-to-solve"  # the problem type of a solve refused for empty fields


class FieldValueError(ValueError):
    """Refused values: ``errors`` are (field, message) pairs, each naming
    ``custom_fields.<key>``; ``slug`` is the problem type."""

    def __init__(self, errors: list[tuple[str, str]], slug: str = "invalid-custom-fields") -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors))
        self.errors = errors
        self.slug = slug


def check_values(
    definitions: Mapping[str, TicketField], values: Mapping[str, Any]
) -> dict[str, Any]:
    """``values`` as stored (a date as ``YYYY-MM-DD``, text trimmed); null clears a field.
    Raises ``FieldValueError`` listing every refused key at once."""
    errors: list[tuple[str, str]] = []
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        where = f"custom_fields.{key}"
        field = definitions.get(key)
        if field is None:
            errors.append((where, f"no custom field {key!r} is defined"))
        elif not field.active:
            errors.append((where, f"the field {field.label!r} is inactive"))
        elif value is None:
            cleaned[key] = None
        else:
            try:
                cleaned[key] = _checked(field, value)
            except ValueError as exc:
                errors.append((where, str(exc)))
    if errors:
        raise FieldValueError(errors)
    return cleaned


def _checked(field: TicketField, value: Any) -> Any:
    kind = FieldType(field.type)
    if kind == FieldType.TEXT:
        if not isinstance(value, str):
            raise ValueError("must be text")
        if len(value) > TEXT_MAX:
            raise ValueError(f"at most {TEXT_MAX} characters")
        return value.strip()
    if kind == FieldType.NUMBER:
        # JSON's true is not 1 here: a checkbox sent to a number field is a mistake.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("must be a number")
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value
    if kind == FieldType.DATE:
        if not isinstance(value, str):
            raise ValueError("must be a date as YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValueError(f"{value!r} is not a date as YYYY-MM-DD") from None
    if kind == FieldType.DROPDOWN:
        if not isinstance(value, str) or value not in field.options:
            raise ValueError(f"must be one of: {', '.join(field.options)}")
        return value
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def missing_to_solve(fields: list[TicketField], values: Mapping[str, Any]) -> list[TicketField]:
    """Active fields required to solve that ``values`` leaves empty (a checkbox: unticked)."""
    return [
        field
        for field in fields
        if field.active and field.required_to_solve and values.get(field.key) in (None, "", False)
    ]


def check_ticket_update(
    session: Session, ticket: Ticket, status: str | None, values: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """What a person's change needs: ``values`` checked and cleaned (None when none were
    given), and, when ``status`` solves or closes the ticket, every field required to solve
    filled in once the change applies."""
    solving = status in SOLVING and status != ticket.status
    if values is None and not solving:
        return None  # the commonest change costs no query
    fields = all_fields(session)
    cleaned = check_values({f.key: f for f in fields}, values) if values is not None else None
    if solving:
        after = {**ticket.custom_fields, **(cleaned or {})}
        if missing := missing_to_solve(fields, after):
            raise FieldValueError(
                [(f"custom_fields.{f.key}", f"{f.label} is required to solve") for f in missing],
                slug=REQUIRED,
            )
    return cleaned
