"""knowledge base and help centre (issue 14)

Articles with versions, feedback, the search log and the help centre's theme.
The full-text index is per dialect and outside the models (``migrate.UNMODELLED`` skips it
when comparing): an FTS5 table kept in step by triggers on SQLite, a GIN index on a
generated ``tsvector`` column (``search_fts``) on PostgreSQL. A later migration that
rebuilds ``kb_articles`` in batch mode on SQLite must re-create the triggers.

Revision ID: 0027_knowledge_base
Revises: 0026_search
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import minidesk.db

revision: str = "0027_knowledge_base"
down_revision: str | None = "0026_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept in step with ``minidesk.kb.search`` (the query must use the index's very expression).
# The title weighs more than the body (``setweight`` A and B, ranked by ``ts_rank_cd``).
PG_DOCUMENT = (
    "setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')"
)
SQLITE_FTS = (
    "CREATE VIRTUAL TABLE kb_articles_fts USING fts5(title, body, tags, content='kb_articles', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2', prefix='3')"
)
_COLUMNS = "title, body, tags"
_NEW = "new.id, new.title, new.body, new.tags"
_OLD = "'delete', old.id, old.title, old.body, old.tags"
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER kb_articles_fts_ai AFTER INSERT ON kb_articles BEGIN "
    f"INSERT INTO kb_articles_fts(rowid, {_COLUMNS}) VALUES ({_NEW}); END",
    f"CREATE TRIGGER kb_articles_fts_ad AFTER DELETE ON kb_articles BEGIN "
    f"INSERT INTO kb_articles_fts(kb_articles_fts, rowid, {_COLUMNS}) VALUES ({_OLD}); END",
    f"CREATE TRIGGER kb_articles_fts_au AFTER UPDATE ON kb_articles BEGIN "
    f"INSERT INTO kb_articles_fts(kb_articles_fts, rowid, {_COLUMNS}) VALUES ({_OLD}); "
    f"INSERT INTO kb_articles_fts(rowid, {_COLUMNS}) VALUES ({_NEW}); END",
)


def _create_search_index() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"ALTER TABLE kb_articles ADD COLUMN search_fts tsvector "
            f"GENERATED ALWAYS AS ({PG_DOCUMENT}) STORED"
        )
        op.execute("CREATE INDEX ix_kb_articles_fts ON kb_articles USING gin (search_fts)")
        return
    op.execute(SQLITE_FTS)
    # ``ORDER BY rank`` then means BM25 with the title weighing 8 times the body, tags 4.
    op.execute(
        "INSERT INTO kb_articles_fts(kb_articles_fts, rank) VALUES ('rank', 'bm25(8.0, 1.0, 4.0)')"
    )
    for trigger in SQLITE_TRIGGERS:
        op.execute(trigger)


def _drop_search_index() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_kb_articles_fts")
        op.execute("ALTER TABLE kb_articles DROP COLUMN IF EXISTS search_fts")
        return
    for name in ("ai", "ad", "au"):
        op.execute(f"DROP TRIGGER IF EXISTS kb_articles_fts_{name}")
    op.execute("DROP TABLE IF EXISTS kb_articles_fts")


def upgrade() -> None:
    op.create_table(
        "kb_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_categories")),
        sa.UniqueConstraint("slug", name=op.f("uq_kb_categories_slug")),
    )
    op.create_table(
        "kb_theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("primary_colour", sa.String(length=7), nullable=False),
        sa.Column("accent_colour", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_theme")),
    )
    op.create_table(
        "kb_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("translation_group", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("url_rules", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", minidesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_kb_articles_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["kb_categories.id"],
            name=op.f("fk_kb_articles_category_id_kb_categories"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_articles")),
        sa.UniqueConstraint("slug", "locale", name=op.f("uq_kb_articles_slug_locale")),
    )
    with op.batch_alter_table("kb_articles", schema=None) as batch_op:
        batch_op.create_index(
            "ix_kb_articles_listing", ["status", "visibility", "category_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_kb_articles_translation_group"), ["translation_group"], unique=False
        )

    op.create_table(
        "kb_article_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name=op.f("fk_kb_article_versions_article_id_kb_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_kb_article_versions_author_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_article_versions")),
        sa.UniqueConstraint(
            "article_id", "version", name=op.f("uq_kb_article_versions_article_id_version")
        ),
    )
    op.create_table(
        "kb_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.String(length=2000), nullable=False),
        sa.Column("created_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name=op.f("fk_kb_feedback_article_id_kb_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_feedback")),
    )
    with op.batch_alter_table("kb_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_feedback_article_id"), ["article_id"], unique=False)

    op.create_table(
        "kb_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
        sa.Column("top_article_id", sa.Integer(), nullable=True),
        sa.Column("created_at", minidesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["top_article_id"],
            ["kb_articles.id"],
            name=op.f("fk_kb_searches_top_article_id_kb_articles"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_searches")),
    )
    with op.batch_alter_table("kb_searches", schema=None) as batch_op:
        batch_op.create_index("ix_kb_searches_created_at", ["created_at"], unique=False)
    _create_search_index()


def downgrade() -> None:
    _drop_search_index()
    with op.batch_alter_table("kb_searches", schema=None) as batch_op:
        batch_op.drop_index("ix_kb_searches_created_at")

    op.drop_table("kb_searches")
    with op.batch_alter_table("kb_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_feedback_article_id"))

    op.drop_table("kb_feedback")
    op.drop_table("kb_article_versions")
    with op.batch_alter_table("kb_articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_articles_translation_group"))
        batch_op.drop_index("ix_kb_articles_listing")

    op.drop_table("kb_articles")
    op.drop_table("kb_theme")
    op.drop_table("kb_categories")
