"""The minute sweep stays short: a backlog of deliveries and a due retrain are queued as jobs
of their own, while the features' timers are still handled inside the sweep."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from huey import Huey
from sqlalchemy import insert, select
from tests.conftest import Cast, inbound

from minidesk import features, hints, jobs, outbox, periodic, settings
from minidesk.db import Database, utcnow
from minidesk.event_kinds import EventKind
from minidesk.events import Event
from minidesk.triage import retrain_job


def _replies_whose_hints_were_lost(
    client: TestClient,
    cast: Cast,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    count: int,
) -> list[int]:
    """``count`` agent replies committed to the outbox whose delivery hints never arrived;
    returns their outbox ids."""
    number = inbound(client, cast.alice, "Where is my order?", "sweep-1")["ticket_number"]
    earlier = set(_outbox(database))
    with monkeypatch.context() as held:
        held.setattr(hints, "outbox_due", lambda outbox_id, eta=None: None)
        for n in range(count):
            response = client.post(
                f"/api/v1/tickets/{number}/messages",
                json={"text": f"Reply {n}"},
                headers=cast.alice.headers,
            )
            assert response.status_code == 201, response.text
    return sorted(set(_outbox(database)) - earlier)


def _outbox(database: Database, ids: list[int] | None = None) -> dict[int, str]:
    query = select(outbox.OutboxItem.id, outbox.OutboxItem.status)
    if ids is not None:
        query = query.where(outbox.OutboxItem.id.in_(ids))
    with database.sessions() as session:
        return {item_id: status for item_id, status in session.execute(query)}


def _queued(config: settings.Settings) -> Huey:
    """A queue nobody consumes, so the test sees what the sweep put on it."""
    return jobs.configure(config.model_copy(update={"queue_url": "memory://"}))


def _run_queued(huey: Huey) -> list[str]:
    names = []
    while (task := huey.dequeue()) is not None:
        names.append(task.name)
        huey.execute(task)
    return names


def test_the_sweep_queues_a_backlog_of_deliveries_instead_of_sending_them(
    client: TestClient,
    cast: Cast,
    database: Database,
    config: settings.Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = _replies_whose_hints_were_lost(client, cast, database, monkeypatch, 3)
    backlog = _outbox(database, ids)
    assert list(backlog.values()) == [outbox.OutboxStatus.PENDING] * 3
    huey = _queued(config)

    counts = jobs.run_sweep(utcnow())

    assert counts["outbox"] == 3
    assert _outbox(database, ids) == backlog  # nothing was sent inside the sweep
    assert sorted(task.name for task in huey.pending()) == ["deliver"] * 3
    assert _run_queued(huey) == ["deliver"] * 3
    assert set(_outbox(database, ids).values()) == {outbox.OutboxStatus.SENT}


def test_with_immediate_jobs_the_sweep_still_delivers_the_backlog(
    client: TestClient, cast: Cast, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _replies_whose_hints_were_lost(client, cast, database, monkeypatch, 2)
    assert set(_outbox(database, ids).values()) == {outbox.OutboxStatus.PENDING}

    jobs.run_sweep(utcnow())

    assert set(_outbox(database, ids).values()) == {outbox.OutboxStatus.SENT}


@pytest.fixture
def slow_work(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A long job that is due, and a timer sweeper, each noting when it ran."""
    ran: list[str] = []

    def run(now: dt.datetime) -> int:
        ran.append("long")
        return 1

    def timers(now: dt.datetime) -> int:
        ran.append("timers")
        return 0

    _add_periodic_work(monkeypatch, periodic.LongJob("slow", is_due=lambda now: True, run=run))
    installed = features.sweepers()
    monkeypatch.setattr(features, "sweepers", lambda: (*installed, timers))
    return ran


def _add_periodic_work(monkeypatch: pytest.MonkeyPatch, job: periodic.LongJob) -> None:
    """``job`` as if an installed feature's manifest declared it."""
    installed = features.long_jobs()
    monkeypatch.setattr(features, "long_jobs", lambda: {**installed, job.name: job})


def test_due_long_work_is_queued_as_its_own_job_and_timers_run_without_waiting_for_it(
    database: Database, config: settings.Settings, slow_work: list[str]
) -> None:
    huey = _queued(config)

    counts = jobs.run_sweep(utcnow())

    assert slow_work == ["timers"]
    assert counts["slow"] == 1
    assert "long_job" in [task.name for task in huey.pending()]
    _run_queued(huey)
    assert slow_work == ["timers", "long"]


def test_with_immediate_jobs_due_long_work_still_runs(
    database: Database, slow_work: list[str]
) -> None:
    jobs.run_sweep(utcnow())

    assert sorted(slow_work) == ["long", "timers"]


def test_long_work_that_is_not_due_is_not_queued(
    database: Database,
    config: settings.Settings,
    slow_work: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job = features.long_jobs()["slow"]
    _add_periodic_work(monkeypatch, periodic.LongJob("slow", is_due=lambda now: False, run=job.run))
    huey = _queued(config)

    counts = jobs.run_sweep(utcnow())

    assert "slow" not in counts
    assert "long_job" not in [task.name for task in huey.pending()]
    assert slow_work == ["timers"]


def test_the_intent_retrain_is_long_work_not_a_sweeper() -> None:
    assert features.long_jobs()["intent_retrain"].run is retrain_job.run_due_retrain
    assert retrain_job.run_due_retrain not in features.sweepers()


def _events_whose_hints_were_lost(database: Database, count: int) -> None:
    """``count`` committed events no job was queued for (a worker killed between its commit
    and its hints leaves exactly this)."""
    with database.transaction() as session:
        session.execute(
            insert(Event),
            [
                {"kind": str(EventKind.NOTE_ADDED), "actor_type": "system", "data": {}}
                for _ in range(count)
            ],
        )


def _queued_event_ids(huey: Huey) -> list[int]:
    return sorted(
        event_id
        for task in huey.pending()
        if task.name == "dispatch_events"
        for event_id in task.args[0]
    )


def test_a_starting_worker_queues_every_undispatched_event_the_minute_sweep_a_bounded_share(
    database: Database, config: settings.Settings
) -> None:
    _events_whose_hints_were_lost(database, 1_300)
    huey = _queued(config)

    assert jobs.run_sweep(utcnow())["events"] == 500  # the minute's share of a backlog
    huey.flush()

    counts = jobs.run_sweep(utcnow(), everything=True)  # what a worker's start-up runs

    assert counts["events"] == 1_300
    queued = _queued_event_ids(huey)
    assert len(queued) == 1_300 and len(set(queued)) == 1_300
