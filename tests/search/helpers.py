"""Opening tickets through the API channel and searching them through the API."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from tests.conftest import Cast, Person, inbound

from minidesk import db
from minidesk.desk.models import Ticket

_counter = iter(range(1, 1_000_000))


def open_ticket(
    client: TestClient, cast: Cast, text: str, *, email: str = "emma@example.com",
    language: str | None = None, **customer: str,
) -> int:  # fmt: skip
    """A new ticket from ``email`` whose first message is ``text`` (its own thread, so each
    call opens a ticket); ``language`` pins what triage would have detected."""
    n = next(_counter)
    body = inbound(client, cast.shop, text, f"search-{n}", email=email, thread=f"t-{n}",
                   **customer)  # fmt: skip
    number = int(str(body["ticket_number"]))
    if language is not None:
        with db.get_db().transaction() as session:
            session.execute(sa.update(Ticket).where(Ticket.id == number).values(language=language))
    return number


def found(client: TestClient, who: Person, q: str, **params: Any) -> list[int]:
    response = client.get("/api/v1/tickets", params={"q": q, **params}, headers=who.headers)
    assert response.status_code == 200, response.text
    return [item["number"] for item in response.json()["items"]]
