"""knowledge-base queries parsed in the articles' own languages; SQLite's ticket prefixes as
words (issue 14)

Revision ID: 0040_search_windows
Revises: 0039_kb_search_engine

PostgreSQL: the articles' index gains ``search_article_configs``, the text-search
configurations the articles have, kept by the index's trigger, so a query is parsed in those
rather than in every configuration PostgreSQL ships (``kb.search_index``). The index is
rebuilt from the articles (a desk built at 0039 already has the table; building it again is
harmless).

SQLite: ``search_tickets_terms``, an ``fts5vocab`` table over the tickets' index (no storage
of its own), lists the words a prefix starts (``search.fts5_prefix``).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from minidesk.kb import search_index
from minidesk.search import ddl_sqlite

revision: str = "0040_search_windows"
down_revision: str | None = "0039_kb_search_engine"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        search_index.drop(op.get_bind())
        search_index.create(op.get_bind())
    else:
        op.execute(ddl_sqlite.VOCABULARY)  # a desk built at 0026 by this code has it already


def downgrade() -> None:
    # PostgreSQL keeps the configurations' table: it only narrows what a query is parsed in,
    # and this code's trigger fills it.
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TABLE IF EXISTS search_tickets_terms")
