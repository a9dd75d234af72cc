"""The inbox: built-in views with live counts, keyboard navigation and bulk actions."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from minidesk.db import commit, get_db
from minidesk.desk import access, tickets
from minidesk.desk.changes import TicketChanges, do_change_ticket
from minidesk.desk.models import Status, Ticket
from minidesk.desk.users import actor_of
from minidesk.desk.workspace import get_workspace
from minidesk.web.ui import forms, views
from minidesk.web.ui.render import page, redirect
from minidesk.web.ui.signed_in import BrowserDep

router = APIRouter(include_in_schema=False)
MAX_BULK = 100


@router.get("/inbox", response_class=HTMLResponse)
def inbox(
    request: Request, browser: BrowserDep, view: str = "mine", before: int | None = None
) -> Response:
    chosen = views.BY_KEY.get(view, views.BY_KEY["mine"])
    with get_db().sessions() as session:
        restrict = get_workspace(session).restrict_agents_to_teams
        user = session.merge(browser.user, load=False)
        rows = views.tickets_in(session, user, chosen, restrict, before)
        return page(
            request,
            "inbox.html",
            {
                "browser": browser,
                "views": views.VIEWS,
                "view": chosen,
                "tickets": rows,
                "counts": views.counts(session, user, restrict),
                "next_before": rows[-1].id if len(rows) == views.PAGE_SIZE else None,
            },
        )


BULK_ACTIONS = {
    "assign-me": "Assign to me",
    "solve": "Solve",
    "tag": "Add tags",
}


@router.post("/inbox/bulk")
def bulk(
    browser: BrowserDep,
    action: Annotated[str, Form()],
    csrf: Annotated[str, Form(max_length=100)] = "",
    ticket: Annotated[list[int] | None, Form()] = None,
    tags: Annotated[str, Form(max_length=500)] = "",
    view: Annotated[str, Form(max_length=32)] = "mine",
) -> Response:
    """Apply one action to the selected tickets, each visible to the agent (others are skipped,
    not revealed); all or nothing in one transaction."""
    browser.check(csrf)
    numbers = sorted(set(ticket or []))[:MAX_BULK]
    if action not in BULK_ACTIONS:
        return _back(view, f"unknown action {action!r}")
    with get_db().write_sessions() as session:
        restrict = get_workspace(session).restrict_agents_to_teams
        user = session.merge(browser.user, load=False)
        actor = actor_of(user)
        changed = 0
        chosen = session.scalars(
            select(Ticket).where(Ticket.id.in_(numbers), access.visible_tickets(user, restrict))
        ).all()
        match action:
            case "assign-me":
                change = TicketChanges(assignee_id=user.id)
            case "solve":
                change = TicketChanges(status=Status.SOLVED)
            case _:
                change = TicketChanges(add_tags=forms.tags(tags))
        try:
            for row in chosen:
                do_change_ticket(session, row, change, actor)
                changed += 1
        except tickets.TicketChangeError as exc:
            return _back(view, str(exc))
        commit(session)
    plural = "s" if changed != 1 else ""
    return _back(view, f"{BULK_ACTIONS[action]}: {changed} ticket{plural}")


def _back(view: str, note: str) -> RedirectResponse:
    return redirect(f"/inbox?{urlencode({'view': view})}", note)
