"""per-address limits on public writes (issue 15)

Revision ID: 0031_survey_channels
Revises: 0030_kb_guides

One token bucket per client address for the writes anyone may make without signing in
(help-centre feedback, logged searches, survey answers, new chat visitors): a row, so every
process draws on the same bucket.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031_survey_channels"
down_revision: str | None = "0030_kb_guides"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "public_write_buckets",
        sa.Column("address", sa.String(64), primary_key=True),
        sa.Column("full_at", sa.Double(), nullable=False),
    )
    op.create_index(
        "ix_public_write_buckets_full_at", "public_write_buckets", ["full_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_public_write_buckets_full_at", table_name="public_write_buckets")
    op.drop_table("public_write_buckets")
