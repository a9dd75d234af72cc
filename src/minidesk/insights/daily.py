"""``kpi_daily``: what one ticket's facts add to the per-day rows (``contribution``), applying
the difference when they change (``apply``); ``daily_sums`` recomputes the rows from every
ticket's facts.

A ticket adds to one row per dimension on the day it was created and one on the day it was
first solved, under the keys it has now, and one to the replies histogram (``REPLIES``) on the
day it was created; each of its surveys' day rows (``kpi_survey_days``) adds that day's last
answer to the row of the day answered. The listener subtracts what the ticket's stored facts
added and adds what its new facts add, so a row is always the sum over its tickets: the same
numbers a full recomputation gets, in integers (durations in microseconds), so they stay exact."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import and_
from sqlalchemy.orm import Session

from minidesk.insights.cells import MICROS, Cell, Dimension, Period, period_of_day
from minidesk.insights.increments import add_increments
from minidesk.insights.models import SurveyKind
from minidesk.insights.rollup_models import (
    NO_KEY,
    NO_TEAM,
    KpiDaily,
    KpiTicketFacts,
)

# The answers' counters, by the day answered: ``Cell.answer``'s fields.
ANSWER_COUNTERS = (
    "csat_answers",
    "csat_sum",
    "csat_satisfied",
    "nps_answers",
    "nps_promoters",
    "nps_detractors",
    "ces_answers",
    "ces_sum",
)
# kpi_daily's: the KPI report's (``cells.COUNTS``), the root causes' (``touches``,
# ``created_reopened``), tag completion's (``tagged``) and the backlog's (``open_*``).
COUNTERS = (
    "created",
    "escalated",
    "first_response_count",
    "first_response_micros",
    "touches",
    "created_reopened",
    "chats",
    "chats_abandoned",
    "solved",
    "resolution_count",
    "resolution_micros",
    "fcr",
    "reopened",
    "contained",
    "within_turns",
    "tagged",
    *ANSWER_COUNTERS,
    "open_now",
    "open_micros",
)
# (dimension, day, key, team_key): kpi_daily's primary key.
RowKey = tuple[str, dt.date, str, int]
Deltas = dict[RowKey, Counter[str]]
KEYED_BY = {
    Dimension.AGENT: "assignee_id",
    Dimension.TEAM: "team_id",
    Dimension.CHANNEL: "channel",
    Dimension.INTENT: "intent",
}
# Not a report's dimension: the root-cause report's histogram, tickets per creation day and
# number of person replies (the key), from which it finds its costliest contacts' threshold.
REPLIES = "replies"
FACT_COLUMNS = [c.name for c in KpiTicketFacts.__table__.columns]
# Rows per statement when rebuilding.
CHUNK = 5_000


def _micros(seconds: float) -> int:
    # Stored as float seconds of a whole number of microseconds: rounding recovers it exactly.
    return round(seconds * MICROS)


def _keys(facts: Mapping[str, Any]) -> dict[Dimension, str]:
    keys = {Dimension.ALL: NO_KEY}
    for dimension, column in KEYED_BY.items():
        keys[dimension] = NO_KEY if facts[column] is None else str(facts[column])
    return keys


def answer_counts(kind: str, score: int) -> Counter[str]:
    """One answer as kpi_daily's counters, counted as the report's cells count it."""
    cell = Cell()
    cell.answer(SurveyKind(kind), score)
    return Counter({name: getattr(cell, name) for name in ANSWER_COUNTERS})


def contribution(facts: Mapping[str, Any], answers: Iterable[Mapping[str, Any]] = ()) -> Deltas:
    """What one ticket's facts row (``kpi_ticket_facts`` columns) and its surveys' day rows
    (``kpi_survey_days`` columns) add to kpi_daily."""
    added: Deltas = defaultdict(Counter)
    team = facts["team_id"] if facts["team_id"] is not None else NO_TEAM
    keys = _keys(facts)
    for answer in answers:
        counts = answer_counts(answer["kind"], answer["score"])
        for dimension, key in keys.items():
            added[(str(dimension), answer["day"], key, team)].update(counts)
    created, solved = facts["created_day"], facts["solved_day"]
    for dimension, key in keys.items():
        if created is not None:
            row = added[(str(dimension), created, key, team)]
            row["created"] += 1
            row["escalated"] += int(facts["escalated"])
            row["touches"] += facts["human_replies_total"]
            row["created_reopened"] += int(facts["reopened"])
            row["chats"] += int(facts["chat"])
            row["chats_abandoned"] += int(facts["abandoned"])
            if facts["first_response_seconds"] is not None:
                row["first_response_count"] += 1
                row["first_response_micros"] += _micros(facts["first_response_seconds"])
        if solved is not None:
            row = added[(str(dimension), solved, key, team)]
            row["solved"] += 1
            if facts["resolution_seconds"] is not None:
                row["resolution_count"] += 1
                row["resolution_micros"] += _micros(facts["resolution_seconds"])
            row["fcr"] += int(facts["first_contact"])
            row["reopened"] += int(facts["reopened"])
            row["contained"] += int(facts["contained"])
            row["within_turns"] += int(facts["within_turns"])
            row["tagged"] += int(facts["tagged"])
    if created is not None:
        added[(REPLIES, created, str(facts["human_replies_total"]), team)]["created"] += 1
    if facts["backlog_since"] is not None:
        since = facts["backlog_since"].astimezone(dt.UTC)
        midnight = dt.datetime.combine(since.date(), dt.time(), dt.UTC)
        for dimension, key in keys.items():
            row = added[(str(dimension), since.date(), key, team)]
            row["open_now"] += 1
            row["open_micros"] += (since - midnight) // dt.timedelta(microseconds=1)
    return added


Stored = tuple[Mapping[str, Any] | None, Sequence[Mapping[str, Any]]]


def difference(before: Stored, after: Stored) -> Deltas:
    """What changing a ticket's (facts row, survey day rows) from ``before`` to ``after`` does
    to kpi_daily."""
    change: Deltas = defaultdict(Counter)
    for (facts, answers), sign in ((before, -1), (after, 1)):
        if facts is None:
            continue
        for row_key, counts in contribution(facts, answers).items():
            for name, n in counts.items():
                change[row_key][name] += sign * n
    return {k: c for k, c in change.items() if any(c.values())}


def daily_row(row_key: RowKey, counts: Counter[str]) -> dict[str, Any]:
    dimension, day, key, team = row_key
    return {
        "dimension": dimension, "day": day, "key": key, "team_key": team,
        "week": period_of_day(day, Period.WEEK), "month": period_of_day(day, Period.MONTH),
        **{name: counts[name] for name in COUNTERS},
    }  # fmt: skip


def apply(session: Session, deltas: Deltas) -> None:
    """Add ``deltas`` to kpi_daily in one upsert, in key order, then drop the rows left empty
    (``add_increments``)."""
    rows = [daily_row(row_key, deltas[row_key]) for row_key in sorted(deltas)]
    # A row is empty when no ticket is created or solved on it, none created then is open now
    # and no survey answered: every other count is part of one of those.
    empty = and_(
        KpiDaily.created == 0, KpiDaily.solved == 0, KpiDaily.csat_answers == 0,
        KpiDaily.nps_answers == 0, KpiDaily.ces_answers == 0, KpiDaily.open_now == 0,
    )  # fmt: skip
    add_increments(session, KpiDaily, rows, COUNTERS, empty)
