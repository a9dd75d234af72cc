"""chat abandonment (issue 15): the chats waiting for a first reply, and the KPI rollups'
chat counts

Revision ID: 0037_chat_abandonment
Revises: 0036_contact_costs
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from minidesk.db import UTCDateTime

revision: str = "0037_chat_abandonment"
down_revision: str | None = "0036_contact_costs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_waits",
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), primary_key=True),
        sa.Column("visitor_id", sa.Integer(), sa.ForeignKey("chat_visitors.id"), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_chat_waits_visitor_id", "chat_waits", ["visitor_id"])
    # Existing rows count no chats until ``minidesk insights rebuild`` refolds them.
    for column in ("chat", "abandoned"):
        op.add_column(
            "kpi_ticket_facts",
            sa.Column(column, sa.Boolean(), nullable=False, server_default=sa.false()),
        )
    for column in ("chats", "chats_abandoned"):
        op.add_column(
            "kpi_daily", sa.Column(column, sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("kpi_daily") as batch:
        batch.drop_column("chats_abandoned")
        batch.drop_column("chats")
    with op.batch_alter_table("kpi_ticket_facts") as batch:
        batch.drop_column("abandoned")
        batch.drop_column("chat")
    op.drop_index("ix_chat_waits_visitor_id", table_name="chat_waits")
    op.drop_table("chat_waits")
