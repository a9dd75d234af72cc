"""The approval queue page: who may see it, deciding with a reason, four eyes."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast, money_moved
from tests.resolutions.test_agent_refunds import refund, ticket_for_emma
from tests.web.ui.test_ticket_pages import _signed_in

from minidesk.db import Database


def _ask(client: TestClient, cast: Cast, who: object) -> int:
    """An over-cap refund request on Emma's order 1007, raised by ``who``."""
    number = ticket_for_emma(client, cast)
    asked = refund(client, who, number, 25_000, order="1007")
    assert asked.status_code == 202, asked.text
    return int(asked.json()["approval"]["id"])


def test_agents_see_that_the_queue_is_not_for_them(
    client: TestClient, cast: Cast, store: Database
) -> None:
    _ask(client, cast, cast.leo)
    _signed_in(client, cast.alice.email)
    page = client.get("/approvals")
    assert page.status_code == 403
    assert "Request" not in page.text
    assert 'href="/approvals"' not in client.get("/inbox").text  # no link to it either


def test_a_manager_approves_with_a_reason_and_the_money_moves(
    client: TestClient, cast: Cast, store: Database
) -> None:
    approval = _ask(client, cast, cast.leo)
    before = money_moved(store)
    csrf = _signed_in(client, cast.maya.email)
    queue = client.get("/approvals")
    assert f'data-approval="{approval}"' in queue.text and "25000" not in queue.text
    assert "250.00" in queue.text
    no_reason = client.post(f"/approvals/{approval}/approve", data={"csrf": csrf, "reason": " "})
    assert "Not decided: a decision needs a reason" in no_reason.text
    assert money_moved(store) == before
    done = client.post(
        f"/approvals/{approval}/approve", data={"csrf": csrf, "reason": "loyal customer"}
    )
    assert f"Approved request {approval}." in done.text
    assert money_moved(store) == before + 25_000
    again = client.post(f"/approvals/{approval}/approve", data={"csrf": csrf, "reason": "twice"})
    assert "already decided" in again.text
    assert money_moved(store) == before + 25_000
    assert "loyal customer" in client.get("/approvals?status=approved").text


def test_nobody_decides_their_own_request(client: TestClient, cast: Cast, store: Database) -> None:
    approval = _ask(client, cast, cast.maya)
    csrf = _signed_in(client, cast.maya.email)
    answer = client.post(f"/approvals/{approval}/approve", data={"csrf": csrf, "reason": "mine"})
    assert "Not decided: an approval cannot be decided by the person who asked for it" in (
        answer.text
    )
    assert money_moved(store) == 0


def test_a_forged_decision_is_refused(client: TestClient, cast: Cast, store: Database) -> None:
    approval = _ask(client, cast, cast.leo)
    _signed_in(client, cast.maya.email)
    forged = client.post(f"/approvals/{approval}/approve", data={"csrf": "x", "reason": "ok"})
    assert forged.status_code == 403
    assert money_moved(store) == 0
