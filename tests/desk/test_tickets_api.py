"""Agents work tickets through the API: filters, pagination, changes as events, replies."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import Cast, inbound


def _numbers(client: TestClient, cast: Cast, query: str) -> list[int]:
    response = client.get(f"/api/v1/tickets?{query}", headers=cast.maya.headers)
    assert response.status_code == 200, response.text
    return [t["number"] for t in response.json()["items"]]


def test_filters_select_exactly_the_matching_tickets(client: TestClient, cast: Cast) -> None:
    a = inbound(client, cast.alice, "Parcel is late", "f-1", email="a@example.com")["ticket_number"]
    b = inbound(client, cast.alice, "Invoice please", "f-2", email="b@example.com")["ticket_number"]
    c = inbound(client, cast.alice, "Zip broke", "f-3", email="c@example.com")["ticket_number"]
    h = cast.maya.headers
    # Every filtered field is set here, whatever automation did on arrival.
    changes = {
        a: {
            "status": "pending",
            "priority": "P2",
            "add_tags": ["VIP"],
            "assignee_id": cast.alice.id,
            "team_id": cast.support_team,
        },
        b: {"status": "open", "priority": "P1", "unassign": True, "team_id": cast.billing_team},
        c: {"status": "solved", "priority": "P4", "unassign": True, "team_id": cast.support_team},
    }
    for number, change in changes.items():
        response = client.patch(f"/api/v1/tickets/{number}", json=change, headers=h)
        assert response.status_code == 200, response.text
    assert _numbers(client, cast, "status=pending") == [a]
    assert _numbers(client, cast, "status=open&status=solved") == [c, b]
    assert _numbers(client, cast, "priority=P1") == [b]
    assert _numbers(client, cast, f"assignee={cast.alice.id}") == [a]
    assert _numbers(client, cast, "assignee=none") == [c, b]
    assert _numbers(client, cast, "tag=vip") == [a]
    assert _numbers(client, cast, f"team={cast.billing_team}") == [b]
    assert _numbers(client, cast, "q=ZIP") == [c]
    assert _numbers(client, cast, "channel=api") == [c, b, a]
    assert _numbers(client, cast, "channel=sms") == []


def test_cursor_pagination_visits_every_ticket_once(client: TestClient, cast: Cast) -> None:
    created = [
        inbound(client, cast.alice, f"Question {i}", f"p-{i}", email=f"p{i}@example.com")[
            "ticket_number"
        ]
        for i in range(7)
    ]
    seen: list[int] = []
    cursor = None
    while True:
        query = "limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"/api/v1/tickets?{query}", headers=cast.maya.headers).json()
        seen.extend(t["number"] for t in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(created, reverse=True)


def test_a_forged_cursor_is_a_clear_error(client: TestClient, cast: Cast) -> None:
    response = client.get("/api/v1/tickets?cursor=bm9wZQ", headers=cast.maya.headers)
    assert response.status_code == 400
    assert response.json()["type"].endswith("/invalid-cursor")


def test_every_change_is_an_event_naming_the_agent(client: TestClient, cast: Cast) -> None:
    number = inbound(client, cast.alice, "Help", "e-1")["ticket_number"]
    field = {"key": "order", "label": "Order", "type": "text"}
    assert client.post("/api/v1/ticket-fields", json=field, headers=cast.olivia.headers).is_success
    response = client.patch(
        f"/api/v1/tickets/{number}",
        headers=cast.alice.headers,
        json={
            "status": "pending",
            "priority": "P2",
            "add_tags": ["billing"],
            "intent": "get_invoice",
            "custom_fields": {"order": "1001"},
        },
    )
    assert response.status_code == 200
    timeline = client.get(f"/api/v1/tickets/{number}/timeline", headers=cast.alice.headers).json()[
        "items"
    ]
    by_kind = {e["kind"]: e for e in timeline if e["actor_type"] == "user"}
    assert set(by_kind) == {
        "ticket.status_changed",
        "ticket.priority_changed",
        "ticket.tags_changed",
        "ticket.intent_corrected",
        "ticket.fields_changed",
    }
    assert all(e["actor_id"] == cast.alice.id for e in by_kind.values())
    assert by_kind["ticket.status_changed"]["data"]["after"] == "pending"

    assert by_kind["ticket.intent_corrected"]["data"]["after"] == "get_invoice"
    kinds = [e["kind"] for e in timeline]
    assert kinds[:1] == ["ticket.created"]


def test_an_empty_note_is_refused_as_a_note(client: TestClient, cast: Cast) -> None:
    """An empty internal note was refused with "a reply needs text"."""
    number = inbound(client, cast.alice, "Where is it?", "empty-note")["ticket_number"]
    refused = client.post(f"/api/v1/tickets/{number}/messages", headers=cast.alice.headers,
                          json={"type": "note", "text": "  "})  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["detail"] == "a note needs text"


def test_reply_and_note(client: TestClient, cast: Cast) -> None:
    number = inbound(client, cast.alice, "Where is it?", "r-1")["ticket_number"]
    reply = client.post(
        f"/api/v1/tickets/{number}/messages",
        headers=cast.alice.headers,
        json={"text": "It ships today.", "status": "pending"},
    )
    assert reply.status_code == 201
    assert reply.json()["direction"] == "outbound"
    # No webhook URL on file: the reply waits for the customer's app to poll it.
    assert reply.json()["delivery_status"] == "queued"
    note = client.post(
        f"/api/v1/tickets/{number}/messages",
        headers=cast.alice.headers,
        json={"text": "Checked the warehouse", "type": "note"},
    )
    assert note.json()["direction"] == "note"
    ticket = client.get(f"/api/v1/tickets/{number}", headers=cast.alice.headers).json()
    assert ticket["status"] == "pending"
    assert ticket["first_response_at"] is not None
    messages = client.get(f"/api/v1/tickets/{number}/messages", headers=cast.alice.headers).json()[
        "items"
    ]
    # Automation may have answered too; these are the customer's and Alice's messages.
    by_people = [m for m in messages if not m["automated"]]
    assert [m["direction"] for m in by_people] == ["inbound", "outbound", "note"]
    assert by_people[1]["delivery_status"] == "stored"
    assert by_people[2]["delivery_status"] is None


def test_reply_html_is_sanitised(client: TestClient, cast: Cast) -> None:
    number = inbound(client, cast.alice, "Hi", "h-1")["ticket_number"]
    reply = client.post(
        f"/api/v1/tickets/{number}/messages",
        headers=cast.alice.headers,
        json={"text": "Hi", "html": '<p onclick="x()">Hi<script>alert(1)</script></p>'},
    )
    assert reply.json()["html"] == "<p>Hi</p>"


def test_a_closed_ticket_refuses_changes(client: TestClient, cast: Cast) -> None:
    number = inbound(client, cast.alice, "Hi", "x-1")["ticket_number"]
    client.patch(f"/api/v1/tickets/{number}", json={"status": "closed"}, headers=cast.alice.headers)
    reopen = client.patch(
        f"/api/v1/tickets/{number}", json={"status": "open"}, headers=cast.alice.headers
    )
    assert reopen.status_code == 409
    reply = client.post(
        f"/api/v1/tickets/{number}/messages", json={"text": "hello?"}, headers=cast.alice.headers
    )
    assert reply.status_code == 409
