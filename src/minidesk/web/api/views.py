"""Saved inbox views: list (with capped counts), create, read, rename or refilter, delete,
and the tickets a view shows."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from minidesk.db import commit
from minidesk.desk import access
from minidesk.desk.models import Ticket
from minidesk.desk.users import actor_of
from minidesk.saved_views import counts as saved_counts
from minidesk.saved_views import service
from minidesk.saved_views.models import SavedView
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, UserDep, WorkspaceDep, WriteSessionDep
from minidesk.web.pagination import MAX_LIMIT, Page, decode_cursor, paginate
from minidesk.web.problems import Problem
from minidesk.web.schemas import RowIdPath, Strict, TicketOut

router = APIRouter(prefix=f"{PREFIX}/views", tags=["views"])
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
FILTERS_DOC = (
    "`status` and `priority` (lists), `channel` (a kind), `intent`, `tag`, `team` (id), "
    "`assignee` (`me`: whoever looks, `none`: unassigned)"
)


class ViewIn(Strict):
    name: str = Field(max_length=service.NAME_MAX)
    filters: dict[str, Any] = Field(default_factory=dict, description=FILTERS_DOC)
    shared: bool = Field(False, description="shared with `team`'s members (leads and up)")
    team: int | None = Field(None, description="the team a shared view is for; null: everyone")


class ViewPatch(Strict):
    name: str | None = Field(None, max_length=service.NAME_MAX)
    filters: dict[str, Any] | None = Field(None, description=FILTERS_DOC)


class ViewOut(BaseModel):
    id: int
    name: str
    filters: dict[str, Any]
    shared: bool
    team: int | None
    owner: int
    count: str = Field(description=f"tickets it shows you, up to {saved_counts.COUNT_CAP}+")
    url: str = Field(description="the inbox page showing it")
    created_at: dt.datetime
    updated_at: dt.datetime


def _out(view: SavedView, count: int) -> ViewOut:
    return ViewOut(
        id=view.id,
        name=view.name,
        filters=view.filters,
        shared=view.shared,
        team=view.team_id,
        owner=view.owner_id,
        count=saved_counts.shown(count),
        url=f"/inbox?saved={view.id}",
        created_at=view.created_at,
        updated_at=view.updated_at,
    )


def _invalid(exc: service.ViewError) -> Problem:
    return Problem(
        422, str(exc), slug="invalid-view", errors=[{"field": exc.field, "message": exc.message}]
    )


@router.get("", response_model=list[ViewOut])
def list_views(session: SessionDep, user: UserDep, workspace: WorkspaceDep) -> list[ViewOut]:
    """Your personal views, then those shared with you, each with its ticket count."""
    views = service.views_of(session, user)
    counted = saved_counts.counts(session, user, workspace.restrict_agents_to_teams, views)
    return [_out(view, counted[saved_counts.saved_key(view)]) for view in views]


@router.post("", status_code=201, response_model=ViewOut)
def create_view(
    body: ViewIn, session: WriteSessionDep, user: UserDep, workspace: WorkspaceDep
) -> ViewOut:
    """A personal view, or (`shared`) one for a team: leads for their own teams, managers
    and admins for any team or everyone."""
    new = service.NewView(body.name, body.filters, body.shared, body.team)
    try:
        view = service.do_create_view(session, user, new, actor_of(user))
    except service.ViewError as exc:
        raise _invalid(exc) from exc
    except service.TooMany as exc:
        raise Problem(409, str(exc), slug="too-many-views") from exc
    commit(session)
    return _one(session, user, workspace.restrict_agents_to_teams, view)


def _one(session: Any, user: Any, restrict: bool, view: SavedView) -> ViewOut:
    counted = saved_counts.counts(session, user, restrict, [view])
    return _out(view, counted[saved_counts.saved_key(view)])


@router.get("/{view_id}", response_model=ViewOut)
def get_view(
    view_id: RowIdPath, session: SessionDep, user: UserDep, workspace: WorkspaceDep
) -> ViewOut:
    view = service.access_view(session, user, view_id)
    return _one(session, user, workspace.restrict_agents_to_teams, view)


@router.patch("/{view_id}", response_model=ViewOut)
def change_view(
    view_id: RowIdPath,
    body: ViewPatch,
    session: WriteSessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
) -> ViewOut:
    """Rename it or replace its filters: a personal view's owner; a shared view's team lead,
    a manager or an admin."""
    view = service.access_view(session, user, view_id)
    try:
        service.do_change_view(
            session, user, view, actor_of(user), name=body.name, filters=body.filters
        )
    except service.ViewError as exc:
        raise _invalid(exc) from exc
    commit(session)
    return _one(session, user, workspace.restrict_agents_to_teams, view)


@router.delete("/{view_id}", status_code=204)
def delete_view(view_id: RowIdPath, session: WriteSessionDep, user: UserDep) -> Response:
    view = service.access_view(session, user, view_id)
    service.do_delete_view(session, user, view, actor_of(user))
    commit(session)
    return Response(status_code=204)


@router.get("/{view_id}/tickets", response_model=Page[TicketOut])
def view_tickets(
    view_id: RowIdPath,
    session: SessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
    limit: Limit = 25,
    cursor: str | None = None,
) -> Page[TicketOut]:
    """The tickets the view shows you (your team restriction applies), newest first."""
    view = service.access_view(session, user, view_id)
    query = (
        select(Ticket)
        .where(
            access.visible_tickets(user, workspace.restrict_agents_to_teams),
            service.filters_of(view).where(user),
        )
        .options(selectinload(Ticket.tag_rows), selectinload(Ticket.assignee))
        .order_by(Ticket.id.desc())
        .limit(limit + 1)
    )
    if below := decode_cursor(cursor):
        query = query.where(Ticket.id < below)
    return paginate(list(session.scalars(query)), limit, TicketOut)
