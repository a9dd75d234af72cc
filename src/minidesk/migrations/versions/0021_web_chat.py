"""web chat (issue 12)

Revision ID: 0021_web_chat
Revises: 0020_sms_whatsapp
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0021_web_chat"
down_revision: str | None = "0020_sms_whatsapp"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
