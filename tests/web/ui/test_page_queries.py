"""No N+1: a page costs the same number of SQL statements whatever it lists."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlalchemy import event
from tests.conftest import Cast, inbound
from tests.web.ui.test_sessions import _number
from tests.web.ui.test_ticket_pages import _signed_in

from minidesk import db


@contextmanager
def statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        # The spool's housekeeping thread reads through the same engine now and then: not
        # the page's cost.
        if threading.current_thread().name != "spool":
            seen.append(statement)

    # Pages read through the read engine on SQLite (writers through the other): listening on
    # ``engine`` alone counted nothing there, and these tests compared 0 with 0.
    database = db.get_db()
    engines = {id(e): e for e in (database.engine, database.read_engine)}.values()
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)


def _cost(client: TestClient, path: str) -> int:
    client.get(path)  # warm: caches, the workspace memo, the token cache
    costs = []
    # The fewer of two: the session's token is re-read from the database when its 5 s in the
    # token cache run out, which may fall in either request but not in both.
    for _ in range(2):
        with statements() as seen:
            assert client.get(path).status_code == 200
        costs.append(len(seen))
    assert min(costs) > 0, "no statement counted: the counter is not listening"
    return min(costs)


def test_an_inbox_view_costs_the_same_for_three_or_thirty_tickets(
    client: TestClient, cast: Cast
) -> None:
    def post(n: int) -> None:
        inbound(client, cast.shop, f"Question {n}", f"q-{n}", email=f"c{n}@example.com")

    for n in range(3):
        post(n)
    _signed_in(client, cast.alice.email)
    few = _cost(client, "/inbox?view=open")
    for n in range(3, 30):
        post(n)
    assert _cost(client, "/inbox?view=open") == few


def test_a_ticket_page_costs_the_same_for_two_or_twenty_messages(
    client: TestClient, cast: Cast
) -> None:
    number = _number(inbound(client, cast.shop, "First", "m-0", thread="t"))
    csrf = _signed_in(client, cast.alice.email)
    few = _cost(client, f"/tickets/{number}")
    for n in range(1, 10):
        inbound(client, cast.shop, f"More {n}", f"m-{n}", thread="t")
        client.post(f"/tickets/{number}/messages", data={"csrf": csrf, "text": f"reply {n}"})
    assert _cost(client, f"/tickets/{number}") == few


def test_a_filtered_view_and_a_saved_view_cost_the_same_for_three_or_thirty_tickets(
    client: TestClient, cast: Cast
) -> None:
    def post(n: int) -> None:
        inbound(client, cast.shop, f"Question {n}", f"q-{n}", email=f"c{n}@example.com")

    for n in range(3):
        post(n)
    _signed_in(client, cast.alice.email)
    for name in ("Open email", "Unassigned P3"):
        client.post("/api/v1/views", json={"name": name}, headers=cast.alice.headers)
    saved = client.post(
        "/api/v1/views",
        json={"name": "Mine", "filters": {"status": ["open"], "priority": ["P3", "P2"]}},
        headers=cast.alice.headers,
    ).json()["id"]
    pages = [
        "/inbox?view=open&priority=P3&tag=vip",
        "/inbox?view=all&channel=api",
        f"/inbox?saved={saved}",
    ]
    few = [_cost(client, path) for path in pages]
    for n in range(3, 30):
        post(n)
    assert [_cost(client, path) for path in pages] == few
    # A saved view more is no statement more: every count is in one.
    client.post("/api/v1/views", json={"name": "One more"}, headers=cast.alice.headers)
    assert [_cost(client, path) for path in pages] == few


def test_a_ticket_page_costs_the_same_for_a_customer_with_one_or_twelve_other_tickets(
    client: TestClient, cast: Cast
) -> None:
    # The customer panel lists other tickets and identities, the fields panel every field.
    for key in ("order_number", "reason"):
        field = {"key": key, "label": key, "type": "text"}
        client.post("/api/v1/ticket-fields", json=field, headers=cast.olivia.headers)
    number = _number(inbound(client, cast.shop, "First", "o-0", thread="t-0"))
    inbound(client, cast.shop, "Second", "o-1", thread="t-1")
    customer = client.get(f"/api/v1/tickets/{number}", headers=cast.olivia.headers).json()

    def phone(value: str) -> None:
        client.post(
            f"/api/v1/customers/{customer['customer_id']}/identities",
            json={"kind": "phone", "value": value},
            headers=cast.leo.headers,
        )

    phone("+15550100000")
    _signed_in(client, cast.alice.email)
    few = _cost(client, f"/tickets/{number}")
    for n in range(2, 13):
        inbound(client, cast.shop, f"Another {n}", f"o-{n}", thread=f"t-{n}")
    # Identities too: the order panel looks store accounts up by each of them.
    for value in ("+15550100001", "+15550100002"):
        phone(value)
    page = client.get(f"/tickets/{number}").text
    assert page.count("data-other-ticket=") == 10 and "+15550100002" in page
    assert _cost(client, f"/tickets/{number}") == few
