"""The KPI report from the rollups (what every dashboard reads): ``kpis.kpis``'s rows, without
drill-down members, summed from per-day rows in two grouped queries whatever the range.

``kpi_daily`` gives the metrics per period and key (a week or a month is the sum of its days,
each row naming its week and month), the answers among them as each survey's last answer of
each day; ``kpi_survey_days`` the few of those answered again later in the range, taken back
per period, key, kind and score (scores are small integers, so that is exact). A team
restriction keeps the rows of those teams only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minidesk.insights.cells import (
    COUNTS,
    NONE_LABEL,
    Cell,
    Dimension,
    KpiRow,
    Period,
    published,
)
from minidesk.insights.daily import KEYED_BY
from minidesk.insights.kpis import labels_of
from minidesk.insights.models import SurveyKind
from minidesk.insights.rollup_models import NO_KEY, KpiDaily, KpiSurveyDay, KpiTicketFacts

# (period, key) → kpi_daily's sums in ``cells.COUNTS`` order.
Sums = dict[tuple[dt.date, str | None], tuple[int, ...]]


def fast_kpis(
    session: Session,
    since: dt.datetime,
    until: dt.datetime,
    period: Period,
    by: Dimension,
    teams: Collection[int] | None = None,
) -> list[KpiRow]:
    """Rows ordered by period then key, for whole UTC days from ``since`` to before ``until``;
    ``teams`` narrows to those teams' tickets."""
    first, last = since.date(), (until - dt.timedelta(microseconds=1)).date()
    summed = sum_daily(session, first, last, period, by, teams, COUNTS)
    sums: Sums = {(start, key): totals for start, key, totals in summed}
    _take_back_changed_answers(session, sums, first, last, period, by, teams)
    # A cell left holding only answers that were taken back counts nothing; so does a day row
    # of other reports' counters only (the backlog's open tickets).
    counted = sorted((k for k, totals in sums.items() if any(totals)),
                     key=lambda k: (k[0], k[1] or ""))  # fmt: skip
    labels = labels_of(session, by, {key for _, key in counted})
    return [
        KpiRow(day, key, labels.get(key, key or NONE_LABEL), published(sums[(day, key)]))
        for day, key in counted
    ]


def _period_column(model: type[KpiDaily] | type[KpiSurveyDay], period: Period) -> Any:
    return {Period.DAY: model.day, Period.WEEK: model.week, Period.MONTH: model.month}[period]


def sum_daily(
    session: Session, first: dt.date, last: dt.date, period: Period, by: Dimension,
    teams: Collection[int] | None, counters: Sequence[str],
) -> Iterator[tuple[dt.date, str | None, tuple[int, ...]]]:  # fmt: skip
    """kpi_daily's ``counters`` summed per period and key over the days ``first``-``last``
    (of ``teams``' tickets, when given): (period, key, sums in ``counters``' order)."""
    when = _period_column(KpiDaily, period)
    query = (
        select(when, KpiDaily.key, *(func.sum(getattr(KpiDaily, c)) for c in counters))
        .where(KpiDaily.dimension == str(by), KpiDaily.day >= first, KpiDaily.day <= last)
        .group_by(when, KpiDaily.key)
    )
    if teams is not None:
        query = query.where(KpiDaily.team_key.in_(list(teams)))
    # Core rows: the ORM's result handling added about a tenth to a year per day by intent
    # (4,380 rows), and a third more garbage to collect.
    for start, key, *sums in session.connection().execute(query):
        # PostgreSQL sums integers as numeric: int() brings them back.
        yield start, None if key == NO_KEY else key, tuple(map(int, sums))


def _take_back_changed_answers(
    session: Session, sums: Sums, first: dt.date, last: dt.date, period: Period,
    by: Dimension, teams: Collection[int] | None,
) -> None:  # fmt: skip
    """kpi_daily counts each survey's last answer of every day; the range counts only its last
    answer in the range. Take back the day rows answered again later in the range (their
    ``next_day`` is in it): a few changed answers, found by the ``next_day`` index, under the
    keys their tickets' kpi_daily rows were written with."""
    when = _period_column(KpiSurveyDay, period)
    column = None if by == Dimension.ALL else KpiTicketFacts.__table__.c[KEYED_BY[by]]
    grouped: list[Any] = [column] if column is not None else []
    query = (
        select(when, KpiSurveyDay.kind, KpiSurveyDay.score, func.count(), *grouped)
        .join(KpiTicketFacts, KpiTicketFacts.ticket_id == KpiSurveyDay.ticket_id)
        .where(
            KpiSurveyDay.next_day <= last,
            KpiSurveyDay.next_day > first,  # after its own day, which is in the range
            KpiSurveyDay.day >= first,
        )
        .group_by(when, KpiSurveyDay.kind, KpiSurveyDay.score, *grouped)
    )
    if teams is not None:
        query = query.where(KpiTicketFacts.team_id.in_(list(teams)))
    taken: dict[tuple[dt.date, str | None], Cell] = defaultdict(Cell)
    for start, kind, score, count, *key in session.execute(query):
        row_key = None if not key or key[0] is None else str(key[0])
        taken[(start, row_key)].answer(SurveyKind(kind), score, -count)
    for cell_key, cell in taken.items():
        before = sums.get(cell_key, (0,) * len(COUNTS))
        sums[cell_key] = tuple(a + b for a, b in zip(before, cell.counts(), strict=True))
