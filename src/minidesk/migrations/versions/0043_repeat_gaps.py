"""each first-solved ticket's gap to its customer's next ticket, for repeat contacts (issue 15)

``kpi_ticket_facts.repeat_gap_micros``: microseconds from the ticket's first solve to the
creation of its customer's first ticket created after it, None without one within 90 days
(``insights.repeat_gaps``). The repeat contact report then counts a range's solves in SQL
instead of reading the customers' later tickets. Filled here from ``tickets`` and the first
solves already in ``kpi_ticket_facts``, as ``minidesk insights rebuild`` computes it.

Revision ID: 0043_repeat_gaps
Revises: 0042_backlog_counters
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from minidesk.db import UTCDateTime
from minidesk.insights.repeat_gaps import gap

revision: str = "0043_repeat_gaps"
down_revision: str | None = "0042_backlog_counters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TICKETS = sa.table("tickets", sa.column("id", sa.Integer()), sa.column("customer_id", sa.Integer()),
                    sa.column("created_at", UTCDateTime()))  # fmt: skip
_FACTS = sa.table("kpi_ticket_facts", sa.column("ticket_id", sa.Integer()),
                  sa.column("first_solved_at", UTCDateTime()),
                  sa.column("repeat_gap_micros", sa.BigInteger()))  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("kpi_ticket_facts") as batch:
        batch.add_column(sa.Column("repeat_gap_micros", sa.BigInteger(), nullable=True))
    bind = op.get_bind()
    created = defaultdict(list)
    for customer_id, at in bind.execute(sa.select(_TICKETS.c.customer_id, _TICKETS.c.created_at)):
        created[customer_id].append(at)
    for times in created.values():
        times.sort()
    solves = bind.execute(
        sa.select(_FACTS.c.ticket_id, _TICKETS.c.customer_id, _FACTS.c.first_solved_at)
        .join(_TICKETS, _TICKETS.c.id == _FACTS.c.ticket_id)
        .where(_FACTS.c.first_solved_at.is_not(None))
    ).all()
    rows = [{"ticket": ticket_id, "gap": found} for ticket_id, customer_id, solved in solves
            if (found := gap(solved, created[customer_id])) is not None]  # fmt: skip
    if rows:
        bind.execute(
            sa.update(_FACTS).where(_FACTS.c.ticket_id == sa.bindparam("ticket"))
            .values(repeat_gap_micros=sa.bindparam("gap")),
            rows,
        )  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("kpi_ticket_facts") as batch:
        batch.drop_column("repeat_gap_micros")
