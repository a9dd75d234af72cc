"""knowledge-base queries parsed in the articles' own languages; prefix indexes for SQLite's
ticket search (issue 14)

Revision ID: 0041_search_windows
Revises: 0040_rollup_counters

PostgreSQL: the articles' index gains ``search_article_configs``, the text-search
configurations the articles have, kept by the index's trigger, so a query is parsed in those
rather than in every configuration PostgreSQL ships (``kb.search_index``). The index is
rebuilt from the articles (a desk built at 0039 already has the table; building it again is
harmless).

SQLite: the tickets' FTS5 index is built again with prefix indexes for prefixes of 3 to 8
letters (``search.ddl_sqlite.PREFIX_LENGTHS``), as 0026 built it (triggers too, and the
customers' index with it): a prefix search then reads one list newest first rather than
merging every word the prefix starts. At a million tickets this takes minutes (see
docs/search.md) and about doubles the index.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from minidesk.kb import search_index
from minidesk.search import ddl

revision: str = "0041_search_windows"
down_revision: str | None = "0040_rollup_counters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        search_index.drop(op.get_bind())
        search_index.create(op.get_bind())
    else:
        # A desk built at 0026 by this code has the prefix indexes already; building the
        # index again is harmless (and fast on an empty desk).
        ddl.drop(op.get_bind())
        ddl.create(op.get_bind())


def downgrade() -> None:
    # Neither change alters what a search finds: PostgreSQL keeps the configurations' table
    # (this code's trigger fills it) and SQLite its prefix indexes.
    pass
