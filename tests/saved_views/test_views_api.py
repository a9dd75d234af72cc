"""``/api/v1/views``: who sees, shares and changes which saved view, refusals as problem+json,
and counts and tickets that never show more than the caller may see."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast, Person, inbound
from tests.web.ui.test_sessions import _number

from minidesk.saved_views import counts as saved_counts

V = "/api/v1/views"
PROBLEM = "application/problem+json"


def _make(client: TestClient, who: Person, **body: object) -> dict[str, object]:
    response = client.post(V, json={"name": "A view", **body}, headers=who.headers)
    assert response.status_code == 201, response.text
    result: dict[str, object] = response.json()
    return result


def _team(client: TestClient, cast: Cast, number: int, team: int) -> None:
    done = client.patch(
        f"/api/v1/tickets/{number}", json={"team_id": team}, headers=cast.olivia.headers
    )
    assert done.status_code == 200, done.text


def test_alices_personal_view_is_hers_alone(client: TestClient, cast: Cast) -> None:
    view = _make(client, cast.alice, name="My P1s", filters={"priority": ["P1"], "assignee": "me"})
    assert view["filters"] == {"priority": ["P1"], "assignee": "me"}
    assert view["url"] == f"/inbox?saved={view['id']}"
    assert [v["name"] for v in client.get(V, headers=cast.alice.headers).json()] == ["My P1s"]
    assert client.get(V, headers=cast.olivia.headers).json() == []  # not even an admin's
    theirs = client.get(f"{V}/{view['id']}", headers=cast.olivia.headers)
    missing = client.get(f"{V}/999999", headers=cast.olivia.headers)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.headers["content-type"] == PROBLEM
    assert theirs.json()["detail"].replace(str(view["id"]), "N") == missing.json()[
        "detail"
    ].replace("999999", "N")
    for method in ("PATCH", "DELETE"):
        answer = client.request(
            method, f"{V}/{view['id']}", json={"name": "x"}, headers=cast.bob.headers
        )
        assert answer.status_code == 404


def test_an_agent_cannot_share_a_view(client: TestClient, cast: Cast) -> None:
    refused = client.post(V, json={"name": "Ours", "shared": True}, headers=cast.alice.headers)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == PROBLEM
    assert "lead role" in refused.json()["detail"]


def test_leo_shares_with_his_own_team_only(client: TestClient, cast: Cast) -> None:
    for team, status in ((cast.billing_team, 403), (None, 403), (cast.support_team, 201)):
        answer = client.post(
            V, json={"name": "Support queue", "shared": True, "team": team},
            headers=cast.leo.headers,
        )  # fmt: skip
        assert answer.status_code == status, (team, answer.text)
    view = answer.json()
    path = f"{V}/{view['id']}"
    assert client.get(path, headers=cast.alice.headers).status_code == 200  # in Support
    assert client.get(path, headers=cast.bob.headers).status_code == 404  # in Billing
    assert client.get(path, headers=cast.maya.headers).status_code == 200  # a manager
    refused = client.patch(path, json={"name": "Mine now"}, headers=cast.alice.headers)
    assert refused.status_code == 403 and refused.headers["content-type"] == PROBLEM
    renamed = client.patch(path, json={"name": "Support, all"}, headers=cast.leo.headers)
    assert renamed.json()["name"] == "Support, all"
    assert client.delete(path, headers=cast.maya.headers).status_code == 204
    assert client.get(path, headers=cast.leo.headers).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"filters": {"status": ["bogus"]}}, "filters.status"),
        ({"filters": {"priority": "P9"}}, "filters.priority"),
        ({"filters": {"colour": "red"}}, "filters.colour"),
        ({"filters": {"team": 999999}}, "filters.team"),
        ({"filters": {"assignee": "7"}}, "filters.assignee"),
        ({"filters": {"tag": "two words"}}, "filters.tag"),
        ({"name": "   "}, "name"),
    ],
)
def test_a_bad_view_is_a_422_naming_the_field(
    client: TestClient, cast: Cast, body: dict[str, object], field: str
) -> None:
    answer = client.post(V, json={"name": "A view", **body}, headers=cast.alice.headers)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["errors"][0]["field"] == field


def test_unknown_fields_are_refused(client: TestClient, cast: Cast) -> None:
    answer = client.post(V, json={"name": "x", "colour": "red"}, headers=cast.alice.headers)
    assert answer.status_code == 422 and answer.headers["content-type"] == PROBLEM


def test_counts_and_tickets_respect_team_restriction(client: TestClient, cast: Cast) -> None:
    support = _number(inbound(client, cast.shop, "Zebra sofa torn", "r-1"))
    billing = _number(inbound(client, cast.shop, "Charged twice", "r-2", email="mia@example.com"))
    _team(client, cast, support, cast.support_team)
    _team(client, cast, billing, cast.billing_team)
    client.patch(
        "/api/v1/workspace", json={"restrict_agents_to_teams": True}, headers=cast.olivia.headers
    )
    view = _make(client, cast.maya, name="Everything open", shared=True,
                 filters={"status": ["new", "open"]})  # fmt: skip
    seen = {}
    for person in (cast.alice, cast.bob, cast.maya):
        (listed,) = client.get(V, headers=person.headers).json()
        tickets = client.get(f"{V}/{view['id']}/tickets", headers=person.headers).json()
        seen[person.email] = (listed["count"], [t["number"] for t in tickets["items"]])
    assert seen == {
        cast.alice.email: ("1", [support]),
        cast.bob.email: ("1", [billing]),
        cast.maya.email: ("2", [billing, support]),
    }


def test_me_in_a_shared_view_is_whoever_looks(client: TestClient, cast: Cast) -> None:
    number = _number(inbound(client, cast.shop, "Hello", "m-1"))
    client.patch(
        f"/api/v1/tickets/{number}", json={"assignee_id": cast.bob.id}, headers=cast.olivia.headers
    )
    view = _make(client, cast.olivia, name="Mine", shared=True, filters={"assignee": "me"})
    mine = client.get(f"{V}/{view['id']}/tickets", headers=cast.bob.headers).json()["items"]
    theirs = client.get(f"{V}/{view['id']}/tickets", headers=cast.alice.headers).json()["items"]
    assert [t["number"] for t in mine] == [number] and theirs == []


def test_a_count_stops_at_the_cap(
    client: TestClient, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(saved_counts, "COUNT_CAP", 2)
    for n in range(3):
        inbound(client, cast.shop, f"Question {n}", f"c-{n}", email=f"c{n}@example.com")
    view = _make(client, cast.alice)
    assert view["count"] == "2+"
    page = client.get(f"{V}/{view['id']}/tickets", params={"limit": 2}, headers=cast.alice.headers)
    rest = client.get(
        f"{V}/{view['id']}/tickets",
        params={"limit": 2, "cursor": page.json()["next_cursor"]},
        headers=cast.alice.headers,
    )
    assert len(page.json()["items"]) == 2 and len(rest.json()["items"]) == 1


def test_changes_are_events_naming_who(client: TestClient, cast: Cast) -> None:
    from sqlalchemy import select

    from minidesk import db
    from minidesk.events import Event

    view = _make(client, cast.leo, name="Support", shared=True, team=cast.support_team)
    client.patch(f"{V}/{view['id']}", json={"filters": {"tag": "vip"}}, headers=cast.leo.headers)
    client.delete(f"{V}/{view['id']}", headers=cast.leo.headers)
    with db.get_db().sessions() as session:
        rows = session.scalars(select(Event).where(Event.kind.like("view.%")).order_by(Event.id))
        kinds = [(e.kind, e.actor_id) for e in rows]
    assert kinds == [(k, cast.leo.id) for k in ("view.created", "view.updated", "view.deleted")]
