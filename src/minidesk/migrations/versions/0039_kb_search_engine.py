"""knowledge-base search on the search engine's index; where a search came from (issue 14)

Revision ID: 0039_kb_search_engine
Revises: 0038_replies_histogram

The articles' index moves from migration 0027's own (an external-content FTS5 table, or a
generated English ``tsvector`` column) to one built like the tickets' (``kb.search_index``:
stemmed per article locale on both databases), searched by ``search.engine``. Searches from
the help and chat widgets are logged too: ``kb_searches.visit`` lets a search typed letter by
letter in one visit be one row (``kb.search_log``).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from minidesk.kb import search_index

revision: str = "0039_kb_search_engine"
down_revision: str | None = "0038_replies_histogram"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _knowledge_base() -> object:
    # The index 0027 made is dropped (and, going down, made again) by 0027's own functions.
    return importlib.import_module("minidesk.migrations.versions.0027_knowledge_base")


def upgrade() -> None:
    _knowledge_base()._drop_search_index()  # type: ignore[attr-defined]
    search_index.create(op.get_bind())
    with op.batch_alter_table("kb_searches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("visit", sa.String(length=40), nullable=True))
        batch_op.create_index("ix_kb_searches_visit", ["visit"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kb_searches", schema=None) as batch_op:
        batch_op.drop_index("ix_kb_searches_visit")
        batch_op.drop_column("visit")
    search_index.drop(op.get_bind())
    _knowledge_base()._create_search_index()  # type: ignore[attr-defined]
    if op.get_bind().dialect.name == "sqlite":
        # 0027 made its external-content table empty, before there were articles to index.
        op.execute("INSERT INTO kb_articles_fts(kb_articles_fts) VALUES ('rebuild')")
