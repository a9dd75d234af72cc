"""per-day KPI rollups (issue 15)

Revision ID: 0035_insight_rollups
Revises: 0034_ops_metrics

The dashboards sum per-day rows instead of one row per ticket: ``kpi_daily`` (counts and sums
per day, dimension, key and team) and ``kpi_survey_days`` (each survey's last answer per day).
``kpi_ticket_facts`` also keeps the keys a ticket was counted under, so a change takes back
exactly what it added. The new tables start empty and the existing facts rows lack their keys:
the worker's ``insights_backfill`` job (or ``minidesk insights rebuild``) fills all three from
the event log (docs/metrics.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035_insight_rollups"
down_revision: str | None = "0034_ops_metrics"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("kpi_ticket_facts") as batch:
        batch.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("channel", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("intent", sa.String(length=64), nullable=True))
        for name in ("human_replies_total", "customer_messages_before_solve"):
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    # The order each day's costliest contacts are read in (most replies first, backwards).
    op.create_index(
        "ix_kpi_ticket_facts_touches",
        "kpi_ticket_facts",
        ["created_day", "human_replies_total", "ticket_id"],
    )

    def counter(name: str, kind: type[sa.types.TypeEngine[int]] = sa.Integer) -> sa.Column[int]:
        return sa.Column(name, kind(), nullable=False)

    op.create_table(
        "kpi_daily",
        sa.Column("dimension", sa.String(length=16), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("team_key", sa.Integer(), primary_key=True),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        counter("created"),
        counter("escalated"),
        counter("first_response_count"),
        counter("first_response_micros", sa.BigInteger),
        counter("touches"),
        counter("created_reopened"),
        counter("solved"),
        counter("resolution_count"),
        counter("resolution_micros", sa.BigInteger),
        counter("fcr"),
        counter("reopened"),
        counter("contained"),
        counter("within_turns"),
    )
    op.create_table(
        "kpi_survey_days",
        sa.Column("survey_id", sa.Integer(), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("next_day", sa.Date(), nullable=True),
    )
    op.create_index("ix_kpi_survey_days_day", "kpi_survey_days", ["day"])
    op.create_index("ix_kpi_survey_days_ticket_id", "kpi_survey_days", ["ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_kpi_ticket_facts_touches", "kpi_ticket_facts")
    op.drop_table("kpi_survey_days")
    op.drop_table("kpi_daily")
    with op.batch_alter_table("kpi_ticket_facts") as batch:
        for name in ("customer_messages_before_solve", "human_replies_total", "intent",
                     "channel", "team_id", "assignee_id"):  # fmt: skip
            batch.drop_column(name)
