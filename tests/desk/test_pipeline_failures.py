"""Processing failures keep the message: counted, parked after retries, retryable by an admin."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast

from minidesk import inbox, pipeline
from minidesk.channels.base import InboundMessage, Sender
from minidesk.db import Database


def test_a_message_that_keeps_failing_is_parked_then_retried_by_an_admin(
    client: TestClient, cast: Cast, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = InboundMessage(
        channel="api", external_id="bad-1", sender=Sender(email="emma@example.com"), text="hello"
    )

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("triage exploded")

    monkeypatch.setattr(pipeline, "_triage", broken)
    accepted = inbox.accept(message)  # immediate jobs: the first attempt runs here
    for _ in range(pipeline.MAX_ATTEMPTS - 1):
        with pytest.raises(RuntimeError):
            pipeline.process(accepted.inbox_id)
    with database.sessions() as session:
        row = session.get_one(inbox.InboxItem, accepted.inbox_id)
        assert row.status == inbox.InboxStatus.FAILED
        assert row.attempts == pipeline.MAX_ATTEMPTS
        assert "triage exploded" in (row.error or "")

    listed = client.get("/api/v1/admin/inbox", headers=cast.olivia.headers).json()["items"]
    assert [item["id"] for item in listed] == [accepted.inbox_id]
    assert client.get("/api/v1/admin/inbox", headers=cast.alice.headers).status_code == 403

    monkeypatch.undo()
    retried = client.post(
        f"/api/v1/admin/inbox/{accepted.inbox_id}/retry", headers=cast.olivia.headers
    )
    assert retried.status_code == 202
    with database.sessions() as session:
        row = session.scalars(select(inbox.InboxItem)).one()
        assert row.status == inbox.InboxStatus.DONE
        assert row.message_id is not None
