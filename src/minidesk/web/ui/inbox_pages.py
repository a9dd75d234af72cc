"""The inbox: built-in and saved views with live counts, filters in the query string (so a
filtered inbox is a shareable URL), keyboard navigation and bulk actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from minidesk.db import commit, get_db
from minidesk.desk import access, tickets
from minidesk.desk.changes import TicketChanges, do_change_ticket
from minidesk.desk.models import Priority, Role, Status, Ticket, User
from minidesk.desk.teams import visible_teams
from minidesk.desk.users import actor_of
from minidesk.desk.workspace import get_workspace
from minidesk.features import channel_kinds
from minidesk.saved_views import counts as saved_counts
from minidesk.saved_views import filters as inbox_filters
from minidesk.saved_views import service as saved
from minidesk.saved_views.filters import FilterError, Filters
from minidesk.saved_views.models import SavedView
from minidesk.ticket_fields.values import FieldValueError, check_ticket_update
from minidesk.web.schemas import MAX_ROW_ID
from minidesk.web.ui import forms, views
from minidesk.web.ui.field_pages import refused
from minidesk.web.ui.render import page, redirect
from minidesk.web.ui.signed_in import BrowserDep

router = APIRouter(include_in_schema=False)
MAX_BULK = 100
SavedId = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)]
Before = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)]


@dataclass(frozen=True)
class Selection:
    """What an inbox URL shows: a built-in view narrowed by filters, or a saved view."""

    key: str  # "mine", or "saved-7"
    title: str
    filters: Filters  # all of it, the built-in view's preset included
    shown: Filters  # what the filter form shows as chosen
    pairs: list[tuple[str, str]]  # the query string that selects it again
    saved: SavedView | None = None
    error: str = ""
    builtin: views.View | None = None  # the built-in view, for what its filters cannot say

    def where(self, user: User) -> ColumnElement[bool]:
        clause = self.filters.where(user)
        extra = self.builtin.also if self.builtin is not None else None
        return clause & extra() if extra is not None else clause


def select_view(
    session: Session, user: User, request: Request, view: str, saved_id: int | None
) -> Selection:
    """The selection an inbox URL names; ``access.NotFound`` for a saved view one may not see."""
    if saved_id is not None:
        chosen = saved.access_view(session, user, saved_id)
        stored = saved.filters_of(chosen)
        return Selection(
            f"saved-{chosen.id}", chosen.name, stored, stored, [("saved", str(chosen.id))], chosen
        )
    builtin = views.BY_KEY.get(view, views.BY_KEY["mine"])
    error = ""
    try:
        asked = inbox_filters.from_query(list(request.query_params.multi_items()))
    except FilterError as exc:
        asked, error = inbox_filters.NONE, f"Filter not applied: {exc}"
    pairs = [("view", builtin.key), *asked.query()]
    return Selection(builtin.key, builtin.title, asked.over(builtin.preset), asked, pairs,
                     error=error, builtin=builtin)  # fmt: skip


def sidebar(session: Session, user: User, restrict: bool) -> dict[str, Any]:
    """The views with their counts, built-in and saved, in one statement."""
    mine = saved.views_of(session, user)
    counted = saved_counts.counts(session, user, restrict, mine, views.counted(user))
    return {
        "views": views.VIEWS,
        "counts": {key: saved_counts.shown(n) for key, n in counted.items()},
        "saved_views": mine,
    }


def _may_share(user: User) -> bool:
    return Role(user.role) in (Role.LEAD, Role.MANAGER, Role.ADMIN)


@router.get("/inbox", response_class=HTMLResponse)
def inbox(
    request: Request,
    browser: BrowserDep,
    view: str = "mine",
    saved: SavedId = None,
    before: Before = None,
) -> Response:
    with get_db().sessions() as session:
        restrict = get_workspace(session).restrict_agents_to_teams
        user = session.merge(browser.user, load=False)
        try:
            chosen = select_view(session, user, request, view, saved)
        except access.NotFound:
            return page(request, "not_found.html", {"browser": browser, "what": "That view"}, 404)
        rows = views.tickets_in(session, user, chosen.where(user), restrict, before)
        more = rows[-1].id if len(rows) == views.PAGE_SIZE else None
        return page(
            request,
            "inbox.html",
            {
                "browser": browser,
                **sidebar(session, user, restrict),
                "chosen": chosen,
                "tickets": rows,
                "next_url": inbox_filters.url([*chosen.pairs, ("before", str(more))])
                if more
                else None,
                "page_query": urlencode(chosen.pairs),
                "first_page": before is None,
                "may_change": chosen.saved is not None and _may_change(session, user, chosen),
                **_form_choices(session, user, restrict),
            },
            status_code=400 if chosen.error else 200,
        )


def _may_change(session: Session, user: User, chosen: Selection) -> bool:
    assert chosen.saved is not None
    try:
        saved.check_change(session, user, chosen.saved)
    except access.Forbidden:
        return False
    return True


def _form_choices(session: Session, user: User, restrict: bool) -> dict[str, Any]:
    return {
        "statuses": list(Status),
        "priorities": list(Priority),
        "channels": sorted(channel_kinds()),
        "intents": inbox_filters.INTENTS,
        # Agents restricted to their teams meet no other team's name here either (the stream
        # tells them of none), and filtering by one would find nothing they may see.
        "teams": visible_teams(session, user, restrict),
        "may_share": _may_share(user),
    }


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
    view: Annotated[str, Form(max_length=300)] = "view=mine",
) -> Response:
    """Apply one action to the selected tickets, each visible to the agent (others are skipped,
    not revealed); all or nothing in one transaction. ``view`` is the page's query string."""
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
                check_ticket_update(session, row, change.status, None)
                do_change_ticket(session, row, change, actor)
                changed += 1
        except FieldValueError as exc:  # all or nothing: the first ticket that may not be solved
            return _back(view, f"#{row.id}: {refused(exc, {})}")
        except tickets.TicketChangeError as exc:
            return _back(view, str(exc))
        commit(session)
    plural = "s" if changed != 1 else ""
    return _back(view, f"{BULK_ACTIONS[action]}: {changed} ticket{plural}")


def _back(query: str, note: str) -> RedirectResponse:
    # Only the inbox's own parameters go back into the URL (never a path or another host).
    keep = [(k, v) for k, v in _pairs(query) if k in ("view", "saved", *inbox_filters.KEYS)]
    return redirect(inbox_filters.url(keep), note)


def _pairs(query: str) -> list[tuple[str, str]]:
    if query in views.BY_KEY:  # a bare view key, as older pages posted it
        return [("view", query)]
    return parse_qsl(query, keep_blank_values=False)[:20]
