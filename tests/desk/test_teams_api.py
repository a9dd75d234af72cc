"""``/api/v1/teams``: admins manage teams and their members; everyone reads the teams they may
see. The attacks first: with agents restricted to their teams, bob (agent, Billing) learns
nothing of Support through the teams API, and may not move a ticket into Support (refused word
for word as a team that does not exist)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast, Person
from tests.desk.visibility_world import build, restrict

from minidesk import db
from minidesk.desk.models import TeamMember
from minidesk.events import Event

TEAMS = "/api/v1/teams"


def _call(client: TestClient, who: Person, method: str, path: str, body: Any = None) -> Any:
    return client.request(method, path, json=body, headers=who.headers)


def _names(client: TestClient, who: Person) -> list[str]:
    response = _call(client, who, "GET", TEAMS)
    assert response.status_code == 200, response.text
    return [team["name"] for team in response.json()["items"]]


def _kinds(team_id: int) -> list[tuple[str, Any]]:
    with db.get_db().sessions() as session:
        rows = session.scalars(select(Event).where(Event.kind.like("team.%")).order_by(Event.id))
        return [(e.kind, e.data.get("user_id")) for e in rows if e.data.get("team_id") == team_id]


def test_a_restricted_agent_sees_only_their_own_teams(client: TestClient, cast: Cast) -> None:
    assert _names(client, cast.bob) == ["Billing", "Support"]  # unrestricted: every team
    restrict(client, cast)
    assert _names(client, cast.bob) == ["Billing"]
    assert _names(client, cast.leo) == ["Support"]  # leads are restricted too
    assert _names(client, cast.maya) == ["Billing", "Support"]
    hidden = _call(client, cast.bob, "GET", f"{TEAMS}/{cast.support_team}")
    missing = _call(client, cast.bob, "GET", f"{TEAMS}/999999")
    assert hidden.status_code == missing.status_code == 404
    assert (
        hidden.json()["detail"]
        == f"team {cast.support_team} does not exist or is not visible to you"
    )
    assert missing.json()["detail"] == "team 999999 does not exist or is not visible to you"
    own = _call(client, cast.bob, "GET", f"{TEAMS}/{cast.billing_team}").json()
    assert own["members"] == [{"id": cast.bob.id, "name": "Bob"}]


def test_a_restricted_agent_may_not_move_a_ticket_to_a_team_they_are_not_in(
    client: TestClient, cast: Cast
) -> None:
    world = build(cast)
    ticket = f"/api/v1/tickets/{world.mia_billing_ticket}"
    restrict(client, cast)
    into_support = _call(client, cast.bob, "PATCH", ticket, {"team_id": cast.support_team})
    into_nothing = _call(client, cast.bob, "PATCH", ticket, {"team_id": 999999})
    assert into_support.status_code == into_nothing.status_code == 422
    assert into_support.json()["detail"] == f"no team {cast.support_team}"
    assert into_nothing.json()["detail"] == "no team 999999"
    assert _call(client, cast.bob, "GET", ticket).json()["team_id"] == cast.billing_team
    # Staying in his own team is no move; a manager moves it anywhere.
    same = _call(client, cast.bob, "PATCH", ticket, {"team_id": cast.billing_team})
    assert same.status_code == 200, same.text
    moved = _call(client, cast.maya, "PATCH", ticket, {"team_id": cast.support_team})
    assert moved.status_code == 200 and moved.json()["team_id"] == cast.support_team


def test_unrestricted_agents_move_tickets_to_any_team(client: TestClient, cast: Cast) -> None:
    world = build(cast)
    ticket = f"/api/v1/tickets/{world.mia_billing_ticket}"
    moved = _call(client, cast.bob, "PATCH", ticket, {"team_id": cast.support_team})
    assert moved.status_code == 200 and moved.json()["team_id"] == cast.support_team


def test_only_admins_change_teams(client: TestClient, cast: Cast) -> None:
    for who in (cast.alice, cast.leo, cast.maya):
        assert _call(client, who, "POST", TEAMS, {"name": "Returns"}).status_code == 403
        path = f"{TEAMS}/{cast.support_team}"
        assert _call(client, who, "PATCH", path, {"name": "Help"}).status_code == 403
        assert _call(client, who, "DELETE", path).status_code == 403
    assert _names(client, cast.olivia) == ["Billing", "Support"]


def test_an_admin_creates_renames_staffs_and_deletes_a_team(client: TestClient, cast: Cast) -> None:
    created = _call(
        client, cast.olivia, "POST", TEAMS, {"name": "Returns", "member_ids": [cast.alice.id]}
    )
    assert created.status_code == 201, created.text
    team = created.json()["id"]
    assert created.json()["members"] == [{"id": cast.alice.id, "name": "Alice"}]
    again = _call(client, cast.olivia, "POST", TEAMS, {"name": "Returns"})
    assert again.status_code == 409
    assert again.json()["detail"] == "a team named 'Returns' already exists"

    patch = {"name": "Returns & exchanges", "add_member_ids": [cast.bob.id],
             "remove_member_ids": [cast.alice.id]}  # fmt: skip
    changed = _call(client, cast.olivia, "PATCH", f"{TEAMS}/{team}", patch)
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"id": team, "name": "Returns & exchanges",
                              "members": [{"id": cast.bob.id, "name": "Bob"}]}  # fmt: skip
    taken = _call(client, cast.olivia, "PATCH", f"{TEAMS}/{team}", {"name": "Billing"})
    assert taken.status_code == 409
    nobody = _call(client, cast.olivia, "PATCH", f"{TEAMS}/{team}", {"add_member_ids": [999999]})
    assert nobody.status_code == 422 and nobody.json()["detail"] == "no user 999999"

    assert _call(client, cast.olivia, "DELETE", f"{TEAMS}/{team}").status_code == 204
    assert _call(client, cast.olivia, "GET", f"{TEAMS}/{team}").status_code == 404
    with db.get_db().sessions() as session:
        assert session.scalars(select(TeamMember).where(TeamMember.team_id == team)).all() == []
    assert _kinds(team) == [
        ("team.created", None),
        ("team.member_added", cast.alice.id),
        ("team.updated", None),
        ("team.member_added", cast.bob.id),
        ("team.member_removed", cast.alice.id),
        ("team.member_removed", cast.bob.id),
        ("team.deleted", None),
    ]


def test_a_team_still_in_use_is_neither_deleted_nor_renamed_under_its_rules(
    client: TestClient, cast: Cast
) -> None:
    world = build(cast)
    support = f"{TEAMS}/{cast.support_team}"
    refused = _call(client, cast.olivia, "DELETE", support)
    assert refused.status_code == 409
    assert "row(s) of tickets" in refused.json()["detail"]
    assert _names(client, cast.olivia) == ["Billing", "Support"]

    rule = {"name": "Refunds to Billing", "event": "message.received",
            "conditions": [], "actions": [{"type": "set_team", "team": "Billing"}]}  # fmt: skip
    made = _call(client, cast.olivia, "POST", "/api/v1/rules", rule)
    assert made.status_code == 201, made.text
    rename = _call(client, cast.olivia, "PATCH", f"{TEAMS}/{cast.billing_team}", {"name": "Money"})
    assert rename.status_code == 409
    assert "(Refunds to Billing) name team 'Billing'" in rename.json()["detail"]
    assert world.mia_billing_ticket  # Billing keeps its ticket and its name
    assert _names(client, cast.olivia) == ["Billing", "Support"]


def test_the_ticket_page_neither_offers_nor_takes_a_team_she_is_not_in(
    client: TestClient, cast: Cast
) -> None:
    from tests.web.ui.admin.helpers import signed_in

    world = build(cast)
    restrict(client, cast)
    csrf = signed_in(client, cast.alice.email)
    number = world.sam_ticket  # Support's: alice's team
    html = client.get(f"/tickets/{number}").text
    picker = html[
        html.index('<select id="prop-team"') : html.index("</select>", html.index('id="prop-team"'))
    ]
    assert ">Support<" in picker and ">Billing<" not in picker
    form = {"csrf": csrf, "team": str(cast.billing_team)}
    refused = client.post(f"/tickets/{number}/properties", data=form)
    assert f"Not changed: no team {cast.billing_team}" in refused.text
    ticket = _call(client, cast.maya, "GET", f"/api/v1/tickets/{number}").json()
    assert ticket["team_id"] == cast.support_team
