"""the backlog's open tickets counted per creation day in kpi_daily (issue 15)

``kpi_ticket_facts.backlog_since`` is a ticket's ``tickets.created_at`` while its status is
open (new, open, pending, on hold); ``kpi_daily.open_now`` and ``open_micros`` count those
tickets per creation day and key, with their creation times as microseconds after the day's
midnight. The backlog report then sums days instead of reading every open ticket; a partial
index on the status changes' events (``ix_events_status_changes``) finds the tickets changed
after a past moment without reading the other events. Filled here
from ``tickets`` and the keys in ``kpi_ticket_facts`` (what ``minidesk insights rebuild``
computes), so the dashboard stays right through the upgrade. Open tickets without any event
(imported from before the event log) get their facts row at the next rebuild.

Revision ID: 0042_backlog_counters
Revises: 0041_search_windows
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0042_backlog_counters"
down_revision: str | None = "0041_search_windows"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN = "('new', 'open', 'pending', 'on_hold')"
_STATUS_CHANGES = "kind = 'ticket.status_changed'"
# kpi_daily's key columns per dimension (``insights.daily.KEYED_BY``; '' for none).
_KEYED_BY = {"all": None, "agent": "assignee_id", "team": "team_id", "channel": "channel",
             "intent": "intent"}  # fmt: skip
_ZEROS = (
    "created", "escalated", "first_response_count", "first_response_micros", "touches",
    "created_reopened", "chats", "chats_abandoned", "solved", "resolution_count",
    "resolution_micros", "fcr", "reopened", "contained", "within_turns", "tagged",
    "csat_answers", "csat_sum", "csat_satisfied", "nps_answers", "nps_promoters",
    "nps_detractors", "ces_answers", "ces_sum",
)  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("kpi_ticket_facts") as batch:
        batch.add_column(sa.Column("backlog_since", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("kpi_daily") as batch:
        batch.add_column(sa.Column("open_now", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("open_micros", sa.BigInteger(), nullable=False, server_default="0")
        )
    op.create_index("ix_kpi_ticket_facts_backlog_since", "kpi_ticket_facts", ["backlog_since"])
    op.create_index("ix_events_status_changes", "events", ["created_at", "ticket_id"],
                    postgresql_where=sa.text(_STATUS_CHANGES),
                    sqlite_where=sa.text(_STATUS_CHANGES))  # fmt: skip
    op.execute(f"""
        UPDATE kpi_ticket_facts SET backlog_since = (
            SELECT t.created_at FROM tickets t
            WHERE t.id = kpi_ticket_facts.ticket_id AND t.status IN {_OPEN})
    """)  # fmt: skip
    _fill_daily()


def _fill_daily() -> None:
    """Counted in Python: a day and its offset from a time are written differently in each
    database's SQL; the open tickets are a fraction of all."""
    facts = sa.table("kpi_ticket_facts", sa.column("backlog_since", sa.DateTime(timezone=True)),
                     *(sa.column(c) for c in ("assignee_id", "team_id", "channel", "intent")))  # fmt: skip
    bind = op.get_bind()
    totals: dict[tuple[str, dt.date, str, int], Counter[str]] = {}
    query = sa.select(facts).where(facts.c.backlog_since.is_not(None))
    for row in bind.execute(query).mappings():
        since = row["backlog_since"]
        since = (since if since.tzinfo else since.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
        offset = (since - dt.datetime.combine(since.date(), dt.time(), dt.UTC)) // dt.timedelta(
            microseconds=1
        )
        team = row["team_id"] if row["team_id"] is not None else 0
        for dimension, column in _KEYED_BY.items():
            value = None if column is None else row[column]
            key = "" if value is None else str(value)
            counts = totals.setdefault((dimension, since.date(), key, team), Counter())
            counts["open_now"] += 1
            counts["open_micros"] += offset
    rows = [_row(row_key, counts) for row_key, counts in sorted(totals.items())]
    if rows:
        bind.execute(sa.text(f"""
            INSERT INTO kpi_daily (dimension, day, key, team_key, week, month,
                                   {", ".join(_ZEROS)}, open_now, open_micros)
            VALUES (:dimension, :day, :key, :team_key, :week, :month,
                    {", ".join("0" for _ in _ZEROS)}, :open_now, :open_micros)
            ON CONFLICT (dimension, day, key, team_key) DO UPDATE
            SET open_now = excluded.open_now, open_micros = excluded.open_micros
        """), rows)  # fmt: skip


def _row(row_key: tuple[str, dt.date, str, int], counts: Counter[str]) -> dict[str, Any]:
    dimension, day, key, team = row_key
    return {"dimension": dimension, "day": day, "key": key, "team_key": team,
            "week": day - dt.timedelta(days=day.weekday()), "month": day.replace(day=1),
            "open_now": counts["open_now"], "open_micros": counts["open_micros"]}  # fmt: skip


def downgrade() -> None:
    op.execute("""
        DELETE FROM kpi_daily WHERE created = 0 AND solved = 0 AND csat_answers = 0
            AND nps_answers = 0 AND ces_answers = 0
    """)  # fmt: skip
    with op.batch_alter_table("kpi_daily") as batch:
        batch.drop_column("open_micros")
        batch.drop_column("open_now")
    op.drop_index("ix_events_status_changes", table_name="events")
    op.drop_index("ix_kpi_ticket_facts_backlog_since", table_name="kpi_ticket_facts")
    with op.batch_alter_table("kpi_ticket_facts") as batch:
        batch.drop_column("backlog_since")
