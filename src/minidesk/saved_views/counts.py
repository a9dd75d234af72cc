"""Sidebar counts: every view's (built-in and saved) in one statement, each capped.

A view may select the whole history (no status filter), and even "All open" grows with the
backlog; counting exactly would read every matching index entry on every page. Each count
stops at ``COUNT_CAP`` tickets and shows as "1000+": an agent needs to know "a lot", not
whether it is 41,207 or 41,208.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from minidesk.desk import access
from minidesk.desk.models import Ticket, User
from minidesk.saved_views.models import SavedView
from minidesk.saved_views.service import filters_of

COUNT_CAP = 1000


def capped(
    session: Session, user: User, restrict: bool, wheres: Mapping[str, ColumnElement[bool]]
) -> dict[str, int]:
    """``key → tickets where[key] selects that user may see``, each at most ``COUNT_CAP``."""
    if not wheres:
        return {}
    visible = access.visible_tickets(user, restrict)
    columns = []
    for key, where in wheres.items():
        first = select(Ticket.id).where(visible, where).limit(COUNT_CAP).subquery()
        columns.append(select(func.count()).select_from(first).scalar_subquery().label(key))
    row = session.execute(select(*columns)).one()
    return {key: int(value or 0) for key, value in zip(wheres, row, strict=True)}


def saved_key(view: SavedView) -> str:
    return f"saved-{view.id}"


def counts(
    session: Session,
    user: User,
    restrict: bool,
    views: Sequence[SavedView],
    builtin: Mapping[str, ColumnElement[bool]] | None = None,
) -> dict[str, int]:
    """Counts of ``views`` (keyed ``saved-<id>``) and of ``builtin`` (by their own keys)."""
    wheres = dict(builtin or {})
    wheres.update({saved_key(view): filters_of(view).where(user) for view in views})
    return capped(session, user, restrict, wheres)


def shown(count: int) -> str:
    return f"{COUNT_CAP}+" if count >= COUNT_CAP else str(count)
