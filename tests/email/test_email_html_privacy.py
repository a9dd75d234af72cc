"""HTML from customers is shown to agents without phoning home: remote images (tracking
pixels) lose their source, inline ``cid:`` and small ``data:`` images stay; the admin's
quarantine list shows quarantined HTML sanitised like a ticket's."""

from __future__ import annotations

import base64
from email.message import EmailMessage

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast
from tests.email.mailflow import receive

from minidesk.channels.email.receive import Outcome
from minidesk.db import Database
from minidesk.desk.models import Direction, Message

PIXEL = base64.b64encode(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;").decode()
HUGE = base64.b64encode(b"\x89PNG" + b"\x00" * 300_000).decode()


def _html_mail(html: str, sender: str = "Emma <emma@example.com>") -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = "support@shop.example"
    mail["Subject"] = "Photo of the damage"
    mail.set_content("See the photo.")
    mail.add_alternative(html, subtype="html")
    return mail.as_bytes()


def test_remote_images_are_stripped_and_inline_ones_kept(support: int, database: Database) -> None:
    html = (
        '<p>See <img src="https://tracker.example/open.gif?u=emma" alt="pixel">'
        '<img src="//tracker.example/p.gif"><img src="cid:photo@example.com" alt="photo">'
        f'<img src="data:image/gif;base64,{PIXEL}" alt="small">'
        f'<img src="data:image/png;base64,{HUGE}" alt="huge">'
        '<img src="data:text/html;base64,PHNjcmlwdD4=" alt="not an image">'
        '<a href="data:text/html;base64,PHNjcmlwdD4=">click</a>'
        '<a href="https://shop.example/order/1001">order</a></p>'
    )
    assert receive(_html_mail(html)).outcome == Outcome.ACCEPTED
    with database.sessions() as session:
        inbound = select(Message.html).where(Message.direction == Direction.INBOUND)
        stored = session.scalars(inbound).one()
    assert stored is not None
    assert "tracker.example" not in stored
    assert 'src="cid:photo@example.com"' in stored
    assert f'src="data:image/gif;base64,{PIXEL}"' in stored
    assert HUGE[:50] not in stored and "data:text/html" not in stored
    assert 'alt="pixel"' in stored and 'alt="huge"' in stored
    assert 'href="https://shop.example/order/1001"' in stored


def test_the_quarantine_list_shows_sanitised_html(
    support: int, client: TestClient, cast: Cast
) -> None:
    html = ('<p onclick="steal()">Hi<script>alert(1)</script>'
            '<img src="https://tracker.example/q.gif"></p>')  # fmt: skip
    # From our own address: a mail loop, quarantined with its HTML.
    received = receive(_html_mail(html, sender="support@shop.example"))
    assert received.outcome == Outcome.QUARANTINED
    listed = client.get("/api/v1/admin/inbox", headers=cast.olivia.headers).json()["items"]
    [row] = [item for item in listed if item["id"] == received.inbox_id]
    shown = row["payload"]["html"]
    assert "Hi" in shown
    assert "<script" not in shown and "onclick" not in shown and "tracker.example" not in shown
