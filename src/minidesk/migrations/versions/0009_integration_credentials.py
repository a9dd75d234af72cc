"""integration credentials, token expiry, thread keys per customer, who posted a message

Revision ID: 0009_integration_credentials
Revises: 0008_refund_caps
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import minidesk.db

revision: str = '0009_integration_credentials'
down_revision: str | None = '0008_refund_caps'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEGACY_TOKEN_DAYS = 30


def upgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        # Tokens made before this change were personal ones.
        batch_op.add_column(
            sa.Column('kind', sa.String(length=16), nullable=False, server_default='personal')
        )
        batch_op.add_column(sa.Column('integration', sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column('expires_at', minidesk.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f('ix_api_tokens_integration'), ['integration'], unique=False)
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.alter_column('kind', server_default=None)
    # Tokens issued before expiry existed were valid forever: they get the default lifetime
    # (MINIDESK_TOKEN_LIFETIME_DAYS' default) from the upgrade on, so a leaked old token dies
    # too. Rotating one before then keeps a client going.
    tokens = sa.table(
        'api_tokens',
        sa.column('revoked_at', minidesk.db.UTCDateTime()),
        sa.column('expires_at', minidesk.db.UTCDateTime()),
    )
    op.execute(
        tokens.update()
        .where(tokens.c.revoked_at.is_(None))
        .values(expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=LEGACY_TOKEN_DAYS))
    )

    with op.batch_alter_table('ticket_threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customer_id', sa.Integer(), nullable=True))
    # A key pinned so far belongs to its ticket's customer.
    op.execute(
        'UPDATE ticket_threads SET customer_id = '
        '(SELECT tickets.customer_id FROM tickets WHERE tickets.id = ticket_threads.ticket_id)'
    )
    with op.batch_alter_table('ticket_threads', schema=None) as batch_op:
        batch_op.alter_column('customer_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column(
            'key',
            existing_type=sa.String(length=200),
            type_=sa.String(length=300),
            existing_nullable=False,
        )
        batch_op.drop_constraint('uq_ticket_threads_channel_key', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_ticket_threads_channel_customer_id_key'), ['channel', 'customer_id', 'key']
        )
        batch_op.create_index(batch_op.f('ix_ticket_threads_customer_id'), ['customer_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_ticket_threads_customer_id_customers'), 'customers', ['customer_id'], ['id']
        )

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('posted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('token_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_messages_posted_by_id'), ['posted_by_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_messages_posted_by_id_users'), 'users', ['posted_by_id'], ['id']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_messages_token_id_api_tokens'), 'api_tokens', ['token_id'], ['id']
        )

    with op.batch_alter_table('approvals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requested_via_user_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_approvals_requested_via_user_id_users'),
            'users',
            ['requested_via_user_id'],
            ['id'],
        )


def downgrade() -> None:
    with op.batch_alter_table('approvals', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_approvals_requested_via_user_id_users'), type_='foreignkey'
        )
        batch_op.drop_column('requested_via_user_id')

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_messages_token_id_api_tokens'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_messages_posted_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_messages_posted_by_id'))
        batch_op.drop_column('token_id')
        batch_op.drop_column('posted_by_id')

    # Keys pinned for different customers may now collide: keep each key's newest pin.
    op.execute(
        'DELETE FROM ticket_threads WHERE id NOT IN '
        '(SELECT MAX(id) FROM ticket_threads GROUP BY channel, key)'
    )
    with op.batch_alter_table('ticket_threads', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_ticket_threads_customer_id_customers'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_ticket_threads_customer_id'))
        batch_op.drop_constraint(
            batch_op.f('uq_ticket_threads_channel_customer_id_key'), type_='unique'
        )
        batch_op.alter_column(
            'key',
            existing_type=sa.String(length=300),
            type_=sa.String(length=200),
            existing_nullable=False,
        )
        batch_op.create_unique_constraint(
            batch_op.f('uq_ticket_threads_channel_key'), ['channel', 'key']
        )
        batch_op.drop_column('customer_id')

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_integration'))
        batch_op.drop_column('expires_at')
        batch_op.drop_column('integration')
        batch_op.drop_column('kind')
