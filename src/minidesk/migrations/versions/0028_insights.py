"""surveys, QA and KPI rollups (issue 15)

Revision ID: 0028_insights
Revises: 0027_knowledge_base
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from minidesk.db import UTCDateTime

revision: str = "0028_insights"
down_revision: str | None = "0027_knowledge_base"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "survey_settings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("transactional_kind", sa.String(8), nullable=True),
        sa.Column("delay_minutes", sa.Integer(), nullable=False),
        sa.Column("throttle_days", sa.Integer(), nullable=False),
        sa.Column("relational_nps_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("channel", sa.String(16), nullable=True),
        sa.Column("assignee_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id"), nullable=True),
        sa.Column("due_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("messages.id"), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("answered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("skipped_reason", sa.String(200), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_surveys_due", "surveys", ["status", "due_at"])
    op.create_index("ix_surveys_customer", "surveys", ["customer_id", "created_at"])
    op.create_index("ix_surveys_answered", "surveys", ["status", "answered_at"])
    op.create_index("ix_surveys_ticket_id", "surveys", ["ticket_id"])
    op.create_table(
        "survey_opt_outs",
        sa.Column(
            "customer_id", sa.Integer(), sa.ForeignKey("customers.id"), primary_key=True
        ),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
    )
    _qa_tables()
    op.create_table(
        "kpi_ticket_facts",
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), primary_key=True),
        sa.Column("created_day", sa.Date(), nullable=True),
        sa.Column("solved_day", sa.Date(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_solved_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_response_seconds", sa.Double(), nullable=True),
        sa.Column("resolution_seconds", sa.Double(), nullable=True),
        sa.Column("first_contact", sa.Boolean(), nullable=False),
        sa.Column("reopened", sa.Boolean(), nullable=False),
        sa.Column("contained", sa.Boolean(), nullable=False),
        sa.Column("within_turns", sa.Boolean(), nullable=False),
        sa.Column("escalated", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_kpi_ticket_facts_created_day", "kpi_ticket_facts", ["created_day"])
    op.create_index("ix_kpi_ticket_facts_solved_day", "kpi_ticket_facts", ["solved_day"])


def _qa_tables() -> None:
    def created() -> sa.Column[object]:
        return sa.Column("created_at", UTCDateTime(timezone=True), nullable=False)

    def user_fk(name: str, nullable: bool) -> sa.Column[object]:
        return sa.Column(name, sa.Integer(), sa.ForeignKey("users.id"), nullable=nullable)

    op.create_table(
        "qa_scorecards",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        created(),
    )
    op.create_table(
        "qa_reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False),
        user_fk("agent_id", False),
        sa.Column(
            "scorecard_id", sa.Integer(), sa.ForeignKey("qa_scorecards.id"), nullable=False
        ),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        user_fk("reviewer_id", True),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("score_percent", sa.Double(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reviewed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("dispute", sa.Text(), nullable=True),
        sa.Column("disputed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        user_fk("resolved_by_id", True),
        created(),
        sa.UniqueConstraint("ticket_id", "scorecard_id"),
    )
    op.create_index("ix_qa_reviews_agent", "qa_reviews", ["agent_id", "month"])
    op.create_table(
        "qa_coaching_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        user_fk("agent_id", False),
        sa.Column("review_id", sa.Integer(), sa.ForeignKey("qa_reviews.id"), nullable=True),
        user_fk("author_id", False),
        sa.Column("text", sa.Text(), nullable=False),
        created(),
    )
    op.create_index("ix_qa_coaching_notes_agent_id", "qa_coaching_notes", ["agent_id"])
    op.create_table(
        "qa_gates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("skill", sa.String(64), nullable=False, unique=True),
        sa.Column("min_qa_percent", sa.Double(), nullable=False),
        sa.Column("min_csat_average", sa.Double(), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("min_reviews", sa.Integer(), nullable=False),
        sa.Column("min_answers", sa.Integer(), nullable=False),
        created(),
    )


def downgrade() -> None:
    op.drop_index("ix_kpi_ticket_facts_solved_day", "kpi_ticket_facts")
    op.drop_index("ix_kpi_ticket_facts_created_day", "kpi_ticket_facts")
    op.drop_table("kpi_ticket_facts")
    op.drop_table("qa_gates")
    op.drop_index("ix_qa_coaching_notes_agent_id", "qa_coaching_notes")
    op.drop_table("qa_coaching_notes")
    op.drop_index("ix_qa_reviews_agent", "qa_reviews")
    op.drop_table("qa_reviews")
    op.drop_table("qa_scorecards")
    op.drop_table("survey_opt_outs")
    op.drop_index("ix_surveys_ticket_id", "surveys")
    op.drop_index("ix_surveys_answered", "surveys")
    op.drop_index("ix_surveys_customer", "surveys")
    op.drop_index("ix_surveys_due", "surveys")
    op.drop_table("surveys")
    op.drop_table("survey_settings")
