"""tickets by creation time (issue 15)

``ix_tickets_created``: (created_at, intent, team_id). Top intents and its drill-down count or
list the tickets created in a range by intent, restricted to teams; with this index they read
only the range's entries of the index instead of every ticket.

Revision ID: 0046_ticket_created_index
Revises: 0045_cost_backlog_days
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0046_ticket_created_index"
down_revision: str | None = "0045_cost_backlog_days"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_tickets_created", "tickets", ["created_at", "intent", "team_id"])


def downgrade() -> None:
    op.drop_index("ix_tickets_created", table_name="tickets")
