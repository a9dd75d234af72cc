"""The attack first: a changed role, team, deactivation or revoked token reaches open sockets
at once, not at their next periodic token check. alice (agent, Support) keeps a socket open
while an admin takes her out of Support: the very next Support change must not reach her.

The periodic check is pushed out of reach (an hour) so that only the immediate re-check can
pass these tests; across processes, see ``test_stream_across_processes``.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect
from tests.conftest import Cast, Person
from tests.desk.visibility_world import build, restrict
from tests.realtime.stream_client import STREAM, next_about_tickets, patch, subscribe, until

from minidesk import db
from minidesk.desk import users
from minidesk.desk.models import Team, Ticket, User
from minidesk.event_kinds import EventKind as K
from minidesk.events import SYSTEM
from minidesk.realtime import access_changes, connection, notices
from minidesk.realtime.scope import Agent


@pytest.fixture(autouse=True)
def _no_periodic_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection, "REVALIDATE_SECONDS", 3600.0)


def _admin(client: TestClient, cast: Cast, person: Person, **change: Any) -> None:
    response = client.patch(f"/api/v1/users/{person.id}", json=change, headers=cast.olivia.headers)
    assert response.status_code == 200, response.text


def _assign(number: int, person: Person) -> None:
    with db.get_db().transaction() as session:
        session.get_one(Ticket, number).assignee_id = person.id


def test_an_agent_taken_off_a_team_hears_nothing_more_of_its_tickets(
    client: TestClient, cast: Cast
) -> None:
    world = build(cast)
    restrict(client, cast)
    _assign(world.mia_billing_ticket, cast.alice)  # still hers once she leaves Support
    with client.websocket_connect(STREAM, headers=cast.alice.headers) as alice:
        subscribe(alice, view="all")
        subscribe(alice, view=f"team:{cast.support_team}")
        subscribe(alice, ticket=world.sam_ticket)
        _admin(client, cast, cast.alice, remove_team_ids=[cast.support_team])
        patch(client, cast.olivia, world.sam_ticket, priority="P1")
        patch(client, cast.olivia, world.mia_billing_ticket, priority="P2")
        # Her page learns at once that the ticket she had open left her sight, and the next
        # Support change does not reach her: the next she hears of is the ticket still hers.
        assert next_about_tickets(alice) == {"type": "ticket.hidden", "ticket": world.sam_ticket}
        got = next_about_tickets(alice)
        assert (got["type"], got["ticket"]) == ("ticket.updated", world.mia_billing_ticket)
        # Nor may she type on it or follow it again.
        alice.send_json({"op": "subscribe", "ticket": world.sam_ticket})
        assert until(alice, type="error")["error"] == "not_found"


def test_an_agent_added_to_a_team_hears_of_its_tickets_at_once(
    client: TestClient, cast: Cast
) -> None:
    world = build(cast)
    restrict(client, cast)
    with client.websocket_connect(STREAM, headers=cast.bob.headers) as bob:
        subscribe(bob, view="all")
        _admin(client, cast, cast.bob, add_team_ids=[cast.support_team])
        until(bob, type="access.changed")  # his page refetches what it shows
        patch(client, cast.olivia, world.sam_ticket, priority="P1")
        patch(client, cast.olivia, world.mia_billing_ticket, priority="P2")
        got = next_about_tickets(bob)
        assert (got["type"], got["ticket"]) == ("ticket.updated", world.sam_ticket)


def _desk(socket: WebSocketTestSession, *kinds: str) -> dict[str, Any]:
    while True:
        message = until(socket, type="desk.changed")
        if message["kind"] in kinds:
            return message


def test_a_demoted_manager_stops_hearing_what_managers_read(client: TestClient, cast: Cast) -> None:
    headers = cast.olivia.headers
    with client.websocket_connect(STREAM, headers=cast.maya.headers) as maya:
        subscribe(maya, topic="desk")
        _admin(client, cast, cast.maya, role="agent")
        routing = client.put(
            "/api/v1/routing/settings", json={"accept_minutes": 7}, headers=headers
        )
        assert routing.status_code == 200, routing.text
        marker = client.patch("/api/v1/workspace", json={"name": "After"}, headers=headers)
        assert marker.status_code == 200, marker.text
        # An agent may not read routing's settings: the marker is the next she hears of.
        assert _desk(maya, "routing.config_changed", "workspace.updated")["kind"] == (
            "workspace.updated"
        )


def _revoke_own_token(client: TestClient, cast: Cast) -> None:
    tokens = client.get("/api/v1/auth/tokens", headers=cast.alice.headers).json()["items"]
    for token in tokens:
        deleted = client.delete(f"/api/v1/auth/tokens/{token['id']}", headers=cast.alice.headers)
        assert deleted.status_code == 204, deleted.text


@pytest.mark.parametrize("how", ["deactivated", "token revoked"])
def test_a_socket_closes_at_once_when_its_access_ends(
    client: TestClient, cast: Cast, how: str
) -> None:
    number = build(cast).sam_ticket
    with client.websocket_connect(STREAM, headers=cast.alice.headers) as alice:
        subscribe(alice, view="all")
        if how == "deactivated":
            _admin(client, cast, cast.alice, active=False)
        else:
            _revoke_own_token(client, cast)
        # A change she would have heard of: the socket is closed before it is offered.
        patch(client, cast.olivia, number, priority="P1")
        with pytest.raises(WebSocketDisconnect) as closed:
            next_about_tickets(alice)
    assert (closed.value.code, closed.value.reason) == (4401, "token not valid")


def test_an_access_payload_names_users_only() -> None:
    assert notices.decode(notices.encode_access([3, 7])).access == [3, 7]
    # A peer of another version, or garbage: what is not a user id is dropped.
    assert notices.decode('{"a": [1, "x", true, null, 2.5, 2]}').access == [1, 2]


def test_only_changes_of_access_name_users() -> None:
    def event(kind: str, **data: Any) -> Any:
        return SimpleNamespace(id=1, kind=kind, ticket_id=None, customer_id=None,
                               message_id=None, data=data)  # fmt: skip

    committed = [
        event(K.TEAM_MEMBER_REMOVED, user_id=5, team_id=1),
        event(K.TOKEN_REVOKED, user_id=3, token_id=9),
        event(K.USER_ROLE_CHANGED, user_id=5, before="lead", after="agent"),
        event(K.USER_CREATED, user_id=8, email="new@example.com", role="agent"),
        event(K.TOKEN_CREATED, user_id=9),
    ]
    assert access_changes.users_from_events(committed) == [3, 5]


def test_a_change_made_while_a_socket_signs_in_counts_for_it(
    client: TestClient, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """alice's socket reads her teams, and before it has joined the hub she is taken off
    Support: the hub's re-check of the sockets it had missed hers, so it reads them again."""
    world = build(cast)
    restrict(client, cast)
    _assign(world.mia_billing_ticket, cast.alice)
    read = connection.scope.agent_for

    def read_then_lose_support(secret: str) -> Agent:
        agent = read(secret)
        if agent.viewer.user_id == cast.alice.id:
            with db.get_db().transaction() as session:
                alice = session.get_one(User, cast.alice.id)
                users.do_remove_from_team(
                    session, alice, session.get_one(Team, cast.support_team), SYSTEM
                )
        return agent

    monkeypatch.setattr(connection.scope, "agent_for", read_then_lose_support)
    with client.websocket_connect(STREAM, headers=cast.alice.headers) as alice:
        monkeypatch.setattr(connection.scope, "agent_for", read)
        subscribe(alice, view="all")
        patch(client, cast.olivia, world.sam_ticket, priority="P1")
        patch(client, cast.olivia, world.mia_billing_ticket, priority="P2")
        got = next_about_tickets(alice)
        assert (got["type"], got["ticket"]) == ("ticket.updated", world.mia_billing_ticket)
