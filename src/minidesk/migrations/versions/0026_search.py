"""full-text search indexes (issue 14)

Revision ID: 0026_search
Revises: 0025_escalations
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0026_search"
down_revision: str | None = "0025_escalations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
