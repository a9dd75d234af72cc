"""web chat (issue 12): the widget's visitors and the files they attach

Revision ID: 0021_web_chat
Revises: 0020_sms_whatsapp
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import minidesk.db

revision: str = "0021_web_chat"
down_revision: str | None = "0020_sms_whatsapp"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_visitors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("verified_email", sa.String(length=320), nullable=True),
        sa.Column("verified_user_id", sa.String(length=200), nullable=True),
        sa.Column("read_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channels.id"], name=op.f("fk_chat_visitors_channel_id_channels")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_visitors")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_chat_visitors_token_hash")),
    )
    with op.batch_alter_table("chat_visitors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_visitors_channel_id"), ["channel_id"])
    op.create_table(
        "chat_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_chat_files")),
    )


def downgrade() -> None:
    op.drop_table("chat_files")
    with op.batch_alter_table("chat_visitors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_visitors_channel_id"))
    op.drop_table("chat_visitors")
