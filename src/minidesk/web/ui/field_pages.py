"""The ticket page's custom fields: a form in the side panel with one input per active field
(text, number, date, dropdown, checkbox) that saves through the same checks as the API. The
change is a ``ticket.fields_changed`` event: colleagues viewing the ticket see the panel
refresh (``data-live-part``) and the change on the timeline."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy.orm import Session

from minidesk.db import commit, get_db
from minidesk.desk import tickets
from minidesk.desk.changes import TicketChanges, do_change_ticket
from minidesk.desk.users import actor_of
from minidesk.ticket_fields.definitions import all_fields
from minidesk.ticket_fields.models import FieldType, TicketField
from minidesk.ticket_fields.values import REQUIRED, FieldValueError, check_ticket_update
from minidesk.web.ui.render import redirect
from minidesk.web.ui.signed_in import Browser, BrowserDep
from minidesk.web.ui.ticket_access import ticket_not_found, visible_ticket

router = APIRouter(include_in_schema=False)
PREFIX = "field-"  # form names: ``field-<key>``, apart from the form's csrf
VALUE_MAX = 1000


def field_panel(session: Session) -> dict[str, Any]:
    """The active definitions in page order (one query), and every label for the timeline."""
    fields = all_fields(session)
    return {
        "ticket_fields": [f for f in fields if f.active],
        "field_labels": {f.key: f.label for f in fields},
    }


def refused(exc: FieldValueError, labels: dict[str, str]) -> str:
    """One line for the flash: each refused field by its label (a field required to solve
    is named by its message already)."""
    if exc.slug == REQUIRED:
        return "; ".join(message for _, message in exc.errors)
    named = ((where.removeprefix("custom_fields."), message) for where, message in exc.errors)
    return "; ".join(f"{labels.get(key, key)}: {message}" for key, message in named)


def _value(field: TicketField, raw: str | None) -> Any:
    """A posted string as the JSON value the API would take; the check is the API's."""
    if field.type == FieldType.CHECKBOX:
        return True if raw else None  # unticked clears: no value is no tick
    text = (raw or "").strip()
    if not text:
        return None
    if field.type == FieldType.NUMBER:
        try:
            number = float(text)
        except ValueError:
            return text  # refused by the check with the API's words
        return int(number) if number.is_integer() and "." not in text else number
    return text


@router.post("/tickets/{number}/fields")
async def save_fields(request: Request, number: int, browser: BrowserDep) -> Response:
    posted = await request.form()
    values = {
        name.removeprefix(PREFIX): str(value)[:VALUE_MAX]
        for name, value in posted.items()
        if name.startswith(PREFIX) and isinstance(value, str)
    }
    browser.check(str(posted.get("csrf", ""))[:100])
    return await run_in_threadpool(_save, request, number, browser, values)


def _save(request: Request, number: int, browser: Browser, posted: dict[str, str]) -> Response:
    with get_db().write_sessions() as session:
        ticket = visible_ticket(session, browser, number)
        if ticket is None:
            return ticket_not_found(request, browser, number)
        active = [f for f in all_fields(session) if f.active]
        # Every active field is on the form: a missing one is an unticked box or left empty.
        wanted = {f.key: _value(f, posted.get(f.key)) for f in active}
        wanted = {k: v for k, v in wanted.items() if v != ticket.custom_fields.get(k)}
        try:
            cleaned = check_ticket_update(session, ticket, None, wanted)
            changes = TicketChanges(custom_fields=cleaned)
            do_change_ticket(session, ticket, changes, actor_of(browser.user))
        except FieldValueError as exc:
            labels = {f.key: f.label for f in active}
            return redirect(f"/tickets/{number}", f"Fields not saved: {refused(exc, labels)}")
        except tickets.TicketChangeError as exc:
            return redirect(f"/tickets/{number}", f"Fields not saved: {exc}")
        commit(session)
    return redirect(f"/tickets/{number}", "Fields saved." if wanted else "No field changed.")
