"""routing: agent skills, capacity and presence (issue 13)

Revision ID: 0023_routing
Revises: 0022_sla_policies
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0023_routing"
down_revision: str | None = "0022_sla_policies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
