"""the workspace's costs for cost per contact (issue 15)

Revision ID: 0036_contact_costs
Revises: 0035_insight_rollups
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from minidesk.db import UTCDateTime

revision: str = "0036_contact_costs"
down_revision: str | None = "0035_insight_rollups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cost_settings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("agent_hour", sa.Integer(), nullable=False),
        sa.Column("tooling_month", sa.Integer(), nullable=False),
        sa.Column("sms_message", sa.Integer(), nullable=False),
        sa.Column("whatsapp_message", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("cost_settings")
