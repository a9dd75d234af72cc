"""Attachments download only for agents who may see their ticket, always as a download with a
type that cannot run script in the desk's origin."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast
from tests.desk.visibility_world import _ticket, restrict
from tests.web.ui.admin.helpers import signed_in

from minidesk import db
from minidesk.channels.chat import files as chat_files
from minidesk.channels.email import store
from minidesk.desk.models import Attachment, Message

PAGE = b"<html><script>alert(document.cookie)</script></html>"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8


def _attach(number: int) -> dict[str, int]:
    """A Support ticket's first message with an HTML page (mail), a picture (chat) and an
    MMS picture Twilio hosts."""
    page, chat = store.blob(PAGE, "text/html"), store.blob(PNG, "image/png")
    with db.get_db().transaction() as session:
        message = session.scalars(select(Message).where(Message.ticket_id == number)).first()
        assert message is not None
        store.write(session, [page])
        chat_files.write(session, [chat_files.Checked("p.png", "image/png", PNG, chat.sha256)])
        rows = {
            "page": Attachment(
                filename='in"voice\r\n.html', content_type="text/html", size=len(PAGE),
                storage_key=page.key,
            ),
            "chat": Attachment(
                filename="photo.png", content_type="image/png", size=len(PNG),
                storage_key=chat_files.KEY_PREFIX + chat.sha256,
            ),
            "mms": Attachment(
                filename="mms.jpg", content_type="image/jpeg", size=10,
                url="https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
            ),
        }  # fmt: skip
        for row in rows.values():
            row.message_id = message.id
            session.add(row)
        session.flush()
        return {name: row.id for name, row in rows.items()}


def test_bob_outside_the_team_gets_404_and_a_stranger_401(client: TestClient, cast: Cast) -> None:
    number = _ticket("sam@example.com", "Sam", "Sofa", "Torn sofa", "att-1", cast.support_team)
    ids = _attach(number)
    restrict(client, cast)
    for attachment in ids.values():
        answer = client.get(f"/api/v1/attachments/{attachment}", headers=cast.bob.headers)
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
        assert PAGE not in answer.content
    assert client.get(f"/api/v1/attachments/{ids['page']}").status_code == 401
    assert client.get("/api/v1/attachments/999999", headers=cast.alice.headers).status_code == 404


def test_an_html_attachment_downloads_as_opaque_bytes_never_inline(
    client: TestClient, cast: Cast
) -> None:
    number = _ticket("sam@example.com", "Sam", "Sofa", "Torn sofa", "att-1", cast.support_team)
    ids = _attach(number)
    restrict(client, cast)
    answer = client.get(f"/api/v1/attachments/{ids['page']}", headers=cast.alice.headers)
    assert answer.status_code == 200 and answer.content == PAGE
    assert answer.headers["content-type"] == "application/octet-stream"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["content-security-policy"].startswith("sandbox")
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="invoice.html"; filename*=UTF-8')
    assert "\r" not in disposition and "\n" not in disposition


def test_a_chat_picture_downloads_and_provider_media_stays_metadata(
    client: TestClient, cast: Cast
) -> None:
    number = _ticket("sam@example.com", "Sam", "Sofa", "Torn sofa", "att-1", cast.support_team)
    ids = _attach(number)
    picture = client.get(f"/api/v1/attachments/{ids['chat']}", headers=cast.alice.headers)
    assert picture.status_code == 200 and picture.content == PNG
    assert picture.headers["content-type"] == "image/png"
    assert picture.headers["content-disposition"].startswith("attachment;")
    hosted = client.get(f"/api/v1/attachments/{ids['mms']}", headers=cast.alice.headers)
    assert hosted.status_code == 404 and "provider hosts it" in hosted.json()["detail"]

    messages = client.get(f"/api/v1/tickets/{number}/messages", headers=cast.alice.headers)
    listed = {a["id"]: a for a in messages.json()["items"][0]["attachments"]}
    assert listed[ids["chat"]]["download_url"] == f"/api/v1/attachments/{ids['chat']}"
    assert listed[ids["mms"]]["download_url"] is None
    assert listed[ids["mms"]]["url"].startswith("https://api.twilio.com/")
    assert "storage_key" not in listed[ids["page"]]


def test_the_ticket_page_links_stored_files_and_marks_provider_media(
    client: TestClient, cast: Cast
) -> None:
    number = _ticket("sam@example.com", "Sam", "Sofa", "Torn sofa", "att-1", cast.support_team)
    ids = _attach(number)
    signed_in(client, cast.alice.email)
    page = client.get(f"/tickets/{number}").text
    assert f'href="/api/v1/attachments/{ids["chat"]}" download' in page
    assert f'href="/api/v1/attachments/{ids["mms"]}"' not in page and "provider media" in page
    # The browser's session cookie is enough for a download (a GET changes nothing).
    assert client.get(f"/api/v1/attachments/{ids['chat']}").content == PNG
