"""saved inbox views (issue 17, workspace live)

Revision ID: 0017_saved_views
Revises: 0016_two_factor
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0017_saved_views"
down_revision: str | None = "0016_two_factor"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
