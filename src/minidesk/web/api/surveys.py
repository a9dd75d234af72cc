"""Surveys: the workspace's settings (managers change them) and the answers (leads read
them; where agents are restricted to their teams, a lead reads their teams' only)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from minidesk.db import commit
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.insights.models import Survey, SurveyKind, SurveyStatus, SurveyTrigger
from minidesk.insights.survey_settings import (
    SettingsPatch,
    as_dict,
    do_update_settings,
    get_settings,
)
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, WorkspaceDep, WriteSessionDep, requires
from minidesk.web.pagination import MAX_LIMIT, Page, decode_cursor, paginate
from minidesk.web.problems import Problem
from minidesk.web.schemas import MAX_ROW_ID

router = APIRouter(prefix=PREFIX, tags=["surveys"])

ReaderDep = Annotated[User, requires(Permission.SEE_INSIGHTS)]
ManagerDep = Annotated[User, requires(Permission.MANAGE_SURVEYS)]
RowId = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)]


class SettingsOut(BaseModel):
    transactional_kind: SurveyKind | None
    delay_minutes: int
    throttle_days: int
    relational_nps_days: int


class ResponseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: SurveyKind
    trigger: SurveyTrigger
    ticket_number: int = Field(validation_alias="ticket_id")
    customer_id: int
    channel: str | None
    assignee_id: int | None
    team_id: int | None
    score: int
    comment: str | None
    sent_at: dt.datetime | None
    answered_at: dt.datetime


@router.get("/surveys/settings", response_model=SettingsOut)
def read_settings(session: SessionDep, user: ReaderDep) -> dict[str, Any]:
    """Which survey follows a solve (``transactional_kind``: csat, nps, ces or null), how many
    minutes after it, how many days a customer is left alone after being asked, and how often
    (days, 0: never) relational NPS asks every recently helped customer."""
    return as_dict(get_settings(session))


@router.patch("/surveys/settings", response_model=SettingsOut)
def change_settings(
    session: WriteSessionDep, user: ManagerDep, body: SettingsPatch
) -> dict[str, Any]:
    """Change any of the fields; the others keep their values."""
    row = do_update_settings(session, body, actor_of(user))
    result = as_dict(row)
    commit(session)
    return result


@router.get("/surveys/responses", response_model=Page[ResponseOut])
def list_responses(
    session: SessionDep,
    user: ReaderDep,
    workspace: WorkspaceDep,
    kind: SurveyKind | None = None,
    channel: Annotated[str | None, Query(max_length=16)] = None,
    agent: RowId = None,
    team: RowId = None,
    ticket: RowId = None,
    customer: RowId = None,
    score_min: Annotated[int | None, Query(ge=0, le=10)] = None,
    score_max: Annotated[int | None, Query(ge=0, le=10)] = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 25,
    cursor: str | None = None,
) -> Page[ResponseOut]:
    """Answered surveys, newest first. ``since``/``until`` are dates (UTC, both included) of
    the answer; ``agent``, ``team`` and ``channel`` are the ticket's when it was answered."""
    if since and until and until < since:
        raise Problem(422, "until must not be before since", slug="invalid-range")
    if score_min is not None and score_max is not None and score_max < score_min:
        raise Problem(422, "score_max must not be below score_min", slug="invalid-range")
    query = select(Survey).where(Survey.status == SurveyStatus.ANSWERED)
    if after := decode_cursor(cursor):
        query = query.where(Survey.id < after)
    filters: list[Any] = []
    if kind is not None:
        filters.append(Survey.kind == kind)
    if channel is not None:
        filters.append(Survey.channel == channel)
    if agent is not None:
        filters.append(Survey.assignee_id == agent)
    if team is not None:
        filters.append(Survey.team_id == team)
    if ticket is not None:
        filters.append(Survey.ticket_id == ticket)
    if customer is not None:
        filters.append(Survey.customer_id == customer)
    if score_min is not None:
        filters.append(Survey.score >= score_min)
    if score_max is not None:
        filters.append(Survey.score <= score_max)
    if since is not None:
        filters.append(Survey.answered_at >= dt.datetime.combine(since, dt.time(), dt.UTC))
    if until is not None and until < dt.date.max:
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
        filters.append(Survey.answered_at < end)
    teams = access.team_reach(session, user, workspace.restrict_agents_to_teams)
    if teams is not None:
        filters.append(Survey.team_id.in_(list(teams)))
    rows = list(session.scalars(query.where(*filters).order_by(Survey.id.desc()).limit(limit + 1)))
    return paginate(rows, limit, ResponseOut)
