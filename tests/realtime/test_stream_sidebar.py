"""Saved views, teams and colleagues on the stream's ``desk`` topic (the inbox sidebar, the
team and assignee lists). The attack first: with agents restricted to their teams, bob
(agent, Billing) must not hear of alice's personal view, of a view shared with Support, nor
of a new team he is not in; alice (agent, Support) must not hear of leo's personal view."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from tests.conftest import Cast, Person
from tests.desk.visibility_world import restrict
from tests.realtime.stream_client import STREAM, subscribe, until

from minidesk import db
from minidesk.desk import users
from minidesk.events import SYSTEM
from minidesk.realtime import audience, notices
from minidesk.realtime.notices import DeskNotice

SIDEBAR = ("view.created", "view.updated", "view.deleted", "team.created", "user.created")


def _next(socket: WebSocketTestSession) -> dict[str, Any]:
    """The next sidebar notice (presence and other desk notices are skipped)."""
    while True:
        message = until(socket, type="desk.changed")
        if message["kind"] in SIDEBAR:
            return message


def _view(client: TestClient, who: Person, **body: Any) -> int:
    response = client.post("/api/v1/views", json={"filters": {}, **body}, headers=who.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _heard(message: dict[str, Any]) -> tuple[str, Any]:
    return message["kind"], message.get("team", message.get("user"))


def test_each_agent_hears_only_of_the_views_and_teams_they_see(
    client: TestClient, cast: Cast
) -> None:
    restrict(client, cast)
    with (
        client.websocket_connect(STREAM, headers=cast.alice.headers) as alice,
        client.websocket_connect(STREAM, headers=cast.bob.headers) as bob,
        client.websocket_connect(STREAM, headers=cast.maya.headers) as maya,
    ):
        for socket in (alice, bob, maya):
            subscribe(socket, topic="desk")
        mine = _view(client, cast.alice, name="My refunds")
        _view(client, cast.leo, name="Leo's own")
        support = _view(client, cast.leo, name="Support urgent", shared=True,
                        team=cast.support_team)  # fmt: skip
        with db.get_db().transaction() as session:
            returns = users.get_or_create_team(session, "Returns", SYSTEM).id
        response = client.patch(
            f"/api/v1/views/{support}", json={"name": "Support P1"}, headers=cast.leo.headers
        )
        assert response.status_code == 200, response.text
        assert client.delete(f"/api/v1/views/{mine}", headers=cast.alice.headers).status_code == 204
        _view(client, cast.maya, name="Everyone's", shared=True)

        created, renamed = ("view.created", cast.support_team), ("view.updated", cast.support_team)
        everyones = ("view.created", None)
        assert [_heard(_next(alice)) for _ in range(5)] == [
            ("view.created", cast.alice.id), created, renamed, ("view.deleted", cast.alice.id),
            everyones,
        ]  # fmt: skip
        assert [_heard(_next(maya)) for _ in range(4)] == [
            created,
            ("team.created", returns),
            renamed,
            everyones,
        ]
        # bob hears of nothing before the view shared with everyone.
        assert _heard(_next(bob)) == everyones


def test_a_new_team_and_a_new_colleague_reach_every_agent_when_unrestricted(
    client: TestClient, cast: Cast
) -> None:
    with client.websocket_connect(STREAM, headers=cast.bob.headers) as bob:
        subscribe(bob, topic="desk")
        with db.get_db().transaction() as session:
            team = users.get_or_create_team(session, "Returns", SYSTEM).id
        response = client.post(
            "/api/v1/users",
            json={"email": "nia@shop.example", "role": "agent", "name": "Nia"},
            headers=cast.olivia.headers,
        )
        assert response.status_code == 201, response.text
        assert _heard(_next(bob)) == ("team.created", team)
        assert _heard(_next(bob)) == ("user.created", response.json()["id"])


def test_a_view_notice_without_its_audience_is_not_streamed() -> None:
    """A view event that does not say who sees it is dropped, never taken as everyone's."""

    class Row:
        id, kind, ticket_id, customer_id, message_id = 9, "view.created", None, None, None
        data: dict[str, Any] = {"view_id": 3, "after": {}}

    assert audience.from_events([Row()]) == []
    personal = DeskNotice(9, "view.created", None, 4, None)
    [decoded] = notices.decode(next(notices.encode([], [personal]))).desk
    assert decoded == personal
    # Four fields (a peer of the version before): a view notice would lose who sees it.
    assert notices.decode('{"d":[[9,"view.created",null,null]]}').desk == []
    assert notices.decode('{"d":[[9,"template.created",null,null]]}').desk != []
