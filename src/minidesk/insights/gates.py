"""Certification gates: an agent holds a skill (e.g. handling escalations) only while their
QA average and CSAT average over the gate's window reach its thresholds, on enough reviews and
answers to mean something."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import case, func, select
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


def do_delete_gate(session: Session, skill: str, actor: Actor) -> bool:
    """Delete the gate called ``skill`` (whatever its name: one kept without effect too);
    False when there is none. The event keeps its thresholds, which are otherwise gone."""
    gate = session.scalars(select(QaGate).where(QaGate.skill == skill)).first()
    if gate is None:
        return False
    before = gate_dict(gate)
    session.delete(gate)
    session.flush()
    emit(session, EventKind.QA_GATE_DELETED, actor, skill=skill, gate=before)
    return True


@dataclass(frozen=True)
class Certification:
    skill: str
    certified: bool
    qa_average: float | None
    reviews: int
    csat_average: float | None
    answers: int
    why: str


def certify_gates(
    session: Session, agent_ids: Collection[int], gates: Sequence[QaGate], now: dt.datetime
) -> dict[str, dict[int, Certification]]:
    """Each agent's certification under each gate: two grouped reads in all, however many
    gates and agents (one aggregate per distinct window, in the same statement)."""
    agents = list(agent_ids)
    if not gates or not agents:
        return {gate.skill: {} for gate in gates}
    windows = sorted({gate.window_days for gate in gates})
    since = {days: now - dt.timedelta(days=days) for days in windows}
    scored = QaReview.status.in_((ReviewStatus.SCORED, ReviewStatus.RESOLVED))
    qa = _grouped(
        session, QaReview.agent_id, QaReview.score_percent, QaReview.reviewed_at, since,
        (QaReview.agent_id.in_(agents), scored),
    )  # fmt: skip
    answered = (Survey.kind == SurveyKind.CSAT, Survey.status == SurveyStatus.ANSWERED)
    csat = _grouped(
        session, Survey.assignee_id, Survey.score, Survey.answered_at, since,
        (Survey.assignee_id.in_(agents), *answered),
    )  # fmt: skip
    none = (None, 0)
    return {
        gate.skill: {
            agent: _judge(
                gate,
                *qa.get((agent, gate.window_days), none),
                *csat.get((agent, gate.window_days), none),
            )
            for agent in agents
        }
        for gate in gates
    }


def _grouped(
    session: Session,
    agent: Any,
    value: Any,
    at: Any,
    since: dict[int, dt.datetime],
    where: tuple[Any, ...],
) -> dict[tuple[int, int], tuple[Any, int]]:
    """(agent, window days) -> (average of ``value``, how many) over rows at or after each
    window's start: one statement, a conditional average and count per window."""
    columns = []
    for start in since.values():
        inside = case((at >= start, value))
        columns += [func.avg(inside), func.count(inside)]
    rows = session.execute(
        select(agent, *columns).where(*where, at >= min(since.values())).group_by(agent)
    )
    found: dict[tuple[int, int], tuple[Any, int]] = {}
    for row in rows:
        if row[0] is None:
            continue
        for i, days in enumerate(since):
            found[(int(row[0]), days)] = (row[1 + 2 * i], int(row[2 + 2 * i]))
    return found


def _judge(gate: QaGate, qa_avg: Any, reviews: int, csat_avg: Any, answers: int) -> Certification:
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
