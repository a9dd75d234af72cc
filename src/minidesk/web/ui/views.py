"""The inbox's built-in views: which tickets each shows, in what order, with live counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, select, true
from sqlalchemy.orm import Session, joinedload

from minidesk.desk import access
from minidesk.desk.models import OPEN_STATUSES, Status, Ticket, User

PAGE_SIZE = 50


@dataclass(frozen=True)
class View:
    key: str
    title: str
    # Counted in the sidebar: the views of work still to do. Counting solved tickets would
    # scan the whole history on every page.
    counted: bool = True

    def where(self, user: User) -> ColumnElement[bool]:
        is_open = Ticket.status.in_(OPEN_STATUSES)
        match self.key:
            case "mine":
                return and_(is_open, Ticket.assignee_id == user.id)
            case "unassigned":
                return and_(is_open, Ticket.assignee_id.is_(None))
            case "waiting":
                return Ticket.status == Status.PENDING
            case "solved":
                return Ticket.status.in_((Status.SOLVED, Status.CLOSED))
            case "open":
                return is_open
        return true()


VIEWS = (
    View("mine", "Mine"),
    View("unassigned", "Unassigned"),
    View("open", "All open"),
    View("waiting", "Waiting on customer"),
    View("solved", "Solved", counted=False),
)
BY_KEY = {view.key: view for view in VIEWS}


def tickets_in(
    session: Session, user: User, view: View, restrict: bool, before: int | None = None
) -> list[Ticket]:
    """A page of the view's tickets the user may see, newest first (by number, which is the
    index the list walks; ``before`` continues from a previous page)."""
    query = (
        select(Ticket)
        .where(access.visible_tickets(user, restrict), view.where(user))
        .options(joinedload(Ticket.customer), joinedload(Ticket.assignee))
        .order_by(Ticket.id.desc())
        .limit(PAGE_SIZE)
    )
    if before is not None:
        query = query.where(Ticket.id < before)
    return list(session.scalars(query))


def counts(session: Session, user: User, restrict: bool) -> dict[str, int]:
    """The counted views' sizes in one pass over the open tickets (the status index keeps
    it to those), for the sidebar."""
    counted = [view for view in VIEWS if view.counted]
    columns = [func.count().filter(view.where(user)).label(view.key) for view in counted]
    row = session.execute(
        select(*columns)
        .select_from(Ticket)
        .where(Ticket.status.in_(OPEN_STATUSES), access.visible_tickets(user, restrict))
    ).one()
    return {view.key: int(getattr(row, view.key) or 0) for view in counted}
