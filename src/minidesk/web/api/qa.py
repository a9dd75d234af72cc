"""QA: the scorecard, monthly sampling, reviews and disputes, coaching notes, per-agent
trends and certification gates. Agents see and dispute their own reviews; leads review the
agents of their teams; managers everyone, and they set scorecards, sampling and gates."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.db import commit, utcnow
from minidesk.desk import access
from minidesk.desk.access import Permission
from minidesk.desk.models import User
from minidesk.desk.users import actor_of
from minidesk.insights import qa
from minidesk.insights.gate_names import GateNameError, certifications, check_gate_name, listed
from minidesk.insights.gates import GateSpec, do_delete_gate, do_set_gate
from minidesk.insights.qa_models import QaCoachingNote, QaGate, QaReview, ReviewStatus, SampleReason
from minidesk.insights.scorecard import (
    DEFAULT,
    ScorecardSpec,
    ScoreError,
    active_scorecard,
    do_create_scorecard,
)
from minidesk.web.api import PREFIX
from minidesk.web.deps import SessionDep, UserDep, WriteSessionDep, requires
from minidesk.web.pagination import MAX_LIMIT, Page, decode_cursor, paginate
from minidesk.web.problems import Problem
from minidesk.web.schemas import RowIdPath

router = APIRouter(prefix=f"{PREFIX}/qa", tags=["qa"])

ManagerDep = Annotated[User, requires(Permission.MANAGE_QA)]
GateDeleterDep = Annotated[User, requires(Permission.DELETE_QA_GATES)]
Scores = dict[str, Annotated[int, Field(ge=0, le=4)] | None]
# Checked against routing's vocabulary in the handler, so a bad name gets the accepted forms.
SkillPath = Annotated[str, Path(min_length=1, max_length=200)]


class ScorecardOut(BaseModel):
    id: int | None
    name: str
    spec: dict[str, Any]


class SampleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    rate: float = Field(qa.DEFAULT_RATE, gt=0, le=1)


class ReviewOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    ticket_number: int = Field(validation_alias="ticket_id")
    agent_id: int
    scorecard_id: int
    month: str
    reason: SampleReason
    status: ReviewStatus
    reviewer_id: int | None
    scores: dict[str, Any]
    score_percent: float | None
    comment: str | None
    reviewed_at: dt.datetime | None
    dispute: str | None
    resolution: str | None


class ScoreIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scores: Scores
    comment: str | None = Field(None, max_length=5000)


class DisputeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=5000)


class ResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    resolution: str = Field(min_length=1, max_length=5000)
    scores: Scores | None = None  # given: the score is revised; absent: upheld


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agent_id: int = Field(ge=1, le=2**31 - 1)
    text: str = Field(min_length=1, max_length=5000)
    review_id: int | None = Field(None, ge=1, le=2**31 - 1)


class NoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    agent_id: int
    review_id: int | None
    author_id: int
    text: str
    created_at: dt.datetime


def _invalid(exc: ValueError) -> Problem:
    return Problem(422, str(exc), slug="invalid-qa")


def _review(session: Session, user: User, review_id: int) -> QaReview:
    query = select(QaReview).where(QaReview.id == review_id)
    if (visible := qa.visible_reviews(user)) is not None:
        query = query.where(visible)
    review = session.scalars(query).first()
    if review is None:
        raise Problem(404, f"no QA review {review_id}")
    return review


def _judge(session: Session, user: User, agent_id: int) -> User:
    agent = session.get(User, agent_id)
    if agent is None:
        raise Problem(404, f"no user {agent_id}")
    if not access.reviews_agent(session, user, agent):
        raise Problem(403, f"{user.email} does not review {agent.email}")
    return agent


@router.get("/scorecard", response_model=ScorecardOut)
def read_scorecard(session: SessionDep, user: UserDep) -> ScorecardOut:
    """The active scorecard (the default one until a manager stores another)."""
    card = active_scorecard(session)
    if card is None:
        return ScorecardOut(id=None, name=DEFAULT["name"], spec=DEFAULT)
    return ScorecardOut(id=card.id, name=card.name, spec=card.spec)


@router.post("/scorecards", status_code=201, response_model=ScorecardOut)
def create_scorecard(
    session: WriteSessionDep, user: ManagerDep, body: ScorecardSpec
) -> ScorecardOut:
    """Store a scorecard and make it the active one: categories with weights adding up to 100,
    15 to 25 items in all."""
    try:
        card = do_create_scorecard(session, body, actor_of(user))
    except ScoreError as exc:
        raise Problem(409, str(exc), slug="scorecard-exists") from exc
    result = ScorecardOut(id=card.id, name=card.name, spec=card.spec)
    commit(session)
    return result


@router.post("/samples", status_code=201)
def sample(session: WriteSessionDep, user: ManagerDep, body: SampleIn) -> dict[str, Any]:
    """Sample ``month``'s solved conversations for review: ``rate`` (5%) of each agent's at
    random, plus every low-CSAT, reopened and escalated one. Returns how many per reason."""
    try:
        counts = qa.do_sample(session, body.month, actor_of(user), body.rate)
    except qa.QaError as exc:
        raise _invalid(exc) from exc
    commit(session)
    return {"month": body.month, "added": counts}


@router.get("/reviews", response_model=Page[ReviewOut])
def list_reviews(
    session: SessionDep,
    user: UserDep,
    agent: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    status: ReviewStatus | None = None,
    reason: SampleReason | None = None,
    month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 25,
    cursor: str | None = None,
) -> Page[ReviewOut]:
    """Reviews newest first: an agent's own; a lead's teams'; everyone's for managers."""
    query = select(QaReview)
    if (visible := qa.visible_reviews(user)) is not None:
        query = query.where(visible)
    if after := decode_cursor(cursor):
        query = query.where(QaReview.id < after)
    if agent is not None:
        query = query.where(QaReview.agent_id == agent)
    if status is not None:
        query = query.where(QaReview.status == status)
    if reason is not None:
        query = query.where(QaReview.reason == reason)
    if month is not None:
        query = query.where(QaReview.month == month)
    rows = list(session.scalars(query.order_by(QaReview.id.desc()).limit(limit + 1)))
    return paginate(rows, limit, ReviewOut)


@router.get("/reviews/{review_id}", response_model=ReviewOut)
def get_review(review_id: RowIdPath, session: SessionDep, user: UserDep) -> QaReview:
    return _review(session, user, review_id)


@router.post("/reviews/{review_id}/score", response_model=ReviewOut)
def score_review(
    review_id: RowIdPath, session: WriteSessionDep, user: UserDep, body: ScoreIn
) -> ReviewOut:
    """Score every item of the scorecard 0 to 4 (null: not applicable)."""
    review = _review(session, user, review_id)
    _judge(session, user, review.agent_id)
    try:
        qa.do_score(session, review, user, body.scores, body.comment, actor_of(user))
    except (qa.QaError, ScoreError) as exc:
        raise _invalid(exc) from exc
    result = ReviewOut.model_validate(review)
    commit(session)
    return result


@router.post("/reviews/{review_id}/dispute", response_model=ReviewOut)
def dispute_review(
    review_id: RowIdPath, session: WriteSessionDep, user: UserDep, body: DisputeIn
) -> ReviewOut:
    """The reviewed agent disagrees, and says why."""
    review = _review(session, user, review_id)
    if review.agent_id != user.id:
        raise Problem(403, "only the reviewed agent may dispute a review")
    try:
        qa.do_dispute(session, review, user, body.text, actor_of(user))
    except qa.QaError as exc:
        raise _invalid(exc) from exc
    result = ReviewOut.model_validate(review)
    commit(session)
    return result


@router.post("/reviews/{review_id}/resolve", response_model=ReviewOut)
def resolve_dispute(
    review_id: RowIdPath, session: WriteSessionDep, user: UserDep, body: ResolveIn
) -> ReviewOut:
    """Decide a dispute: with ``scores`` the review is revised, without it upheld."""
    review = _review(session, user, review_id)
    _judge(session, user, review.agent_id)
    try:
        qa.do_resolve(session, review, user, body.resolution, body.scores, actor_of(user))
    except (qa.QaError, ScoreError) as exc:
        raise _invalid(exc) from exc
    result = ReviewOut.model_validate(review)
    commit(session)
    return result


@router.post("/coaching", status_code=201, response_model=NoteOut)
def add_note(session: WriteSessionDep, user: UserDep, body: NoteIn) -> NoteOut:
    agent = _judge(session, user, body.agent_id)
    try:
        note = qa.do_add_note(session, agent, user, body.text, body.review_id, actor_of(user))
    except qa.QaError as exc:
        raise _invalid(exc) from exc
    result = NoteOut.model_validate(note)
    commit(session)
    return result


@router.get("/agents/{user_id}")
def agent_quality(user_id: RowIdPath, session: SessionDep, user: UserDep) -> dict[str, Any]:
    """An agent's QA trend per month, coaching notes and certifications (the agent themself,
    or whoever reviews them)."""
    if user_id != user.id:
        _judge(session, user, user_id)
    notes = session.scalars(
        select(QaCoachingNote).where(QaCoachingNote.agent_id == user_id).order_by(QaCoachingNote.id)
    )
    return {
        "agent_id": user_id,
        "trend": qa.trend(session, user_id),
        "coaching": [NoteOut.model_validate(n).model_dump(mode="json") for n in notes],
        "certifications": certifications(session, user_id, utcnow()),
    }


@router.get("/gates")
def list_gates(session: SessionDep, user: UserDep) -> dict[str, Any]:
    """Every gate, each with ``in_effect`` and, for one routing does not apply (a name kept
    from before names were checked, or a product line or language since removed), a
    ``warning`` saying why."""
    gates = session.scalars(select(QaGate).order_by(QaGate.skill))
    return {"items": listed(session, gates), "next_cursor": None}


@router.put("/gates/{skill}")
def set_gate(
    skill: SkillPath, session: WriteSessionDep, user: ManagerDep, body: GateSpec
) -> dict[str, Any]:
    """Who may hold ``skill``: ``escalations``, ``urgent``, ``channel.<kind>``,
    ``line.<product line>`` or ``language.<code>`` (docs/qa.md), e.g. ``escalations`` with
    QA ≥ 85% and CSAT ≥ 4.2. Any other name is refused (422), naming the accepted forms."""
    try:
        check_gate_name(session, skill)
    except GateNameError as exc:
        raise Problem(422, f"skill: {exc}", slug="invalid-gate",
                      errors=[{"field": "skill", "message": str(exc)}]) from exc  # fmt: skip
    gate = do_set_gate(session, skill, body, actor_of(user))
    [result] = listed(session, [gate])
    commit(session)
    return result


@router.delete("/gates/{skill}", status_code=204)
def delete_gate(skill: SkillPath, session: WriteSessionDep, user: GateDeleterDep) -> None:
    """Delete a gate (admins): routing stops asking for its certification. Any stored name,
    also one without effect, which cannot be saved again and so is otherwise kept forever."""
    if not do_delete_gate(session, skill, actor_of(user)):
        raise Problem(404, f"no gate {skill!r}")
    commit(session)
