"""Releasing a quarantined email from the admin page reads its stored original again, as the
email API's retry does: a mail that still cannot be read stays, with the reason shown."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.email.conftest import fixture
from tests.email.mailflow import receive
from tests.web.ui.admin.helpers import signed_in

from minidesk import db, inbox


def test_an_unreadable_mail_stays_quarantined_with_its_reason(
    client: TestClient, cast: Cast, support: int
) -> None:
    received = receive(fixture("broken_no_sender.eml"))
    csrf = signed_in(client, cast.olivia.email)
    assert f'data-inbox="{received.inbox_id}"' in client.get("/admin/queues").text
    answer = client.post(f"/admin/inbox/{received.inbox_id}/release", data={"csrf": csrf})
    assert f"Message {received.inbox_id} stays quarantined: no sender address" in answer.text
    with db.get_db().sessions() as session:
        row = session.get_one(inbox.InboxItem, received.inbox_id)
        assert row.status == inbox.InboxStatus.QUARANTINED
