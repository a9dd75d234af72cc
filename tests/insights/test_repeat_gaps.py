"""Repeat contacts from each first solve's gap to the customer's next ticket, kept on the KPI
facts row: the listeners keep the gaps equal to a rebuild as customers write again, are merged
and unmerged, and the report from them equals the one that reads the customers' tickets again
(every period, dimension and team restriction; windows ended and pending)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.conftest import Cast, inbound
from tests.insights.conftest import set_status
from tests.insights.test_rollups import assert_fast_equals_full

from minidesk.db import Database, utcnow
from minidesk.desk.models import Customer
from minidesk.insights.cells import Dimension, KpiRow, Period
from minidesk.insights.repeat_gaps import affected
from minidesk.insights.repeats import fast_repeat_contacts, repeat_contacts
from minidesk.insights.rollup import rebuild
from minidesk.insights.rollup_models import KpiRepeatDay, KpiTicketFacts


def write(client: TestClient, cast: Cast, email: str, thread: str) -> int:
    body = inbound(client, cast.shop, "Where is my order?", f"{email}-{thread}", email=email,
                   thread=thread)  # fmt: skip
    return int(str(body["ticket_number"]))


def gaps(database: Database) -> dict[int, int | None]:
    with database.sessions() as session:
        return dict(session.execute(
            select(KpiTicketFacts.ticket_id, KpiTicketFacts.repeat_gap_micros)).all())  # fmt: skip


def repeat_days(database: Database) -> list[dict[str, object]]:
    table = KpiRepeatDay.__table__
    with database.sessions() as session:
        rows = session.execute(select(table).order_by(*table.primary_key))
        return [dict(row) for row in rows.mappings()]


def assert_kept_equals_rebuilt(database: Database) -> dict[int, int | None]:
    """The gaps and the per-day counters the listeners keep equal a rebuild's."""
    kept, days = gaps(database), repeat_days(database)
    for dimension in Dimension:  # each kept gap counted once per dimension
        counted = sum(int(str(row["repeats"])) for row in days if row["dimension"] == dimension)
        assert counted == sum(g is not None for g in kept.values())
    with database.transaction() as session:
        rebuild(session)
    assert gaps(database) == kept
    assert repeat_days(database) == days
    return kept


def report_with(
    report: Callable[..., list[KpiRow]], within: dt.timedelta, now: dt.datetime
) -> Callable[..., list[KpiRow]]:
    def run(
        session: Session,
        since: dt.datetime,
        until: dt.datetime,
        period: Period,
        by: Dimension,
        teams: list[int] | None,
    ) -> list[KpiRow]:
        return report(session, since, until, period, by, within, teams, now)

    return run


def assert_reports_agree(database: Database, cast: Cast) -> None:
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    since, until = today - dt.timedelta(days=1), today + dt.timedelta(days=2)
    # All pending; all ended (summed from the per-day counters); ended, but on the day that
    # holds now - within (counted ticket by ticket); and 2 days on, both of those.
    for within_days, ahead in ((1, 0), (1, 3), (1, 1), (2, 3)):
        now, within = utcnow() + dt.timedelta(days=ahead), dt.timedelta(days=within_days)
        full = report_with(repeat_contacts, within, now)
        fast = report_with(fast_repeat_contacts, within, now)
        with database.sessions() as session:
            assert_fast_equals_full(session, cast, since, until, full, fast)


def customer_id(database: Database, email: str) -> int:
    with database.sessions() as session:
        found = session.scalar(select(Customer.id).where(Customer.email == email))
    assert found is not None
    return found


def test_gaps_follow_new_tickets_merges_and_unmerges(
    client: TestClient, cast: Cast, database: Database
) -> None:
    ana = [
        write(client, cast, "ana@example.com", "a1"),
        write(client, cast, "ana@example.com", "a2"),
    ]
    ben = [write(client, cast, "ben@example.com", "b1")]
    set_status(client, cast, ana[0], "solved")
    set_status(client, cast, ben[0], "solved")
    assert not any(assert_kept_equals_rebuilt(database).values()), "nobody came back yet"
    ana.append(write(client, cast, "ana@example.com", "a3"))  # after ana's first solve
    set_status(client, cast, ana[1], "solved")
    set_status(client, cast, ana[1], "open")  # a reopen: not a repeat, the solve stays first
    kept = assert_kept_equals_rebuilt(database)
    # Only a1: a2 was solved after a3 was written, and nothing came after it.
    assert sum(gap is not None for gap in kept.values()) == 1
    assert_reports_agree(database, cast)

    ben.append(write(client, cast, "ben@example.com", "b2"))
    patch = client.patch(f"/api/v1/tickets/{ben[1]}", json={"team_id": cast.billing_team},
                         headers=cast.olivia.headers)  # fmt: skip
    assert patch.status_code == 200, patch.text
    set_status(client, cast, ben[1], "solved")
    ana_id, ben_id = (
        customer_id(database, "ana@example.com"),
        customer_id(database, "ben@example.com"),
    )
    merged = client.post(f"/api/v1/customers/{ben_id}/merge", json={"source_id": ana_id},
                         headers=cast.maya.headers)  # fmt: skip
    assert merged.status_code == 200, merged.text
    after_merge = assert_kept_equals_rebuilt(database)
    assert after_merge != kept, "ben's solve is now followed by ana's later tickets"
    assert_reports_agree(database, cast)

    undone = client.post(f"/api/v1/customers/{ben_id}/unmerge",
                         json={"merge_event_id": merged.json()["id"]},
                         headers=cast.maya.headers)  # fmt: skip
    assert undone.status_code == 200, undone.text
    assert assert_kept_equals_rebuilt(database) != after_merge
    assert_reports_agree(database, cast)


def test_the_upgrade_fills_the_gaps_as_the_listeners_keep_them(
    client: TestClient, cast: Cast, database: Database
) -> None:
    from alembic import command

    from minidesk import migrate, settings

    first = write(client, cast, "ana@example.com", "a1")
    set_status(client, cast, first, "solved")
    write(client, cast, "ana@example.com", "a2")
    kept, days = gaps(database), repeat_days(database)
    assert sum(gap is not None for gap in kept.values()) == 1
    assert len(days) == len(Dimension)
    config = migrate.alembic_config(settings.get_settings().database_url)
    command.downgrade(config, "0042_backlog_counters")
    command.upgrade(config, "head")
    assert gaps(database) == kept
    assert repeat_days(database) == days


def test_a_batch_with_an_older_and_a_new_ticket_of_one_customer_reaches_the_solves_between(
    client: TestClient, cast: Cast, database: Database
) -> None:
    """A batch refreshing a reply on ana's first ticket and her new third one: her second,
    solved in between, is followed by the third (not by anything before the first)."""
    first = write(client, cast, "ana@example.com", "a1")
    second = write(client, cast, "ana@example.com", "a2")
    set_status(client, cast, second, "solved")
    third = write(client, cast, "ana@example.com", "a3")
    with database.sessions() as session:
        assert affected(session, [first, third]) == [first, second, third]
