"""cost per contact's contacts per day (issue 15)

``kpi_contact_days``: per UTC day a customer wrote (``message.received``), dimension (all,
team, channel, intent), key, team and previous day the same ticket was written to, the
tickets written to that day (``insights.contact_days``); ``kpi_ticket_contact_days``: the
days each ticket counts on, which the KPI listener compares with its events. Cost per contact
then sums a range's days instead of reading every message event in it. Filled here from the
events under each ticket's facts row's keys, as ``minidesk insights rebuild`` computes it.

Revision ID: 0045_cost_backlog_days
Revises: 0044_rollup_days
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from minidesk.db import UTCDateTime

revision: str = "0045_cost_backlog_days"
down_revision: str | None = "0044_rollup_days"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NO_DAY_BEFORE = dt.date(1, 1, 1)
_EVENTS = sa.table("events", sa.column("ticket_id", sa.Integer()), sa.column("kind", sa.String()),
                   sa.column("created_at", UTCDateTime()))  # fmt: skip
_KEYS = sa.table("kpi_ticket_facts",
                 *(sa.column(c) for c in ("ticket_id", "team_id", "channel", "intent")))  # fmt: skip
_CHUNK = 5_000


def upgrade() -> None:
    counters = op.create_table(
        "kpi_contact_days",
        sa.Column("dimension", sa.String(length=16), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("team_key", sa.Integer(), primary_key=True),
        sa.Column("prev_day", sa.Date(), primary_key=True),
        sa.Column("tickets", sa.Integer(), nullable=False, server_default="0"),
    )
    memory = op.create_table(
        "kpi_ticket_contact_days",
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
    )
    bind = op.get_bind()
    events, keys = _EVENTS.c, _KEYS.c
    days: dict[int, set[dt.date]] = defaultdict(set)
    keyed: dict[int, tuple[Any, Any, Any]] = {}
    for ticket_id, at, team, channel, intent in bind.execute(
        sa.select(events.ticket_id, events.created_at, keys.team_id, keys.channel, keys.intent)
        .join(_KEYS, keys.ticket_id == events.ticket_id)
        .where(events.kind == "message.received")
    ):  # fmt: skip
        days[ticket_id].add(at.astimezone(dt.UTC).date())
        keyed[ticket_id] = (team, channel, intent)
    totals: Counter[tuple[str, dt.date, str, int, dt.date]] = Counter()
    remembered = []
    for ticket_id, found in days.items():
        team, channel, intent = keyed[ticket_id]
        units = [("all", ""), *((d, "" if v is None else str(v)) for d, v in
                                (("team", team), ("channel", channel), ("intent", intent)))]  # fmt: skip
        previous = _NO_DAY_BEFORE
        for day in sorted(found):
            for dimension, key in units:
                totals[(dimension, day, key, team or 0, previous)] += 1
            remembered.append({"ticket_id": ticket_id, "day": day})
            previous = day
    rows = [{"dimension": d, "day": day, "key": k, "team_key": t, "prev_day": p, "tickets": n}
            for (d, day, k, t, p), n in totals.items()]  # fmt: skip
    for table, written in ((memory, remembered), (counters, rows)):
        for start in range(0, len(written), _CHUNK):
            bind.execute(sa.insert(table), written[start : start + _CHUNK])


def downgrade() -> None:
    op.drop_table("kpi_ticket_contact_days")
    op.drop_table("kpi_contact_days")
