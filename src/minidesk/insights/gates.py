"""Certification gates: an agent holds a skill (e.g. handling escalations) only while their
QA average and CSAT average over the gate's window reach its thresholds, on enough reviews and
answers to mean something."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import asdict, dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minidesk.event_kinds import EventKind
from minidesk.events import Actor, changed, emit
from minidesk.insights.models import Survey, SurveyKind, SurveyStatus
from minidesk.insights.qa_models import QaGate, QaReview, ReviewStatus

GATE_FIELDS = ("min_qa_percent", "min_csat_average", "window_days", "min_reviews", "min_answers")


class GateSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_qa_percent: float = Field(ge=0, le=100)
    min_csat_average: float = Field(ge=1, le=5)
    window_days: int = Field(90, ge=1, le=730)
    min_reviews: int = Field(3, ge=0, le=1000)
    min_answers: int = Field(5, ge=0, le=10000)


def gate_dict(gate: QaGate) -> dict[str, Any]:
    return {"skill": gate.skill, **{name: getattr(gate, name) for name in GATE_FIELDS}}


def do_set_gate(session: Session, skill: str, spec: GateSpec, actor: Actor) -> QaGate:
    gate = session.scalars(select(QaGate).where(QaGate.skill == skill)).first()
    before = gate_dict(gate) if gate is not None else None
    if gate is None:
        gate = QaGate(skill=skill, **spec.model_dump())
        session.add(gate)
    else:
        for name, value in spec.model_dump().items():
            setattr(gate, name, value)
    session.flush()
    emit(session, EventKind.QA_GATE_CHANGED, actor, skill=skill,
         **changed(before, gate_dict(gate)))  # fmt: skip
    return gate


@dataclass(frozen=True)
class Certification:
    skill: str
    certified: bool
    qa_average: float | None
    reviews: int
    csat_average: float | None
    answers: int
    why: str


def certify(session: Session, agent_id: int, gate: QaGate, now: dt.datetime) -> Certification:
    return certify_many(session, [agent_id], gate, now)[agent_id]


def certify_many(
    session: Session, agent_ids: Collection[int], gate: QaGate, now: dt.datetime
) -> dict[int, Certification]:
    """Each agent's certification under ``gate``: two grouped reads for all of them."""
    since = now - dt.timedelta(days=gate.window_days)
    agents = list(agent_ids)
    qa_rows = session.execute(
        select(QaReview.agent_id, func.avg(QaReview.score_percent),
               func.count(QaReview.score_percent))
        .where(
            QaReview.agent_id.in_(agents),
            QaReview.status.in_((ReviewStatus.SCORED, ReviewStatus.RESOLVED)),
            QaReview.reviewed_at >= since,
        )
        .group_by(QaReview.agent_id)
    )  # fmt: skip
    qa = {int(agent): (avg, int(n)) for agent, avg, n in qa_rows}
    csat_rows = session.execute(
        select(Survey.assignee_id, func.avg(Survey.score), func.count(Survey.score))
        .where(
            Survey.assignee_id.in_(agents),
            Survey.kind == SurveyKind.CSAT,
            Survey.status == SurveyStatus.ANSWERED,
            Survey.answered_at >= since,
        )
        .group_by(Survey.assignee_id)
    )
    csat = {int(agent): (avg, int(n)) for agent, avg, n in csat_rows if agent is not None}
    return {
        agent: _judge(gate, *qa.get(agent, (None, 0)), *csat.get(agent, (None, 0)))
        for agent in agents
    }


def _judge(
    gate: QaGate, qa_avg: Any, reviews: int, csat_avg: Any, answers: int
) -> Certification:
    qa = round(float(qa_avg), 2) if qa_avg is not None else None
    csat = round(float(csat_avg), 2) if csat_avg is not None else None
    missing = []
    if reviews < gate.min_reviews:
        missing.append(f"{reviews} of {gate.min_reviews} QA reviews")
    elif qa is None or qa < gate.min_qa_percent:
        missing.append(f"QA {qa} below {gate.min_qa_percent}")
    if answers < gate.min_answers:
        missing.append(f"{answers} of {gate.min_answers} CSAT answers")
    elif csat is None or csat < gate.min_csat_average:
        missing.append(f"CSAT {csat} below {gate.min_csat_average}")
    why = "; ".join(missing) or "meets the gate"
    return Certification(gate.skill, not missing, qa, reviews, csat, answers, why)


def certifications(session: Session, agent_id: int, now: dt.datetime) -> list[dict[str, Any]]:
    gates = session.scalars(select(QaGate).order_by(QaGate.skill))
    return [asdict(certify(session, agent_id, gate, now)) for gate in gates]
