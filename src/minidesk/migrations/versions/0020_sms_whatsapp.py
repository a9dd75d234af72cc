"""SMS and WhatsApp channels (issue 12)

Revision ID: 0020_sms_whatsapp
Revises: 0019_workspace_admin
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0020_sms_whatsapp"
down_revision: str | None = "0019_workspace_admin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
