"""repeat contacts per solve day and whole days of gap; handle time per day (issue 15)

``kpi_repeat_days``: per UTC day of first solve, dimension, key, team and ``gap_days`` (the
ticket's ``repeat_gap_micros`` rounded up to whole days), the tickets whose customer came back
after that many days. The repeat contact report then sums days (gaps of at most its window)
instead of reading a row per solve. Filled here from ``kpi_ticket_facts`` by one grouped read
per dimension, as ``minidesk insights rebuild`` computes it.

``kpi_work_days``: per UTC day worked, dimension, key, team, previous day the same ticket was
worked (by the same agent, by agent) and first solve day, the handle seconds and the tickets
worked (``insights.work_days``). The handle time report then sums days instead of reading every
work row. Filled here from ``work_time`` under each ticket's facts row's keys (its own where it
has none), as the rebuild computes it.

Revision ID: 0044_rollup_days
Revises: 0043_repeat_gaps
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0044_rollup_days"
down_revision: str | None = "0043_repeat_gaps"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DAY_MICROS = 86_400 * 1_000_000
# kpi_daily's key columns per dimension (``insights.daily.KEYED_BY``; '' for none).
_KEYED_BY = {"all": None, "agent": "assignee_id", "team": "team_id", "channel": "channel",
             "intent": "intent"}  # fmt: skip
_FACTS = sa.table("kpi_ticket_facts", sa.column("solved_day", sa.Date()),
                  sa.column("repeat_gap_micros", sa.BigInteger()),
                  *(sa.column(c) for c in ("assignee_id", "team_id", "channel", "intent")))  # fmt: skip


def upgrade() -> None:
    table = op.create_table(
        "kpi_repeat_days",
        sa.Column("dimension", sa.String(length=16), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("team_key", sa.Integer(), primary_key=True),
        sa.Column("gap_days", sa.Integer(), primary_key=True),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("repeats", sa.Integer(), nullable=False, server_default="0"),
    )
    bind = op.get_bind()
    facts = _FACTS.c
    days = (facts.repeat_gap_micros + (_DAY_MICROS - 1)) // _DAY_MICROS
    team = sa.func.coalesce(facts.team_id, 0)
    for dimension, column in _KEYED_BY.items():
        key = sa.literal("") if column is None else facts[column]
        grouped = bind.execute(
            sa.select(facts.solved_day, key, team, days, sa.func.count())
            .where(facts.solved_day.is_not(None), facts.repeat_gap_micros.is_not(None))
            .group_by(facts.solved_day, key, team, days)
        ).all()
        rows = [{"dimension": dimension, "day": day, "key": "" if k is None else str(k),
                 "team_key": t, "gap_days": int(d), "repeats": n,
                 "week": day - dt.timedelta(days=day.weekday()), "month": day.replace(day=1)}
                for day, k, t, d, n in grouped]  # fmt: skip
        if rows:
            bind.execute(sa.insert(table), rows)
    _work_days()


_NO_DAY_BEFORE, _NOT_SOLVED = dt.date(1, 1, 1), dt.date(9999, 12, 31)
# Dates typed: SQLite hands untyped ones back as text.
_WORK = sa.table("work_time", sa.column("day", sa.Date()),
                 *(sa.column(c) for c in ("ticket_id", "user_id", "seconds")))  # fmt: skip
_TICKETS = sa.table("tickets", *(sa.column(c) for c in ("id", "team_id", "channel", "intent")))
_KEYS = sa.table("kpi_ticket_facts", sa.column("solved_day", sa.Date()),
                 *(sa.column(c) for c in ("ticket_id", "team_id", "channel", "intent")))  # fmt: skip


def _work_days() -> None:
    table = op.create_table(
        "kpi_work_days",
        sa.Column("dimension", sa.String(length=16), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("team_key", sa.Integer(), primary_key=True),
        sa.Column("prev_day", sa.Date(), primary_key=True),
        sa.Column("solved_day", sa.Date(), primary_key=True),
        sa.Column("seconds", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("tickets", sa.Integer(), nullable=False, server_default="0"),
    )
    work, tickets, keys = _WORK.c, _TICKETS.c, _KEYS.c
    kept = keys.ticket_id.is_not(None)
    rows = op.get_bind().execute(
        sa.select(work.ticket_id, work.user_id, work.day, work.seconds,
                  *(sa.case((kept, keys[c]), else_=tickets[c]) for c in ("team_id", "channel",
                                                                         "intent")),
                  keys.solved_day)
        .join(_TICKETS, tickets.id == work.ticket_id)
        .outerjoin(_KEYS, keys.ticket_id == work.ticket_id)
        .where(work.seconds > 0)
    ).all()  # fmt: skip
    per_ticket: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        per_ticket[row[0]].append(row)
    totals: dict[tuple[Any, ...], Counter[str]] = defaultdict(Counter)
    for found in per_ticket.values():
        _, _, _, _, team, channel, intent, solved = found[0]
        per_user: dict[int, Counter[dt.date]] = defaultdict(Counter)
        per_day: Counter[dt.date] = Counter()
        for _, user, day, seconds, *_ in found:
            per_user[user][day] += seconds
            per_day[day] += seconds
        units = [("agent", str(user), days) for user, days in per_user.items()]
        for dimension, value in (("all", None), ("team", team), ("channel", channel),
                                 ("intent", intent)):  # fmt: skip
            units.append((dimension, "" if value is None else str(value), per_day))
        for dimension, key, days in units:
            previous = _NO_DAY_BEFORE
            for day in sorted(days):
                counts = totals[(dimension, day, key, team or 0, previous, solved or _NOT_SOLVED)]
                counts["seconds"] += days[day]
                counts["tickets"] += 1
                previous = day
    written = [{"dimension": d, "day": day, "key": k, "team_key": t, "prev_day": p,
                "solved_day": s, "seconds": c["seconds"], "tickets": c["tickets"]}
               for (d, day, k, t, p, s), c in totals.items()]  # fmt: skip
    if written:
        op.get_bind().execute(sa.insert(table), written)


def downgrade() -> None:
    op.drop_table("kpi_work_days")
    op.drop_table("kpi_repeat_days")
