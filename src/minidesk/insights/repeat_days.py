"""``kpi_repeat_days``: the repeat contacts' per-day counters (docs/metrics.md).

A ticket first solved on day D whose customer's next ticket came ``gap_days`` (its kept gap,
rounded up to whole days) later adds one to the row (D, dimension, key, team, gap_days) of
each dimension, under the keys it is counted under in ``kpi_daily``. Whoever writes a facts
row's keys, first solve or gap moves these counters by the difference (``move``), as
``insights.daily`` does for ``kpi_daily``; ``rebuild_repeat_days`` recomputes them in one
grouped read of ``kpi_ticket_facts`` per dimension."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, func, literal, select
from sqlalchemy.orm import Session

from minidesk.insights.cells import MICROS, Dimension, Period, period_of_day
from minidesk.insights.daily import KEYED_BY
from minidesk.insights.increments import add_increments
from minidesk.insights.rollup_models import (
    NO_KEY,
    NO_TEAM,
    KpiRepeatDay,
    KpiTicketFacts,
    bulk_insert,
)

DAY_MICROS = 86_400 * MICROS
# (dimension, solve day, key, team_key, gap_days): kpi_repeat_days' primary key.
GapKey = tuple[str, dt.date, str, int, int]
_CHUNK = 5_000


def gap_days(gap_micros: int) -> int:
    return -(-gap_micros // DAY_MICROS)  # rounded up: a gap of 1 µs is within one day


def contribution(facts: Mapping[str, Any] | None) -> Counter[GapKey]:
    """What one ``kpi_ticket_facts`` row adds to kpi_repeat_days."""
    added: Counter[GapKey] = Counter()
    if facts is None or facts["solved_day"] is None or facts["repeat_gap_micros"] is None:
        return added
    team = NO_TEAM if facts["team_id"] is None else facts["team_id"]
    days = gap_days(facts["repeat_gap_micros"])
    added[(str(Dimension.ALL), facts["solved_day"], NO_KEY, team, days)] += 1
    for dimension, column in KEYED_BY.items():
        key = NO_KEY if facts[column] is None else str(facts[column])
        added[(str(dimension), facts["solved_day"], key, team, days)] += 1
    return added


Change = tuple[Mapping[str, Any] | None, Mapping[str, Any]]


def move(session: Session, changes: list[Change]) -> None:
    """Apply the difference of each (stored facts row, new facts row) to kpi_repeat_days, in
    one upsert of relative increments, rows in key order (two workers lock them in the same
    order on PostgreSQL), then drop the rows left at zero."""
    deltas: Counter[GapKey] = Counter()
    for before, after in changes:
        deltas.update(contribution(after))
        deltas.subtract(contribution(before))
    rows = [_row(key, n) for key, n in sorted(deltas.items()) if n]
    add_increments(session, KpiRepeatDay, rows, ["repeats"], KpiRepeatDay.repeats == 0)


def _row(key: GapKey, repeats: int) -> dict[str, Any]:
    dimension, day, found, team, days = key
    return {"dimension": dimension, "day": day, "key": found, "team_key": team, "gap_days": days,
            "week": period_of_day(day, Period.WEEK), "month": period_of_day(day, Period.MONTH),
            "repeats": repeats}  # fmt: skip


def rebuild_repeat_days(session: Session) -> int:
    """kpi_repeat_days recomputed from every facts row's gap (kept first); the rows written."""
    session.execute(delete(KpiRepeatDay))
    facts = KpiTicketFacts.__table__.c
    # Rounded up in integers, the same on SQLite and PostgreSQL: (gap + a day - 1) / a day.
    days = (facts.repeat_gap_micros + (DAY_MICROS - 1)) // DAY_MICROS
    team = func.coalesce(facts.team_id, NO_TEAM)
    written = 0
    for dimension in Dimension:
        column = KEYED_BY.get(dimension)
        key = literal(NO_KEY) if column is None else facts[column]
        grouped = session.execute(
            select(facts.solved_day, key, team, days, func.count())
            .where(facts.solved_day.is_not(None), facts.repeat_gap_micros.is_not(None))
            .group_by(facts.solved_day, key, team, days)
        ).all()
        rows = [_row((str(dimension), day, NO_KEY if k is None else str(k), t, int(d)), n)
                for day, k, t, d, n in grouped]  # fmt: skip
        for start in range(0, len(rows), _CHUNK):
            session.execute(bulk_insert(KpiRepeatDay), rows[start : start + _CHUNK])
        written += len(rows)
    return written
