"""workspace admin (issue 17, admin pages)

Revision ID: 0019_workspace_admin
Revises: 0018_agent_actions
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0019_workspace_admin"
down_revision: str | None = "0018_agent_actions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
