"""outbound_webhooks (reserved: filled in by the change that needs it)

Revision ID: 0011_outbound_webhooks
Revises: 0010_access_hardening
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = '0011_outbound_webhooks'
down_revision: str | None = '0010_access_hardening'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
