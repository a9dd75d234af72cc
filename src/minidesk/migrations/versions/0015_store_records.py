"""store records for real shops (reserved; the branch that needs it fills it in)

Revision ID: 0015_store_records
Revises: 0014_webhook_subscriptions
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = '0015_store_records'
down_revision: str | None = '0014_webhook_subscriptions'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
