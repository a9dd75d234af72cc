"""The KPI rollup: one row per ticket holding its facts (``insights.facts``), kept current by
a listener, so a report sums indexed rows per day instead of folding every event again."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base


class KpiTicketFacts(Base):
    __tablename__ = "kpi_ticket_facts"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    # UTC days: the time bases of docs/metrics.md, grouped without date functions (which
    # differ between SQLite and PostgreSQL).
    created_day: Mapped[dt.date | None] = mapped_column(index=True)
    solved_day: Mapped[dt.date | None] = mapped_column(index=True)
    created_at: Mapped[dt.datetime | None]
    first_solved_at: Mapped[dt.datetime | None]
    first_response_seconds: Mapped[float | None]
    resolution_seconds: Mapped[float | None]
    first_contact: Mapped[bool] = mapped_column(default=False)
    reopened: Mapped[bool] = mapped_column(default=False)
    contained: Mapped[bool] = mapped_column(default=False)
    within_turns: Mapped[bool] = mapped_column(default=False)
    escalated: Mapped[bool] = mapped_column(default=False)
