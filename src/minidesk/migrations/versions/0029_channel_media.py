"""provider media fetching and WhatsApp held replies (issue 12)

Revision ID: 0029_channel_media
Revises: 0028_insights
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0029_channel_media"
down_revision: str | None = "0028_insights"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
