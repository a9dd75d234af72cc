"""provider media fetching and WhatsApp held replies (issue 12)

Revision ID: 0029_channel_media
Revises: 0028_insights

SMS (MMS) and WhatsApp media are fetched from the provider by a job after the message is
accepted: each attachment that waits for its bytes says where from, how the last try went
and when the next is due. WhatsApp's held automated replies need no schema: they are outbox
rows parked until the customer writes again.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import minidesk.db

revision: str = "0029_channel_media"
down_revision: str | None = "0028_insights"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("fetch_status", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("fetch_source", sa.String(length=2000), nullable=True))
        batch.add_column(sa.Column("fetch_error", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("fetch_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("fetch_due_at", minidesk.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch.create_index("ix_attachments_fetch_due_at", ["fetch_due_at"])


def downgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.drop_index("ix_attachments_fetch_due_at")
        batch.drop_column("fetch_due_at")
        batch.drop_column("fetch_attempts")
        batch.drop_column("fetch_error")
        batch.drop_column("fetch_source")
        batch.drop_column("fetch_status")
