"""The drill-down both insights dashboards share (``/insights`` and ``/insights/operations``):
who may read them, and the tickets behind one number as a page and as a CSV of conversations.
Each dashboard says only how it finds the tickets (``Behind``) and where its page goes back to."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.db import get_db
from minidesk.desk.access import Permission
from minidesk.desk.models import Ticket, User
from minidesk.web.ui.render import page
from minidesk.web.ui.signed_in import permitted

# The tickets behind the number a request names, as the reader may see them (team restriction
# included): each dashboard's own question and report.
Behind = Callable[[Session, User], list[int]]
COLUMNS = ("number", "subject", "channel", "status", "priority", "intent", "assignee_id",
           "team_id", "created_at", "solved_at")  # fmt: skip


def _tickets(session: Session, user: User, behind: Behind) -> list[Ticket]:
    ids = behind(session, user)
    if not ids:
        return []
    return list(session.scalars(select(Ticket).where(Ticket.id.in_(ids)).order_by(Ticket.id)))


def tickets_page(
    request: Request, browser: Any, error: str, behind: Behind, *, title: str,
    back: tuple[str, str],
) -> Response:  # fmt: skip
    """The tickets as a table linking each one, with the CSV beside; ``back`` is the
    dashboard's (address, link text)."""
    with get_db().sessions() as session:
        user = permitted(session, request, browser, Permission.SEE_INSIGHTS)
        if isinstance(user, Response):
            return user
        context: dict[str, Any] = {"browser": browser, "active": "insights", "title": title,
                                   "back": back, "error": error, "tickets": []}  # fmt: skip
        if error:
            return page(request, "insights_tickets.html", context, 422)
        context["tickets"] = _tickets(session, user, behind)
        context["csv"] = f"{request.url.path}.csv?{request.url.query}"
        return page(request, "insights_tickets.html", context)


def tickets_csv(
    request: Request, browser: Any, error: str, behind: Behind, filename: str
) -> Response:
    """The same tickets as CSV, one line per conversation."""
    with get_db().sessions() as session:
        user = permitted(session, request, browser, Permission.SEE_INSIGHTS)
        if isinstance(user, Response):
            return user
        if error:
            return Response(error, status_code=422, media_type="text/plain")
        body = _csv(_tickets(session, user, behind))
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _csv(tickets: Iterable[Ticket]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for t in tickets:
        writer.writerow([t.id, t.subject, t.channel, t.status, t.priority, t.intent or "",
                         t.assignee_id or "", t.team_id or "", t.created_at.isoformat(),
                         t.solved_at.isoformat() if t.solved_at else ""])  # fmt: skip
    return out.getvalue()
