"""saved inbox views (issue 17, workspace live), and the tickets indexes the inbox walks

Revision ID: 0017_saved_views
Revises: 0016_two_factor
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import minidesk.db

revision: str = "0017_saved_views"
down_revision: str | None = "0016_two_factor"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saved_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("created_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_saved_views_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_saved_views_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_views")),
    )
    op.create_index("ix_saved_views_owner", "saved_views", ["owner_id"])
    op.create_index("ix_saved_views_shared_team", "saved_views", ["shared", "team_id"])
    op.create_index(
        "ix_tickets_inbox",
        "tickets",
        ["status", "assignee_id", "team_id", "priority", "channel"],
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_inbox", table_name="tickets")
    op.drop_index("ix_saved_views_shared_team", table_name="saved_views")
    op.drop_index("ix_saved_views_owner", table_name="saved_views")
    op.drop_table("saved_views")
