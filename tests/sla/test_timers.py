"""Ticket timers follow the conversation: set on a new ticket, stopped by a person's reply,
restarted by the customer, paused while pending, breached once by the sweeper."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.conftest import Cast, inbound

from minidesk.db import Database
from minidesk.desk.models import Ticket
from minidesk.events import SYSTEM, Event
from minidesk.sla import sweeper
from minidesk.sla.models import SlaResult, SlaTimer
from minidesk.sla.policies import do_create_policy
from minidesk.sla.timers import Clocks

API_POLICY = {
    "name": "API integrations",
    "position": 0,
    "conditions": {"channels": ["api"]},
    "targets": {
        "first_response": {"seconds": 600},
        "next_response": {"seconds": 300},
        "resolution": {"seconds": 3600},
    },
    "warn_before_seconds": 60,
}


@pytest.fixture
def api_policy(database: Database) -> None:
    with database.transaction() as session:
        do_create_policy(session, API_POLICY, SYSTEM)


def timers(database: Database, ticket: int) -> dict[str, SlaTimer]:
    with database.sessions() as session:
        rows = session.scalars(select(SlaTimer).where(SlaTimer.ticket_id == ticket))
        return {row.metric: row for row in rows}


def results(database: Database, ticket: int) -> list[tuple[str, bool]]:
    with database.sessions() as session:
        rows = session.scalars(
            select(SlaResult).where(SlaResult.ticket_id == ticket).order_by(SlaResult.id)
        )
        return [(row.metric, row.breached) for row in rows]


def sla_events(database: Database, kind: str) -> list[Event]:
    with database.sessions() as session:
        return list(session.scalars(select(Event).where(Event.kind == kind).order_by(Event.id)))


def open_ticket(
    client: TestClient, cast: Cast, external_id: str = "m1", email: str = "emma@example.com"
) -> int:
    body = inbound(client, cast.shop, "Hello, a question about your shop", external_id, email=email)
    return int(str(body["ticket_number"]))


def reply(client: TestClient, cast: Cast, ticket: int, text: str = "Happy to help") -> None:
    response = client.post(
        f"/api/v1/tickets/{ticket}/messages",
        json={"text": text, "type": "reply"},
        headers=cast.olivia.headers,
    )
    assert response.status_code == 201, response.text


def set_status(client: TestClient, cast: Cast, ticket: int, status: str) -> None:
    response = client.patch(
        f"/api/v1/tickets/{ticket}", json={"status": status}, headers=cast.olivia.headers
    )
    assert response.status_code == 200, response.text


def test_a_new_ticket_is_due_by_its_policy(
    client: TestClient, cast: Cast, database: Database, api_policy: None
) -> None:
    ticket = open_ticket(client, cast)
    found = timers(database, ticket)
    assert set(found) == {"first_response", "resolution"}
    first, resolution = found["first_response"], found["resolution"]
    assert first.due_at is not None and resolution.due_at is not None
    assert first.due_at - first.started_at == dt.timedelta(seconds=600)
    assert resolution.due_at - resolution.started_at == dt.timedelta(seconds=3600)
    assert first.warn_at == first.due_at - dt.timedelta(seconds=60)


def test_a_reply_meets_first_response_and_the_customer_restarts_next_response(
    client: TestClient, cast: Cast, database: Database, api_policy: None
) -> None:
    ticket = open_ticket(client, cast)
    reply(client, cast, ticket)
    assert "first_response" not in timers(database, ticket)
    assert results(database, ticket) == [("first_response", False)]
    inbound(client, cast.shop, "One more thing", "m2")
    assert "next_response" in timers(database, ticket)
    reply(client, cast, ticket, "Done")
    assert "next_response" not in timers(database, ticket)
    assert results(database, ticket) == [("first_response", False), ("next_response", False)]


def test_pending_pauses_and_reopening_resumes_with_the_time_left(
    client: TestClient, cast: Cast, database: Database, api_policy: None
) -> None:
    ticket = open_ticket(client, cast)
    set_status(client, cast, ticket, "pending")
    paused = timers(database, ticket)["resolution"]
    assert paused.due_at is None and paused.remaining_seconds is not None
    assert 3500 < paused.remaining_seconds <= 3600
    set_status(client, cast, ticket, "open")
    resumed = timers(database, ticket)["resolution"]
    assert resumed.remaining_seconds is None and resumed.due_at is not None
    assert resumed.due_at > paused.started_at + dt.timedelta(seconds=3500)


def test_solving_meets_resolution_and_reopening_starts_it_again(
    client: TestClient, cast: Cast, database: Database, api_policy: None
) -> None:
    ticket = open_ticket(client, cast)
    set_status(client, cast, ticket, "solved")
    assert timers(database, ticket) == {}
    assert results(database, ticket) == [("resolution", False)]
    set_status(client, cast, ticket, "open")
    assert set(timers(database, ticket)) == {"resolution"}


def test_a_breach_fires_once_and_a_late_reply_stays_breached(
    client: TestClient, cast: Cast, database: Database, api_policy: None
) -> None:
    ticket = open_ticket(client, cast)
    due = timers(database, ticket)["first_response"].due_at
    assert due is not None
    # One second early: nothing. Exactly at the due time: breached (the target is "within").
    assert sweeper.fire_due(due - dt.timedelta(seconds=61)) == 0
    assert sweeper.fire_due(due - dt.timedelta(seconds=1)) == 1  # the warning
    assert sweeper.fire_due(due) == 1
    assert sweeper.fire_due(due + dt.timedelta(hours=2)) == 1  # resolution, warned with it
    assert sweeper.fire_due(due + dt.timedelta(hours=3)) == 0
    breaches = sla_events(database, "sla.breached")
    assert [e.data["metric"] for e in breaches] == ["first_response", "resolution"]
    assert [e.data["metric"] for e in sla_events(database, "sla.warning")] == ["first_response"]
    assert all(e.ticket_id == ticket for e in breaches)
    reply(client, cast, ticket)
    assert results(database, ticket) == [("first_response", True)]


def test_two_workers_never_fire_one_breach_twice(
    client: TestClient, cast: Cast, database: Database, api_policy: None
) -> None:
    numbers = [open_ticket(client, cast, f"m{i}", f"c{i}@example.com") for i in range(6)]
    late = max(t.due_at for n in numbers for t in timers(database, n).values() if t.due_at)
    now = late + dt.timedelta(minutes=1)
    counts: list[int] = []
    start = threading.Barrier(2)

    def work() -> None:
        start.wait()
        counts.append(sweeper.fire_due(now))

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sum(counts) == 12  # six tickets, two targets each (warnings folded into breaches)
    with database.sessions() as session:
        fired = session.scalar(
            select(func.count()).select_from(Event).where(Event.kind == "sla.breached")
        )
    assert fired == 12
    # A restarted worker finds nothing left to fire.
    assert sweeper.fire_due(now) == 0


def test_raising_the_priority_re_times_the_running_target_from_the_start(
    client: TestClient, cast: Cast, database: Database, default_policies: None
) -> None:
    ticket = open_ticket(client, cast)
    before = timers(database, ticket)["first_response"]
    assert before.due_at is not None
    assert before.due_at - before.started_at == dt.timedelta(hours=24)  # General questions
    client.patch(f"/api/v1/tickets/{ticket}", json={"priority": "P1"}, headers=cast.olivia.headers)
    after = timers(database, ticket)
    assert after["first_response"].due_at == before.started_at + dt.timedelta(hours=1)
    assert after["first_response"].started_at == before.started_at
    # P1 promises no resolution time: the general policy had none either, so none runs.
    assert "resolution" not in after


def test_a_target_already_due_when_paused_is_still_breached(
    client: TestClient, cast: Cast, database: Database, api_policy: None
) -> None:
    ticket = open_ticket(client, cast)
    due = timers(database, ticket)["first_response"].due_at
    assert due is not None
    with database.transaction() as session:
        # The ticket goes pending a minute after the due time, before any sweep noticed.
        Clocks(session, session.get_one(Ticket, ticket), due + dt.timedelta(minutes=1)).pause()
    found = timers(database, ticket)
    assert found["first_response"].due_at == due  # not paused: it is already late
    assert found["resolution"].due_at is None  # paused with its time left
    assert found["resolution"].remaining_seconds == pytest.approx(3600 - 660)
    assert sweeper.fire_due(due + dt.timedelta(hours=5)) == 1
    assert [e.data["metric"] for e in sla_events(database, "sla.breached")] == ["first_response"]
