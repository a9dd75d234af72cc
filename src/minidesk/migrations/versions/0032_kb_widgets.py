"""the help widget: page rules, allowed origins, visitors' actions; article files (issue 14)

Revision ID: 0032_kb_widgets
Revises: 0031_survey_channels
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import minidesk.db

revision: str = "0032_kb_widgets"
down_revision: str | None = "0031_survey_channels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kb_page_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pattern", sa.String(length=500), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(article_id IS NULL) != (category_id IS NULL)",
            name=op.f("ck_kb_page_rules_one_target"),
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name=op.f("fk_kb_page_rules_article_id_kb_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["kb_categories.id"],
            name=op.f("fk_kb_page_rules_category_id_kb_categories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_page_rules")),
    )
    with op.batch_alter_table("kb_page_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_page_rules_article_id"), ["article_id"])
        batch_op.create_index(batch_op.f("ix_kb_page_rules_category_id"), ["category_id"])

    op.create_table(
        "kb_widget",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("allowed_origins", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_widget")),
    )

    op.create_table(
        "kb_widget_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("created_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name=op.f("fk_kb_widget_events_article_id_kb_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_widget_events")),
    )
    with op.batch_alter_table("kb_widget_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_widget_events_visit"), ["visit"])
        batch_op.create_index(batch_op.f("ix_kb_widget_events_article_id"), ["article_id"])
        batch_op.create_index("ix_kb_widget_events_created_at", ["created_at"])


    op.create_table(
        "kb_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name=op.f("fk_kb_attachments_article_id_kb_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_kb_attachments_author_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_attachments")),
    )
    with op.batch_alter_table("kb_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_attachments_article_id"), ["article_id"])


def downgrade() -> None:
    op.drop_table("kb_attachments")
    op.drop_table("kb_widget_events")
    op.drop_table("kb_widget")
    op.drop_table("kb_page_rules")
