"""Custom ticket field definitions: every signed-in user reads them (the ticket page and API
clients fill them in), admins create and change them. Tickets' values are set with
``PATCH /api/v1/tickets/{number}`` and ``custom_fields``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from minidesk.db import commit
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.ticket_fields.definitions import (
    MAX_OPTIONS,
    DefinitionError,
    all_fields,
    do_create_field,
    do_update_field,
)
from minidesk.ticket_fields.models import FieldType, TicketField
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, UserDep, WriteSessionDep, requires
from minidesk.web.pagination import Page
from minidesk.web.problems import Problem
from minidesk.web.schemas import RowIdPath, Strict

router = APIRouter(prefix=f"{PREFIX}/ticket-fields", tags=["ticket-fields"])
AdminDep = Annotated[User, requires(Permission.MANAGE_TICKET_FIELDS)]


class FieldIn(Strict):
    key: str = Field(max_length=64, description="lower-case letters, digits and _; never changes")
    label: str = Field(max_length=100)
    type: FieldType
    options: list[str] = Field(
        default_factory=list, max_length=MAX_OPTIONS, description="a dropdown's choices"
    )
    required_to_solve: bool = Field(False, description="a person cannot solve without it")
    active: bool = True
    position: int = Field(0, ge=0, le=10_000, description="order on the ticket page")


class FieldPatch(Strict):
    label: str | None = Field(None, max_length=100)
    type: FieldType | None = None
    options: list[str] | None = Field(None, max_length=MAX_OPTIONS)
    required_to_solve: bool | None = None
    active: bool | None = None
    position: int | None = Field(None, ge=0, le=10_000)


class FieldOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    key: str
    label: str
    type: FieldType
    options: list[str]
    required_to_solve: bool
    active: bool
    position: int
    created_at: dt.datetime
    updated_at: dt.datetime


def _invalid(exc: DefinitionError) -> Problem:
    return Problem(
        422,
        str(exc),
        slug="invalid-ticket-field",
        errors=[{"field": field, "message": message} for field, message in exc.errors],
    )


def _get(session: SessionDep | WriteSessionDep, field_id: int) -> TicketField:
    field = session.get(TicketField, field_id)
    if field is None:
        raise Problem(404, f"no ticket field {field_id}")
    return field


@router.get("", response_model=Page[FieldOut])
def list_fields(session: SessionDep, user: UserDep, active: bool | None = None) -> Page[FieldOut]:
    """Every definition in page order (``active=true``: only those shown and checked)."""
    rows = all_fields(session, active_only=bool(active))
    if active is False:
        rows = [row for row in rows if not row.active]
    return Page[FieldOut](items=[FieldOut.model_validate(r) for r in rows], next_cursor=None)


@router.post("", status_code=201, response_model=FieldOut)
def create_field(body: FieldIn, session: WriteSessionDep, user: AdminDep) -> TicketField:
    try:
        field = do_create_field(session, body.model_dump(mode="json"), actor_of(user))
    except DefinitionError as exc:
        raise _invalid(exc) from exc
    commit(session)
    return field


@router.get("/{field_id}", response_model=FieldOut)
def get_field(field_id: RowIdPath, session: SessionDep, user: UserDep) -> TicketField:
    return _get(session, field_id)


@router.patch("/{field_id}", response_model=FieldOut)
def update_field(
    field_id: RowIdPath, body: FieldPatch, session: WriteSessionDep, user: AdminDep
) -> TicketField:
    """Change any of these; the key never changes (tickets' values are stored under it).
    Deactivate a field instead of deleting it: its values stay on the tickets."""
    field = _get(session, field_id)
    changes = body.model_dump(mode="json", exclude_unset=True)
    try:
        do_update_field(session, field, changes, actor_of(user))
    except DefinitionError as exc:
        raise _invalid(exc) from exc
    commit(session)
    return field
