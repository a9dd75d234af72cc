"""custom field definitions (issue 17)

Revision ID: 0024_custom_fields
Revises: 0023_routing
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0024_custom_fields"
down_revision: str | None = "0023_routing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
