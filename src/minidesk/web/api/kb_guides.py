"""Troubleshooting guides: list, read, create, save, delete (leads and up: ``MANAGE_KB``).

A tree that fails a check is refused as ``invalid-guide`` with one error per problem, each
naming its node, so an editor can point at every one."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import Field, StringConstraints
from sqlalchemy import select

from minidesk.db import commit
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.kb.articles import ArticleError
from minidesk.kb.guide_models import KbGuide
from minidesk.kb.guide_tree import GuideTreeError
from minidesk.kb.guides import do_create_guide, do_delete_guide, do_update_guide
from minidesk.kb.models import ArticleStatus
from minidesk.resolutions.runners import RUNNABLE
from minidesk.web.api import PREFIX
from minidesk.web.api.kb import invalid
from minidesk.web.api.kb_schemas import Slug, Title
from minidesk.web.deps import SessionDep, WriteSessionDep, requires
from minidesk.web.pagination import MAX_LIMIT, Page, decode_cursor, encode_cursor
from minidesk.web.problems import Problem
from minidesk.web.schemas import Out, RowIdPath, Strict

router = APIRouter(prefix=f"{PREFIX}/kb/guides", tags=["knowledge base"])
WriterDep = Annotated[User, requires(Permission.MANAGE_KB)]
Description = Annotated[str, StringConstraints(max_length=2000)]


class GuideIn(Strict):
    slug: Slug
    title: Title
    description: Description = ""
    status: ArticleStatus = ArticleStatus.DRAFT
    tree: dict[str, Any]


class GuidePatch(Strict):
    slug: Slug | None = None
    title: Title | None = None
    description: Description | None = None
    status: ArticleStatus | None = None
    tree: dict[str, Any] | None = None


class GuideOut(Out):
    id: int
    slug: str
    title: str
    description: str
    status: str
    version: int
    tree: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime
    help_url: str | None = Field(None, description="the public runner, when published")


def guide_out(guide: KbGuide) -> GuideOut:
    out = GuideOut.model_validate(guide)
    if guide.status == ArticleStatus.PUBLISHED:
        out.help_url = f"/help/guides/{guide.slug}"
    return out


def refused_tree(exc: GuideTreeError) -> Problem:
    return Problem(
        422, f"the guide's tree is not valid: {exc}", slug="invalid-guide",
        errors=[{"field": "tree", "node": p.node, "message": p.message} for p in exc.problems],
    )  # fmt: skip


def _guide(session: SessionDep | WriteSessionDep, guide_id: int) -> KbGuide:
    guide = session.get(KbGuide, guide_id)
    if guide is None:
        raise Problem(404, f"no guide {guide_id}")
    return guide


@router.get("", response_model=Page[GuideOut])
def list_guides(
    session: SessionDep,
    user: WriterDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 25,
    cursor: str | None = None,
) -> Page[GuideOut]:
    """Every guide, drafts included, newest first."""
    query = select(KbGuide).order_by(KbGuide.id.desc())
    if (after := decode_cursor(cursor)) > 0:
        query = query.where(KbGuide.id < after)
    rows = list(session.scalars(query.limit(limit + 1)))
    shown = rows[:limit]
    return Page[GuideOut](
        items=[guide_out(g) for g in shown],
        next_cursor=encode_cursor(shown[-1].id) if len(rows) > limit else None,
    )


@router.post("", status_code=201, response_model=GuideOut)
def create_guide(body: GuideIn, session: WriteSessionDep, user: WriterDep) -> GuideOut:
    try:
        guide = do_create_guide(session, body.model_dump(), RUNNABLE, actor_of(user))
    except GuideTreeError as exc:
        raise refused_tree(exc) from exc
    except ArticleError as exc:
        raise invalid(exc) from exc
    commit(session)
    return guide_out(guide)


@router.get("/{guide_id}", response_model=GuideOut)
def get_guide(guide_id: RowIdPath, session: SessionDep, user: WriterDep) -> GuideOut:
    return guide_out(_guide(session, guide_id))


@router.patch("/{guide_id}", response_model=GuideOut)
def update_guide(
    guide_id: RowIdPath, body: GuidePatch, session: WriteSessionDep, user: WriterDep
) -> GuideOut:
    """Save the fields sent as the next version."""
    guide = _guide(session, guide_id)
    changes = body.model_dump(include=body.model_fields_set)
    nulls = sorted(name for name, value in changes.items() if value is None)
    if nulls:
        errors = [{"field": n, "message": "may not be null"} for n in nulls]
        detail = f"{', '.join(nulls)} may not be null"
        raise Problem(422, detail, slug="invalid-guide", errors=errors)
    try:
        do_update_guide(session, guide, changes, RUNNABLE, actor_of(user))
    except GuideTreeError as exc:
        raise refused_tree(exc) from exc
    except ArticleError as exc:
        raise invalid(exc) from exc
    commit(session)
    return guide_out(guide)


@router.delete("/{guide_id}", status_code=204)
def delete_guide(guide_id: RowIdPath, session: WriteSessionDep, user: WriterDep) -> Response:
    """Delete the guide and its runs."""
    do_delete_guide(session, _guide(session, guide_id), actor_of(user))
    commit(session)
    return Response(status_code=204)
