"""email trust: used webhook tokens (replay protection), trusted authserv-ids per channel

Revision ID: 0012_email_trust
Revises: 0011_outbound_webhooks
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import minidesk.db

revision: str = '0012_email_trust'
down_revision: str | None = '0011_outbound_webhooks'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('email_channels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trusted_authserv_ids', sa.JSON(), nullable=False, server_default='[]'))

    op.create_table('email_webhook_tokens',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('expires_at', minidesk.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_email_webhook_tokens'))
    )
    with op.batch_alter_table('email_webhook_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_webhook_tokens_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('email_webhook_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_webhook_tokens_expires_at'))

    op.drop_table('email_webhook_tokens')
    with op.batch_alter_table('email_channels', schema=None) as batch_op:
        batch_op.drop_column('trusted_authserv_ids')
