"""Custom ticket fields (admins): the definitions in page order with a form for a new one,
and editing one (the key stays). Checked and saved by ``ticket_fields.definitions`` as the
API's POST and PATCH are; a refusal lands on the field it names, with what was typed kept."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from minidesk.db import commit, get_db
from minidesk.desk.access import Permission
from minidesk.desk.users import actor_of
from minidesk.ticket_fields.definitions import (
    DefinitionError,
    all_fields,
    as_dict,
    do_create_field,
    do_update_field,
)
from minidesk.ticket_fields.models import FieldType, TicketField
from minidesk.web.schemas import RowIdPath
from minidesk.web.ui.admin.gate import admin_page
from minidesk.web.ui.render import page, redirect
from minidesk.web.ui.signed_in import Browser, BrowserDep, refused

router = APIRouter(include_in_schema=False)
NEEDS = Permission.MANAGE_TICKET_FIELDS
HERE = "/admin/ticket-fields"
FORM_FIELDS = ("key", "label", "type", "options", "position")
EMPTY = {"key": "", "label": "", "type": FieldType.TEXT, "options": "", "position": "0",
         "required_to_solve": False, "active": True}  # fmt: skip


def _show(
    request: Request, browser: Browser, form: dict[str, Any], errors: dict[str, str],
    field: dict[str, Any] | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    with get_db().sessions() as session:
        fields = all_fields(session) if field is None else []
    context = {"form": form, "errors": errors, "field": field, "fields": fields,
               "types": list(FieldType)}  # fmt: skip
    name = "ticket_fields.html" if field is None else "ticket_field.html"
    return admin_page(request, browser, "ticket_fields", name, context, status_code)


def _as_form(field: TicketField) -> dict[str, Any]:
    data = as_dict(field)
    return {**data, "options": "\n".join(data["options"]), "position": str(data["position"])}


def _errors(exc: DefinitionError) -> dict[str, str]:
    """Each message on the form input it names (``options.2`` is the options box)."""
    errors: dict[str, str] = {}
    for where, message in exc.errors:
        name = where.split(".")[0]
        errors.setdefault(name if name in FORM_FIELDS else "key", message)
    return errors


def _values(form: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The posted strings as a definition, or the errors of those that are not numbers."""
    position = str(form["position"]).strip() or "0"
    if not position.isdigit():
        return {}, {"position": "a whole number, 0 or more"}
    options = [line.strip() for line in str(form["options"]).splitlines() if line.strip()]
    return {**form, "options": options, "position": int(position)}, {}


@router.get(HERE, response_class=HTMLResponse)
def fields_page(request: Request, browser: BrowserDep) -> Response:
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    return _show(request, browser, dict(EMPTY), {})


@router.post(HERE)
def create_field(
    request: Request,
    browser: BrowserDep,
    key: Annotated[str, Form(max_length=64)] = "",
    label: Annotated[str, Form(max_length=100)] = "",
    type: Annotated[str, Form(max_length=16)] = "",
    options: Annotated[str, Form(max_length=10_000)] = "",
    position: Annotated[str, Form(max_length=6)] = "0",
    required_to_solve: Annotated[str, Form(max_length=5)] = "",
    active: Annotated[str, Form(max_length=5)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    browser.check(csrf)
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    form = _posted(key.strip(), label, type, options, position, required_to_solve, active)
    values, errors = _values(form)
    if errors:
        return _show(request, browser, form, errors, status_code=422)
    with get_db().write_sessions() as session:
        try:
            made = do_create_field(session, values, actor_of(browser.user))
        except DefinitionError as exc:
            return _show(request, browser, form, _errors(exc), status_code=422)
        commit(session)
        note = f"Saved field {made.label}."
    return redirect(HERE, note)


@router.get(HERE + "/{field_id}", response_class=HTMLResponse)
def field_page(request: Request, field_id: RowIdPath, browser: BrowserDep) -> Response:
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    with get_db().sessions() as session:
        field = session.get(TicketField, field_id)
        if field is None:
            return _missing(request, browser, field_id)
        form, which = _as_form(field), {"id": field.id, "key": field.key}
    return _show(request, browser, form, {}, which)


@router.post(HERE + "/{field_id}")
def save_field(
    request: Request,
    field_id: RowIdPath,
    browser: BrowserDep,
    label: Annotated[str, Form(max_length=100)] = "",
    type: Annotated[str, Form(max_length=16)] = "",
    options: Annotated[str, Form(max_length=10_000)] = "",
    position: Annotated[str, Form(max_length=6)] = "0",
    required_to_solve: Annotated[str, Form(max_length=5)] = "",
    active: Annotated[str, Form(max_length=5)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    browser.check(csrf)
    if (no := refused(request, browser, NEEDS)) is not None:
        return no
    with get_db().write_sessions() as session:
        field = session.get(TicketField, field_id)
        if field is None:
            return _missing(request, browser, field_id)
        form = _posted(field.key, label, type, options, position, required_to_solve, active)
        values, errors = _values(form)
        try:
            if not errors:
                do_update_field(session, field, values, actor_of(browser.user))
        except DefinitionError as exc:
            errors = _errors(exc)
        if errors:  # nothing was changed: the check comes before any attribute is set
            which = {"id": field.id, "key": field.key}
            return _show(request, browser, form, errors, which, 422)
        commit(session)
        note = f"Saved field {field.label}."
    return redirect(HERE, note)


def _posted(
    key: str, label: str, type: str, options: str, position: str, required: str, active: str
) -> dict[str, Any]:
    """The form as posted (checkboxes: present or not), for checking and for showing again."""
    return {
        "key": key, "label": label, "type": type, "options": options, "position": position,
        "required_to_solve": bool(required), "active": bool(active),
    }  # fmt: skip


def _missing(request: Request, browser: Browser, field_id: int) -> Response:
    what = f"Ticket field {field_id}"
    return page(request, "not_found.html", {"browser": browser, "what": what}, 404)
