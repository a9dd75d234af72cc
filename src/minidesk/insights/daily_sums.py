"""``kpi_daily`` recomputed from every ticket's facts row and survey day rows (``minidesk
insights rebuild``): grouped sums in the database, one read per dimension and time base, where
adding each ticket's ``daily.contribution`` in Python took minutes at a million tickets.

The sums are the contributions' own, in integers: each duration is rounded to whole
microseconds before it is summed (floats of a million durations would not add up exactly) and
a key is the string the listener writes, so the rows equal the ones the listeners keep
(``tests/insights/test_rollups.py``). Only the backlog's open tickets are added one by one:
their microseconds after the UTC midnight are a date function each database spells its own way,
and they are the few tickets open now."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import BigInteger, Integer, cast, delete, func, select
from sqlalchemy.orm import Session

from minidesk.insights.cells import MICROS, Dimension
from minidesk.insights.daily import CHUNK, KEYED_BY, REPLIES, Deltas, contribution, daily_row
from minidesk.insights.rollup_models import (
    NO_KEY,
    NO_TEAM,
    KpiDaily,
    KpiSurveyDay,
    KpiTicketFacts,
    bulk_insert,
)

_facts = KpiTicketFacts.__table__.c


def _count(flag: Any) -> Any:
    return func.sum(cast(flag, Integer))


def _micros(seconds: Any) -> Any:
    # Whole microseconds per ticket, then summed: as ``daily._micros`` rounds each one.
    return func.sum(cast(func.round(seconds * MICROS), BigInteger))


# kpi_daily's counters by the day created and by the day first solved, as ``contribution``
# counts them.
_CREATED = {
    "created": func.count(),
    "escalated": _count(_facts.escalated),
    "touches": func.sum(_facts.human_replies_total),
    "created_reopened": _count(_facts.reopened),
    "chats": _count(_facts.chat),
    "chats_abandoned": _count(_facts.abandoned),
    "first_response_count": func.count(_facts.first_response_seconds),
    "first_response_micros": _micros(_facts.first_response_seconds),
}
_SOLVED = {
    "solved": func.count(),
    "resolution_count": func.count(_facts.resolution_seconds),
    "resolution_micros": _micros(_facts.resolution_seconds),
    "fcr": _count(_facts.first_contact),
    "reopened": _count(_facts.reopened),
    "contained": _count(_facts.contained),
    "within_turns": _count(_facts.within_turns),
    "tagged": _count(_facts.tagged),
}


def _key(value: Any) -> str:
    return NO_KEY if value is None else str(value)


def _add(totals: Deltas, dimension: str, rows: Iterable[Any], names: list[str]) -> None:
    """Grouped rows (day, key, team, *counters) added to ``totals``: added, since keys that
    differ in the database may be one string here."""
    for day, key, team, *counts in rows:
        row = totals[(dimension, day, _key(key), NO_TEAM if team is None else team)]
        for name, n in zip(names, counts, strict=True):
            row[name] += int(n or 0)


def rebuild_daily(session: Session) -> int:
    """kpi_daily recomputed from every ticket's facts row and survey day rows (rebuilt first);
    returns the rows written."""
    session.execute(delete(KpiDaily))
    totals: Deltas = defaultdict(Counter)
    for dimension in Dimension:
        column = KEYED_BY.get(dimension)
        # All tickets: grouped by a key that is always NULL (no literal in a GROUP BY).
        key = _facts.team_id if column is None else _facts[column]
        for day, counters in ((_facts.created_day, _CREATED), (_facts.solved_day, _SOLVED)):
            grouped: Sequence[Any] = session.execute(
                select(day, key, _facts.team_id, *counters.values())
                .where(day.is_not(None))
                .group_by(day, key, _facts.team_id)
            ).all()
            if column is None:
                grouped = [(d, None, *rest) for d, _, *rest in grouped]
            _add(totals, str(dimension), grouped, list(counters))
    replies = session.execute(
        select(_facts.created_day, _facts.human_replies_total, _facts.team_id, func.count())
        .where(_facts.created_day.is_not(None))
        .group_by(_facts.created_day, _facts.human_replies_total, _facts.team_id)
    )  # fmt: skip
    _add(totals, REPLIES, replies, ["created"])
    _add_open(session, totals)
    _add_answers(session, totals)
    return write_daily(session, totals)


def _add_open(session: Session, totals: Deltas) -> None:
    """The backlog's counters of the tickets open now, by ``contribution`` itself."""
    columns = ["backlog_since", *KEYED_BY.values()]
    rows = session.execute(
        select(*(_facts[c] for c in columns)).where(_facts.backlog_since.is_not(None))
        .execution_options(yield_per=CHUNK)
    )  # fmt: skip
    for found in rows:
        facts = dict(zip(columns, found, strict=True))
        opened = {**facts, "created_day": None, "solved_day": None}
        for row_key, counts in contribution(opened).items():
            totals[row_key].update(counts)


def _add_answers(session: Session, totals: Deltas) -> None:
    """The answers under their tickets' keys: one pass over the answered days, joined by key."""
    answered = session.execute(
        select(KpiSurveyDay.day, KpiSurveyDay.kind, KpiSurveyDay.score,
               *(_facts[c] for c in KEYED_BY.values()))
        .join(KpiTicketFacts, KpiTicketFacts.ticket_id == KpiSurveyDay.ticket_id)
        .execution_options(yield_per=CHUNK)
    )  # fmt: skip
    for found in answered.mappings():
        row = dict(found)
        for row_key, counts in contribution({**row, "created_day": None, "solved_day": None,
                                                   "backlog_since": None},
                                            [row]).items():  # fmt: skip
            totals[row_key].update(counts)


def write_daily(session: Session, totals: Deltas) -> int:
    """Insert ``totals`` as kpi_daily rows (into an empty table)."""
    keys = sorted(totals)
    for start in range(0, len(keys), CHUNK):
        session.execute(bulk_insert(KpiDaily),
                        [daily_row(k, totals[k]) for k in keys[start : start + CHUNK]])  # fmt: skip
    return len(keys)
