"""surveys, QA and KPI rollups (issue 15)

Revision ID: 0028_insights
Revises: 0027_knowledge_base
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0028_insights"
down_revision: str | None = "0027_knowledge_base"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
