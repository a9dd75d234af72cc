"""agent tools on a ticket (issue 17, agent tools)

Revision ID: 0018_agent_actions
Revises: 0017_saved_views
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0018_agent_actions"
down_revision: str | None = "0017_saved_views"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
