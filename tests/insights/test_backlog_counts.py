"""The backlog counted in the database (``backlog_counts``, what the API answers) equals the
one read ticket by ticket (``backlog.backlog``, the drill-down's) at moments before, between,
at and just around status changes, now included, per dimension, with and without a team
restriction: on the fixture timeline, on hand-written tricky histories, and on conversations
through the API whose spans the listener kept (equal to a rebuild, and to what the upgrade
that added them writes)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound
from tests.insights.conftest import open_ticket, set_status
from tests.insights.ops_timeline import build_ops
from tests.insights.timeline import Writer, at

from minidesk.db import Database, utcnow
from minidesk.desk.models import Ticket
from minidesk.events import Event
from minidesk.insights.backlog import backlog
from minidesk.insights.backlog_counts import backlog_counts
from minidesk.insights.cells import Dimension
from minidesk.insights.rollup import rebuild
from minidesk.insights.rollup_models import KpiBacklogSpan

MOMENTS = ("2026-02-27T09:00:00", "2026-03-01T12:00:00", "2026-03-03T08:30:00",
           "2026-03-09T10:00:00", "2026-03-10T09:00:00", "2026-04-20T00:00:00.000001")  # fmt: skip
MICRO = dt.timedelta(microseconds=1)


def assert_counts_equal_full(
    database: Database, cast: Cast, moments: Iterable[dt.datetime]
) -> int:
    """Every moment, dimension and team restriction; returns the tickets open over them."""
    opened = 0
    with database.sessions() as session:
        for moment in [*moments, utcnow()]:
            for teams in (None, [cast.support_team], []):
                for by in Dimension:
                    full = [dataclasses.replace(r, tickets={})
                            for r in backlog(session, moment, by, teams)]  # fmt: skip
                    assert backlog_counts(session, moment, by, teams) == full, (moment, teams, by)
                    opened += sum(int(r.values["open_tickets"] or 0) for r in full)
    return opened


def around_changes(database: Database) -> list[dt.datetime]:
    """Each status change's time, a microsecond before and after."""
    with database.sessions() as session:
        times = session.scalars(
            select(Event.created_at).where(Event.kind == "ticket.status_changed")
        ).all()
    return sorted({t + d for t in times for d in (-MICRO, dt.timedelta(0), MICRO)})


def spans(database: Database) -> list[dict[str, Any]]:
    with database.sessions() as session:
        table = KpiBacklogSpan.__table__
        rows = session.execute(select(table).order_by(*table.primary_key))
        return [dict(row._mapping) for row in rows]


def test_the_counted_backlog_equals_the_one_read_ticket_by_ticket(
    cast: Cast, database: Database
) -> None:
    build_ops(database, cast)
    moments = [dt.datetime.fromisoformat(m).replace(tzinfo=dt.UTC) for m in MOMENTS]
    assert assert_counts_equal_full(database, cast, moments + around_changes(database)) > 0


def test_tricky_status_histories_count_as_the_full_report_reads_them(
    cast: Cast, database: Database
) -> None:
    """Reopens and waits, a first change from a closed status, a last change the status now
    contradicts, changes at one instant, a change dated before its ticket, a ticket created
    after the moments asked, tickets without changes open and solved now."""
    w = Writer(database)
    alice, bob = cast.alice.id, cast.bob.id
    support, billing = cast.support_team, cast.billing_team

    def ticket(assignee: int | None, team: int | None, created: dt.datetime, status: str) -> int:
        ticket_id = w.ticket("email", assignee, team, "refund", created, None)
        with database.transaction() as session:
            session.get_one(Ticket, ticket_id).status = status
        return ticket_id

    waits = ticket(alice, support, at(2, 9), "on-hold")
    for when, before, after in ((at(3, 9), "new", "pending"), (at(4, 9), "pending", "open"),
                                (at(5, 9), "open", "solved"), (at(6, 9), "solved", "open"),
                                (at(7, 9), "open", "on-hold")):  # fmt: skip
        w.status(waits, when, before, after)
    imported = ticket(bob, billing, at(1, 8), "closed")
    w.status(imported, at(4, 10), "solved", "open")
    w.status(imported, at(8, 10), "open", "closed")
    contradicted = ticket(alice, billing, at(2, 12), "pending")
    w.status(contradicted, at(3, 12), "open", "solved")
    w.status(contradicted, at(4, 12), "open", "solved")  # as if reopened with no event
    instant = ticket(bob, support, at(3, 7), "open")
    w.status(instant, at(5, 7), "open", "solved")
    w.status(instant, at(5, 7), "solved", "open")
    w.status(instant, at(6, 7), "open", "solved")
    w.status(instant, at(6, 7), "solved", "open")
    backdated = ticket(None, support, at(4, 15), "solved")
    w.status(backdated, at(4, 14), "open", "solved")
    late = ticket(alice, None, at(9, 9), "pending")
    w.status(late, at(9, 10), "new", "solved")
    w.status(late, at(9, 11), "solved", "pending")
    ticket(bob, billing, at(1, 9), "new")
    ticket(alice, support, at(1, 10), "solved")
    with database.transaction() as session:
        rebuild(session)
    moments = [at(d, h) for d in range(1, 11) for h in (0, 13)] + around_changes(database)
    assert assert_counts_equal_full(database, cast, moments) > 0
    assert {row["ticket_id"] for row in spans(database)} == {waits, imported, contradicted,
                                                             instant, late}  # fmt: skip


def converse(client: TestClient, cast: Cast) -> None:
    """Waits, solves, closes, reopens by a customer's reply, and key moves after them."""
    first = open_ticket(client, cast, "k1", email="ana@example.com")
    second = open_ticket(client, cast, "k2", email="ben@example.com")
    third = open_ticket(client, cast, "k3", email="cid@example.com")
    for status in ("pending", "open", "solved"):
        set_status(client, cast, first, status)
    inbound(client, cast.shop, "Still nothing", "k1b", email="ana@example.com")
    set_status(client, cast, first, "on-hold")
    for status in ("solved", "closed"):
        set_status(client, cast, second, status)
    set_status(client, cast, third, "solved")
    for number, change in ((first, {"assignee_id": cast.bob.id}),
                           (second, {"team_id": cast.billing_team}),
                           (third, {"intent": "refund"}),
                           (first, {"team_id": cast.support_team})):  # fmt: skip
        response = client.patch(f"/api/v1/tickets/{number}", json=change,
                                headers=cast.olivia.headers)  # fmt: skip
        assert response.status_code == 200, response.text
    inbound(client, cast.shop, "One more thing", "k3b", email="cid@example.com")


def test_the_listener_keeps_the_spans_a_rebuild_writes(
    client: TestClient, cast: Cast, database: Database
) -> None:
    converse(client, cast)
    kept = spans(database)
    assert len({row["ticket_id"] for row in kept}) == 3
    assert any(row["closed_at"] is None for row in kept), "a ticket reopened is open now"
    with database.transaction() as session:
        rebuild(session)
    assert spans(database) == kept
    assert assert_counts_equal_full(database, cast, around_changes(database)) > 0


def test_the_upgrade_fills_the_spans_as_the_listener_keeps_them(
    client: TestClient, cast: Cast, database: Database
) -> None:
    from alembic import command

    from minidesk import migrate, settings

    converse(client, cast)
    kept = spans(database)
    assert kept
    config = migrate.alembic_config(settings.get_settings().database_url)
    command.downgrade(config, "0046_ticket_created_index")
    command.upgrade(config, "head")
    assert spans(database) == kept
