"""Partials the workspace's live script fetches when the stream says something changed.

The stream carries only which ticket changed (docs/realtime.md); these render what changed
from the server's own templates, with the same permission checks as the pages, so the
script never builds HTML from data and never shows what the page itself would not.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import case, select
from sqlalchemy.orm import joinedload, selectinload

from minidesk import events
from minidesk.db import get_db
from minidesk.desk import access
from minidesk.desk.models import Message, Ticket, User
from minidesk.desk.workspace import get_workspace
from minidesk.event_kinds import EventKind
from minidesk.saved_views import counts as saved_counts
from minidesk.saved_views import service as saved
from minidesk.ticket_fields.definitions import labels_of
from minidesk.web.problems import problem_response
from minidesk.web.schemas import MAX_ROW_ID
from minidesk.web.ui import views
from minidesk.web.ui.inbox_pages import SavedId, select_view
from minidesk.web.ui.render import HEADERS, templates
from minidesk.web.ui.signed_in import BrowserDep

router = APIRouter(include_in_schema=False)
# A burst of notices is fetched in one request; more than a page's worth is a reload's job.
MAX_ROWS = 50
TIMELINE_MAX = 200
RowId = Annotated[int, Query(ge=0, le=MAX_ROW_ID)]
ENTRIES_PARAMS = frozenset({"after_message", "after_event"})


def _fragment(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers.update(HEADERS)
    return response


@router.get("/inbox/rows", response_class=HTMLResponse)
def inbox_rows(
    request: Request,
    browser: BrowserDep,
    ticket: Annotated[list[Annotated[int, Query(ge=1, le=MAX_ROW_ID)]], Query(max_length=MAX_ROWS)],
    view: str = "mine",
    saved: SavedId = None,
) -> Response:
    """The rows of ``ticket``s the agent may see, as the inbox at this URL draws them; a row
    the view no longer selects (solved in "Unassigned") is marked stale, one never visible
    is left out, word for word as if it did not exist."""
    with get_db().sessions() as session:
        restrict = get_workspace(session).restrict_agents_to_teams
        user = session.merge(browser.user, load=False)
        try:
            chosen = select_view(session, user, request, view, saved)
        except access.NotFound:
            return _fragment(request, "_rows.html", {"rows": []}, 404)
        matches = case((chosen.where(user), True), else_=False).label("matches")
        found = session.execute(
            select(Ticket, matches)
            .where(Ticket.id.in_(ticket), access.visible_tickets(user, restrict))
            .options(joinedload(Ticket.customer), joinedload(Ticket.assignee))
            .order_by(Ticket.id.desc())
        ).all()
        rows = [(row, bool(match)) for row, match in found]
        return _fragment(request, "_rows.html", {"rows": rows})


@router.get("/inbox/counts")
def inbox_counts(browser: BrowserDep) -> dict[str, str]:
    """Every sidebar count, keyed as the page's ``data-count`` attributes."""
    with get_db().sessions() as session:
        restrict = get_workspace(session).restrict_agents_to_teams
        user = session.merge(browser.user, load=False)
        mine = saved.views_of(session, user)
        counted = saved_counts.counts(session, user, restrict, mine, views.counted(user))
    return {key: saved_counts.shown(count) for key, count in counted.items()}


@router.get("/tickets/{number}/entries", response_class=HTMLResponse)
def ticket_entries(
    request: Request,
    number: int,
    browser: BrowserDep,
    after_message: RowId = 0,
    after_event: RowId = 0,
) -> Response:
    """Timeline entries after the last ones the page shows, oldest first, and the ticket's
    status and assignee as they are now. Another parameter (``after``, say) is refused: a
    misspelt one would otherwise answer the whole timeline as if nothing were shown yet."""
    if unknown := sorted(set(request.query_params) - ENTRIES_PARAMS):
        detail = (
            f"unknown query parameter {', '.join(map(repr, unknown))}: the entries after "
            "those shown are asked for with after_message and after_event (row ids, 0 or more)"
        )
        errors = [{"field": f"query.{name}", "message": "not a parameter"} for name in unknown]
        return problem_response(422, detail, errors=errors)
    with get_db().sessions() as session:
        restrict = get_workspace(session).restrict_agents_to_teams
        user = session.merge(browser.user, load=False)
        try:
            ticket = access.access_ticket(session, user, number, restrict)
        except access.NotFound:
            return _fragment(request, "_entries.html", {"ticket": None, "entries": []}, 404)
        messages = list(
            session.scalars(
                select(Message)
                .where(Message.ticket_id == ticket.id, Message.id > after_message)
                .options(selectinload(Message.attachments))
                .order_by(Message.id)
                .limit(TIMELINE_MAX)
            )
        )
        happened = [
            event
            for event in events.timeline(
                session, ticket_id=ticket.id, after_id=after_event, limit=TIMELINE_MAX
            )
            if event.message_id is None
        ]
        entries: list[tuple[str, Any]] = [("message", m) for m in messages]
        entries += [("event", e) for e in happened]
        entries.sort(key=lambda entry: (entry[1].created_at, entry[0] == "event"))
        authors = {m.author_id for m in messages if m.author_id}
        names = {
            u.id: u.name or u.email
            for u in session.scalars(select(User).where(User.id.in_(authors)))
        }
        assignee = ticket.assignee
        # A field change names its fields by label, as the page that loads these does.
        changed = [
            key
            for e in happened
            if e.kind == EventKind.TICKET_FIELDS_CHANGED
            for part in ("before", "after")
            for key in (e.data.get(part) or {})
        ]
        return _fragment(
            request,
            "_entries.html",
            {
                "ticket": ticket,
                "assignee": (assignee.name or assignee.email) if assignee else "",
                "entries": entries,
                "names": names,
                "field_labels": labels_of(session, changed),
            },
        )
