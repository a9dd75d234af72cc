"""The backlog counted in the database (``backlog_counts``, what the API answers) equals the
one read ticket by ticket (``backlog.backlog``, the drill-down's) at moments before, between
and after the fixture timeline's status changes, now included, per dimension, with and
without a team restriction."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from tests.conftest import Cast
from tests.insights.ops_timeline import build_ops

from minidesk.db import Database, utcnow
from minidesk.insights import backlog_counts as backlog_counts_module
from minidesk.insights.backlog import backlog
from minidesk.insights.backlog_counts import backlog_counts
from minidesk.insights.cells import Dimension

MOMENTS = ("2026-02-27T09:00:00", "2026-03-01T12:00:00", "2026-03-03T08:30:00",
           "2026-03-09T10:00:00", "2026-03-10T09:00:00", "2026-04-20T00:00:00.000001")  # fmt: skip


@pytest.mark.parametrize("by_id", [backlog_counts_module.BY_ID, 0])
def test_the_counted_backlog_equals_the_one_read_ticket_by_ticket(
    cast: Cast, database: Database, monkeypatch: pytest.MonkeyPatch, by_id: int
) -> None:
    """Tickets changed since the moment read by id, and (``by_id`` 0) in one joined read."""
    monkeypatch.setattr(backlog_counts_module, "BY_ID", by_id)
    build_ops(database, cast)
    moments = [dt.datetime.fromisoformat(m).replace(tzinfo=dt.UTC) for m in MOMENTS]
    opened = 0
    with database.sessions() as session:
        for at in [*moments, utcnow()]:
            for teams in (None, [cast.support_team], []):
                for by in Dimension:
                    full = [dataclasses.replace(r, tickets={})
                            for r in backlog(session, at, by, teams)]  # fmt: skip
                    assert backlog_counts(session, at, by, teams) == full, (at, teams, by)
                    opened += sum(int(r.values["open_tickets"] or 0) for r in full)
    assert opened > 0, "some moments have a backlog"
