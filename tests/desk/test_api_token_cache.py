"""API tokens are remembered for a few seconds per process, never past a revocation here."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from tests.conftest import Cast, Person, inbound

from minidesk.db import Database, utcnow
from minidesk.desk.models import ApiToken, User
from minidesk.web import tokens


def _post(client: TestClient, who: Person, external_id: str) -> int:
    body = {"customer": {"email": "emma@example.com"}, "text": "Hi", "external_id": external_id}
    headers = {**who.headers, "Prefer": "respond-async"}
    return client.post("/api/v1/inbound/messages", json=body, headers=headers).status_code


def _new_token(client: TestClient, cast: Cast) -> tuple[Person, int]:
    made = client.post(
        f"/api/v1/users/{cast.alice.id}/tokens", json={"name": "app"}, headers=cast.olivia.headers
    ).json()
    return Person(cast.alice.id, cast.alice.email, made["token"], cast.alice.role), made["id"]


def test_a_token_revoked_here_is_refused_at_once_though_cached(
    client: TestClient, cast: Cast
) -> None:
    app, token_id = _new_token(client, cast)
    assert _post(client, app, "cache-1") == 202  # now cached
    revoked = client.delete(
        f"/api/v1/users/{cast.alice.id}/tokens/{token_id}", headers=cast.olivia.headers
    )
    assert revoked.status_code == 204
    assert _post(client, app, "cache-2") == 401


def test_a_user_deactivated_here_loses_the_inbound_channel_at_once(
    client: TestClient, cast: Cast
) -> None:
    inbound(client, cast.alice, "Hello", "cache-3")  # alice's token is cached
    deactivated = client.patch(
        f"/api/v1/users/{cast.alice.id}", json={"active": False}, headers=cast.olivia.headers
    )
    assert deactivated.status_code == 200
    assert _post(client, cast.alice, "cache-4") == 401


def test_a_revocation_by_another_process_counts_within_the_cache_window(
    client: TestClient, cast: Cast, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1000.0]
    monkeypatch.setattr(tokens, "_clock", lambda: now[0])
    app, token_id = _new_token(client, cast)
    assert _post(client, app, "cache-5") == 202
    # What `minidesk` in another process does: a committed change this process never sees.
    with database.transaction() as session:
        session.execute(update(ApiToken).where(ApiToken.id == token_id).values(revoked_at=utcnow()))
    assert _post(client, app, "cache-6") == 202  # the documented window
    now[0] += tokens.CACHE_SECONDS + 0.1
    assert _post(client, app, "cache-7") == 401


def test_other_routes_see_a_deactivation_elsewhere_at_once(
    client: TestClient, cast: Cast, database: Database
) -> None:
    """Routes that load the user read its row on every request, so only the inbound channel
    (which needs no more than the token) has the window."""
    assert client.get("/api/v1/users/me", headers=cast.bob.headers).status_code == 200
    with database.transaction() as session:
        session.execute(update(User).where(User.id == cast.bob.id).values(active=False))
    refused = client.get("/api/v1/users/me", headers=cast.bob.headers)
    assert refused.status_code == 401
    assert refused.json()["type"].endswith("/invalid-token")
