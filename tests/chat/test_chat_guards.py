"""What the chat socket refuses: other sites' pages, unknown channels, forged identities,
oversized or mislabelled attachments, bad frames and floods; each with a precise error
frame, after which the socket still works."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.websockets import WebSocketDisconnect
from tests.chat.conftest import PNG, b64, make_chat, say, until, user_hash, visitor
from tests.conftest import Cast, inbound

from minidesk import db
from minidesk.channels.chat.hub import RATE_BURST
from minidesk.channels.chat.models import ChatFile
from minidesk.desk.models import Attachment, Message, Ticket


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "https://shop.example.evil.example", "null", None]
)
def test_a_page_on_another_site_cannot_open_the_chat(
    client: TestClient, chat: int, origin: str | None
) -> None:
    with pytest.raises(WebSocketDisconnect) as refused, visitor(client, chat, origin=origin):
        pass
    assert refused.value.code == 4403


def test_an_unknown_or_switched_off_chat_is_refused(
    client: TestClient, cast: Cast, chat: int
) -> None:
    with pytest.raises(WebSocketDisconnect) as refused, visitor(client, chat + 100):
        pass
    assert refused.value.code == 4404
    off = client.patch(
        f"/api/v1/channels/{chat}", json={"enabled": False}, headers=cast.olivia.headers
    )
    assert off.status_code == 200
    with pytest.raises(WebSocketDisconnect) as refused, visitor(client, chat):
        pass
    assert refused.value.code == 4404


def _customer_of_line(seq: int) -> int:
    with db.get_db().sessions() as session:
        ticket_id = session.scalar(select(Message.ticket_id).where(Message.id == seq))
        return session.get_one(Ticket, ticket_id).customer_id


def test_a_stranger_typing_emmas_email_is_not_emma(
    client: TestClient, cast: Cast, chat: int
) -> None:
    known = inbound(client, cast.shop, "my order 1001", "e-1", email="emma@example.com")
    emma = _customer_of_line(int(str(known["message_id"])))
    # Typed, or signed with a wrong hash: the chat is the stranger's own, not Emma's.
    forged = user_hash("emma@example.com", secret="not-the-shop-secret-at-all")
    with visitor(client, chat, email="emma@example.com", user_hash=forged) as (socket, hello):
        assert until(socket, type="error")["error"] == "identity_rejected"
        assert hello["verified"] is False
        say(socket, "c-1", "refund my order 1001 please")
        line = until(socket, type="message", id="c-1")
    assert _customer_of_line(line["seq"]) != emma


def test_a_visitor_the_shop_signed_joins_the_known_customer(
    client: TestClient, cast: Cast, chat: int
) -> None:
    known = inbound(client, cast.shop, "my order 1001", "e-1", email="emma@example.com")
    emma = _customer_of_line(int(str(known["message_id"])))
    # Anonymous first, then signed in on the shop's site: the earlier chat joins Emma too.
    with visitor(client, chat) as (socket, hello):
        say(socket, "c-1", "hello?")
        before = until(socket, type="message", id="c-1")
    signed = {"email": "Emma@Example.com", "user_hash": user_hash("Emma@Example.com")}
    with visitor(client, chat, token=hello["token"], **signed) as (socket, again):
        assert again["verified"] is True
        say(socket, "c-2", "it's me, Emma")
        after = until(socket, type="message", id="c-2")
    assert _customer_of_line(after["seq"]) == emma
    assert _customer_of_line(before["seq"]) == emma  # merged


def test_attachments_within_the_limits_are_kept(client: TestClient, cast: Cast) -> None:
    chat = make_chat(client, cast, attachment_max_bytes=1000, attachment_types=["image/png"])
    with visitor(client, chat) as (socket, _):
        too_big = {"filename": "a.png", "content_type": "image/png", "data": b64(PNG * 20)}
        socket.send_json({"op": "message", "id": "c-1", "text": "", "attachments": [too_big]})
        assert until(socket, type="error", id="c-1")["error"] == "too_large"
        wrong = {"filename": "a.pdf", "content_type": "application/pdf", "data": b64(b"%PDF-1")}
        socket.send_json({"op": "message", "id": "c-2", "text": "x", "attachments": [wrong]})
        assert until(socket, type="error", id="c-2")["error"] == "attachment_type"
        # A page labelled as a picture: its bytes say otherwise.
        fake = {"filename": "a.png", "content_type": "image/png", "data": b64(b"<script>")}
        socket.send_json({"op": "message", "id": "c-3", "text": "x", "attachments": [fake]})
        assert until(socket, type="error", id="c-3")["error"] == "attachment_type"
        good = {"filename": "../photo.png", "content_type": "image/png", "data": b64(PNG)}
        say(socket, "c-4", "the damage", attachments=[good])
        line = until(socket, type="message", id="c-4")
    assert line["attachments"] == [
        {"filename": ".._photo.png", "content_type": "image/png", "size": len(PNG)}
    ]
    with db.get_db().sessions() as session:
        kept = session.scalars(select(Attachment).where(Attachment.message_id == line["seq"]))
        key = kept.one().storage_key or ""
        assert session.get_one(ChatFile, key.removeprefix("chat-file:")).data == PNG


def test_a_bad_frame_gets_an_error_and_the_socket_goes_on(client: TestClient, chat: int) -> None:
    with visitor(client, chat) as (socket, _):
        socket.send_text("not json")
        assert until(socket, type="error")["error"] == "invalid"
        socket.send_json({"op": "message", "id": "c-1", "text": "x" * 5000})
        bad = until(socket, type="error")
        assert (bad["error"], bad["id"]) == ("invalid", "c-1")
        assert "4000" in bad["detail"]
        socket.send_json({"op": "message", "id": "no spaces allowed", "text": "hi"})
        assert until(socket, type="error")["error"] == "invalid"
        socket.send_json({"op": "ping"})
        assert until(socket, type="pong")
        say(socket, "c-2", "still here")


def test_a_flood_is_rate_limited(client: TestClient, chat: int) -> None:
    with visitor(client, chat) as (socket, _):
        # Time stands still: on a loaded machine the burst must not have refilled meanwhile.
        client.app.state.chat.clock = lambda: 1000.0
        for n in range(RATE_BURST):
            socket.send_json({"op": "message", "id": f"c-{n}", "text": f"line {n}"})
        socket.send_json({"op": "message", "id": "c-over", "text": "one too many"})
        limited = until(socket, type="error", id="c-over")
        assert limited["error"] == "rate_limited" and limited["retry_after"] > 0
        for n in range(RATE_BURST):
            until(socket, type="ack", id=f"c-{n}")


def test_an_oversized_frame_is_refused_and_the_socket_goes_on(
    client: TestClient, cast: Cast
) -> None:
    chat = make_chat(client, cast, attachment_max_bytes=1000)
    with visitor(client, chat) as (socket, _):
        socket.send_text('{"op": "message", "id": "c-1", "text": "' + "x" * 100_000 + '"}')
        assert until(socket, type="error")["error"] == "too_large"
        say(socket, "c-2", "a normal line")


def test_a_hello_must_come_first(client: TestClient, chat: int) -> None:
    headers = {"origin": "https://shop.example"}
    with client.websocket_connect(f"/chat/ws?channel={chat}", headers=headers) as socket:
        socket.send_json({"op": "message", "id": "c-1", "text": "hi"})
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
    assert closed.value.code == 4400


def test_another_customer_signing_in_on_the_same_browser_gets_a_chat_of_their_own(
    client: TestClient, chat: int
) -> None:
    emma = {"email": "emma@example.com", "user_hash": user_hash("emma@example.com")}
    with visitor(client, chat, **emma) as (socket, hello):
        say(socket, "c-1", "my address is 1 Elm Street")
        line = until(socket, type="message", id="c-1")
    sam = {"email": "sam@example.com", "user_hash": user_hash("sam@example.com")}
    with visitor(client, chat, token=hello["token"], **sam) as (socket, again):
        assert again["visitor"] != hello["visitor"] and again["token"]
        assert until(socket, type="synced")["last_seq"] == 0  # none of Emma's lines
        say(socket, "c-1", "hello")
        sams = until(socket, type="message", id="c-1")
    assert _customer_of_line(sams["seq"]) != _customer_of_line(line["seq"])
