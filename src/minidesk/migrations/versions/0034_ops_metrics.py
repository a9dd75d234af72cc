"""agents' handle time per ticket and day (issue 15)

Revision ID: 0034_ops_metrics
Revises: 0033_search_speed

The ticket page reports the agent's active time while it is open; each visit of the page
keeps one row per UTC day with the seconds counted on that day.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import minidesk.db

revision: str = "0034_ops_metrics"
down_revision: str | None = "0033_search_speed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "work_time",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("visit", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("last_beat_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "visit", "day", name="uq_work_time_visit_day"),
    )
    op.create_index("ix_work_time_day_user", "work_time", ["day", "user_id"])
    op.create_index("ix_work_time_ticket_id", "work_time", ["ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_work_time_ticket_id", table_name="work_time")
    op.drop_index("ix_work_time_day_user", table_name="work_time")
    op.drop_table("work_time")
