"""webhook subscriptions (reserved; the branch that needs it fills it in)

Revision ID: 0014_webhook_subscriptions
Revises: 0013_channels
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = '0014_webhook_subscriptions'
down_revision: str | None = '0013_channels'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
