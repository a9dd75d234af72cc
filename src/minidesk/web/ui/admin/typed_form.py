"""A channel kind's typed settings and secrets as form fields, and a posted form read back
into the values ``channels.service`` takes: one generic form serves every kind, including
kinds added later, from the pydantic models the kind declares."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, SecretStr, ValidationError


@dataclass(frozen=True)
class FormField:
    name: str  # the form's field name: ``settings.imap_port``
    label: str
    input: str  # text, number, list (words separated by spaces), password, checkbox
    max_length: int | None = None


def _base(annotation: Any) -> Any:
    """``int | None`` → int; ``list[str] | None`` → list."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = inner[0] if len(inner) == 1 else str
    return typing.get_origin(annotation) or annotation


def _input(annotation: Any) -> str:
    base = _base(annotation)
    if base is SecretStr:
        return "password"
    if base is bool:
        return "checkbox"
    if base is int:
        return "number"
    if base in (list, tuple, set):
        return "list"
    return "text"


def fields_of(model: type[BaseModel], prefix: str) -> list[FormField]:
    found = []
    for name, info in model.model_fields.items():
        max_length = next((m.max_length for m in info.metadata if hasattr(m, "max_length")), None)
        label = info.title or name.replace("_", " ").capitalize()
        found.append(FormField(f"{prefix}.{name}", label, _input(info.annotation), max_length))
    return found


def shown(fields: list[FormField], current: dict[str, Any]) -> dict[str, str]:
    """The current values as the inputs show them (secrets never: they are write-only)."""
    values = {}
    for field in fields:
        value = current.get(field.name.split(".", 1)[1])
        if field.input == "password" or value is None:
            values[field.name] = ""
        elif field.input == "list":
            values[field.name] = " ".join(str(v) for v in value)
        elif field.input == "checkbox":
            values[field.name] = "on" if value else ""
        else:
            values[field.name] = str(value)
    return values


def read(fields: list[FormField], posted: dict[str, str], before: dict[str, str]) -> dict[str, Any]:
    """The changed fields only (``before`` is what the form showed): an empty input clears
    a setting; an empty secret keeps the stored one unless its "forget" box is ticked."""
    values: dict[str, Any] = {}
    for field in fields:
        key = field.name.split(".", 1)[1]
        raw = posted.get(field.name, "").strip()
        if field.input == "password":
            if posted.get(f"forget.{field.name}"):
                values[key] = None
            elif raw:
                values[key] = raw
            continue
        if field.input == "checkbox":
            raw = "on" if raw else ""
        if raw == before.get(field.name, ""):
            continue
        if field.input == "checkbox":
            values[key] = bool(raw)
        elif not raw:
            values[key] = None
        elif field.input == "list":
            values[key] = raw.replace(",", " ").split()
        else:
            values[key] = raw
    return values


def problems(model: type[BaseModel], values: dict[str, Any], prefix: str) -> dict[str, str]:
    """What the kind's model says about ``values``, by form field name."""
    try:
        model.model_validate(values)
    except ValidationError as exc:
        found = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            found[f"{prefix}.{name}" if name else prefix] = error["msg"]
        return found
    return {}
