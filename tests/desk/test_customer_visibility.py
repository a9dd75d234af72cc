"""Finding 6: restricting agents to their teams' tickets holds wherever a customer's history
shows, not only on the ticket routes."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.desk.visibility_world import CANARY, World, build, restrict

from minidesk import db
from minidesk.commerce.money import Money
from minidesk.events import SYSTEM
from minidesk.policies.approvals import do_request_approval
from minidesk.policies.decisions import Decision, Outcome
from minidesk.policies.models import ApprovalKind


def _world(client: TestClient, cast: Cast) -> World:
    world = build(cast)
    restrict(client, cast)
    return world


def test_bob_reads_only_billing_messages_of_a_customer_both_teams_serve(
    client: TestClient, cast: Cast
) -> None:
    world = _world(client, cast)
    messages = client.get(f"/api/v1/customers/{world.mia}/messages", headers=cast.bob.headers)
    assert messages.status_code == 200
    texts = [m["text"] for m in messages.json()["items"]]
    assert any("charged twice" in text for text in texts)
    assert CANARY not in messages.text.lower()
    # The same customer's Support message is there for Support's agents.
    for_alice = client.get(f"/api/v1/customers/{world.mia}/messages", headers=cast.alice.headers)
    assert CANARY in for_alice.text.lower()


def test_bob_sees_no_support_event_on_a_shared_customers_timeline(
    client: TestClient, cast: Cast
) -> None:
    world = _world(client, cast)
    timeline = client.get(f"/api/v1/customers/{world.mia}/timeline", headers=cast.bob.headers)
    assert timeline.status_code == 200
    tickets = {e["ticket_id"] for e in timeline.json()["items"]}
    assert world.mia_billing_ticket in tickets
    assert world.mia_support_ticket not in tickets
    assert CANARY not in timeline.text.lower()


def test_a_customer_bob_does_not_serve_does_not_exist_for_him(
    client: TestClient, cast: Cast
) -> None:
    world = _world(client, cast)
    for path in ("", "/timeline", "/messages"):
        response = client.get(f"/api/v1/customers/{world.sam}{path}", headers=cast.bob.headers)
        assert response.status_code == 404, path
        assert response.json()["type"].endswith("/not-found")
        # ...exactly as a customer that never existed.
        missing = client.get(f"/api/v1/customers/999999{path}", headers=cast.bob.headers)
        assert missing.json()["detail"].replace("999999", "N") == response.json()["detail"].replace(
            str(world.sam), "N"
        )
    assert client.get(f"/api/v1/customers/{world.sam}", headers=cast.alice.headers).is_success


def test_bob_cannot_find_support_customers_by_search(client: TestClient, cast: Cast) -> None:
    world = _world(client, cast)
    found = client.get("/api/v1/customers", params={"q": "zebra"}, headers=cast.bob.headers)
    assert found.status_code == 200
    assert found.json()["items"] == []
    listed = client.get("/api/v1/customers", headers=cast.bob.headers).json()["items"]
    assert [c["id"] for c in listed] == [world.mia]
    for_alice = client.get("/api/v1/customers", params={"q": "zebra"}, headers=cast.alice.headers)
    assert [c["id"] for c in for_alice.json()["items"]] == [world.sam]


def test_bob_cannot_patch_a_customer_he_does_not_serve(client: TestClient, cast: Cast) -> None:
    world = _world(client, cast)
    patched = client.patch(
        f"/api/v1/customers/{world.sam}", json={"name": "Hijacked"}, headers=cast.bob.headers
    )
    assert patched.status_code == 404
    name = client.get(f"/api/v1/customers/{world.sam}", headers=cast.maya.headers).json()["name"]
    assert name == "Sam Zebra"
    # Customers he serves he may edit, as any agent.
    served = client.patch(
        f"/api/v1/customers/{world.mia}", json={"name": "Mia M."}, headers=cast.bob.headers
    )
    assert served.status_code == 200


def test_a_lead_merges_only_customers_they_serve(client: TestClient, cast: Cast) -> None:
    world = _world(client, cast)
    # leo leads Support: Sam is his; a Billing-only customer is not.
    billing_only = client.get(
        f"/api/v1/tickets/{world.mia_billing_ticket}", headers=cast.maya.headers
    ).json()
    assert billing_only["number"] == world.mia_billing_ticket
    client.patch(  # Mia's Support ticket moves to Billing: Mia is now Billing-only
        f"/api/v1/tickets/{world.mia_support_ticket}",
        json={"team_id": cast.billing_team},
        headers=cast.maya.headers,
    )
    refused = client.post(
        f"/api/v1/customers/{world.sam}/merge",
        json={"source_id": world.mia},
        headers=cast.leo.headers,
    )
    assert refused.status_code == 404
    reversed_ = client.post(
        f"/api/v1/customers/{world.mia}/merge",
        json={"source_id": world.sam},
        headers=cast.leo.headers,
    )
    assert reversed_.status_code == 404
    merged = client.post(
        f"/api/v1/customers/{world.sam}/merge",
        json={"source_id": world.mia},
        headers=cast.maya.headers,
    )
    assert merged.status_code == 200
    undo = client.post(
        f"/api/v1/customers/{world.sam}/unmerge",
        json={"merge_event_id": merged.json()["id"]},
        headers=cast.bob.headers,
    )
    assert undo.status_code == 403  # merging and undoing are lead work


def test_bob_cannot_read_support_tickets_through_ticket_filters(
    client: TestClient, cast: Cast
) -> None:
    world = _world(client, cast)
    for params in ({"customer": world.sam}, {"q": "zebra"}, {"team": cast.support_team}):
        listed = client.get("/api/v1/tickets", params=params, headers=cast.bob.headers)
        assert listed.status_code == 200
        assert listed.json()["items"] == [], params
    shared = client.get("/api/v1/tickets", params={"customer": world.mia}, headers=cast.bob.headers)
    assert [t["number"] for t in shared.json()["items"]] == [world.mia_billing_ticket]


def test_a_restricted_lead_approver_sees_only_their_teams_approvals(
    client: TestClient, cast: Cast
) -> None:
    world = _world(client, cast)
    made_lead_approver = client.patch(
        "/api/v1/policies", json={"approver_role": "lead"}, headers=cast.olivia.headers
    )
    assert made_lead_approver.status_code == 200
    asked = Decision("refund", Outcome.APPROVAL, "agent.cap", "over cap", Money(9_000, "USD"))
    with db.get_db().transaction() as session:
        approval = do_request_approval(
            session,
            ApprovalKind.REFUND,
            asked,
            SYSTEM,
            ticket_id=world.mia_billing_ticket,
            customer_id=world.mia,
            order_number="1001",
        ).id
    queue = client.get("/api/v1/approvals", headers=cast.leo.headers)
    assert queue.status_code == 200 and queue.json()["items"] == []
    decided = client.post(
        f"/api/v1/approvals/{approval}/decline", json={"reason": "no"}, headers=cast.leo.headers
    )
    assert decided.status_code == 404
    for_maya = client.get("/api/v1/approvals", headers=cast.maya.headers).json()["items"]
    assert [a["id"] for a in for_maya] == [approval]
