"""A ticket as a workspace page may show it: the signed-in user's permission checked, and
the same "not found" for a ticket that does not exist and one they may not see."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from minidesk.desk import access
from minidesk.desk.models import Ticket
from minidesk.desk.workspace import get_workspace
from minidesk.web.ui.render import page
from minidesk.web.ui.signed_in import Browser


def visible_ticket(session: Session, browser: Browser, number: int) -> Ticket | None:
    restrict = get_workspace(session).restrict_agents_to_teams
    user = session.merge(browser.user, load=False)
    try:
        return access.access_ticket(session, user, number, restrict)
    except access.NotFound:
        return None


def ticket_not_found(request: Request, browser: Browser, number: int) -> Response:
    return page(request, "not_found.html", {"browser": browser, "what": f"Ticket {number}"}, 404)
