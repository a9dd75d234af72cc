"""integration_credentials (reserved: filled in by the change that needs it)

Revision ID: 0009_integration_credentials
Revises: 0008_refund_caps
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = '0009_integration_credentials'
down_revision: str | None = '0008_refund_caps'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
