"""Tag completion (docs/metrics.md): of the tickets first solved in a period, the share that
carry at least one tag, and the share whose fields required to solve are all filled in. Both
read the ticket as it is when the report runs (tags and fields are corrected after a solve,
and a corrected ticket is complete)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from minidesk.desk.models import TicketTag
from minidesk.insights.kpis import (
    NONE_LABEL,
    Dimension,
    KpiRow,
    Period,
    labels_of,
    period_start,
)
from minidesk.insights.ops_rows import Tally, Values, as_rows, share
from minidesk.insights.report import sum_daily
from minidesk.insights.rollup_models import KpiTicketFacts
from minidesk.insights.solves import first_solves, solved_between
from minidesk.ticket_fields.models import TicketField
from minidesk.ticket_fields.values import missing_to_solve

METRICS: tuple[str, ...] = (
    "tickets_solved",
    "tagged",
    "tag_completion",
    "fields_complete",
    "field_completion",
)


def tag_completion(
    session: Session,
    since: dt.datetime,
    until: dt.datetime,
    period: Period,
    by: Dimension,
    teams: Collection[int] | None = None,
) -> list[KpiRow]:
    fields = list(session.scalars(select(TicketField)))
    required = any(f.active and f.required_to_solve for f in fields)
    solves = first_solves(session, since, until, teams, by, with_fields=required)
    # One read for the range's tags, filtered as the solves are (not an IN list per chunk).
    tagged = set(session.scalars(
        select(TicketTag.ticket_id).distinct()
        .join(KpiTicketFacts, KpiTicketFacts.ticket_id == TicketTag.ticket_id)
        .where(*solved_between(since, until))
    ))  # fmt: skip
    tallies: dict[tuple[dt.date, str | None], Tally] = defaultdict(Tally)
    for solve in solves:
        tally = tallies[(period_start(solve.solved_at, period), solve.key)]
        tally.count(solve.ticket_id, "tickets_solved")
        tally.count(solve.ticket_id, "tagged" if solve.ticket_id in tagged else "untagged")
        if required:
            complete = not missing_to_solve(fields, solve.fields)
            tally.count(solve.ticket_id, "fields_complete" if complete else "fields_incomplete")

    def row_values(tally: Tally) -> Values:
        solved = tally.counts["tickets_solved"]
        return {
            "tickets_solved": solved,
            "tagged": tally.counts["tagged"],
            "tag_completion": share(tally.counts["tagged"], solved),
            # With no field required to solve there is nothing to complete: no number.
            "fields_complete": tally.counts["fields_complete"] if required else None,
            "field_completion": share(tally.counts["fields_complete"], solved)
            if required
            else None,
        }

    for tally in tallies.values():
        # The rate's tickets are its numerator's, as in the KPI report's drill-down.
        tally.members["tag_completion"] = tally.members["tagged"]
        tally.members["field_completion"] = tally.members["fields_complete"]
    return as_rows(session, by, tallies, row_values)


def fast_tag_completion(
    session: Session,
    since: dt.datetime,
    until: dt.datetime,
    period: Period,
    by: Dimension,
    teams: Collection[int] | None = None,
) -> list[KpiRow]:
    """``tag_completion``'s rows without drill-down members, for whole UTC days, from
    kpi_daily's first solves and tagged ones (kept by the rollup listener): one grouped read
    whatever the range. A field required to solve is checked against each solved ticket's
    fields as they are now, which no per-day count can know ahead: then it is the full
    report."""
    fields = list(session.scalars(select(TicketField)))
    if any(f.active and f.required_to_solve for f in fields):
        full = tag_completion(session, since, until, period, by, teams)
        return [dataclasses.replace(row, tickets={}) for row in full]
    first, last = since.date(), (until - dt.timedelta(microseconds=1)).date()
    counted = [(start, key, solved, tagged) for start, key, (solved, tagged) in sum_daily(
        session, first, last, period, by, teams, ("solved", "tagged")) if solved]  # fmt: skip
    labels = labels_of(session, by, {key for _, key, _, _ in counted})
    rows = []
    for start, key, solved, tagged in sorted(counted, key=lambda r: (r[0], r[1] or "")):
        values: Values = {"tickets_solved": solved, "tagged": tagged,
                          "tag_completion": share(tagged, solved), "fields_complete": None,
                          "field_completion": None}  # fmt: skip
        rows.append(KpiRow(start, key, labels.get(key, key or NONE_LABEL), values))
    return rows
