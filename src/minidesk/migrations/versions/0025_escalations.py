"""escalation matrix and tiers (issue 13)

Revision ID: 0025_escalations
Revises: 0024_custom_fields
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from minidesk.db import UTCDateTime, utcnow
from minidesk.escalation.defaults import default_rows

revision: str = "0025_escalations"
down_revision: str | None = "0024_custom_fields"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    rules = op.create_table(
        "escalation_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("description", sa.String(2000), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("trigger", sa.JSON(), nullable=False),
        sa.Column("target", sa.String(16), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        _at("created_at"),
        _at("updated_at"),
    )
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column(
            "rule_id",
            sa.Integer(),
            sa.ForeignKey("escalation_rules.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("rule_name", sa.String(200), nullable=True),
        sa.Column("target", sa.String(16), nullable=False),
        sa.Column("target_user_ids", sa.JSON(), nullable=False),
        sa.Column("tier_before", sa.Integer(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("note", sa.String(2000), nullable=False),
        sa.Column("actor_type", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(200), nullable=False),
        _at("created_at"),
    )
    op.create_index("ix_escalations_ticket", "escalations", ["ticket_id", "id"])
    op.create_table(
        "escalation_timers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column(
            "rule_id",
            sa.Integer(),
            sa.ForeignKey("escalation_rules.id", ondelete="CASCADE"),
            nullable=False,
        ),
        _at("started_at"),
        _at("due_at"),
        _at("fired_at", nullable=True),
        sa.UniqueConstraint("ticket_id", "rule_id"),
    )
    op.create_index("ix_escalation_timers_due", "escalation_timers", ["fired_at", "due_at"])
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False, unique=True
        ),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("notified_user_ids", sa.JSON(), nullable=False),
        _at("opened_at"),
        _at("due_at"),
        _at("acknowledged_at", nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        _at("escalated_at", nullable=True),
        _at("closed_at", nullable=True),
    )
    op.create_index("ix_incidents_due", "incidents", ["acknowledged_at", "escalated_at", "due_at"])
    op.create_table(
        "escalation_settings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "operations_team_id",
            sa.Integer(),
            sa.ForeignKey("teams.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column(
            "compliance_team_id",
            sa.Integer(),
            sa.ForeignKey("teams.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("acknowledge_hours", sa.Integer(), nullable=False),
    )
    # A fresh workspace escalates from the start; an admin edits or disables the rules.
    now = utcnow()
    op.bulk_insert(rules, [{**row, "created_at": now, "updated_at": now} for row in default_rows()])


def downgrade() -> None:
    op.drop_table("escalation_settings")
    op.drop_table("incidents")
    op.drop_table("escalation_timers")
    op.drop_table("escalations")
    op.drop_table("escalation_rules")
