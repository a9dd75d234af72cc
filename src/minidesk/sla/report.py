"""SLA attainment: for a date range, how many targets were met and breached, grouped by
policy, team, agent (the assignee when the cycle ended) or channel; share is met / total
(the "80/20" service level is share ≥ 0.8 for first response). Counted from ``sla_results``,
one row per finished cycle, so the report costs one grouped query."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Collection
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from minidesk.desk.models import Team, User
from minidesk.sla.models import Metric, SlaPolicy, SlaResult


class Dimension(StrEnum):
    POLICY = "policy"
    TEAM = "team"
    AGENT = "agent"
    CHANNEL = "channel"


@dataclass(frozen=True)
class Attainment:
    key: str | None
    label: str
    metric: str
    met: int
    breached: int
    total: int
    share: float | None


def attainment(
    session: Session,
    since: dt.datetime,
    until: dt.datetime,
    by: Dimension,
    metric: Metric | None = None,
    teams: Collection[int] | None = None,
) -> list[Attainment]:
    """Rows ordered by key and metric; ``teams`` narrows to those teams' tickets (None: all)."""
    key: Any
    label: Any
    if by == Dimension.POLICY:
        key, label = SlaResult.policy_id, SlaPolicy.name
    elif by == Dimension.TEAM:
        key, label = SlaResult.team_id, Team.name
    elif by == Dimension.AGENT:
        key, label = SlaResult.assignee_id, func.coalesce(func.nullif(User.name, ""), User.email)
    else:
        key, label = SlaResult.channel, SlaResult.channel
    breached = func.sum(cast(SlaResult.breached, Integer))
    query = (
        select(key, label, SlaResult.metric, func.count(), breached)
        .where(SlaResult.ended_at >= since, SlaResult.ended_at < until)
        .group_by(key, label, SlaResult.metric)
        .order_by(key, SlaResult.metric)
    )
    if by == Dimension.POLICY:
        query = query.outerjoin(SlaPolicy, SlaPolicy.id == SlaResult.policy_id)
    elif by == Dimension.TEAM:
        query = query.outerjoin(Team, Team.id == SlaResult.team_id)
    elif by == Dimension.AGENT:
        query = query.outerjoin(User, User.id == SlaResult.assignee_id)
    if metric is not None:
        query = query.where(SlaResult.metric == metric)
    if teams is not None:
        query = query.where(SlaResult.team_id.in_(list(teams)))
    rows = []
    for row_key, row_label, row_metric, total, breached_count in session.execute(query):
        late = int(breached_count or 0)
        rows.append(
            Attainment(
                key=None if row_key is None else str(row_key),
                label=row_label or "(none)",
                metric=row_metric,
                met=total - late,
                breached=late,
                total=total,
                share=round((total - late) / total, 4) if total else None,
            )
        )
    return rows


def as_csv(rows: list[Attainment]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=["key", "label", "metric", "met", "breached", "total", "share"]
    )
    writer.writeheader()
    for row in rows:
        # A label is user text: a leading = + - @ would run as a formula in a spreadsheet.
        record = asdict(row)
        if str(record["label"]).startswith(("=", "+", "-", "@")):
            record["label"] = "'" + record["label"]
        writer.writerow(record)
    return out.getvalue()
