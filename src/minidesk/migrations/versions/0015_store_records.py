"""store records for real shops: imported refunds keep the shop's id, cancellations their
time, and phones already in the store become E.164 like every sender's

Revision ID: 0015_store_records
Revises: 0014_webhook_subscriptions
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import minidesk.db
from minidesk.desk.phones import to_e164

revision: str = "0015_store_records"
down_revision: str | None = "0014_webhook_subscriptions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("store_refunds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ref", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_store_refunds_ref"), ["ref"])
    with op.batch_alter_table("store_orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cancelled_at", minidesk.db.UTCDateTime(timezone=True), nullable=True)
        )
    # Phones were stored as the shop wrote them; senders arrive as E.164 and must meet them.
    customers = sa.table(
        "store_customers", sa.column("id", sa.Integer), sa.column("phone", sa.String)
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(customers.c.id, customers.c.phone).where(customers.c.phone.is_not(None))
    ).all()
    for row_id, phone in rows:
        normalised = to_e164(phone) or None
        if normalised != phone:
            connection.execute(
                customers.update().where(customers.c.id == row_id).values(phone=normalised)
            )


def downgrade() -> None:
    with op.batch_alter_table("store_orders", schema=None) as batch_op:
        batch_op.drop_column("cancelled_at")
    with op.batch_alter_table("store_refunds", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_store_refunds_ref"), type_="unique")
        batch_op.drop_column("ref")
