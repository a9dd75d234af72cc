"""Cost per contact's contacts from per-day counters (``kpi_contact_days``): the KPI listener
keeps them equal to a rebuild as customers write on several days (also heard late), open new
tickets, are merged and unmerged, and the tickets move team and intent, are solved and
reopened; and the report summed from them equals the one that reads every message event, for
ranges that cut a ticket's days, every dimension and team restriction."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound
from tests.insights.conftest import set_status
from tests.insights.test_repeat_gaps import customer_id, write
from tests.insights.test_rollups import patch

from minidesk.db import Database, utcnow
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.insights.cost_models import KpiContactDay, KpiTicketContactDay
from minidesk.insights.cost_settings import get_costs
from minidesk.insights.costs import DIMENSIONS, cost_per_contact
from minidesk.insights.rollup import rebuild, refresh

DAY = dt.timedelta(days=1)


def kept_rows(database: Database) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    found = []
    with database.sessions() as session:
        for model in (KpiContactDay, KpiTicketContactDay):
            table = model.__table__
            rows = session.execute(select(table).order_by(*table.primary_key)).mappings()
            found.append([dict(row) for row in rows])
    return found[0], found[1]


def assert_kept_equals_rebuilt(database: Database) -> list[dict[str, Any]]:
    kept = kept_rows(database)
    with database.transaction() as session:
        rebuild(session)
    assert kept_rows(database) == kept
    return kept[0]


def assert_fast_equals_full(database: Database, cast: Cast, today: dt.date) -> None:
    # Whole, and cutting the tickets' days (3 and 0, 3 and 1 days ago) at either end.
    ranges = [(today - 3 * DAY, today), (today - DAY, today), (today - 3 * DAY, today - DAY)]
    with database.sessions() as session:
        costs = get_costs(session)
        for since, until in ranges:
            for teams in (None, [cast.support_team], [cast.billing_team]):
                for by in DIMENSIONS:
                    full = [dataclasses.replace(row, tickets={}) for row in
                            cost_per_contact(session, since, until, by, costs, teams,
                                             drill=True)]  # fmt: skip
                    fast = cost_per_contact(session, since, until, by, costs, teams)
                    assert fast == full, (since, until, teams, by)


def again(client: TestClient, cast: Cast, email: str, thread: str) -> int:
    """The customer writes again on the thread (a new message, not a resend)."""
    body = inbound(client, cast.shop, "Any news?", f"{email}-{thread}-{utcnow().timestamp()}",
                   email=email, thread=thread)  # fmt: skip
    return int(str(body["ticket_number"]))


def backdate(database: Database, number: int, days: int) -> None:
    """The ticket's customer messages so far written ``days`` earlier (history from before)."""
    with database.transaction() as session:
        received = select(Event).where(
            Event.ticket_id == number, Event.kind == str(EventKind.MESSAGE_RECEIVED)
        )
        for event in session.scalars(received):
            event.created_at -= days * DAY


def test_the_kept_contact_days_equal_a_rebuild_and_the_report_from_them_the_full_one(
    client: TestClient, cast: Cast, database: Database
) -> None:
    today = utcnow().date()
    ana = write(client, cast, "ana@example.com", "a1")
    ben = write(client, cast, "ben@example.com", "b1")
    carl = write(client, cast, "carl@example.com", "c1")
    backdate(database, ana, 3)
    backdate(database, ben, 2)
    with database.transaction() as session:
        refresh(session, [ana, ben])  # the moved messages heard late: counted on their days
    kept = assert_kept_equals_rebuilt(database)
    assert {row["day"] for row in kept} == {today - 3 * DAY, today - 2 * DAY, today}
    assert_fast_equals_full(database, cast, today)

    assert again(client, cast, "ana@example.com", "a1") == ana  # today: ana's second day
    assert again(client, cast, "ben@example.com", "b1") == ben
    backdate(database, ben, 1)  # ben's two messages: 3 and 1 days ago, a day skipped
    with database.transaction() as session:
        refresh(session, [ben])
    write(client, cast, "ben@example.com", "b2")  # a new ticket of ben's today
    patch(client, cast, ana, team_id=cast.billing_team, intent="refund")
    set_status(client, cast, carl, "solved")
    after = assert_kept_equals_rebuilt(database)
    assert after != kept, "the new days, ticket and team move moved the counters"
    assert_fast_equals_full(database, cast, today)

    set_status(client, cast, carl, "open")  # a reopen
    again(client, cast, "carl@example.com", "c1")  # and a message on the same day: no new day
    ana_id, ben_id = (customer_id(database, "ana@example.com"),
                      customer_id(database, "ben@example.com"))  # fmt: skip
    merged = client.post(f"/api/v1/customers/{ben_id}/merge", json={"source_id": ana_id},
                         headers=cast.maya.headers)  # fmt: skip
    assert merged.status_code == 200, merged.text
    patch(client, cast, ben, team_id=None)
    assert_kept_equals_rebuilt(database)
    undone = client.post(f"/api/v1/customers/{ben_id}/unmerge",
                         json={"merge_event_id": merged.json()["id"]},
                         headers=cast.maya.headers)  # fmt: skip
    assert undone.status_code == 200, undone.text
    assert_kept_equals_rebuilt(database)
    assert_fast_equals_full(database, cast, today)


def test_the_upgrade_fills_the_contact_days_as_the_listener_keeps_them(
    client: TestClient, cast: Cast, database: Database
) -> None:
    from alembic import command

    from minidesk import migrate, settings

    first = write(client, cast, "ana@example.com", "a1")
    backdate(database, first, 2)
    with database.transaction() as session:
        refresh(session, [first])
    again(client, cast, "ana@example.com", "a1")
    write(client, cast, "ben@example.com", "b1")
    patch(client, cast, first, team_id=cast.billing_team)
    kept = kept_rows(database)
    assert len(kept[1]) == 3, "ana's ticket on two days, ben's on one"
    config = migrate.alembic_config(settings.get_settings().database_url)
    command.downgrade(config, "0044_rollup_days")
    command.upgrade(config, "head")
    assert kept_rows(database) == kept
