"""SMS and WhatsApp channels (issue 12): what providers report per outbound message, SMS
opt-outs and the keyword messages that changed them

Revision ID: 0020_sms_whatsapp
Revises: 0018_agent_actions
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import minidesk.db

revision: str = "0020_sms_whatsapp"
down_revision: str | None = "0018_agent_actions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str) -> sa.Column[dt.datetime]:
    return sa.Column(name, minidesk.db.UTCDateTime(timezone=True), nullable=False)


def _channel(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channels.id"], name=op.f(f"fk_{table}_channel_id_channels")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "channel_deliveries",
        *_channel("channel_deliveries"),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("attempt", sa.String(length=16), nullable=False),
        sa.Column("provider_id", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("error_code", sa.String(length=32), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("segments", sa.Integer(), nullable=True),
        sa.Column("price_micros", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        _at("started_at"),
        _at("updated_at"),
        sa.UniqueConstraint(
            "channel_id", "provider_id", name=op.f("uq_channel_deliveries_channel_id_provider_id")
        ),
        sa.UniqueConstraint("outbox_id", name=op.f("uq_channel_deliveries_outbox_id")),
    )
    op.create_index(op.f("ix_channel_deliveries_message_id"), "channel_deliveries", ["message_id"])
    op.create_table(
        "sms_keywords",
        *_channel("sms_keywords"),
        sa.Column("message_sid", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("keyword", sa.String(length=16), nullable=False),
        sa.Column("word", sa.String(length=16), nullable=False),
        _at("received_at"),
        sa.UniqueConstraint(
            "channel_id", "message_sid", name=op.f("uq_sms_keywords_channel_id_message_sid")
        ),
    )
    op.create_index(op.f("ix_sms_keywords_phone"), "sms_keywords", ["phone"])
    op.create_table(
        "sms_opt_outs",
        *_channel("sms_opt_outs"),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("keyword", sa.String(length=16), nullable=False),
        _at("opted_out_at"),
        sa.UniqueConstraint("channel_id", "phone", name=op.f("uq_sms_opt_outs_channel_id_phone")),
    )


def downgrade() -> None:
    op.drop_table("sms_opt_outs")
    op.drop_index(op.f("ix_sms_keywords_phone"), table_name="sms_keywords")
    op.drop_table("sms_keywords")
    op.drop_index(op.f("ix_channel_deliveries_message_id"), table_name="channel_deliveries")
    op.drop_table("channel_deliveries")
