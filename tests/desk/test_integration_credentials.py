"""Only an integration credential vouches for who a customer is; any other token's message is
kept, unverified, with who posted it — and the bot then moves no money and tells nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, Person, inbound, money_moved
from tests.resolutions.conftest import EMMA, replies
from typer.testing import CliRunner

from minidesk import inbox, settings
from minidesk.cli import app
from minidesk.db import Database
from minidesk.desk.models import ApiToken, Message, TokenKind

PROBLEMS = "https://minidesk.dev/problems/"




def posted(database: Database, message_id: object) -> tuple[dict[str, object], Message]:
    """The inbox row's sender and credential, and the message row, of one accepted message."""
    with database.sessions() as session:
        message = session.get_one(Message, message_id)
        assert message.inbox_id is not None
        row = session.get_one(inbox.InboxItem, message.inbox_id)
        session.expunge(message)
        return row.payload, message


def test_an_agent_posting_as_a_customer_moves_no_money(
    client: TestClient, cast: Cast, store: Database
) -> None:
    # alice may not refund; on main her token vouched for Emma and the bot refunded $25.
    first = inbound(client, cast.alice, "I want a refund of $25 for order 1003", "a1", email=EMMA)
    number = first["ticket_number"]
    inbound(client, cast.alice, "YES REFUND", "a2", email=EMMA)
    assert money_moved(store) == 0
    said = " ".join(replies(store, int(number)))  # type: ignore[arg-type]
    assert "Visa" not in said and "4242" not in said  # no payment or order details either
    payload, message = posted(store, first["message_id"])
    assert payload["sender"]["verified"] is False  # type: ignore[index]
    assert payload["via"]["user_id"] == cast.alice.id  # type: ignore[index]
    assert message.posted_by_id == cast.alice.id and message.token_id is not None


def test_the_shops_integration_vouches_and_is_recorded_on_the_message(
    client: TestClient, cast: Cast, store: Database
) -> None:
    first = inbound(client, cast.shop, "I want a refund of $25 for order 1003", "s1", email=EMMA)
    inbound(client, cast.shop, "YES REFUND", "s2", email=EMMA)
    assert money_moved(store) == 2500
    payload, message = posted(store, first["message_id"])
    assert payload["sender"]["verified"] is True  # type: ignore[index]
    assert payload["via"]["client"] == "integration:shop-app"  # type: ignore[index]
    assert message.posted_by_id == cast.shop.id


def test_only_admins_create_integration_credentials(
    client: TestClient, cast: Cast, database: Database
) -> None:
    body = {"name": "Chat-Backend", "user_id": cast.shop.id}
    for who in (cast.alice, cast.maya):
        refused = client.post("/api/v1/integrations", json=body, headers=who.headers)
        assert refused.status_code == 403
    made = client.post("/api/v1/integrations", json=body, headers=cast.olivia.headers)
    assert made.status_code == 201, made.text
    created = made.json()
    assert (created["kind"], created["integration"]) == ("integration", "chat-backend")
    assert created["expires_at"] is None  # long-lived, but revocable
    listed = client.get("/api/v1/integrations", headers=cast.olivia.headers).json()["items"]
    assert [t["integration"] for t in listed] == ["shop-app", "chat-backend"]
    chat = Person(cast.shop.id, cast.shop.email, created["token"], cast.shop.role)
    payload, _ = posted(database, inbound(client, chat, "hello", "c1")["message_id"])
    assert payload["sender"]["verified"] is True  # type: ignore[index]
    gone = client.delete(f"/api/v1/integrations/{created['id']}", headers=cast.olivia.headers)
    assert gone.status_code == 204
    body = {"customer": {"email": EMMA}, "text": "hi", "external_id": "c2"}
    refused = client.post("/api/v1/inbound/messages", json=body, headers=chat.headers)
    assert refused.status_code == 401
    assert refused.json()["type"] == PROBLEMS + "invalid-token"
    # A personal token is not an integration to revoke through this resource.
    mine = client.get("/api/v1/auth/tokens", headers=cast.alice.headers).json()["items"][0]
    absent = client.delete(f"/api/v1/integrations/{mine['id']}", headers=cast.olivia.headers)
    assert absent.status_code == 404


def test_an_agent_posting_as_a_customer_learns_nothing_about_their_orders(
    client: TestClient, cast: Cast, store: Database
) -> None:
    asked = inbound(client, cast.alice, "where is my order 1001?", "w1", email=EMMA)
    said = " ".join(replies(store, int(asked["ticket_number"])))  # type: ignore[arg-type]
    assert "1Z" not in said and "USPS" not in said
    told = inbound(client, cast.shop, "where is my order 1001?", "w2", email=EMMA, thread="w")
    assert "1Z" in " ".join(replies(store, int(told["ticket_number"])))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "no spaces/or slashes", "user_id": 1},
        {"name": "ok", "user_id": 2**40},
        {"name": "ok", "user_id": 999_999},
    ],
)
def test_an_integration_needs_a_plain_name_and_a_user(
    client: TestClient, cast: Cast, body: dict[str, object]
) -> None:
    refused = client.post("/api/v1/integrations", json=body, headers=cast.olivia.headers)
    assert refused.status_code == 422
    huge = client.delete(f"/api/v1/integrations/{2**40}", headers=cast.olivia.headers)
    assert huge.status_code == 422


def test_the_cli_makes_an_integration_credential(
    database: Database, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    current = settings.get_settings()
    monkeypatch.setenv("MINIDESK_DATABASE_URL", current.database_url)
    monkeypatch.setenv("MINIDESK_SECRET_KEY", "test-secret-key-of-32-bytes-or-more")
    monkeypatch.setenv("MINIDESK_QUEUE_URL", "memory://")
    result = CliRunner().invoke(
        app, ["token", "create", cast.shop.email, "--integration", "helpdesk-widget"]
    )
    assert result.exit_code == 0, result.output
    with database.sessions() as session:
        token = session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).first()
        assert token is not None
        assert (token.kind, token.integration, token.name) == (
            TokenKind.INTEGRATION,
            "helpdesk-widget",
            "helpdesk-widget",
        )
        assert token.expires_at is None
