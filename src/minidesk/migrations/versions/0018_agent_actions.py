"""agent tools on a ticket (issue 17, agent tools)

Revision ID: 0018_agent_actions
Revises: 0017_saved_views
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import minidesk.db

revision: str = "0018_agent_actions"
down_revision: str | None = "0017_saved_views"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agent_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("order_number", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name="fk_agent_actions_ticket_id_tickets"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_agent_actions_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_agent_actions"),
        sa.UniqueConstraint(
            "user_id", "idempotency_key", name="uq_agent_actions_user_id_idempotency_key"
        ),
    )
    op.create_index("ix_agent_actions_ticket_id", "agent_actions", ["ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_agent_actions_ticket_id", table_name="agent_actions")
    op.drop_table("agent_actions")
