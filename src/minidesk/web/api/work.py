"""The ticket page's heartbeat: the agent's active seconds on a ticket (``insights.work``).
Signed in by session (with the CSRF header) or token; only for a ticket the agent may see."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, Field

from minidesk.db import commit, utcnow
from minidesk.desk import access
from minidesk.insights.work import MAX_TOTAL_SECONDS, WorkRejected, record_beat, seconds_today
from minidesk.web.api import PREFIX
from minidesk.web.deps import UserDep, WorkspaceDep, WriteSessionDep
from minidesk.web.problems import Problem
from minidesk.web.schemas import Strict

router = APIRouter(prefix=PREFIX, tags=["tickets"])


class WorkIn(Strict):
    visit: str = Field(
        min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
        description="The page's random id for this visit of the ticket.",
    )  # fmt: skip
    active_seconds: int = Field(
        ge=0, le=MAX_TOTAL_SECONDS, description="The visit's running total of active seconds."
    )


class WorkOut(BaseModel):
    ticket: int
    day: dt.date
    visit_seconds: int
    day_seconds: int


@router.post("/tickets/{number}/work", response_model=WorkOut)
def report_work(
    number: int,
    body: WorkIn,
    session: WriteSessionDep,
    user: UserDep,
    workspace: WorkspaceDep,
) -> WorkOut:
    """Count the visit's active seconds (a running total: repeats and late beats change
    nothing, and a beat adds at most the time since the previous one; docs/metrics.md).
    Answers what the visit has counted today and the agent's total on the ticket today."""
    ticket = access.access_ticket(session, user, number, workspace.restrict_agents_to_teams)
    try:
        row = record_beat(session, user, ticket, body.visit, body.active_seconds, utcnow())
    except WorkRejected as exc:
        raise Problem(409, str(exc), slug="work-visit-conflict") from exc
    session.flush()
    out = WorkOut(ticket=number, day=row.day, visit_seconds=row.seconds,
                  day_seconds=seconds_today(session, user, ticket, row.day))  # fmt: skip
    commit(session)
    return out
