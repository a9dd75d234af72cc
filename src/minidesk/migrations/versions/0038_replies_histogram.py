"""the root-cause report's replies histogram in kpi_daily (issue 15)

``kpi_daily`` gains rows of dimension ``replies``: tickets per creation day, team and number of
person replies (the key), from which the root-cause report finds its costliest contacts in a
few reads instead of one per day. Filled here from ``kpi_ticket_facts`` in SQL, so the
dashboards stay right through the upgrade; a day's week and month are copied from its ``all``
row (every creation day has one), which spares date functions that differ between SQLite and
PostgreSQL.

Revision ID: 0038_replies_histogram
Revises: 0037_chat_abandonment
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0038_replies_histogram"
down_revision: str | None = "0037_chat_abandonment"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ZEROS = (
    "escalated", "first_response_count", "first_response_micros", "touches", "created_reopened",
    "solved", "resolution_count", "resolution_micros", "fcr", "reopened", "contained",
    "within_turns",
)  # fmt: skip


def upgrade() -> None:
    zeros = ", ".join(_ZEROS)
    op.execute(f"""
        INSERT INTO kpi_daily (dimension, day, key, team_key, week, month, created, {zeros})
        SELECT 'replies', f.created_day, CAST(f.human_replies_total AS VARCHAR(64)),
               COALESCE(f.team_id, 0), d.week, d.month, COUNT(*), {", ".join("0" for _ in _ZEROS)}
        FROM kpi_ticket_facts f
        JOIN kpi_daily d ON d.dimension = 'all' AND d.day = f.created_day AND d.key = ''
             AND d.team_key = COALESCE(f.team_id, 0)
        WHERE f.created_day IS NOT NULL
        GROUP BY f.created_day, f.human_replies_total, COALESCE(f.team_id, 0), d.week, d.month
    """)  # fmt: skip


def downgrade() -> None:
    op.execute("DELETE FROM kpi_daily WHERE dimension = 'replies'")
