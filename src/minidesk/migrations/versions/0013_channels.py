"""channel instances (reserved; the branch that needs it fills it in)

Revision ID: 0013_channels
Revises: 0012_email_trust
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = '0013_channels'
down_revision: str | None = '0012_email_trust'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
