"""email_trust (reserved: filled in by the change that needs it)

Revision ID: 0012_email_trust
Revises: 0011_outbound_webhooks
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = '0012_email_trust'
down_revision: str | None = '0011_outbound_webhooks'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
