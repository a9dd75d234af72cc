"""refund_caps (reserved: filled in by the change that needs it)

Revision ID: 0008_refund_caps
Revises: 0007_outbox_sent_index
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = '0008_refund_caps'
down_revision: str | None = '0007_outbox_sent_index'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
