"""access_hardening (reserved: filled in by the change that needs it)

Revision ID: 0010_access_hardening
Revises: 0009_integration_credentials
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = '0010_access_hardening'
down_revision: str | None = '0009_integration_credentials'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
