"""The users and teams page: an admin creates a user (password made and shown once), changes
a role, moves people between teams and deactivates them; mistakes are named per field."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conftest import Cast
from tests.web.ui.admin.helpers import signed_in

from minidesk import db
from minidesk.desk.models import Team, TeamMember, User


def _user(email: str) -> User:
    with db.get_db().sessions() as session:
        found = session.scalars(select(User).where(User.email == email)).one()
        session.expunge(found)
        return found


def _teams_of(user_id: int) -> set[int]:
    with db.get_db().sessions() as session:
        query = select(TeamMember.team_id).where(TeamMember.user_id == user_id)
        return set(session.scalars(query))


def test_olivia_creates_an_agent_in_billing_and_sees_the_password_once(
    client: TestClient, cast: Cast
) -> None:
    csrf = signed_in(client, cast.olivia.email)
    made = client.post(
        "/admin/users",
        data={"csrf": csrf, "email": "Nina@Shop.example", "name": "Nina", "role": "agent",
              "team_ids": [str(cast.billing_team)]},
    )  # fmt: skip
    assert made.status_code == 200
    assert "Created nina@shop.example (agent). Their password: " in made.text
    nina = _user("nina@shop.example")
    assert nina.password_hash and _teams_of(nina.id) == {cast.billing_team}
    assert "Their password" not in client.get("/admin/users").text


def test_mistakes_are_named_by_field_and_the_form_keeps_its_values(
    client: TestClient, cast: Cast
) -> None:
    csrf = signed_in(client, cast.olivia.email)
    taken = client.post(
        "/admin/users", data={"csrf": csrf, "email": cast.bob.email, "name": "Bobby"}
    )
    assert taken.status_code == 422
    assert 'id="email-error"' in taken.text and "already exists" in taken.text
    assert 'value="Bobby"' in taken.text
    short = client.post(
        "/admin/users", data={"csrf": csrf, "email": "x@shop.example", "password": "short"}
    )
    assert short.status_code == 422 and 'id="password-error"' in short.text
    role = client.post("/admin/users", data={"csrf": csrf, "email": "y@shop.example",
                                             "role": "owner"})  # fmt: skip
    assert role.status_code == 422 and 'id="role-error"' in role.text


def test_olivia_promotes_bob_moves_him_to_support_and_deactivates_him(
    client: TestClient, cast: Cast
) -> None:
    csrf = signed_in(client, cast.olivia.email)
    where = f"/admin/users/{cast.bob.id}"
    client.post(where, data={"csrf": csrf, "action": "role", "role": "lead"})
    assert _user(cast.bob.email).role == "lead"
    client.post(where, data={"csrf": csrf, "action": "add_team",
                             "team_id": str(cast.support_team)})  # fmt: skip
    client.post(where, data={"csrf": csrf, "action": "remove_team",
                             "team_id": str(cast.billing_team)})  # fmt: skip
    assert _teams_of(cast.bob.id) == {cast.support_team}
    done = client.post(where, data={"csrf": csrf, "action": "deactivate"})
    assert f"Updated {cast.bob.email}." in done.text
    assert not _user(cast.bob.email).active
    assert client.get("/api/v1/users/me", headers=cast.bob.headers).status_code == 401


def test_olivia_cannot_demote_herself(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.olivia.email)
    answer = client.post(
        f"/admin/users/{cast.olivia.id}", data={"csrf": csrf, "action": "role", "role": "agent"}
    )
    assert "Not changed: you cannot demote or deactivate yourself" in answer.text
    assert _user(cast.olivia.email).role == "admin"


def test_a_new_team_and_a_forged_form(client: TestClient, cast: Cast) -> None:
    csrf = signed_in(client, cast.olivia.email)
    assert (
        "Team Returns is ready."
        in client.post("/admin/teams", data={"csrf": csrf, "name": "Returns"}).text
    )
    forged = client.post("/admin/teams", data={"csrf": "stolen?", "name": "Evil"})
    assert forged.status_code == 403
    with db.get_db().sessions() as session:
        assert set(session.scalars(select(Team.name))) == {"Support", "Billing", "Returns"}


def test_removing_someone_from_a_team_over_the_api(client: TestClient, cast: Cast) -> None:
    answer = client.patch(
        f"/api/v1/users/{cast.alice.id}",
        json={"remove_team_ids": [cast.support_team]},
        headers=cast.olivia.headers,
    )
    assert answer.status_code == 200, answer.text
    assert _teams_of(cast.alice.id) == set()
