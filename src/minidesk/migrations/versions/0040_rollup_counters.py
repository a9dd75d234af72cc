"""survey answers and tagged solves counted per day in kpi_daily (issue 15)

``kpi_daily`` gains the answers' counters (per kind: answers, sum, satisfied, promoters,
detractors), by the day answered and the ticket's keys, so the KPI report no longer joins
every answered survey of a range to ``tickets``. ``kpi_survey_days`` gains an index on
``next_day``: the report takes back only the answers changed again within its range. The
counters are filled here in SQL from ``kpi_survey_days`` and the keys in ``kpi_ticket_facts``
(what ``minidesk insights rebuild`` computes), so the dashboards stay right through the upgrade.

``kpi_ticket_facts.tagged`` (the ticket carries a tag now) and ``kpi_daily.tagged`` (those first
solved on the day) put tag completion on the rollups too; filled here from ``ticket_tags``.

Revision ID: 0040_rollup_counters
Revises: 0039_kb_search_engine
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0040_rollup_counters"
down_revision: str | None = "0039_kb_search_engine"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The thresholds of ``insights.cells`` (CSAT 4-5 satisfied; NPS 9-10 promote, 0-6 detract).
_ANSWERS = {
    "csat_answers": "CASE WHEN s.kind = 'csat' THEN 1 ELSE 0 END",
    "csat_sum": "CASE WHEN s.kind = 'csat' THEN s.score ELSE 0 END",
    "csat_satisfied": "CASE WHEN s.kind = 'csat' AND s.score >= 4 THEN 1 ELSE 0 END",
    "nps_answers": "CASE WHEN s.kind = 'nps' THEN 1 ELSE 0 END",
    "nps_promoters": "CASE WHEN s.kind = 'nps' AND s.score >= 9 THEN 1 ELSE 0 END",
    "nps_detractors": "CASE WHEN s.kind = 'nps' AND s.score <= 6 THEN 1 ELSE 0 END",
    "ces_answers": "CASE WHEN s.kind = 'ces' THEN 1 ELSE 0 END",
    "ces_sum": "CASE WHEN s.kind = 'ces' THEN s.score ELSE 0 END",
}
_ZEROS = (
    "created", "escalated", "first_response_count", "first_response_micros", "touches",
    "created_reopened", "chats", "chats_abandoned", "solved", "resolution_count",
    "resolution_micros", "fcr", "reopened", "contained", "within_turns", "tagged",
)  # fmt: skip
# kpi_daily's key per dimension (``insights.daily``: '' for none).
_KEYS = {
    "all": "''",
    "agent": "COALESCE(CAST(f.assignee_id AS VARCHAR(64)), '')",
    "team": "COALESCE(CAST(f.team_id AS VARCHAR(64)), '')",
    "channel": "COALESCE(f.channel, '')",
    "intent": "COALESCE(f.intent, '')",
}


def upgrade() -> None:
    with op.batch_alter_table("kpi_daily") as batch:
        for name in (*_ANSWERS, "tagged"):
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("kpi_ticket_facts") as batch:
        batch.add_column(
            sa.Column("tagged", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    _fill_tagged()
    op.create_index("ix_kpi_survey_days_next_day", "kpi_survey_days", ["next_day"])
    answers = ", ".join(_ANSWERS)
    sums = ", ".join(f"SUM({expression})" for expression in _ANSWERS.values())
    updates = ", ".join(f"{name} = excluded.{name}" for name in _ANSWERS)
    for dimension, key in _KEYS.items():
        # PostgreSQL refuses a constant in GROUP BY: the key of ``all`` is one.
        grouped = "" if dimension == "all" else f"{key}, "
        # ``WHERE true``: SQLite needs it to read ON CONFLICT after INSERT ... SELECT.
        op.execute(f"""
            INSERT INTO kpi_daily (dimension, day, key, team_key, week, month,
                                   {", ".join(_ZEROS)}, {answers})
            SELECT '{dimension}', s.day, {key}, COALESCE(f.team_id, 0), s.week, s.month,
                   {", ".join("0" for _ in _ZEROS)}, {sums}
            FROM kpi_survey_days s JOIN kpi_ticket_facts f ON f.ticket_id = s.ticket_id
            WHERE true
            GROUP BY s.day, {grouped}COALESCE(f.team_id, 0), s.week, s.month
            ON CONFLICT (dimension, day, key, team_key) DO UPDATE SET {updates}
        """)  # fmt: skip


def _fill_tagged() -> None:
    op.execute("""
        UPDATE kpi_ticket_facts SET tagged = EXISTS (
            SELECT 1 FROM ticket_tags t WHERE t.ticket_id = kpi_ticket_facts.ticket_id)
    """)  # fmt: skip
    for dimension, key in _KEYS.items():
        # One grouped pass per dimension (a correlated count per row re-read each day's facts).
        grouped = "" if dimension == "all" else f"{key}, "
        op.execute(f"""
            UPDATE kpi_daily SET tagged = t.n
            FROM (SELECT f.solved_day AS day, {key} AS key, COALESCE(f.team_id, 0) AS team_key,
                         COUNT(*) AS n
                  FROM kpi_ticket_facts f
                  WHERE f.tagged AND f.solved_day IS NOT NULL
                  GROUP BY f.solved_day, {grouped}COALESCE(f.team_id, 0)) AS t
            WHERE kpi_daily.dimension = '{dimension}' AND kpi_daily.day = t.day
              AND kpi_daily.key = t.key AND kpi_daily.team_key = t.team_key
        """)  # fmt: skip


def downgrade() -> None:
    op.execute("DELETE FROM kpi_daily WHERE created = 0 AND solved = 0 AND dimension != 'replies'")
    op.drop_index("ix_kpi_survey_days_next_day", table_name="kpi_survey_days")
    with op.batch_alter_table("kpi_ticket_facts") as batch:
        batch.drop_column("tagged")
    with op.batch_alter_table("kpi_daily") as batch:
        for name in (*_ANSWERS, "tagged"):
            batch.drop_column(name)
