"""escalation matrix and tiers (issue 13)

Revision ID: 0025_escalations
Revises: 0024_custom_fields
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0025_escalations"
down_revision: str | None = "0024_custom_fields"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
