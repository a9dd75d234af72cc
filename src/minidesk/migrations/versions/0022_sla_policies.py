"""SLA policies and ticket timers (issue 13)

Revision ID: 0022_sla_policies
Revises: 0021_web_chat
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from minidesk.db import UTCDateTime, utcnow
from minidesk.sla.defaults import default_rows

revision: str = "0022_sla_policies"
down_revision: str | None = "0021_web_chat"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    policies = op.create_table(
        "sla_policies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("description", sa.String(2000), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("warn_before_seconds", sa.Integer(), nullable=False),
        sa.Column("business_hours", sa.JSON(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
    )

    def policy_fk() -> sa.ForeignKey:
        return sa.ForeignKey("sla_policies.id", ondelete="SET NULL")

    op.create_table(
        "sla_timers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("metric", sa.String(16), nullable=False),
        sa.Column("policy_id", sa.Integer(), policy_fk(), nullable=True),
        sa.Column("target_seconds", sa.Integer(), nullable=False),
        sa.Column("business", sa.Boolean(), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("warn_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("remaining_seconds", sa.Float(), nullable=True),
        sa.Column("warned_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("breached_at", UTCDateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("ticket_id", "metric"),
    )
    op.create_index("ix_sla_timers_due", "sla_timers", ["breached_at", "due_at"])
    op.create_index("ix_sla_timers_warn", "sla_timers", ["warned_at", "warn_at"])
    op.create_table(
        "sla_results",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("metric", sa.String(16), nullable=False),
        sa.Column("policy_id", sa.Integer(), policy_fk(), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id"), nullable=True),
        sa.Column("assignee_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("due_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("breached", sa.Boolean(), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sla_results_ended", "sla_results", ["ended_at"])
    op.create_index("ix_sla_results_ticket_id", "sla_results", ["ticket_id"])
    op.create_table(
        "sla_tickets",
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), primary_key=True),
        sa.Column("policy_id", sa.Integer(), policy_fk(), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("paused_at", UTCDateTime(timezone=True), nullable=True),
    )
    # A fresh workspace keeps promises from the start; an admin edits or disables them.
    now = utcnow()
    op.bulk_insert(
        policies, [{**row, "created_at": now, "updated_at": now} for row in default_rows()]
    )


def downgrade() -> None:
    op.drop_table("sla_tickets")
    op.drop_table("sla_results")
    op.drop_table("sla_timers")
    op.drop_table("sla_policies")
