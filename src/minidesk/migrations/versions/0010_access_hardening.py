"""sign-in attempts: failed password sign-ins counted per account and per client address

Revision ID: 0010_access_hardening
Revises: 0009_integration_credentials
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import minidesk.db

revision: str = '0010_access_hardening'
down_revision: str | None = '0009_integration_credentials'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sign_in_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('created_at', minidesk.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_attempts'))
    )
    with op.batch_alter_table('sign_in_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_sign_in_attempts_account', ['account', 'created_at'], unique=False)
        batch_op.create_index('ix_sign_in_attempts_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_sign_in_attempts_ip', ['ip', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sign_in_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_sign_in_attempts_ip')
        batch_op.drop_index('ix_sign_in_attempts_created_at')
        batch_op.drop_index('ix_sign_in_attempts_account')

    op.drop_table('sign_in_attempts')
