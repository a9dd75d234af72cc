"""The KPI rollups, kept current by listeners (``insights.rollup``) and equal to a full
recomputation from the event log (``minidesk insights rebuild``):

- ``kpi_ticket_facts``: one row per ticket, its facts (``insights.facts``) and the keys it is
  counted under, so a change can take back exactly what the ticket added before;
- ``kpi_daily``: per UTC day, dimension, key and team, counts and sums (never means), so any
  range, week or month is a sum of days and a restricted lead sums only their teams' rows;
  a day's row also names its week and month, so a report sums them in SQL;
  it also counts, by the day answered, each survey's last answer of that day (per kind and
  score band), so no report joins the answers to the tickets;
- ``kpi_survey_days``: per survey and UTC day, the last answer of that day and the next day it
  was answered again: the answers a range must take back from kpi_daily's counts (those
  answered again later in the range) are one indexed read of the few changed answers;
- ``kpi_repeat_days``: per UTC day of first solve, dimension, key, team and whole days from the
  solve to the customer's next ticket (1-90), the tickets first solved that day whose customer
  came back after so many days: "came back within N days" is a sum over days and gaps <= N;
- ``kpi_backlog_spans``: per ticket, the spans its status was open (``insights.backlog_spans``),
  so the backlog at a past moment corrects the open-now counters by two index ranges."""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import BigInteger, ForeignKey, Index, Insert, String, Table, insert
from sqlalchemy.orm import Mapped, mapped_column

from minidesk.db import Base

# kpi_daily's stand-ins for "none", since a primary key column cannot be NULL: no team is 0
# (ids start at 1) and no key is the empty string.
NO_TEAM = 0
NO_KEY = ""


def bulk_insert(model: type[Base]) -> Insert:
    """A Core INSERT into ``model``'s table, for many rows at once: an ORM insert of a list of
    dicts takes the ORM's bulk path, which split a rebuild's rows into many more executions
    (1,339 against 24 for 5,000 tickets on PostgreSQL)."""
    return insert(cast("Table", model.__table__))


class KpiTicketFacts(Base):
    __tablename__ = "kpi_ticket_facts"
    # The root-cause report's costliest contacts: each day's most replies, in index order.
    __table_args__ = (
        Index("ix_kpi_ticket_facts_touches", "created_day", "human_replies_total", "ticket_id"),
    )

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
    chat: Mapped[bool] = mapped_column(default=False)
    abandoned: Mapped[bool] = mapped_column(default=False)  # the visitor left before a reply
    human_replies_total: Mapped[int] = mapped_column(default=0)
    customer_messages_before_solve: Mapped[int] = mapped_column(default=0)
    # Whether it carries a tag now (tag completion reads tags as they are when it runs).
    tagged: Mapped[bool] = mapped_column(default=False)
    # The backlog's: while the ticket is open now (new, open, pending, on hold), its
    # ``tickets.created_at`` (the backlog's creation, also for tickets from before the event
    # log); None once it is not. Indexed: the backlog reads a few days' open tickets by it.
    backlog_since: Mapped[dt.datetime | None] = mapped_column(index=True)
    # Repeat contacts': from the first solve to the customer's next ticket, in microseconds;
    # None without one within 90 days (``insights.repeat_gaps``).
    repeat_gap_micros: Mapped[int | None] = mapped_column(BigInteger)
    # The ticket's keys when its kpi_daily rows were last written.
    assignee_id: Mapped[int | None]
    team_id: Mapped[int | None]
    channel: Mapped[str | None] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(64))


class KpiDaily(Base):
    __tablename__ = "kpi_daily"

    # A report reads one dimension over a range of days: the key's order serves it.
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[dt.date] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_key: Mapped[int] = mapped_column(primary_key=True)
    # The day's ISO week (its Monday) and month (its 1st): a report groups by them in SQL
    # without date functions, which differ between SQLite and PostgreSQL.
    week: Mapped[dt.date]
    month: Mapped[dt.date]
    # By the day created.
    created: Mapped[int] = mapped_column(default=0)
    escalated: Mapped[int] = mapped_column(default=0)
    first_response_count: Mapped[int] = mapped_column(default=0)
    first_response_micros: Mapped[int] = mapped_column(BigInteger, default=0)
    touches: Mapped[int] = mapped_column(default=0)  # every person's reply (root causes)
    created_reopened: Mapped[int] = mapped_column(default=0)  # reopened, by creation day
    chats: Mapped[int] = mapped_column(default=0)
    chats_abandoned: Mapped[int] = mapped_column(default=0)
    # By the day first solved.
    solved: Mapped[int] = mapped_column(default=0)
    resolution_count: Mapped[int] = mapped_column(default=0)
    resolution_micros: Mapped[int] = mapped_column(BigInteger, default=0)
    fcr: Mapped[int] = mapped_column(default=0)
    reopened: Mapped[int] = mapped_column(default=0)
    contained: Mapped[int] = mapped_column(default=0)
    within_turns: Mapped[int] = mapped_column(default=0)
    tagged: Mapped[int] = mapped_column(default=0)  # first solved and carrying a tag now
    # The backlog's, by the day of ``kpi_ticket_facts.backlog_since``: tickets created that day
    # and open now, and their creation times summed as microseconds after the day's midnight
    # (exact, and far from overflowing where epoch microseconds of a million tickets would).
    open_now: Mapped[int] = mapped_column(default=0)
    open_micros: Mapped[int] = mapped_column(BigInteger, default=0)
    # By the day answered: each survey's last answer of the day (``cells.Cell.answer``).
    csat_answers: Mapped[int] = mapped_column(default=0)
    csat_sum: Mapped[int] = mapped_column(default=0)
    csat_satisfied: Mapped[int] = mapped_column(default=0)
    nps_answers: Mapped[int] = mapped_column(default=0)
    nps_promoters: Mapped[int] = mapped_column(default=0)
    nps_detractors: Mapped[int] = mapped_column(default=0)
    ces_answers: Mapped[int] = mapped_column(default=0)
    ces_sum: Mapped[int] = mapped_column(default=0)


class KpiSurveyDay(Base):
    __tablename__ = "kpi_survey_days"
    # By next_day: the answers changed again within a range are few, and found without
    # reading the range's other answers.
    __table_args__ = (
        Index("ix_kpi_survey_days_day", "day"),
        Index("ix_kpi_survey_days_next_day", "next_day"),
    )

    survey_id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(primary_key=True)
    week: Mapped[dt.date]
    month: Mapped[dt.date]
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    score: Mapped[int]
    next_day: Mapped[dt.date | None]


class KpiRepeatDay(Base):
    __tablename__ = "kpi_repeat_days"

    # A report reads one dimension over a range of days, gaps up to its window: the key's order.
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[dt.date] = mapped_column(primary_key=True)  # of the first solve
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_key: Mapped[int] = mapped_column(primary_key=True)
    # ``repeat_gap_micros`` rounded up to whole days: a gap is at most N days (N whole) exactly
    # when its rounded-up days are at most N.
    gap_days: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[dt.date]
    month: Mapped[dt.date]
    repeats: Mapped[int] = mapped_column(default=0)


class KpiBacklogSpan(Base):
    """A span a ticket's status was open, from its status changes as ``backlog.backlog`` reads
    them, under the keys the ticket has now. Only spans with a bound from a change are kept:
    one open from its creation until now corrects no counter."""

    __tablename__ = "kpi_backlog_spans"
    # The backlog at a moment reads the spans closed after it and those still open that
    # opened after it: two ranges of this index.
    __table_args__ = (Index("ix_kpi_backlog_spans_closed", "closed_at", "opened_at"),)

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    # The ticket's creation for a span open from its first status: open at a moment then
    # exactly when the ticket existed and its first change came later.
    opened_at: Mapped[dt.datetime] = mapped_column(primary_key=True)
    closed_at: Mapped[dt.datetime | None]  # None: open now
    # The ticket's ``tickets.created_at``: its age bucket, and summed for the mean age as days
    # since 1970 and microseconds after that midnight (exact; epoch microseconds of many
    # tickets would overflow a 64-bit sum).
    created_at: Mapped[dt.datetime]
    created_days: Mapped[int]
    created_micros: Mapped[int] = mapped_column(BigInteger)
    assignee_id: Mapped[int | None]
    team_id: Mapped[int | None]
    channel: Mapped[str | None] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(64))
