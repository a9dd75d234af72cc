"""Tokens expire (the 5 s cache never lets an expired one through), rotate atomically, and
their owner lists and revokes them."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, Person
from typer.testing import CliRunner

from minidesk import settings
from minidesk.cli import app
from minidesk.db import Database, utcnow
from minidesk.desk import users
from minidesk.desk.models import Role
from minidesk.desk.tokens import access_token
from minidesk.events import SYSTEM
from minidesk.web import tokens

PROBLEMS = "https://minidesk.dev/problems/"
ME = "/api/v1/users/me"
PASSWORD = "correct horse battery"


def sign_in(client: TestClient, database: Database) -> Person:
    with database.transaction() as session:
        nia = users.do_create_user(
            session, "nia@shop.example", Role.AGENT, SYSTEM, password=PASSWORD
        )
        person = Person(nia.id, nia.email, "", Role.AGENT)
    answer = client.post("/api/v1/auth/token", data={"username": nia.email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    person.token = answer.json()["access_token"]
    return person


def later(monkeypatch: pytest.MonkeyPatch, delta: dt.timedelta) -> None:
    """The wall clock moves on; the cache's own clock does not (its entries stay fresh)."""
    moved = utcnow() + delta
    monkeypatch.setattr(tokens, "_now", lambda: moved)


def test_a_sign_in_token_expires_after_the_lifetime_even_while_cached(
    client: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = sign_in(client, database)
    assert client.get(ME, headers=alice.headers).status_code == 200  # now cached
    mine = client.get("/api/v1/auth/tokens", headers=alice.headers).json()["items"]
    expires = dt.datetime.fromisoformat(mine[-1]["expires_at"])
    lifetime = dt.timedelta(days=settings.get_settings().token_lifetime_days)
    assert abs(expires - (utcnow() + lifetime)) < dt.timedelta(minutes=1)
    later(monkeypatch, lifetime - dt.timedelta(minutes=1))
    assert client.get(ME, headers=alice.headers).status_code == 200
    later(monkeypatch, lifetime + dt.timedelta(seconds=1))
    expired = client.get(ME, headers=alice.headers)
    assert expired.status_code == 401
    assert expired.json()["type"] == PROBLEMS + "token-expired"
    tokens.forget_all()  # and from the database, not only the cache
    assert client.get(ME, headers=alice.headers).json()["type"] == PROBLEMS + "token-expired"


def test_rotation_gives_a_successor_and_retires_the_old_token_at_once(
    client: TestClient, cast: Cast
) -> None:
    rotated = client.post("/api/v1/auth/token/rotate", headers=cast.alice.headers)
    assert rotated.status_code == 201, rotated.text
    successor = rotated.json()
    assert successor["kind"] == "personal" and successor["name"] == "tests"
    assert successor["expires_at"] is not None
    old = client.get(ME, headers=cast.alice.headers)
    assert old.status_code == 401 and old.json()["type"] == PROBLEMS + "invalid-token"
    new = {"Authorization": f"Bearer {successor['token']}"}
    assert client.get(ME, headers=new).json()["email"] == cast.alice.email
    listed = client.get("/api/v1/auth/tokens", headers=new).json()["items"]
    assert [(t["id"], t["revoked_at"] is None) for t in listed][-2:] == [
        (listed[-2]["id"], False),
        (successor["id"], True),
    ]
    again = client.post("/api/v1/auth/token/rotate", headers=cast.alice.headers)
    assert again.status_code == 401  # the old token rotates nothing any more


def test_you_revoke_your_own_tokens_only(client: TestClient, cast: Cast) -> None:
    bobs = client.get("/api/v1/auth/tokens", headers=cast.bob.headers).json()["items"][0]
    refused = client.delete(f"/api/v1/auth/tokens/{bobs['id']}", headers=cast.alice.headers)
    assert refused.status_code == 404
    assert client.get(ME, headers=cast.bob.headers).status_code == 200
    mine = client.get("/api/v1/auth/tokens", headers=cast.alice.headers).json()["items"][0]
    gone = client.delete(f"/api/v1/auth/tokens/{mine['id']}", headers=cast.alice.headers)
    assert gone.status_code == 204
    assert client.get(ME, headers=cast.alice.headers).status_code == 401


def test_an_integration_token_lives_until_revoked(client: TestClient, cast: Cast) -> None:
    [shop] = client.get("/api/v1/integrations", headers=cast.olivia.headers).json()["items"]
    assert shop["expires_at"] is None


@pytest.mark.parametrize(
    ("expires_in", "lifetime"),
    [
        ("2h", dt.timedelta(hours=2)),
        ("90d", dt.timedelta(days=90)),
        ("never", None),
        (None, dt.timedelta(days=30)),
    ],
)
def test_the_cli_sets_a_tokens_lifetime(
    database: Database,
    cast: Cast,
    monkeypatch: pytest.MonkeyPatch,
    expires_in: str | None,
    lifetime: dt.timedelta | None,
) -> None:
    current = settings.get_settings()
    monkeypatch.setenv("MINIDESK_DATABASE_URL", current.database_url)
    monkeypatch.setenv("MINIDESK_SECRET_KEY", "test-secret-key-of-32-bytes-or-more")
    monkeypatch.setenv("MINIDESK_QUEUE_URL", "memory://")
    args = ["token", "create", cast.alice.email]
    if expires_in:
        args += ["--expires-in", expires_in]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    with database.sessions() as session:
        token = access_token(session, result.stdout.strip())
        if lifetime is None:
            assert token.expires_at is None
        else:
            assert token.expires_at is not None
            assert abs(token.expires_at - (utcnow() + lifetime)) < dt.timedelta(minutes=1)


def test_the_cli_refuses_a_lifetime_it_cannot_read(database: Database, cast: Cast) -> None:
    result = CliRunner().invoke(app, ["token", "create", cast.alice.email, "--expires-in", "soon"])
    assert result.exit_code == 2
    assert "30d, 12h, 90m or never" in result.output


def test_two_rotations_of_one_token_at_once_give_one_successor(
    client: TestClient, cast: Cast
) -> None:
    with ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(
                lambda _: client.post("/api/v1/auth/token/rotate", headers=cast.alice.headers),
                range(4),
            )
        )
    [won] = [a for a in answers if a.status_code == 201]
    assert {a.status_code for a in answers if a is not won} <= {401, 409}
    successor = {"Authorization": f"Bearer {won.json()['token']}"}
    listed = client.get("/api/v1/auth/tokens", headers=successor).json()["items"]
    assert [t["revoked_at"] is None for t in listed] == [False, True]
