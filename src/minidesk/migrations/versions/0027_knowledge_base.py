"""knowledge base and help centre (issue 14)

Revision ID: 0027_knowledge_base
Revises: 0026_search
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0027_knowledge_base"
down_revision: str | None = "0026_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
