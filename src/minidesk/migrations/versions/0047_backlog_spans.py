"""backlog spans (issue 15)

``kpi_backlog_spans``: per ticket, the spans its status was open, from its status changes as
the backlog report reads them (``insights.backlog_spans``). The backlog at a past moment then
corrects the open-now counters by two index ranges instead of reading and decoding the status
changes of every ticket changed since. Filled here from the events, as ``minidesk insights
rebuild`` computes it, per range of ticket ids.

Revision ID: 0047_backlog_spans
Revises: 0046_ticket_created_index
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from minidesk.db import UTCDateTime
from minidesk.insights.backlog_spans import Change, span_rows

revision: str = "0047_backlog_spans"
down_revision: str | None = "0046_ticket_created_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EVENTS = sa.table("events", sa.column("id", sa.Integer()), sa.column("ticket_id", sa.Integer()),
                   sa.column("kind", sa.String()), sa.column("created_at", UTCDateTime()),
                   sa.column("data", sa.JSON()))  # fmt: skip
_TICKETS = sa.table("tickets", sa.column("id", sa.Integer()),
                    sa.column("created_at", UTCDateTime()),
                    *(sa.column(c) for c in ("status", "assignee_id", "team_id", "channel",
                                             "intent")))  # fmt: skip
_IDS = 20_000  # tickets per read


def upgrade() -> None:
    spans = op.create_table(
        "kpi_backlog_spans",
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), primary_key=True),
        sa.Column("opened_at", UTCDateTime(), primary_key=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_days", sa.Integer(), nullable=False),
        sa.Column("created_micros", sa.BigInteger(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("intent", sa.String(length=64), nullable=True),
    )
    bind = op.get_bind()
    events, tickets = _EVENTS.c, _TICKETS.c
    last = bind.scalar(sa.select(sa.func.max(tickets.id))) or 0
    for first in range(1, last + 1, _IDS):
        ids = (first, first + _IDS - 1)
        changes: dict[int, list[Change]] = defaultdict(list)
        for ticket_id, when, data in bind.execute(
            sa.select(events.ticket_id, events.created_at, events.data)
            .where(events.ticket_id.between(*ids), events.kind == "ticket.status_changed")
            .order_by(events.ticket_id, events.id)
        ):  # fmt: skip
            changes[ticket_id].append((when, data.get("before"), data.get("after")))
        if not changes:
            continue
        rows = []
        for row in bind.execute(sa.select(_TICKETS).where(tickets.id.between(*ids))):
            if row.id in changes:
                rows += span_rows(row.id, dict(row._mapping), changes[row.id])
        if rows:
            bind.execute(sa.insert(spans), rows)
    op.create_index("ix_kpi_backlog_spans_closed", "kpi_backlog_spans", ["closed_at", "opened_at"])
    if bind.dialect.name == "postgresql":
        # Without statistics PostgreSQL guesses a third of the rows closed after any moment
        # and scans the table (60-70 ms at 1M tickets, against 13 ms by the index); autovacuum
        # may be off or come late.
        op.execute("ANALYZE kpi_backlog_spans")


def downgrade() -> None:
    op.drop_index("ix_kpi_backlog_spans_closed", table_name="kpi_backlog_spans")
    op.drop_table("kpi_backlog_spans")
