"""Roles, teams and memberships on the stream's ``desk`` topic: open pages that list people and
teams (assignee pickers, team lists, @mention hints) follow what an admin changes. The attack
first: with agents restricted to their teams, bob (agent, Billing) hears nothing of Support's
renaming or members; alice, taken off Support, hears no more of it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from tests.conftest import Cast, Person
from tests.desk.visibility_world import restrict
from tests.realtime.stream_client import STREAM, subscribe, until

PEOPLE = {"user.created", "user.deactivated", "user.role_changed"}


def _next(socket: WebSocketTestSession) -> tuple[str, Any, Any]:
    """The next notice about people or teams: (kind, team, user)."""
    while True:
        message = until(socket, type="desk.changed")
        if message["kind"] in PEOPLE or message["kind"].startswith("team."):
            return message["kind"], message.get("team"), message.get("user")


def _ok(client: TestClient, who: Person, method: str, path: str, body: Any = None) -> Any:
    response = client.request(method, f"/api/v1{path}", json=body, headers=who.headers)
    assert response.status_code in (200, 201, 204), response.text
    return response.json() if response.content else None


def test_restricted_agents_hear_only_of_their_own_teams_changes(
    client: TestClient, cast: Cast
) -> None:
    restrict(client, cast)
    support = cast.support_team
    with (
        client.websocket_connect(STREAM, headers=cast.alice.headers) as alice,
        client.websocket_connect(STREAM, headers=cast.bob.headers) as bob,
        client.websocket_connect(STREAM, headers=cast.maya.headers) as maya,
    ):
        for socket in (alice, bob, maya):
            subscribe(socket, topic="desk")
        _ok(client, cast.olivia, "PATCH", f"/teams/{support}", {"name": "Help"})
        _ok(client, cast.olivia, "PATCH", f"/users/{cast.leo.id}", {"role": "manager"})
        _ok(client, cast.olivia, "PATCH", f"/teams/{support}", {"add_member_ids": [cast.maya.id]})
        _ok(client, cast.olivia, "PATCH", f"/users/{cast.alice.id}", {"remove_team_ids": [support]})
        _ok(client, cast.olivia, "PATCH", f"/teams/{support}", {"name": "Support"})
        new = _ok(client, cast.olivia, "POST", "/teams", {"name": "Returns"})["id"]
        _ok(client, cast.olivia, "PATCH", f"/teams/{new}", {"add_member_ids": [cast.bob.id]})

        assert [_next(alice) for _ in range(3)] == [
            ("team.updated", support, None),
            ("user.role_changed", None, cast.leo.id),
            ("team.member_added", support, cast.maya.id),
        ]  # and nothing of Support once she left it: her next is her new colleague's role
        assert [_next(maya) for _ in range(6)] == [
            ("team.updated", support, None),
            ("user.role_changed", None, cast.leo.id),
            ("team.member_added", support, cast.maya.id),
            ("team.member_removed", support, cast.alice.id),
            ("team.updated", support, None),
            ("team.created", new, None),
        ]
        # bob hears of the role change (every ticket page offers leo as an assignee), then
        # of Returns only once he is in it.
        assert [_next(bob) for _ in range(2)] == [
            ("user.role_changed", None, cast.leo.id),
            ("team.member_added", new, cast.bob.id),
        ]
        _ok(client, cast.olivia, "PATCH", f"/users/{cast.bob.id}", {"role": "lead"})
        assert _next(alice) == ("user.role_changed", None, cast.bob.id)


def test_every_agent_hears_of_every_team_when_unrestricted(client: TestClient, cast: Cast) -> None:
    with client.websocket_connect(STREAM, headers=cast.bob.headers) as bob:
        subscribe(bob, topic="desk")
        support = cast.support_team
        _ok(client, cast.olivia, "PATCH", f"/teams/{support}", {"add_member_ids": [cast.maya.id]})
        new = _ok(client, cast.olivia, "POST", "/teams", {"name": "Returns"})["id"]
        _ok(client, cast.olivia, "DELETE", f"/teams/{new}")
        assert [_next(bob) for _ in range(3)] == [
            ("team.member_added", support, cast.maya.id),
            ("team.created", new, None),
            ("team.deleted", new, None),
        ]
