"""troubleshooting guides and their runs, article embeddings (issue 14)

Revision ID: 0030_kb_guides
Revises: 0029_channel_media

A guide is a decision tree kept as JSON (checked by ``minidesk.kb.guide_tree`` before it is
saved); each run records the nodes a reader chose and where it ended. An article's sentence
embedding is kept with the version it was computed from, for semantic matching.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import minidesk.db

revision: str = "0030_kb_guides"
down_revision: str | None = "0029_channel_media"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kb_guides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("tree", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_guides")),
        sa.UniqueConstraint("slug", name=op.f("uq_kb_guides_slug")),
    )
    op.create_table(
        "kb_guide_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("guide_id", sa.Integer(), nullable=False),
        sa.Column("guide_version", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("target", sa.String(length=300), nullable=True),
        sa.Column("started_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["guide_id"],
            ["kb_guides.id"],
            name=op.f("fk_kb_guide_runs_guide_id_kb_guides"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_kb_guide_runs_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_guide_runs")),
        sa.UniqueConstraint("token", name=op.f("uq_kb_guide_runs_token")),
    )
    op.create_index("ix_kb_guide_runs_guide_started", "kb_guide_runs", ["guide_id", "started_at"])


    op.create_table(
        "kb_article_embeddings",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("encoder", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["kb_articles.id"],
            name=op.f("fk_kb_article_embeddings_article_id_kb_articles"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_kb_article_embeddings")),
    )


def downgrade() -> None:
    op.drop_table("kb_article_embeddings")
    op.drop_index("ix_kb_guide_runs_guide_started", table_name="kb_guide_runs")
    op.drop_table("kb_guide_runs")
    op.drop_table("kb_guides")
