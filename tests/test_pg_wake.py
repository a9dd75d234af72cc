"""PostgreSQL's wake-ups and drain lock (``pg_wake``): a committed NOTIFY wakes a listener, a
rolled-back one does not, and one process at a time holds the drain."""

from __future__ import annotations

import pytest
from tests.conftest import ON_POSTGRES

from minidesk import pg_wake
from minidesk.db import Database

postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="LISTEN/NOTIFY is PostgreSQL's")


@postgres_only
def test_a_listener_wakes_for_a_commit_and_not_for_a_rollback(database: Database) -> None:
    channel = pg_wake.channel_name("minidesk-test-wake", "inbox")
    listener = pg_wake.Listener(database.url, channel)
    try:
        assert listener.wait(0.05) is False
        with pytest.raises(RuntimeError), database.transaction() as session:
            pg_wake.notify(session, channel)
            raise RuntimeError("rolled back")
        assert listener.wait(0.2) is False
        with database.transaction() as session:
            pg_wake.notify(session, channel)
        assert listener.wait(5) is True
    finally:
        listener.close()


@postgres_only
def test_one_process_at_a_time_holds_the_drain(database: Database) -> None:
    first = pg_wake.AdvisoryLock(database.url, "minidesk-test-drain")
    second = pg_wake.AdvisoryLock(database.url, "minidesk-test-drain")
    try:
        assert first.take() and first.take()  # taking it again while held is a no-op
        assert not second.take()
        first.release()  # as when its process dies: the session ends
        assert second.take()
    finally:
        first.release()
        second.release()


def test_long_channel_names_stay_within_postgresql_limits() -> None:
    long = "desk-" + "x" * 60
    names = {pg_wake.channel_name(long, "inbox"), pg_wake.channel_name(long + "y", "inbox")}
    assert len(names) == 2
    assert all(len(name) <= pg_wake.NAME_BYTES and name.endswith(".inbox") for name in names)
    assert pg_wake.channel_name("minidesk", "inbox-done") == "minidesk.inbox-done"
