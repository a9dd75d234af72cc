"""remediation pilots (issue 15)

``remediation_pilots``: a fix aimed at one intent, its start and end days, the baseline days
before it, its one-off investment and running cost per month (minor units of ``currency``),
for the payback report (``insights.pilots``).

Revision ID: 0048_remediation_pilots
Revises: 0047_backlog_spans
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from minidesk.db import UTCDateTime

revision: str = "0048_remediation_pilots"
down_revision: str | None = "0047_backlog_spans"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "remediation_pilots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("baseline_days", sa.Integer(), nullable=False),
        sa.Column("investment", sa.BigInteger(), nullable=False),
        sa.Column("running_month", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("remediation_pilots")
