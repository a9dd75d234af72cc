"""Finding 8 (first half): nobody sets their own refund limits, and limits above the role's
default need an admin. Every change is an event naming who, with before and after."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, Person, ingest

from minidesk.channels.base import InboundMessage, Sender
from minidesk.commerce.sample import seed_store
from minidesk.db import Database, utcnow
from minidesk.events import Event

EMMA = "emma.garcia@example.com"
GENEROUS = {"may_refund": True, "cap_minor": 100_000, "daily_budget_minor": 1_000_000}


@pytest.fixture
def emma_ticket(database: Database, cast: Cast) -> int:
    with database.transaction() as session:
        seed_store(session, utcnow(), customers=4, orders=12)
    message = InboundMessage(
        channel="api",
        external_id="limits-1",
        sender=Sender(email=EMMA, verified=True),
        text="a question about order 1007",
    )
    return ingest(message)[0]


def _set(client: TestClient, who: Person, target: Person, limits: dict[str, object]) -> int:
    response = client.put(f"/api/v1/agents/{target.id}/limits", json=limits, headers=who.headers)
    if not response.is_success:
        assert response.headers["content-type"] == "application/problem+json"
    return response.status_code


def test_maya_cannot_raise_her_own_limits_to_refund_past_them(
    client: TestClient, cast: Cast, emma_ticket: int
) -> None:
    assert _set(client, cast.maya, cast.maya, GENEROUS) == 403
    # Her role's cap is $200: $250 still needs someone else's approval.
    refund = client.post(
        f"/api/v1/tickets/{emma_ticket}/refunds",
        json={"order_number": "1007", "amount_minor": 25_000},
        headers=cast.maya.headers,
    )
    assert refund.status_code == 202, refund.text
    assert refund.json()["status"] == "approval_requested"


def test_nobody_sets_their_own_limits_not_even_an_admin(client: TestClient, cast: Cast) -> None:
    assert _set(client, cast.olivia, cast.olivia, GENEROUS) == 403
    lower = {"may_refund": True, "cap_minor": 1_000, "daily_budget_minor": 1_000}
    assert _set(client, cast.maya, cast.maya, lower) == 403


def test_above_the_role_default_needs_an_admin(client: TestClient, cast: Cast) -> None:
    trusted = {"may_refund": True, "cap_minor": 3_000, "daily_budget_minor": 10_000}
    assert _set(client, cast.maya, cast.bob, trusted) == 403  # agents may not refund by default
    assert _set(client, cast.olivia, cast.bob, trusted) == 200
    # Within the lead default ($200 cap, $100 a day) a manager decides alone...
    tighter = {"may_refund": True, "cap_minor": 5_000, "daily_budget_minor": 10_000}
    assert _set(client, cast.maya, cast.leo, tighter) == 200
    # ...and one cent over it is an admin's call.
    wider = {"may_refund": True, "cap_minor": 5_000, "daily_budget_minor": 10_001}
    assert _set(client, cast.maya, cast.leo, wider) == 403
    assert _set(client, cast.leo, cast.alice, {"may_refund": False, **_zero()}) == 403


def test_a_manager_sets_limits_only_below_her_rank(client: TestClient, cast: Cast) -> None:
    lower = {"may_refund": True, "cap_minor": 1_000, "daily_budget_minor": 1_000}
    assert _set(client, cast.maya, cast.olivia, lower) == 403
    assert _set(client, cast.olivia, cast.maya, lower) == 200


def test_every_limit_change_is_an_event_with_before_and_after(
    client: TestClient, cast: Cast, database: Database
) -> None:
    trusted = {"may_refund": True, "cap_minor": 3_000, "daily_budget_minor": 10_000}
    assert _set(client, cast.olivia, cast.bob, trusted) == 200
    assert _set(client, cast.maya, cast.bob, {"may_refund": False, **_zero()}) == 200
    with database.sessions() as session:
        changes = list(
            session.scalars(
                select(Event).where(Event.kind == "policy.agent_limits_changed").order_by(Event.id)
            )
        )
    assert [(e.actor_id, e.data["user_id"]) for e in changes] == [
        (cast.olivia.id, cast.bob.id),
        (cast.maya.id, cast.bob.id),
    ]
    # The first change starts from the role's default, the second from the first's result.
    assert changes[0].data["before"] == {"may_refund": False, **_zero()}
    assert changes[0].data["after"] == trusted
    assert changes[1].data["before"] == trusted
    assert changes[1].data["after"] == {"may_refund": False, **_zero()}


def _zero() -> dict[str, int]:
    return {"cap_minor": 0, "daily_budget_minor": 0}
