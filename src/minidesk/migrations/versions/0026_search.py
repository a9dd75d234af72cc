"""full-text search indexes (issue 14)

Revision ID: 0026_search
Revises: 0025_escalations
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from minidesk.search import ddl

revision: str = "0026_search"
down_revision: str | None = "0025_escalations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # FTS5 tables and triggers on SQLite, tsvector side tables with GIN indexes and triggers on
    # PostgreSQL; both filled from the tickets and customers already there.
    ddl.create(op.get_bind())


def downgrade() -> None:
    ddl.drop(op.get_bind())
