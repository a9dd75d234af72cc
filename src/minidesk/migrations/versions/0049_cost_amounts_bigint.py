"""cost_settings amounts as BIGINT (issue 15)

The costs API takes amounts up to 10^10 minor units, and PostgreSQL's INTEGER stops at 2^31:
the four amounts become 64-bit, as the pilots' are. SQLite's INTEGER holds 64 bits already;
its table is rebuilt only so the declared type matches the model.

Revision ID: 0049_cost_amounts_bigint
Revises: 0048_remediation_pilots
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0049_cost_amounts_bigint"
down_revision: str | None = "0048_remediation_pilots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AMOUNTS = ("agent_hour", "tooling_month", "sms_message", "whatsapp_message")


def _retype(old: type[sa.Integer], new: type[sa.Integer]) -> None:
    with op.batch_alter_table("cost_settings") as batch:
        for name in AMOUNTS:
            batch.alter_column(name, existing_type=old(), type_=new(), existing_nullable=False)


def upgrade() -> None:
    _retype(sa.Integer, sa.BigInteger)


def downgrade() -> None:
    _retype(sa.BigInteger, sa.Integer)
