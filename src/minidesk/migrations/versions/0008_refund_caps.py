"""refund caps: the goodwill ledger holds the bot's offers and refunds beside agents' refunds

Each entry names its source (bot or agent), status (offered or refunded), store customer, the
store's refund id and when the money moved, so automatic refunds add up per order and per
customer.

Revision ID: 0008_refund_caps
Revises: 0007_outbox_sent_index
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import minidesk.db

revision: str = '0008_refund_caps'
down_revision: str | None = '0007_outbox_sent_index'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('goodwill_ledger', schema=None) as batch_op:
        # Existing rows are agents' refunds, all of which moved money.
        batch_op.add_column(sa.Column('source', sa.String(length=16), nullable=False, server_default='agent'))
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=False, server_default='refunded'))
        batch_op.add_column(sa.Column('message_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('customer_ref', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('refund_ref', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('settled_at', minidesk.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index('ix_goodwill_ledger_customer_created', ['customer_ref', 'created_at'], unique=False)
        batch_op.create_index('ix_goodwill_ledger_order', ['order_number'], unique=False)
    op.execute("UPDATE goodwill_ledger SET settled_at = created_at")
    # The defaults only filled the existing rows; the model sets both on every insert.
    with op.batch_alter_table('goodwill_ledger', schema=None) as batch_op:
        batch_op.alter_column('source', existing_type=sa.String(length=16), server_default=None)
        batch_op.alter_column('status', existing_type=sa.String(length=16), server_default=None)


def downgrade() -> None:
    # The bot's entries have no agent to belong to; an older version has nowhere to keep them.
    op.execute("DELETE FROM goodwill_ledger WHERE user_id IS NULL")
    with op.batch_alter_table('goodwill_ledger', schema=None) as batch_op:
        batch_op.drop_index('ix_goodwill_ledger_order')
        batch_op.drop_index('ix_goodwill_ledger_customer_created')
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('settled_at')
        batch_op.drop_column('refund_ref')
        batch_op.drop_column('customer_ref')
        batch_op.drop_column('message_id')
        batch_op.drop_column('status')
        batch_op.drop_column('source')
