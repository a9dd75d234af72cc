"""The quarantine and dead-letter page: an admin reads a quarantined message as plain text,
releases one (it becomes a ticket), deletes another, and sends a dead letter again; each is
audited, and none of it is open to a manager."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from tests.conftest import Cast, inbound
from tests.web.ui.admin.helpers import signed_in

from minidesk import db, inbox, outbox
from minidesk.channels.base import InboundMessage, Sender
from minidesk.event_kinds import EventKind
from minidesk.events import Event

HOSTILE = "<script>alert(1)</script> Where is my order?"


def _quarantined(key: str) -> int:
    message = InboundMessage(
        channel="api", external_id=key, sender=Sender(email="emma@example.com"), text=HOSTILE
    )
    return inbox.accept(message, status=inbox.InboxStatus.QUARANTINED, error="odd bytes").inbox_id


def _row(inbox_id: int) -> inbox.InboxItem | None:
    with db.get_db().sessions() as session:
        return session.get(inbox.InboxItem, inbox_id)


def _kinds() -> list[str]:
    with db.get_db().sessions() as session:
        return list(session.scalars(select(Event.kind).order_by(Event.id)))


def test_olivia_reads_releases_and_deletes_quarantined_messages(
    client: TestClient, cast: Cast
) -> None:
    kept, spam = _quarantined("q-1"), _quarantined("q-2")
    csrf = signed_in(client, cast.olivia.email)
    page = client.get("/admin/queues").text
    assert f'data-inbox="{kept}"' in page and "Why: odd bytes" in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page  # text, never markup
    released = client.post(f"/admin/inbox/{kept}/release", data={"csrf": csrf})
    assert f"Released message {kept}." in released.text
    row = _row(kept)
    assert row is not None and row.status == inbox.InboxStatus.DONE and row.ticket_id
    deleted = client.post(f"/admin/inbox/{spam}/delete", data={"csrf": csrf})
    assert f"Deleted message {spam}." in deleted.text and _row(spam) is None
    again = client.post(f"/admin/inbox/{kept}/delete", data={"csrf": csrf})
    assert "is not failed or quarantined" in again.text and _row(kept) is not None
    assert EventKind.INBOX_RETRIED in _kinds() and EventKind.INBOX_DISCARDED in _kinds()


def test_olivia_sends_a_dead_letter_again(client: TestClient, cast: Cast) -> None:
    number = inbound(client, cast.shop, "Hello?", "d-1")["ticket_number"]
    reply = client.post(
        f"/api/v1/tickets/{number}/messages", json={"text": "Hi!"}, headers=cast.alice.headers
    )
    assert reply.status_code == 201, reply.text
    ours = outbox.OutboxItem.message_id == reply.json()["id"]
    with db.get_db().transaction() as session:
        dead = {"status": outbox.OutboxStatus.DEAD, "last_error": "550 mailbox full"}
        session.execute(update(outbox.OutboxItem).where(ours).values(**dead))
        item = session.scalars(select(outbox.OutboxItem.id).where(ours)).one()
    csrf = signed_in(client, cast.olivia.email)
    page = client.get("/admin/queues").text
    assert f'data-outbox="{item}"' in page and "550 mailbox full" in page
    sent = client.post(f"/admin/dead-letters/{item}/retry", data={"csrf": csrf})
    assert f"Delivery {item} will be sent again." in sent.text
    with db.get_db().sessions() as session:
        assert session.get_one(outbox.OutboxItem, item).status != outbox.OutboxStatus.DEAD
    assert EventKind.DELIVERY_REPLAYED in _kinds()


def test_a_manager_and_a_forged_form_change_nothing(client: TestClient, cast: Cast) -> None:
    kept = _quarantined("q-3")
    csrf = signed_in(client, cast.maya.email)
    assert client.get("/admin/queues").status_code == 403
    assert client.post(f"/admin/inbox/{kept}/delete", data={"csrf": csrf}).status_code == 403
    signed_in(client, cast.olivia.email)
    assert client.post(f"/admin/inbox/{kept}/delete", data={"csrf": "x"}).status_code == 403
    row = _row(kept)
    assert row is not None and row.status == inbox.InboxStatus.QUARANTINED


def test_the_api_deletes_a_quarantined_message(client: TestClient, cast: Cast) -> None:
    spam = _quarantined("q-4")
    gone = client.delete(f"/api/v1/admin/inbox/{spam}", headers=cast.olivia.headers)
    assert gone.status_code == 204 and _row(spam) is None
    again = client.delete(f"/api/v1/admin/inbox/{spam}", headers=cast.olivia.headers)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
