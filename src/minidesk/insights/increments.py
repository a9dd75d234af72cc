"""Adding to the per-day counter tables (kpi_daily, kpi_work_days, kpi_contact_days,
kpi_repeat_days): the one way each of them takes a change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, delete
from sqlalchemy.orm import Session

from minidesk.db import Base, upsert_insert


def add_increments(
    session: Session,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    counters: Sequence[str],
    empty: ColumnElement[bool],
) -> None:
    """Add each row's ``counters`` to ``model``'s row of the same primary key in one upsert,
    then delete the rows of those days that ``empty`` holds for.

    The increments are relative, so two workers changing one row lose neither's; ``rows``
    come in key order, so two workers touching the same days lock them in the same order on
    PostgreSQL (no deadlock)."""
    if not rows:
        return
    table = cast("Table", model.__table__)
    statement = upsert_insert(session, table)
    statement = statement.on_conflict_do_update(
        index_elements=[column.name for column in table.primary_key.columns],
        set_={name: table.c[name] + statement.excluded[name] for name in counters},
    )
    session.execute(statement, rows)
    days = sorted({row["day"] for row in rows})
    session.execute(delete(model).where(table.c.day.in_(days), empty))
