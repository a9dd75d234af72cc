"""Saved views' ticket counts for the sidebar: every view in one statement, each capped.

A view may select the whole history (no status filter); counting it exactly would read every
row on every page. Each count stops at ``COUNT_CAP`` matching tickets and shows as "1000+".
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minidesk.desk import access
from minidesk.desk.models import Ticket, User
from minidesk.saved_views.models import SavedView
from minidesk.saved_views.service import filters_of

COUNT_CAP = 1000


def counts(
    session: Session, user: User, restrict: bool, views: Sequence[SavedView]
) -> dict[int, int]:
    """``view id → tickets it shows user`` (at most ``COUNT_CAP``), team restriction applied."""
    if not views:
        return {}
    visible = access.visible_tickets(user, restrict)
    columns = []
    for view in views:
        capped = (
            select(Ticket.id)
            .where(visible, filters_of(view).where(user))
            .limit(COUNT_CAP)
            .subquery()
        )
        columns.append(
            select(func.count()).select_from(capped).scalar_subquery().label(f"v{view.id}")
        )
    row = session.execute(select(*columns)).one()
    return {view.id: int(value or 0) for view, value in zip(views, row, strict=True)}


def shown(count: int) -> str:
    return f"{COUNT_CAP}+" if count >= COUNT_CAP else str(count)
