"""customers' own webhook signing secrets (encrypted)

Customers whose webhook was set before this revision keep their URL but have no secret: their
deliveries fail (dead letters, replayable) until an admin rotates the secret and hands it to
the receiver, instead of being signed with a key the receiver never had.

Revision ID: 0011_outbound_webhooks
Revises: 0010_access_hardening
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011_outbound_webhooks'
down_revision: str | None = '0010_access_hardening'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('webhook_secret_encrypted', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('webhook_secret_encrypted')
