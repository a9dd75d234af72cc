"""Who sees and changes which saved views, and the changes themselves (each an event).

A personal view is its owner's alone. A shared view is seen by the members of its team (by
everyone when it has none) and by managers and admins; leads share views with their own
teams, managers and admins with any team or everyone, and whoever may share a view there may
also rename or delete it. A view one may not see reads as missing, word for word.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from minidesk.db import utcnow
from minidesk.desk.access import RANK, Forbidden, NotFound
from minidesk.desk.models import Role, Team, TeamMember, User
from minidesk.event_kinds import EventKind
from minidesk.events import Actor, changed, emit
from minidesk.saved_views.filters import FilterError, Filters, parse
from minidesk.saved_views.models import SavedView

NAME_MAX = 100
# Each view is counted on every inbox page: a bound keeps the sidebar one cheap statement.
MAX_OWN_VIEWS = 50


class ViewError(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


class TooMany(Exception):
    pass


def _rank(user: User) -> int:
    return RANK[Role(user.role)]


def _sees_every_team(user: User) -> bool:
    return _rank(user) >= RANK[Role.MANAGER]


def _my_teams(user: User) -> Any:
    return select(TeamMember.team_id).where(TeamMember.user_id == user.id)


def visible_views(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``SavedView``: the views ``user`` may see."""
    own = and_(SavedView.shared.is_(False), SavedView.owner_id == user.id)
    if _sees_every_team(user):
        return or_(own, SavedView.shared.is_(True))
    for_me = or_(SavedView.team_id.is_(None), SavedView.team_id.in_(_my_teams(user)))
    return or_(own, and_(SavedView.shared.is_(True), for_me))


def views_of(session: Session, user: User) -> list[SavedView]:
    """The sidebar's saved views: the user's own first, then shared ones, by name."""
    return list(
        session.scalars(
            select(SavedView)
            .where(visible_views(user))
            .order_by(SavedView.shared, func.lower(SavedView.name), SavedView.id)
        )
    )


def access_view(session: Session, user: User, view_id: int) -> SavedView:
    view = session.scalar(select(SavedView).where(SavedView.id == view_id, visible_views(user)))
    if view is None:
        raise NotFound(f"view {view_id} does not exist or is not visible to you")
    return view


def _in_team(session: Session, user: User, team_id: int) -> bool:
    row = session.get(TeamMember, (team_id, user.id))
    return row is not None


def check_share(session: Session, user: User, team_id: int | None) -> None:
    """May ``user`` share a view with ``team_id`` (``None``: everyone)?"""
    if _sees_every_team(user):
        if team_id is not None and session.get(Team, team_id) is None:
            raise ViewError("team", f"team {team_id} does not exist")
        return
    if _rank(user) < RANK[Role.LEAD]:
        raise Forbidden(
            f"sharing a view needs the lead role or higher; {user.email} is {user.role}"
        )
    if team_id is None:
        raise Forbidden("a view shared with everyone needs the manager role or higher")
    if not _in_team(session, user, team_id):
        raise Forbidden(f"a lead shares views with their own teams only; not team {team_id}")


def check_change(session: Session, user: User, view: SavedView) -> None:
    """May ``user`` rename, refilter or delete ``view`` (which they can see)?"""
    if not view.shared:
        if view.owner_id != user.id:  # not reachable through access_view; kept as the rule
            raise Forbidden("a personal view is changed by its owner only")
        return
    try:
        check_share(session, user, view.team_id)
    except ViewError:
        return  # a manager may tidy up a view whose team was removed
    except Forbidden:
        raise Forbidden(
            f"view {view.id} is shared by a lead or manager; you may not change it"
        ) from None


def check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ViewError("name", "a view needs a name")
    if len(name.strip()) > NAME_MAX:
        raise ViewError("name", f"a view's name is at most {NAME_MAX} characters")
    return name.strip()


def check_filters(session: Session, data: Any) -> Filters:
    if not isinstance(data, dict):
        raise ViewError("filters", "filters are an object")
    try:
        filters = parse(data)
    except FilterError as exc:
        raise ViewError(f"filters.{exc.field}", exc.message) from None
    if filters.team is not None and session.get(Team, filters.team) is None:
        raise ViewError("filters.team", f"team {filters.team} does not exist")
    return filters


def view_data(view: SavedView) -> dict[str, Any]:
    return {"name": view.name, "shared": view.shared, "team": view.team_id,
            "filters": view.filters}  # fmt: skip


def _seen_by(view: SavedView) -> dict[str, Any]:
    """Who sees ``view``, on each of its events: the stream tells exactly them
    (``realtime.audience``), after commit, when a deleted view's row is gone."""
    return {"owner_id": view.owner_id, "shared": view.shared, "team_id": view.team_id}


@dataclass(frozen=True)
class NewView:
    name: str
    filters: dict[str, Any]
    shared: bool = False
    team_id: int | None = None


def do_create_view(session: Session, user: User, new: NewView, actor: Actor) -> SavedView:
    name = check_name(new.name)
    filters = check_filters(session, new.filters)
    if new.shared:
        check_share(session, user, new.team_id)
    elif new.team_id is not None:
        raise ViewError("team", "only a shared view has a team")
    owned = session.scalar(select(func.count()).where(SavedView.owner_id == user.id)) or 0
    if owned >= MAX_OWN_VIEWS:
        raise TooMany(f"you have {owned} saved views, the most one person may make")
    view = SavedView(
        name=name,
        owner_id=user.id,
        shared=new.shared,
        team_id=new.team_id if new.shared else None,
        filters=filters.as_data(),
    )
    session.add(view)
    session.flush()
    emit(
        session, EventKind.VIEW_CREATED, actor, view_id=view.id, **_seen_by(view),
        after=view_data(view),
    )  # fmt: skip
    return view


def do_change_view(
    session: Session,
    user: User,
    view: SavedView,
    actor: Actor,
    *,
    name: str | None = None,
    filters: dict[str, Any] | None = None,
) -> SavedView:
    check_change(session, user, view)
    before = view_data(view)
    if name is not None:
        view.name = check_name(name)
    if filters is not None:
        view.filters = check_filters(session, filters).as_data()
    if view_data(view) != before:
        view.updated_at = utcnow()
        session.flush()
        emit(
            session, EventKind.VIEW_UPDATED, actor, view_id=view.id, **_seen_by(view),
            **changed(before, view_data(view)),
        )  # fmt: skip
    return view


def do_delete_view(session: Session, user: User, view: SavedView, actor: Actor) -> None:
    check_change(session, user, view)
    emit(
        session, EventKind.VIEW_DELETED, actor, view_id=view.id, **_seen_by(view),
        before=view_data(view),
    )  # fmt: skip
    session.delete(view)
    session.flush()


def filters_of(view: SavedView) -> Filters:
    """A stored view's filters. They were checked when saved; a value a later version no
    longer understands filters nothing rather than breaking the inbox."""
    try:
        return parse(view.filters)
    except FilterError:
        return Filters()
