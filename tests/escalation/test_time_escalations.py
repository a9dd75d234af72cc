"""Unresolved for 48 hours: the sweeper escalates to the team lead once, from a claimed timer
that two workers never fire twice and that a restarted worker still finds."""

from __future__ import annotations

import datetime as dt
import threading

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.conftest import Cast
from tests.escalation.conftest import escalations, events_of, open_ticket

from minidesk.db import Database
from minidesk.desk.models import Ticket
from minidesk.escalation import sweeper
from minidesk.escalation.models import EscalationTimer
from minidesk.events import Event

HOURS_48 = dt.timedelta(hours=48)


def due_at(database: Database, ticket: int) -> dt.datetime:
    with database.sessions() as session:
        timer = session.scalars(
            select(EscalationTimer).where(EscalationTimer.ticket_id == ticket)
        ).one()
        assert timer.due_at - timer.started_at == HOURS_48
        return timer.due_at


def to_support(client: TestClient, cast: Cast, ticket: int) -> None:
    response = client.patch(
        f"/api/v1/tickets/{ticket}",
        json={"team_id": cast.support_team},
        headers=cast.olivia.headers,
    )
    assert response.status_code == 200, response.text


def test_unresolved_for_48_hours_goes_to_the_team_lead(
    client: TestClient, cast: Cast, database: Database, default_rules: None
) -> None:
    ticket = open_ticket(client, cast)
    to_support(client, cast, ticket)
    due = due_at(database, ticket)
    with database.sessions() as session:
        assert due - session.get_one(Ticket, ticket).created_at == HOURS_48
    assert sweeper.fire_due(due - dt.timedelta(seconds=1)) == 0
    assert sweeper.fire_due(due) == 1
    assert sweeper.fire_due(due + dt.timedelta(hours=1)) == 0
    history = escalations(client, cast, ticket)
    [escalation] = history["items"]
    assert escalation["reason"] == "unresolved 48 h under rule 'Unresolved 48 hours'"
    assert escalation["target"] == "team_lead"
    assert escalation["target_user_ids"] == [cast.leo.id]  # Support's lead
    assert history["tier"] == 2


def test_a_ticket_without_a_team_goes_to_a_manager(
    client: TestClient, cast: Cast, database: Database, default_rules: None
) -> None:
    ticket = open_ticket(client, cast)
    assert sweeper.fire_due(due_at(database, ticket)) == 1
    [escalation] = escalations(client, cast, ticket)["items"]
    assert escalation["target_user_ids"] == [cast.maya.id]
    [event] = events_of(database, "ticket.escalated", ticket)
    assert event.data["target_label"] == "a manager (no team lead)"


def test_a_solved_ticket_is_not_escalated_and_a_reopened_one_starts_again(
    client: TestClient, cast: Cast, database: Database, default_rules: None
) -> None:
    ticket = open_ticket(client, cast)
    first_due = due_at(database, ticket)
    solved = client.patch(
        f"/api/v1/tickets/{ticket}", json={"status": "solved"}, headers=cast.olivia.headers
    )
    assert solved.status_code == 200
    assert sweeper.fire_due(first_due) == 0
    client.patch(f"/api/v1/tickets/{ticket}", json={"status": "open"}, headers=cast.olivia.headers)
    assert due_at(database, ticket) > first_due - HOURS_48  # a new cycle, from the reopen
    assert sweeper.fire_due(first_due + HOURS_48) == 1


def test_two_workers_never_fire_one_escalation_twice(
    client: TestClient, cast: Cast, database: Database, default_rules: None
) -> None:
    numbers = [open_ticket(client, cast, "Hello", f"m{i}", f"c{i}@example.com") for i in range(6)]
    now = max(due_at(database, n) for n in numbers) + dt.timedelta(minutes=1)
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
    assert sum(counts) == 6
    with database.sessions() as session:
        fired = session.scalar(
            select(func.count()).select_from(Event).where(Event.kind == "ticket.escalated")
        )
    assert fired == 6
    # A restarted worker finds nothing left to fire.
    assert sweeper.fire_due(now) == 0


def test_a_worker_that_was_down_catches_up(
    client: TestClient, cast: Cast, database: Database, default_rules: None
) -> None:
    ticket = open_ticket(client, cast)
    # Nobody swept for a week: the next sweep still finds the timer due.
    assert sweeper.fire_due(due_at(database, ticket) + dt.timedelta(days=7)) == 1
    assert len(escalations(client, cast, ticket)["items"]) == 1
