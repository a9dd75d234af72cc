"""Handle time from per-day counters (``kpi_work_days``): the beats and the KPI listener keep
them equal to a rebuild as agents work tickets on several days, the tickets move team and
intent, are solved and reopened; and the report summed from them equals the one that reads
every work row, for ranges that cut a ticket's days, every dimension and team restriction."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound
from tests.insights.conftest import set_status
from tests.insights.test_rollups import patch

from minidesk.db import Database, utcnow
from minidesk.desk.models import Ticket, User
from minidesk.insights.cells import Dimension
from minidesk.insights.handle_time import fast_handle_time, handle_time
from minidesk.insights.rollup import rebuild
from minidesk.insights.work import record_beat
from minidesk.insights.work_models import KpiWorkDay

DAY = dt.timedelta(days=1)


def beat(database: Database, who: int, number: int, visit: str, total: int,
         when: dt.datetime) -> None:  # fmt: skip
    with database.transaction() as session:
        ticket = session.get(Ticket, number)  # the public number is the id
        record_beat(session, session.get(User, who), ticket, visit, total, when)


def work_days(database: Database) -> list[dict[str, Any]]:
    table = KpiWorkDay.__table__
    with database.sessions() as session:
        rows = session.execute(select(table).order_by(*table.primary_key)).mappings()
        return [dict(row) for row in rows]


def assert_kept_equals_rebuilt(database: Database) -> list[dict[str, Any]]:
    kept = work_days(database)
    with database.transaction() as session:
        rebuild(session)
    assert work_days(database) == kept
    return kept


def assert_fast_equals_full(database: Database, cast: Cast, today: dt.date) -> None:
    ranges = [(today - 3 * DAY, today), (today - DAY, today), (today - 2 * DAY, today - 2 * DAY),
              (today - 3 * DAY, today - DAY), (today, today)]  # fmt: skip
    with database.sessions() as session:
        for since, until in ranges:
            for teams in (None, [cast.support_team], [cast.billing_team], []):
                for by in Dimension:
                    full = [dataclasses.replace(row, tickets={}) for row in
                            handle_time(session, since, until, by, teams)]  # fmt: skip
                    assert fast_handle_time(session, since, until, by, teams) == full, (
                        since, until, teams, by)  # fmt: skip


def test_the_kept_work_days_equal_a_rebuild_and_the_report_from_them_the_full_one(
    client: TestClient, cast: Cast, database: Database
) -> None:
    now = utcnow()
    today = now.date()
    first = int(str(inbound(client, cast.shop, "Where is my order?", "w1",
                            email="ana@example.com")["ticket_number"]))  # fmt: skip
    second = int(str(inbound(client, cast.shop, "Refund please", "w2",
                             email="ben@example.com")["ticket_number"]))  # fmt: skip
    alice, bob = cast.alice.id, cast.bob.id
    # alice works the first ticket on three days (one day skipped), bob on one of them; both
    # work the second one the same day, alice in two visits.
    beat(database, alice, first, "a1", 60, now - 3 * DAY)
    beat(database, alice, first, "a2", 45, now - DAY)
    beat(database, bob, first, "b1", 30, now - DAY)
    beat(database, alice, first, "a3", 20, now)
    beat(database, alice, second, "a4", 50, now - 2 * DAY)
    beat(database, alice, second, "a5", 10, now - 2 * DAY + dt.timedelta(hours=1))
    beat(database, bob, second, "b2", 70, now - 2 * DAY)
    kept = assert_kept_equals_rebuilt(database)
    assert {row["dimension"] for row in kept} == {str(d) for d in Dimension}
    assert_fast_equals_full(database, cast, today)

    set_status(client, cast, first, "solved")  # solved today: in some ranges, not others
    patch(client, cast, second, team_id=cast.billing_team, intent="refund")
    kept_after = assert_kept_equals_rebuilt(database)
    assert kept_after != kept, "the solve and the team move moved the counters"
    assert_fast_equals_full(database, cast, today)

    set_status(client, cast, first, "open")  # a reopen keeps the first solve
    beat(database, bob, first, "b1", 90, now - DAY + dt.timedelta(seconds=30))  # a later beat
    beat(database, alice, second, "a4", 50, now)  # a repeated total: nothing to add
    assert_kept_equals_rebuilt(database)
    assert_fast_equals_full(database, cast, today)


def test_the_upgrade_fills_the_work_days_as_the_beats_and_listeners_keep_them(
    client: TestClient, cast: Cast, database: Database
) -> None:
    from alembic import command

    from minidesk import migrate, settings

    now = utcnow()
    number = int(str(inbound(client, cast.shop, "Where is my order?", "w1",
                             email="ana@example.com")["ticket_number"]))  # fmt: skip
    beat(database, cast.alice.id, number, "a1", 60, now - DAY)
    beat(database, cast.bob.id, number, "b1", 30, now)
    set_status(client, cast, number, "solved")
    kept = work_days(database)
    assert kept, "the beats were counted"
    config = migrate.alembic_config(settings.get_settings().database_url)
    command.downgrade(config, "0043_repeat_gaps")
    command.upgrade(config, "head")
    assert work_days(database) == kept
