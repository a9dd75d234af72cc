"""full-text search at a million tickets (issue 14)

Revision ID: 0033_search_speed
Revises: 0032_kb_widgets

PostgreSQL: the languages the tickets have (``search_configs``, so a query is parsed in those
only), GIN indexes without a pending list, a longer statistics list for the ticket documents.
The index is rebuilt from the current definition (``search.ddl``) on both databases, as 0026
built it: dropping and re-creating is the one way that holds whichever version a desk has.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from minidesk.search import ddl

revision: str = "0033_search_speed"
down_revision: str | None = "0032_kb_widgets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    ddl.drop(bind)
    ddl.create(bind)


def downgrade() -> None:
    # The current definition serves the older schema as well (it reads the same columns).
    bind = op.get_bind()
    ddl.drop(bind)
    ddl.create(bind)
