"""SLA policies and ticket timers (issue 13)

Revision ID: 0022_sla_policies
Revises: 0021_web_chat
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0022_sla_policies"
down_revision: str | None = "0021_web_chat"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
