"""Email and password buy an API token; nothing else does."""

from __future__ import annotations

from fastapi.testclient import TestClient

from minidesk.db import Database
from minidesk.desk import users
from minidesk.desk.models import Role
from minidesk.events import SYSTEM

PASSWORD = "correct horse battery"


def _nia(database: Database) -> None:
    with database.transaction() as session:
        users.do_create_user(session, "nia@shop.example", Role.AGENT, SYSTEM, password=PASSWORD)


def test_nia_signs_in_and_uses_the_token(client: TestClient, database: Database) -> None:
    _nia(database)
    response = client.post(
        "/api/v1/auth/token", data={"username": "Nia@Shop.example", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"
    token = response.json()["access_token"]
    me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["email"] == "nia@shop.example"


def test_wrong_password_and_unknown_email_answer_alike(
    client: TestClient, database: Database
) -> None:
    _nia(database)
    wrong = client.post(
        "/api/v1/auth/token", data={"username": "nia@shop.example", "password": "nope-nope-nope"}
    )
    unknown = client.post(
        "/api/v1/auth/token", data={"username": "ghost@shop.example", "password": PASSWORD}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["type"].endswith("/invalid-credentials")


def test_openapi_offers_both_ways_to_authenticate(client: TestClient) -> None:
    schemes = client.get("/openapi.json").json()["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} == {"http", "oauth2"}
