"""On SQLite, accepted messages wait in the spool file and move into the inbox, under the same
id, when processed: never lost, never twice, whatever happens in between."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy import event as sa_event

from minidesk import hints, inbox, inbox_store, jobs, pipeline, spool
from minidesk.channels.base import InboundMessage, Sender
from minidesk.db import Database
from minidesk.desk.models import Message

pytestmark = pytest.mark.usefixtures("held")


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> None:
    """Accepted rows wait until the test processes them; listeners stay idle."""
    monkeypatch.setattr(hints, "inbox_accepted", lambda inbox_id: None)
    monkeypatch.setattr(hints, "events_committed", lambda event_ids: None)


@pytest.fixture
def the_spool(database: Database, monkeypatch: pytest.MonkeyPatch) -> spool.Spool:
    """The spool, its housekeeper held back so the tests see each stage."""
    monkeypatch.setattr(spool, "HOUSEKEEPING_SECONDS", 3600)
    found = spool.spool_of(database)
    if found is None:
        pytest.skip("PostgreSQL has no spool: accepts write the inbox directly")
    return found


def _message(key: str, text: str = "Where is my order #1234?") -> InboundMessage:
    return InboundMessage(
        channel="api", external_id=key, sender=Sender(email="emma@example.com"), text=text
    )


def _count(database: Database, model: type) -> int:
    with database.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_an_accepted_message_waits_in_the_spool_then_moves_to_the_inbox_under_its_id(
    database: Database, the_spool: spool.Spool
) -> None:
    accepted = inbox.accept(_message("s-1"))
    assert not accepted.duplicate
    assert _count(database, inbox.InboxItem) == 0
    assert the_spool.depth() == 1
    assert inbox.status_of(accepted.inbox_id) == inbox.Accepted(
        accepted.inbox_id, False, inbox.InboxStatus.PENDING
    )

    done = pipeline.process_batch([accepted.inbox_id], database)
    assert the_spool.prune() == 1  # the accepting process's housekeeper does this
    assert the_spool.depth() == 0
    state = inbox.status_of(accepted.inbox_id)
    assert state.status == inbox.InboxStatus.DONE
    assert (state.ticket_id, state.message_id) == (
        done[accepted.inbox_id].ticket_id,
        done[accepted.inbox_id].message_id,
    )


def test_a_redelivery_is_a_duplicate_at_every_stage(
    database: Database, the_spool: spool.Spool
) -> None:
    first = inbox.accept(_message("s-2"))
    waiting = inbox.accept(_message("s-2"))
    assert (waiting.inbox_id, waiting.duplicate, waiting.ticket_id) == (first.inbox_id, True, None)
    pipeline.process_batch([first.inbox_id], database)
    processed = inbox.accept(_message("s-2"))
    assert (processed.inbox_id, processed.duplicate) == (first.inbox_id, True)
    assert processed.ticket_id is not None
    assert _count(database, Message) == 1


def test_rows_taken_in_but_not_yet_forgotten_are_never_processed_twice(
    database: Database, the_spool: spool.Spool
) -> None:
    ids = [inbox.accept(_message(f"s-3-{i}", f"message {i}")).inbox_id for i in range(5)]
    assert set(pipeline.process_batch(ids, database)) == set(ids)
    # Until the housekeeper prunes them (or if the process that accepted them died), a sweep
    # or a redelivered hint finds them again: taken in already, so nothing happens.
    assert the_spool.depth() == 5
    assert pipeline.process_batch(the_spool.newer(0, 100), database) == {}
    assert _count(database, Message) == 5
    assert _count(database, inbox.InboxItem) == 5
    jobs.run_sweep(inbox.utcnow())  # prunes first, whichever process runs it
    assert the_spool.depth() == 0


def test_pruning_forgets_a_redelivery_that_raced_its_original(
    database: Database, the_spool: spool.Spool
) -> None:
    first = inbox.accept(_message("race-1"))
    pipeline.process_batch([first.inbox_id], database)
    the_spool.prune()
    # The original was taken in and forgotten between the redelivery's inbox check and its
    # spool insert: the spool holds the key again, under a new id the inbox will never have.
    late = the_spool.put([{**the_spool_row(first.inbox_id, database), "id": None}])
    assert list(late.values()) != [first.inbox_id]
    assert pipeline.process_batch(list(late.values()), database) == {}
    assert the_spool.prune() == 1
    assert _count(database, Message) == 1


def the_spool_row(inbox_id: int, database: Database) -> dict[str, object]:
    with database.sessions() as session:
        row = session.get_one(inbox.InboxItem, inbox_id)
        return {
            "channel": row.channel,
            "channel_id": row.channel_id,
            "external_id": row.external_id,
            "payload": row.payload,
            "status": inbox.InboxStatus.PENDING,
            "error": None,
            "received_at": row.received_at,
        }


def test_the_accepting_process_prunes_and_checkpoints_by_itself(
    database: Database, the_spool: spool.Spool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spool, "HOUSEKEEPING_SECONDS", 0.05)
    accepted = inbox.accept(_message("h-1"))
    pipeline.process_batch([accepted.inbox_id], database)
    deadline = time.monotonic() + 10
    while the_spool.depth() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert the_spool.depth() == 0


def test_a_group_of_accepts_answers_each_message_and_spots_duplicates_among_them(
    database: Database,
) -> None:
    """(On PostgreSQL too: one INSERT for the group, into the inbox itself.)"""
    inbox.accept(_message("g-0"))
    group = [_message("g-1"), _message("g-2"), _message("g-1"), _message("g-0")]
    answers = inbox.accept_many(group)
    assert [a.duplicate for a in answers] == [False, False, True, True]
    assert answers[2].inbox_id == answers[0].inbox_id
    assert len({a.inbox_id for a in answers}) == 3
    done = pipeline.process_batch([a.inbox_id for a in answers], database)
    assert len(done) == 3
    assert _count(database, Message) == 3


def test_a_quarantined_message_is_taken_in_but_never_processed(
    database: Database, the_spool: spool.Spool
) -> None:
    accepted = inbox.accept(
        _message("q-1"), status=inbox.InboxStatus.QUARANTINED, error="unreadable charset"
    )
    assert pipeline.process_batch([accepted.inbox_id], database) == {}
    with database.sessions() as session:
        row = session.get_one(inbox.InboxItem, accepted.inbox_id)
        assert (row.status, row.error) == (inbox.InboxStatus.QUARANTINED, "unreadable charset")
    assert the_spool.prune() == 1
    assert _count(database, Message) == 0


CLAIM = "UPDATE inbox SET status=? WHERE"  # ``inbox.claim``'s statement (SQLite's style)


def test_rows_moving_in_are_claimed_by_their_insert_and_a_retry_by_an_update(
    database: Database, the_spool: spool.Spool, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [inbox.accept(_message(f"c-{i}", f"message {i}")).inbox_id for i in range(3)]
    statements: list[str] = []

    def seen(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        statements.append(statement.split("(", maxsplit=1)[0].strip())

    sa_event.listen(Engine, "before_cursor_execute", seen)
    try:
        real = pipeline._triage

        def fussy(session: Any, ticket: Any, row: Any, *args: Any) -> None:
            if row.values["text"] == "message 1":
                raise RuntimeError("triage exploded")
            real(session, ticket, row, *args)

        monkeypatch.setattr(pipeline, "_triage", fussy)
        assert set(pipeline.process_batch(ids, database)) == {ids[0], ids[2]}
        # The rows came in claimed (done) with the INSERT that moved them: no claim's UPDATE
        # (the failed one's attempt is recorded, and leaves it pending).
        assert not [s for s in statements if s.startswith(CLAIM)]
        monkeypatch.setattr(pipeline, "_triage", real)
        statements.clear()
        # Its retry finds it in the inbox already: ``inbox.claim`` takes it.
        assert set(pipeline.process_batch(ids, database)) == {ids[1]}
        assert [s for s in statements if s.startswith(CLAIM)]
    finally:
        sa_event.remove(Engine, "before_cursor_execute", seen)
    assert pipeline.process_batch(ids, database) == {}
    with database.sessions() as session:
        rows = session.scalars(select(inbox.InboxItem).order_by(inbox.InboxItem.id)).all()
        assert [(r.id, r.status, r.attempts) for r in rows] == [
            (ids[0], inbox.InboxStatus.DONE, 0),
            (ids[1], inbox.InboxStatus.DONE, 1),
            (ids[2], inbox.InboxStatus.DONE, 0),
        ]
    assert _count(database, Message) == 3


def test_a_new_spool_file_never_reuses_an_inbox_id(
    database: Database, the_spool: spool.Spool
) -> None:
    first = inbox.accept(_message("n-1"))
    pipeline.process_batch([first.inbox_id], database)
    # An operator deletes the spool file while nothing waits in it.
    spool.close(database)
    the_spool.path.unlink()
    second = inbox.accept(_message("n-2"))
    assert second.inbox_id > first.inbox_id
    pipeline.process_batch([second.inbox_id], database)
    assert _count(database, Message) == 2


def test_accepts_never_checkpoint_the_spool_themselves(
    database: Database, the_spool: spool.Spool
) -> None:
    """A checkpoint fsyncs; the spool's own thread does it, never the accept that crossed
    the WAL's size limit."""
    for i in range(20):
        inbox.accept(_message(f"w-{i}"))
    with the_spool.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    the_spool.checkpoint()
    with the_spool.reader.connect() as conn:
        busy, frames, done = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
    assert busy == 0 and frames == done


def test_the_duplicate_checks_search_an_index_rather_than_scan(
    database: Database, the_spool: spool.Spool
) -> None:
    """Every accept runs them; a scan would grow with the inbox (it once did)."""
    params = inbox.key_params([(1, "a"), (2, "b")])
    for engine, statement in ((database.engine, inbox._KNOWN), (the_spool.reader, spool._FIND)):
        with engine.connect() as conn:
            sql = statement.params(**params).compile(
                conn, compile_kwargs={"literal_binds": True, "render_postcompile": True}
            )
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
        details = " ".join(row[-1] for row in plan)
        assert "SEARCH" in details and "SCAN" not in details, details


def test_the_waiting_requests_reader_sees_each_row_as_the_inbox_holds_it(
    database: Database,
) -> None:
    ids = [inbox.accept(_message(key), db=database).inbox_id for key in ("r1", "r2")]
    reader = inbox_store.store_of(database).state_reader()
    try:
        assert reader.states(ids) == inbox.states(ids, database)  # spooled, or pending
        pipeline.process_batch(ids[:1], database)
        after = reader.states(ids)
        assert after == inbox.states(ids, database)
        assert after[ids[0]].status == inbox.InboxStatus.DONE
        assert after[ids[0]].ticket_id is not None and after[ids[0]].message_id is not None
        assert reader.states([]) == {}
    finally:
        reader.close()
