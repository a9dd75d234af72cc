"""repeat contacts per solve day and whole days of gap (issue 15)

``kpi_repeat_days``: per UTC day of first solve, dimension, key, team and ``gap_days`` (the
ticket's ``repeat_gap_micros`` rounded up to whole days), the tickets whose customer came back
after that many days. The repeat contact report then sums days (gaps of at most its window)
instead of reading a row per solve. Filled here from ``kpi_ticket_facts`` by one grouped read
per dimension, as ``minidesk insights rebuild`` computes it.

Revision ID: 0044_rollup_days
Revises: 0043_repeat_gaps
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

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


def downgrade() -> None:
    op.drop_table("kpi_repeat_days")
