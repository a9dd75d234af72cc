"""Tag completion from the rollups: tickets tagged and untagged through the API (before and
after their solve, by the same seeded conversations as test_rollups.py) give the report that
``tagging.tag_completion`` computes from every solved ticket's tags, for every period and
dimension, with and without a team restriction; with a field required to solve, the fields'
part too."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast
from tests.insights.test_rollups import assert_fast_equals_full, converse, patch

from minidesk.db import Database, utcnow
from minidesk.desk.models import Ticket
from minidesk.insights.cells import Dimension, Period
from minidesk.insights.tagging import fast_tag_completion, tag_completion
from minidesk.ticket_fields.models import TicketField


def both_equal(cast: Cast, database: Database) -> tuple[int, int]:
    """Asserts the two reports equal everywhere; returns the solves and the tagged ones of
    the whole range."""
    today = utcnow().date()
    since = dt.datetime.combine(today - dt.timedelta(days=40), dt.time(), dt.UTC)
    until = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), dt.UTC)
    with database.sessions() as session:
        assert_fast_equals_full(session, cast, since, until, tag_completion, fast_tag_completion)
        rows = fast_tag_completion(session, since, until, Period.MONTH, Dimension.ALL)
        solved = sum(int(row.values["tickets_solved"] or 0) for row in rows)
        return solved, sum(int(row.values["tagged"] or 0) for row in rows)


def test_tag_completion_from_the_rollups_equals_the_one_from_the_tags(
    client: TestClient, cast: Cast, database: Database
) -> None:
    converse(client, cast, seed=21, tickets=8)
    both_equal(cast, database)
    with database.sessions() as session:
        tags = {t.number: t.tags for t in session.scalars(select(Ticket).order_by(Ticket.id))}
    # Untagged, then tagged, after the solve: the report reads tags as they are now.
    for number, its_tags in tags.items():
        if its_tags:
            patch(client, cast, number, remove_tags=its_tags)
    solved, tagged = both_equal(cast, database)
    assert solved > 0 and tagged == 0
    for number in tags:
        patch(client, cast, number, add_tags=["checked"])
    assert both_equal(cast, database) == (solved, solved)


def test_with_a_field_required_to_solve_the_fields_are_counted_as_the_full_report_does(
    client: TestClient, cast: Cast, database: Database
) -> None:
    converse(client, cast, seed=22, tickets=6)
    with database.transaction() as session:
        session.add(TicketField(key="order_number", label="Order number", type="text",
                                required_to_solve=True))  # fmt: skip
    both_equal(cast, database)
