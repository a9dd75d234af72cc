"""Insights tests' shared steps: a customer's conversation on the API channel, solved by
Olivia, and the survey the minute sweep then sends."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound

from minidesk.db import Database, utcnow
from minidesk.insights.models import Survey

LINK = re.compile(r"/s/([0-9]+\.[A-Za-z0-9_-]{22})")


def open_ticket(
    client: TestClient, cast: Cast, external_id: str = "m1", *, thread: str | None = None,
    email: str = "emma@example.com",
) -> int:  # fmt: skip
    body = inbound(client, cast.shop, "Where is my parcel?", external_id, email=email,
                   thread=thread)  # fmt: skip
    return int(str(body["ticket_number"]))


def set_status(client: TestClient, cast: Cast, ticket: int, status: str) -> None:
    response = client.patch(
        f"/api/v1/tickets/{ticket}", json={"status": status}, headers=cast.olivia.headers
    )
    assert response.status_code == 200, response.text


def configure(client: TestClient, cast: Cast, **settings: object) -> None:
    response = client.patch("/api/v1/surveys/settings", json=settings, headers=cast.maya.headers)
    assert response.status_code == 200, response.text


def later(minutes: int) -> dt.datetime:
    return utcnow() + dt.timedelta(minutes=minutes)


def surveys(database: Database) -> list[Survey]:
    with database.sessions() as session:
        return list(session.scalars(select(Survey).order_by(Survey.id)))


def survey_message(client: TestClient, cast: Cast, ticket: int) -> dict[str, object]:
    response = client.get(f"/api/v1/tickets/{ticket}/messages", headers=cast.olivia.headers)
    assert response.status_code == 200, response.text
    sent = [m for m in response.json()["items"] if "/s/" in str(m["text"])]
    assert len(sent) == 1, response.json()
    message: dict[str, object] = sent[0]
    return message


def token_in(text: str) -> str:
    found = LINK.search(text)
    assert found is not None, text
    return found.group(1)
