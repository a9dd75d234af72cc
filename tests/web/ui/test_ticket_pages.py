"""The workspace's forms as a browser posts them: replies and notes, ticket properties, bulk
actions; each checked against CSRF and team restriction."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, inbound
from tests.web.ui.test_sessions import _form_csrf, _number, _set_password, sign_in

from minidesk import db
from minidesk.desk.models import Message, Ticket
from minidesk.events import Event
from minidesk.outbox import OutboxItem


def _ticket(database_id: int) -> Ticket:
    with db.get_db().sessions() as session:
        ticket = session.get(Ticket, database_id)
        assert ticket is not None
        ticket.tags  # loaded before the session closes  # noqa: B018
        session.expunge(ticket)
        return ticket


def _signed_in(client: TestClient, email: str) -> str:
    _set_password(email)
    sign_in(client, email)
    return _form_csrf(client.get("/inbox").text)


def test_a_reply_from_the_ticket_page_goes_out_and_a_note_stays_in(
    client: TestClient, cast: Cast
) -> None:
    number = _number(inbound(client, cast.shop, "Is the red kettle back in stock?", "t-1"))
    csrf = _signed_in(client, cast.alice.email)
    sent = client.post(
        f"/tickets/{number}/messages",
        data={"csrf": csrf, "type": "reply", "text": "Yes, since Monday!", "status": "pending"},
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"] == f"/tickets/{number}"
    page = client.get(f"/tickets/{number}")
    assert "Reply queued." in page.text  # shown once...
    assert "Reply queued." not in client.get(f"/tickets/{number}").text  # ...then gone
    client.post(
        f"/tickets/{number}/messages",
        data={"csrf": csrf, "type": "note", "text": "checked the warehouse"},
    )
    with db.get_db().sessions() as session:
        rows = session.scalars(
            select(Message)
            .where(Message.ticket_id == number, Message.author_id == cast.alice.id)
            .order_by(Message.id)
        ).all()
        assert [(m.direction, m.text) for m in rows] == [
            ("outbound", "Yes, since Monday!"),
            ("note", "checked the warehouse"),
        ]
        queued = session.scalars(select(OutboxItem).where(OutboxItem.message_id == rows[0].id))
        assert len(queued.all()) == 1
    assert _ticket(number).status == "pending"


def test_an_empty_reply_is_refused_with_a_reason(client: TestClient, cast: Cast) -> None:
    number = _number(inbound(client, cast.shop, "Hello?", "t-2"))
    csrf = _signed_in(client, cast.alice.email)
    refused = client.post(f"/tickets/{number}/messages", data={"csrf": csrf, "text": "   "})
    assert "Not sent: a reply needs text" in refused.text


def test_properties_change_with_an_event_naming_the_agent(client: TestClient, cast: Cast) -> None:
    number = _number(inbound(client, cast.shop, "Wrong size delivered", "t-3"))
    # A priority other than the one triage gave, whatever the intent model read.
    priority = "P1" if _ticket(number).priority != "P1" else "P2"
    csrf = _signed_in(client, cast.alice.email)
    client.post(
        f"/tickets/{number}/properties",
        data={
            "csrf": csrf,
            "status": "open",
            "priority": priority,
            "assignee": str(cast.alice.id),
            "team": str(cast.support_team),
            "add_tags": "sizing, exchange",
        },
    )
    ticket = _ticket(number)
    assert (ticket.status, ticket.priority, ticket.assignee_id, ticket.team_id) == (
        "open",
        priority,
        cast.alice.id,
        cast.support_team,
    )
    with db.get_db().sessions() as session:
        kinds = session.scalars(
            select(Event.kind).where(Event.ticket_id == number, Event.actor_id == cast.alice.id)
        ).all()
    assert {"ticket.priority_changed", "ticket.assigned", "ticket.team_changed"} <= set(kinds)
    page = client.get(f"/tickets/{number}").text
    assert "sizing" in page and "exchange" in page


def test_forms_without_the_session_token_change_nothing(client: TestClient, cast: Cast) -> None:
    number = _number(inbound(client, cast.shop, "Cancel please", "t-4"))
    _signed_in(client, cast.alice.email)
    for path, data in [
        (f"/tickets/{number}/properties", {"priority": "P1"}),
        (f"/tickets/{number}/messages", {"text": "sure"}),
        ("/inbox/bulk", {"action": "solve", "ticket": str(number)}),
    ]:
        assert client.post(path, data={**data, "csrf": "forged"}).status_code == 403, path
    ticket = _ticket(number)
    assert ticket.priority != "P1" and ticket.status != "solved"


def test_a_restricted_agent_cannot_change_another_teams_ticket(
    client: TestClient, cast: Cast
) -> None:
    number = _number(inbound(client, cast.shop, "Billing question", "t-5"))
    admin = cast.olivia.headers
    client.patch(f"/api/v1/tickets/{number}", json={"team_id": cast.support_team}, headers=admin)
    client.patch("/api/v1/workspace", json={"restrict_agents_to_teams": True}, headers=admin)
    csrf = _signed_in(client, cast.bob.email)
    refused = client.post(f"/tickets/{number}/properties", data={"csrf": csrf, "priority": "P1"})
    assert refused.status_code == 404
    note = client.post(f"/tickets/{number}/messages", data={"csrf": csrf, "text": "hi"})
    assert note.status_code == 404
    client.post("/inbox/bulk", data={"csrf": csrf, "action": "solve", "ticket": str(number)})
    assert _ticket(number).priority != "P1" and _ticket(number).status != "solved"


def test_bulk_actions_change_every_selected_visible_ticket(client: TestClient, cast: Cast) -> None:
    numbers = [
        _number(inbound(client, cast.shop, f"Question {n}", f"t-b{n}", email=f"c{n}@example.com"))
        for n in range(3)
    ]
    csrf = _signed_in(client, cast.alice.email)
    answer = client.post(
        "/inbox/bulk",
        data={"csrf": csrf, "action": "assign-me", "ticket": [str(n) for n in numbers[:2]]},
    )
    assert answer.url.path == "/inbox" and answer.url.query == b"view=mine"
    assert "Assign to me: 2 tickets" in answer.text
    assert [_ticket(n).assignee_id for n in numbers] == [cast.alice.id, cast.alice.id, None]
    client.post(
        "/inbox/bulk",
        data={"csrf": csrf, "action": "tag", "tags": "vip", "ticket": [str(numbers[2])]},
    )
    client.post(
        "/inbox/bulk", data={"csrf": csrf, "action": "solve", "ticket": [str(n) for n in numbers]}
    )
    assert {_ticket(n).status for n in numbers} == {"solved"}
    assert "vip" in _ticket(numbers[2]).tags
