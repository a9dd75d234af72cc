"""routing: agent skills, capacity and presence (issue 13)

Revision ID: 0023_routing
Revises: 0022_sla_policies
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import minidesk.db

revision: str = "0023_routing"
down_revision: str | None = "0022_sla_policies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agent_profiles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("product_lines", sa.JSON(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.JSON(), nullable=False),
        sa.Column("presence", sa.String(length=8), nullable=False),
        sa.Column("presence_source", sa.String(length=8), nullable=False),
        sa.Column("stream_until", minidesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("presence_changed_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_assigned_at", minidesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_agent_profiles_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_agent_profiles")),
    )
    op.create_table(
        "routing_configs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("strategy", sa.String(length=16), nullable=False),
        sa.Column("accept_minutes", sa.Integer(), nullable=False),
        sa.Column("product_lines", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_routing_configs_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_configs")),
        sa.UniqueConstraint("team_id", name=op.f("uq_routing_configs_team_id")),
    )
    op.create_table(
        "routed_tickets",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("accept_due_at", minidesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", minidesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("passed_over", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_routed_tickets_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_routed_tickets_user_id_users")
        ),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_routed_tickets")),
    )
    with op.batch_alter_table("routed_tickets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_routed_tickets_accept_due_at"), ["accept_due_at"])


def downgrade() -> None:
    with op.batch_alter_table("routed_tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_routed_tickets_accept_due_at"))
    op.drop_table("routed_tickets")
    op.drop_table("routing_configs")
    op.drop_table("agent_profiles")
